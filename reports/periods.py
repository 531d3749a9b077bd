"""A report's period: a calendar quarter or any date range, in Hong Kong time.

Figures "for a period" stand at the period's end (or now, while it runs); the executive
summary compares them with the period just before, of the same length (the previous quarter
for a quarter).
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    @classmethod
    def quarter(cls, year: int, number: int) -> "Period":
        first = date(year, 3 * number - 2, 1)
        following = date(year + 1, 1, 1) if number == 4 else date(year, 3 * number + 1, 1)
        return cls(first, following - timedelta(days=1))

    @classmethod
    def quarter_containing(cls, day: date) -> "Period":
        return cls.quarter(day.year, (day.month - 1) // 3 + 1)

    @property
    def quarter_number(self) -> int | None:
        """1–4 when the period is exactly a calendar quarter."""
        candidate = Period.quarter_containing(self.start)
        return (self.start.month - 1) // 3 + 1 if candidate == self else None

    @property
    def code(self) -> str:
        number = self.quarter_number
        return f"{self.start.year}Q{number}" if number else f"{self.start:%Y%m%d}-{self.end:%Y%m%d}"

    @property
    def label(self) -> str:
        number = self.quarter_number
        if number:
            return _("%(year)s Q%(number)s") % {"year": self.start.year, "number": number}
        return _("%(start)s to %(end)s") % {"start": self.start.isoformat(), "end": self.end.isoformat()}

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> "Period":
        if self.quarter_number:
            return Period.quarter_containing(self.start - timedelta(days=1))
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    @property
    def starts_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def ends_at(self) -> datetime:
        """The first moment after the period (exclusive)."""
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))

    def as_of(self, now: datetime | None = None) -> datetime:
        """The moment the period's figures stand at: its end, or now while it runs."""
        return min(self.ends_at, now or timezone.now())


def recent_quarters(count: int, today: date | None = None) -> list[Period]:
    """The current quarter and the ``count - 1`` before it, newest first."""
    quarters = [Period.quarter_containing(today or timezone.localdate())]
    while len(quarters) < count:
        quarters.append(quarters[-1].previous())
    return quarters
