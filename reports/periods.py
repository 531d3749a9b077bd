"""A report's period: a calendar quarter (``adoption.quarters.Quarter``) or any range of days.

A ``Period`` offers what the portfolio query layer reads from a quarter (``start``/``end`` as
moments, ``first_day``/``last_day`` as days), so either kind can be passed to it. Figures
"for a period" stand at its end (or now, while it runs); the executive summary compares them
with the period just before, of the same length (the previous quarter for a quarter).
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from adoption.quarters import Quarter
from adoption.segments import AsOf


@dataclass(frozen=True)
class Period:
    first_day: date
    last_day: date  # inclusive

    @classmethod
    def of_quarter(cls, quarter: Quarter) -> "Period":
        return cls(quarter.first_day, quarter.last_day)

    @classmethod
    def quarter(cls, year: int, number: int) -> "Period":
        return cls.of_quarter(Quarter(year, number))

    @property
    def as_quarter(self) -> Quarter | None:
        """The calendar quarter this period is exactly, if it is one."""
        quarter = Quarter.containing(self.first_day)
        return quarter if (quarter.first_day, quarter.last_day) == (self.first_day, self.last_day) else None

    @property
    def code(self) -> str:
        quarter = self.as_quarter
        return str(quarter) if quarter else f"{self.first_day:%Y%m%d}-{self.last_day:%Y%m%d}"

    @property
    def label(self) -> str:
        quarter = self.as_quarter
        if quarter:
            return quarter.label
        return _("%(start)s to %(end)s") % {"start": self.first_day.isoformat(), "end": self.last_day.isoformat()}

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    @property
    def next_quarter_end(self) -> date:
        """The last day of the quarter after the one the period ends in."""
        return Quarter.containing(self.last_day).next().last_day

    def previous(self) -> "Period":
        quarter = self.as_quarter
        if quarter:
            return Period.of_quarter(quarter.previous())
        return Period(self.first_day - timedelta(days=self.days), self.first_day - timedelta(days=1))

    @property
    def start(self) -> datetime:
        """The first moment of the period, Hong Kong time."""
        return timezone.make_aware(datetime.combine(self.first_day, time.min))

    @property
    def end(self) -> datetime:
        """The first moment after the period (exclusive)."""
        return timezone.make_aware(datetime.combine(self.last_day + timedelta(days=1), time.min))

    def as_of(self, now: datetime | None = None) -> AsOf:
        """The moment the period's figures stand at: its end, or now while it runs."""
        now = now or timezone.now()
        return AsOf(now, live=True) if self.end > now else AsOf(self.end, live=False)


def recent_quarters(count: int) -> list[Period]:
    """The current quarter and the ``count - 1`` before it, newest first."""
    return [Period.of_quarter(quarter) for quarter in reversed(Quarter.current().preceding(count))]
