"""The portfolio's figures as plain, picklable data: no querysets, no lazy translations.

Names are kept in both languages and chosen when shown, so one computed (and cached) set of
figures serves English and Chinese pages, PDF reports and quarterly returns alike.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from adoption.bilingual import localized
from adoption.quarters import Quarter
from adoption.segments import AsOf
from lifecycle.stages import LIFECYCLE_STAGES, Stage


@dataclass(frozen=True)
class Unit:
    """A B/D as the figures name it; ``group_id`` is its bureau's id (its own when it has none)."""

    id: int
    code: str
    name_en: str
    name_zh_hant: str
    kind: str
    group_id: int
    path: str = ""

    @property
    def pk(self) -> int:
        return self.id

    @property
    def name(self) -> str:
        return localized(self.name_en, self.name_zh_hant)


@dataclass(frozen=True)
class Benefits:
    """Annual benefits: staff hours saved a year and cost saved a year (HK$)."""

    staff_hours: int = 0
    cost_hkd: Decimal = Decimal("0")

    def __add__(self, other: "Benefits") -> "Benefits":
        return Benefits(self.staff_hours + other.staff_hours, self.cost_hkd + other.cost_hkd)


@dataclass(frozen=True)
class UnitFigures:
    """The figures of one B/D."""

    unit_id: int
    by_stage: dict[str, int] = field(default_factory=dict)
    in_operation: int = 0
    stalled: int = 0
    awaiting_gate_review: int = 0
    periodic_review_overdue: int = 0
    with_open_incidents: int = 0
    gate_due: int = 0

    @property
    def total(self) -> int:
        return sum(self.by_stage.values())

    @property
    def active(self) -> int:
        return sum(self.by_stage.get(stage, 0) for stage in LIFECYCLE_STAGES)


@dataclass(frozen=True)
class BenefitFigures:
    """Expected benefits of the active projects; expected and realised of those in operation."""

    expected_active: Benefits = Benefits()
    expected_in_operation: Benefits = Benefits()
    realised_in_operation: Benefits = Benefits()
    in_operation_reporting: int = 0  # projects in operation that have reported a realised benefit


@dataclass(frozen=True)
class CycleTime:
    """How long projects took to pass a stage's gate, in whole days (percentiles interpolated)."""

    stage: str
    count: int
    median: float | None = None
    p25: float | None = None
    p75: float | None = None
    p10: float | None = None
    p90: float | None = None


@dataclass(frozen=True)
class QuarterChanges:
    """Projects registered and stage changes made in a quarter (``StageExit`` → number of changes)."""

    quarter: Quarter
    registered: int = 0
    by_exit: dict[str, int] = field(default_factory=dict)

    @property
    def changes(self) -> int:
        return sum(self.by_exit.values())


@dataclass(frozen=True)
class ProjectLine:
    """One project of a short list (stalled, gates due)."""

    id: int
    code: str
    title_en: str
    title_zh_hant: str
    bd_code: str
    stage: str
    since: datetime
    target: date | None = None

    @property
    def title(self) -> str:
        return localized(self.title_en, self.title_zh_hant)


@dataclass(frozen=True)
class PortfolioFigures:
    as_of: AsOf
    period: Quarter | None
    computed_at: datetime
    units: dict[int, Unit]
    per_unit: dict[int, UnitFigures]
    open_incidents_by_severity: dict[str, int]
    benefits: BenefitFigures
    strategy_mix: dict[str, int]
    category_mix: dict[str, int]
    tier_mix: dict[str, int]
    cycle_times: list[CycleTime]
    quarters: list[QuarterChanges]
    stalled_list: list[ProjectLine]
    gates_due_list: list[ProjectLine]

    def _sum(self, name: str) -> int:
        return sum(getattr(figures, name) for figures in self.per_unit.values())

    @property
    def by_stage(self) -> dict[str, int]:
        totals = dict.fromkeys(Stage.values, 0)
        for figures in self.per_unit.values():
            for stage, count in figures.by_stage.items():
                totals[stage] += count
        return totals

    @property
    def total(self) -> int:
        return self._sum("total")

    @property
    def active(self) -> int:
        return self._sum("active")

    @property
    def in_pilot(self) -> int:
        return self.by_stage[Stage.TEST_VALIDATE]

    @property
    def in_operation(self) -> int:
        return self._sum("in_operation")

    @property
    def stalled(self) -> int:
        return self._sum("stalled")

    @property
    def awaiting_gate_review(self) -> int:
        return self._sum("awaiting_gate_review")

    @property
    def periodic_review_overdue(self) -> int:
        return self._sum("periodic_review_overdue")

    @property
    def with_open_incidents(self) -> int:
        return self._sum("with_open_incidents")

    @property
    def gate_due(self) -> int:
        return self._sum("gate_due")

    @property
    def open_incidents(self) -> int:
        return sum(self.open_incidents_by_severity.values())

    @property
    def period_changes(self) -> QuarterChanges | None:
        """The stage changes of the selected quarter (or of the current one when none is selected)."""
        return self.quarters[-1] if self.quarters else None
