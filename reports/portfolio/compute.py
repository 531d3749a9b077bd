"""Every portfolio figure for a set of projects, with a fixed number of aggregate queries.

``portfolio_figures(projects, as_of=..., period=...)`` takes a project queryset that is already
scoped (``Project.objects.restrict(user, permission)``) and filtered, and returns plain data.
The number of queries is ``QUERIES`` whatever the number of projects. No figure is computed
from the audit trail: the time in a stage comes from ``lifecycle.StagePeriod``, which the
transitions keep, and the segments are those of ``adoption.segments``.
"""

import math
from collections import Counter, defaultdict
from decimal import Decimal

from django.db.models import Case, Count, F, Q, Sum, When
from django.db.models.functions import TruncDate, TruncQuarter
from django.utils import timezone

from adoption.choices import OrgUnitKind
from adoption.models import STAGE_TARGET_FIELDS, OrgUnit
from adoption.quarters import Quarter
from adoption.segments import (
    AsOf,
    Segment,
    gate_passed_q,
    held_at_q,
    in_segment,
    incident_open_q,
    operation_period_q,
    period_gate_due_q,
    period_stalled_q,
)
from lifecycle.models import Incident, StagePeriod
from lifecycle.stages import LIFECYCLE_STAGES, Stage
from reports.portfolio.db import DaysBetween, DaysBetweenDates
from reports.portfolio.figures import (
    BenefitFigures,
    Benefits,
    CycleTime,
    PortfolioFigures,
    ProjectLine,
    QuarterChanges,
    Unit,
    UnitFigures,
)

QUARTERS_SHOWN = 8
LIST_LENGTH = 10
# The queries portfolio_figures() makes, whatever the number of projects:
# B/Ds; by B/D and stage; in operation; five segments by B/D; incidents; mix; two cycle-time
# histograms; stage changes and registrations by quarter; the stalled and gates-due lists.
QUERIES = 16

# Segments counted per B/D, each with its one definition (adoption.segments, ProjectQuerySet).
COUNTED_SEGMENTS = {
    "stalled": Segment.STALLED,
    "awaiting_gate_review": Segment.AWAITING_GATE_REVIEW,
    "periodic_review_overdue": Segment.PERIODIC_REVIEW_OVERDUE,
    "with_open_incidents": Segment.WITH_OPEN_INCIDENTS,
    "gate_due": Segment.GATE_DUE,
}
GATED_STAGES = LIFECYCLE_STAGES[:-1]  # left by a gate review; the last one by going into operation


def portfolio_figures(
    projects, *, as_of: AsOf | None = None, period: Quarter | None = None, lists: int = LIST_LENGTH
) -> PortfolioFigures:
    """The figures of ``projects`` as at ``as_of`` (default: now), with the stage changes of ``period``.

    ``period`` limits the cycle times to gates passed in that quarter and ends the row of
    quarters of stage changes; None means cycle times over all time, quarters up to ``as_of``.
    For a past ``as_of``, ``projects`` should hold only projects registered by then
    (``adoption.segments.existing``; the shared ``ProjectFilter`` does this for ``quarter``).
    """
    as_of = as_of or AsOf.now()
    projects = projects.order_by()
    by_stage, expected_active = _by_unit_and_stage(projects, as_of)
    in_operation, benefits = _in_operation(projects, as_of)
    counted = {name: _count_by_unit(in_segment(projects, segment, as_of)) for name, segment in COUNTED_SEGMENTS.items()}
    per_unit = {
        unit_id: UnitFigures(
            unit_id=unit_id,
            by_stage=stages,
            in_operation=in_operation.get(unit_id, 0),
            **{name: counts.get(unit_id, 0) for name, counts in counted.items()},
        )
        for unit_id, stages in by_stage.items()
    }
    strategy, category, tier = _mix(projects, as_of)
    return PortfolioFigures(
        as_of=as_of,
        period=period,
        computed_at=timezone.now(),
        units=org_units(),
        per_unit=per_unit,
        open_incidents_by_severity=_open_incidents(projects, as_of),
        benefits=BenefitFigures(expected_active=expected_active, **benefits),
        strategy_mix=strategy,
        category_mix=category,
        tier_mix=tier,
        cycle_times=[*_gate_cycle_times(projects, period), _operation_cycle_time(projects, period)],
        quarters=_quarters(projects, period or Quarter.containing(as_of.moment)),
        stalled_list=_stalled_list(projects, as_of, lists),
        gates_due_list=_gates_due_list(projects, as_of, lists),
    )


def org_units() -> dict[int, Unit]:
    """Every B/D with its bureau, for naming and grouping figures."""
    rows = list(
        OrgUnit.objects.order_by("code").values("id", "code", "name_en", "name_zh_hant", "kind", "parent_id", "path")
    )
    by_id = {row["id"]: row for row in rows}

    def group(row) -> int:
        unit = row
        while unit is not None:
            if unit["kind"] == OrgUnitKind.BUREAU:
                return unit["id"]
            unit = by_id.get(unit["parent_id"])
        return row["id"]

    return {
        row["id"]: Unit(
            id=row["id"],
            code=row["code"],
            name_en=row["name_en"],
            name_zh_hant=row["name_zh_hant"],
            kind=row["kind"],
            group_id=group(row),
            path=row["path"],
        )
        for row in rows
    }


def _by_unit_and_stage(projects, as_of: AsOf) -> tuple[dict[int, dict[str, int]], Benefits]:
    """Projects by B/D and stage (as at ``as_of``), and the expected benefits of the active ones."""
    sums = {"count": Count("pk")}
    if as_of.live:
        rows = projects.values("bd_id", "stage").annotate(
            hours=Sum("expected_staff_hours_per_year"), cost=Sum("expected_cost_saving_hkd_per_year"), **sums
        )
    else:
        rows = (
            StagePeriod.objects.filter(held_at_q(as_of.moment), project__in=projects)
            .values("stage", bd_id=F("project__bd_id"))
            .annotate(
                hours=Sum("project__expected_staff_hours_per_year"),
                cost=Sum("project__expected_cost_saving_hkd_per_year"),
                **sums,
            )
        )
    by_unit: dict[int, dict[str, int]] = defaultdict(dict)
    expected = Benefits()
    for row in rows:
        by_unit[row["bd_id"]][row["stage"]] = row["count"]
        if row["stage"] in LIFECYCLE_STAGES:
            expected += Benefits(row["hours"] or 0, row["cost"] or Decimal("0"))
    return dict(by_unit), expected


def _in_operation(projects, as_of: AsOf) -> tuple[dict[int, int], dict]:
    rows = (
        in_segment(projects, Segment.IN_OPERATION, as_of)
        .values("bd_id")
        .annotate(
            count=Count("pk"),
            expected_hours=Sum("expected_staff_hours_per_year"),
            expected_cost=Sum("expected_cost_saving_hkd_per_year"),
            realised_hours=Sum("realised_staff_hours_per_year"),
            realised_cost=Sum("realised_cost_saving_hkd_per_year"),
            reporting=Count(
                "pk",
                filter=Q(realised_staff_hours_per_year__isnull=False)
                | Q(realised_cost_saving_hkd_per_year__isnull=False),
            ),
        )
    )
    counts, expected, realised, reporting = {}, Benefits(), Benefits(), 0
    for row in rows:
        counts[row["bd_id"]] = row["count"]
        expected += Benefits(row["expected_hours"] or 0, row["expected_cost"] or Decimal("0"))
        realised += Benefits(row["realised_hours"] or 0, row["realised_cost"] or Decimal("0"))
        reporting += row["reporting"]
    return counts, {
        "expected_in_operation": expected,
        "realised_in_operation": realised,
        "in_operation_reporting": reporting,
    }


def _count_by_unit(projects) -> dict[int, int]:
    return {row["bd_id"]: row["count"] for row in projects.values("bd_id").annotate(count=Count("pk"))}


def _mix(projects, as_of: AsOf) -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
    """The active projects by adoption strategy, solution category and risk tier."""
    strategy, category, tier = Counter(), Counter(), Counter()
    rows = in_segment(projects, Segment.ACTIVE, as_of).values("strategy", "category", "risk_tier")
    for row in rows.annotate(count=Count("pk")):
        strategy[row["strategy"]] += row["count"]
        category[row["category"]] += row["count"]
        tier[row["risk_tier"]] += row["count"]
    return dict(strategy), dict(category), dict(tier)


def _open_incidents(projects, as_of: AsOf) -> dict[str, int]:
    rows = Incident.objects.filter(incident_open_q(as_of), project__in=projects).values("severity")
    return {row["severity"]: row["count"] for row in rows.annotate(count=Count("pk")).order_by()}


def percentile(histogram: list[tuple[int, int]], fraction: float) -> float | None:
    """The ``fraction`` percentile of the values counted in ``histogram`` (value, count), sorted
    by value, interpolated between neighbours like PostgreSQL's ``percentile_cont``."""
    total = sum(count for _, count in histogram)
    if not total:
        return None
    position = fraction * (total - 1)
    lower_rank, upper_rank = math.floor(position), math.ceil(position)
    lower = upper = None
    seen = 0
    for value, count in histogram:
        if lower is None and lower_rank < seen + count:
            lower = value
        if upper_rank < seen + count:
            upper = value
            break
        seen += count
    return round(lower + (upper - lower) * (position - lower_rank), 2)


def _cycle_time(stage: str, histogram: dict[int, int]) -> CycleTime:
    ordered = sorted(histogram.items())
    return CycleTime(
        stage=stage,
        count=sum(histogram.values()),
        median=percentile(ordered, 0.5),
        p25=percentile(ordered, 0.25),
        p75=percentile(ordered, 0.75),
        p10=percentile(ordered, 0.1),
        p90=percentile(ordered, 0.9),
    )


def _gate_cycle_times(projects, period: Quarter | None) -> list[CycleTime]:
    """Days from entering a stage to passing its gate, per stage visit, for the first four stages."""
    rows = (
        StagePeriod.objects.filter(gate_passed_q(GATED_STAGES, period), project__in=projects)
        .values("stage", days=DaysBetween("exited_at", "entered_at"))
        .annotate(count=Count("pk"))
        .order_by()
    )
    histograms: dict[str, dict[int, int]] = {stage: {} for stage in GATED_STAGES}
    for row in rows:
        histograms[row["stage"]][row["days"]] = row["count"]
    return [_cycle_time(stage, histograms[stage]) for stage in GATED_STAGES]


def _operation_cycle_time(projects, period: Quarter | None) -> CycleTime:
    """Days from entering the last stage to going into operation."""
    rows = (
        StagePeriod.objects.filter(operation_period_q(period), project__in=projects)
        .values(days=DaysBetweenDates("project__in_operation_since", TruncDate("entered_at")))
        .annotate(count=Count("pk"))
        .order_by()
    )
    return _cycle_time(Stage.DEPLOY_IMPROVE, {row["days"]: row["count"] for row in rows})


def _quarters(projects, last: Quarter) -> list[QuarterChanges]:
    quarters = last.preceding(QUARTERS_SHOWN)
    start, end = quarters[0].start, quarters[-1].end
    changes: dict[Quarter, dict[str, int]] = defaultdict(dict)
    rows = (
        StagePeriod.objects.filter(project__in=projects, exited_at__gte=start, exited_at__lt=end)
        .values("exit", quarter=TruncQuarter("exited_at"))
        .annotate(count=Count("pk"))
        .order_by()
    )
    for row in rows:
        changes[Quarter.containing(row["quarter"])][row["exit"]] = row["count"]
    registered = {
        Quarter.containing(row["quarter"]): row["count"]
        for row in projects.filter(created_at__gte=start, created_at__lt=end)
        .values(quarter=TruncQuarter("created_at"))
        .annotate(count=Count("pk"))
    }
    return [
        QuarterChanges(quarter=quarter, registered=registered.get(quarter, 0), by_exit=changes.get(quarter, {}))
        for quarter in quarters
    ]


LINE_FIELDS = ("id", "code", "title_en", "title_zh_hant", "bd__code")


def _line(row: dict, prefix: str = "") -> ProjectLine:
    return ProjectLine(
        id=row[f"{prefix}id"],
        code=row[f"{prefix}code"],
        title_en=row[f"{prefix}title_en"],
        title_zh_hant=row[f"{prefix}title_zh_hant"],
        bd_code=row[f"{prefix}bd__code"],
        stage=row["stage"],
        since=row["since"],
        target=row.get("target"),
    )


def _target_of_stage(prefix: str = "") -> Case:
    return Case(*(When(stage=stage, then=F(f"{prefix}{field}")) for stage, field in STAGE_TARGET_FIELDS.items()))


def _stalled_list(projects, as_of: AsOf, length: int) -> list[ProjectLine]:
    """The projects longest in their stage among the stalled ones."""
    if as_of.live:
        rows = (
            in_segment(projects, Segment.STALLED, as_of)
            .order_by("stage_entered_at", "pk")
            .values(*LINE_FIELDS, "stage", since=F("stage_entered_at"))
        )
        return [_line(row) for row in rows[:length]]
    rows = (
        StagePeriod.objects.filter(held_at_q(as_of.moment), period_stalled_q(as_of), project__in=projects)
        .order_by("entered_at", "pk")
        .values(*(f"project__{name}" for name in LINE_FIELDS), "stage", since=F("entered_at"))
    )
    return [_line(row, "project__") for row in rows[:length]]


def _gates_due_list(projects, as_of: AsOf, length: int) -> list[ProjectLine]:
    """The projects whose current gate is due soonest (or most overdue)."""
    if as_of.live:
        rows = (
            in_segment(projects, Segment.GATE_DUE, as_of)
            .annotate(target=_target_of_stage())
            .order_by("target", "pk")
            .values(*LINE_FIELDS, "stage", "target", since=F("stage_entered_at"))
        )
        return [_line(row) for row in rows[:length]]
    rows = (
        StagePeriod.objects.filter(held_at_q(as_of.moment), period_gate_due_q(as_of), project__in=projects)
        .annotate(target=_target_of_stage("project__"))
        .order_by("target", "pk")
        .values(*(f"project__{name}" for name in LINE_FIELDS), "stage", "target", since=F("entered_at"))
    )
    return [_line(row, "project__") for row in rows[:length]]
