"""Calendar quarters in Hong Kong time, e.g. ``2026Q3`` = 1 July to 30 September 2026.

Portfolio figures "for a quarter" are the portfolio as it stood at the quarter's end (for the
current quarter: now), and the stage changes made within the quarter. The dashboard, its
drill-down filters, the portfolio reports and the quarterly returns share this one definition.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

QUARTER_PATTERN = re.compile(r"\s*(\d{4})\s*-?\s*[Qq]\s*([1-4])\s*")
FIRST_YEAR, LAST_YEAR = 2000, 2100


class QuarterError(ValueError):
    """Not a quarter, with a message the user can act on."""


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def parse(cls, value: str) -> "Quarter":
        """``2026Q3``; ``2026-Q3`` and ``2026q3`` are accepted too."""
        match = QUARTER_PATTERN.fullmatch(value or "")
        if not match:
            raise QuarterError(_("Give a quarter as year and quarter number, e.g. 2026Q3."))
        year, number = int(match[1]), int(match[2])
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise QuarterError(_("Give a year between 2000 and 2100."))
        return cls(year, number)

    @classmethod
    def containing(cls, day: date | datetime) -> "Quarter":
        if isinstance(day, datetime):
            day = timezone.localtime(day).date()
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def current(cls) -> "Quarter":
        return cls.containing(timezone.localdate())

    @classmethod
    def last_ended(cls, today: date | None = None) -> "Quarter":
        """The most recent quarter whose last day has passed."""
        return cls.containing(today or timezone.localdate()).previous()

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def label(self) -> str:
        """As people write it: "2026 Q3" in English, "2026年第3季" in Chinese."""
        from adoption.bilingual import wants_chinese

        return f"{self.year}年第{self.number}季" if wants_chinese() else f"{self.year} Q{self.number}"

    @property
    def chart_label(self) -> str:
        """On two lines, for a chart's axis: "Q3" over "2026"."""
        from adoption.bilingual import wants_chinese

        return f"第{self.number}季\n{self.year}" if wants_chinese() else f"Q{self.number}\n{self.year}"

    @property
    def first_day(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> date:
        return self.next().first_day - timedelta(days=1)

    @property
    def start(self) -> datetime:
        """The first moment of the quarter, Hong Kong time."""
        return timezone.make_aware(datetime.combine(self.first_day, time.min))

    @property
    def end(self) -> datetime:
        """The first moment after the quarter (exclusive)."""
        return self.next().start

    def next(self) -> "Quarter":
        return Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)

    def previous(self) -> "Quarter":
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)

    def preceding(self, count: int) -> list["Quarter"]:
        """The ``count`` quarters ending with this one, oldest first."""
        quarters = [self]
        while len(quarters) < count:
            quarters.append(quarters[-1].previous())
        return quarters[::-1]

    def as_of(self, now: datetime | None = None) -> datetime:
        """The moment the quarter's figures stand at: its end, or now while it runs."""
        now = now or timezone.now()
        return min(self.end, now)

    def has_begun(self, now: datetime | None = None) -> bool:
        return self.start <= (now or timezone.now())

    def has_ended(self, today: date | None = None) -> bool:
        return (today or timezone.localdate()) > self.last_day
