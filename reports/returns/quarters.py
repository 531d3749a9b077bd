"""Quarters such as 2026Q3: parsing, their first and last days, and their bounds in time."""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

PATTERN = re.compile(r"^\s*(\d{4})\s*-?\s*Q([1-4])\s*$", re.IGNORECASE)


class BadQuarter(ValueError):
    pass


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> "Quarter":
        match = PATTERN.match(text or "")
        if not match or not 2000 <= int(match.group(1)) <= 2999:
            raise BadQuarter(text)
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def containing(cls, day: date) -> "Quarter":
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def last_ended(cls, today: date | None = None) -> "Quarter":
        return cls.containing(today or timezone.localdate()).previous()

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def first_day(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> date:
        return self.next().first_day - timedelta(days=1)

    def previous(self) -> "Quarter":
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)

    def next(self) -> "Quarter":
        return Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)

    @property
    def start(self) -> datetime:
        """The quarter's first instant, Hong Kong time."""
        return datetime.combine(self.first_day, time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))

    @property
    def end(self) -> datetime:
        """The first instant after the quarter (exclusive end)."""
        return self.next().start

    def has_ended(self, today: date | None = None) -> bool:
        return (today or timezone.localdate()) > self.last_day
