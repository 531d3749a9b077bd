"""Every portfolio figure for a set of projects, with a fixed number of aggregate queries.

``portfolio_figures(projects, as_of=..., period=...)`` takes a project queryset that is already
scoped (``Project.objects.restrict(user, permission)``) and filtered, and returns plain data.
The number of queries is ``QUERIES`` whatever the number of projects. No figure is computed
from the audit trail: the time in a stage comes from ``lifecycle.StagePeriod``, which the
transitions keep, and the segments are those of ``ProjectQuerySet`` (now) and ``adoption.segments``
(at a past moment).
"""

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, Count, F, IntegerField, Q, Sum, Value, When
from django.utils import timezone

from adoption.choices import AdoptionStrategy, OrgUnitKind, RiskTier, SolutionCategory
from adoption.models import OrgUnit, ProjectQuerySet, gate_target
from adoption.quarters import Quarter
from adoption.segments import (
    AsOf,
    Segment,
    gate_passed_q,
    held_at_q,
    in_segment,
    incident_open_q,
    operation_started_q,
    period_gate_due_q,
    period_in_operation_q,
    period_overdue_q,
    period_stalled_q,
    review_pending_q,
)
from lifecycle.models import GateReview, Incident, StagePeriod
from lifecycle.stages import LIFECYCLE_STAGES, Stage
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
# The queries portfolio_figures() makes, whatever the number of projects. Now: B/Ds; every
# figure by B/D and stage, the mix and the registrations by quarter in one pass over the
# projects; gate reviews waiting and open incidents by B/D; incidents by severity; two
# cycle-time histograms; stage changes by quarter; the stalled and gates-due lists. At a past
# moment, the same: the one pass goes over the stage periods the projects were in then.
QUERIES = 10
QUERIES_AT_A_PAST_MOMENT = QUERIES

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
    quarters = (period or Quarter.containing(as_of.moment)).preceding(QUARTERS_SHOWN)
    tally = (_tally_now if as_of.live else _tally_then)(projects, as_of, quarters)
    return PortfolioFigures(
        as_of=as_of,
        period=period,
        computed_at=timezone.now(),
        units=org_units(),
        per_unit=tally.per_unit,
        open_incidents_by_severity=_open_incidents(projects, as_of),
        benefits=tally.benefits,
        strategy_mix=tally.strategy,
        category_mix=tally.category,
        tier_mix=tally.tier,
        cycle_times=[*_gate_cycle_times(projects, period), _operation_cycle_time(projects, period)],
        quarters=_quarters(projects, quarters, tally.registered),
        stalled_list=_stalled_list(projects, as_of, lists),
        gates_due_list=_gates_due_list(projects, as_of, lists),
    )


@dataclass
class _Tally:
    """What one pass over the projects gives: figures by B/D, benefits, mix, registrations."""

    per_unit: dict[int, UnitFigures]
    benefits: BenefitFigures
    strategy: dict[str, int]
    category: dict[str, int]
    tier: dict[str, int]
    registered: dict[int, int]  # index of the quarter → projects registered in it


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


def _within(records, projects, field: str = "project"):
    """Records of the given projects; all of them when ``projects`` is not filtered at all."""
    if not projects.query.where:
        return records
    return records.filter(**{f"{field}__in": projects})


def _benefit_sums(prefix: str = "", condition: Q | None = None) -> dict:
    return {
        "expected_hours": Sum(f"{prefix}expected_staff_hours_per_year", filter=condition),
        "expected_cost": Sum(f"{prefix}expected_cost_saving_hkd_per_year", filter=condition),
    }


def _benefits(row: dict, prefix: str = "") -> Benefits:
    return Benefits(row[f"{prefix}expected_hours"] or 0, row[f"{prefix}expected_cost"] or Decimal("0"))


# The mix is counted for each declared value of these fields (model validation allows no other).
MIX_FIELDS = {"strategy": AdoptionStrategy, "category": SolutionCategory, "risk_tier": RiskTier}


def _tally_now(projects, as_of: AsOf, quarters: list[Quarter]) -> _Tally:
    """The pass over the projects themselves: their stage now, each segment by its own condition
    (``ProjectQuerySet.*_q``)."""
    conditions = {
        "in_operation": ProjectQuerySet.in_operation_q(),
        "stalled": ProjectQuerySet.stalled_q(now=as_of.moment),
        "periodic_review_overdue": ProjectQuerySet.periodic_review_overdue_q(today=as_of.day),
        "gate_due": ProjectQuerySet.gate_due_q(today=as_of.day),
    }
    return _tally(projects.values("bd_id", "stage"), projects, as_of, quarters, conditions)


def _tally_then(projects, as_of: AsOf, quarters: list[Quarter]) -> _Tally:
    """The pass over the stage periods the projects were in at a past moment, each segment by its
    as-at definition (``adoption.segments.period_*_q``)."""
    conditions = {
        "in_operation": period_in_operation_q(as_of),
        "stalled": period_stalled_q(as_of),
        "periodic_review_overdue": period_overdue_q(as_of),
        "gate_due": period_gate_due_q(as_of),
    }
    periods = StagePeriod.objects.filter(held_at_q(as_of.moment), project__in=projects)
    rows = periods.values("stage", bd_id=F("project__bd_id"))
    return _tally(rows, projects, as_of, quarters, conditions, prefix="project__")


def _tally(rows, projects, as_of: AsOf, quarters: list[Quarter], conditions: dict[str, Q], prefix: str = "") -> _Tally:
    """Every figure per B/D and stage in one pass over ``rows`` (projects, or stage periods whose
    project fields are reached through ``prefix``), counting each segment of ``conditions``, with
    the mix and the registrations by quarter; plus one small query per segment kept in another
    table."""
    in_operation = conditions["in_operation"]
    mix = {
        f"{field}:{value}": Count("pk", filter=Q(**{f"{prefix}{field}": value}))
        for field, choices in MIX_FIELDS.items()
        for value in choices.values
    }
    created = f"{prefix}created_at"
    registered = {
        f"registered:{index}": Count(
            "pk", filter=Q(**{f"{created}__gte": quarter.start, f"{created}__lt": quarter.end})
        )
        for index, quarter in enumerate(quarters)
    }
    realised_hours, realised_cost = (
        f"{prefix}realised_staff_hours_per_year",
        f"{prefix}realised_cost_saving_hkd_per_year",
    )
    rows = rows.annotate(
        count=Count("pk"),
        **_benefit_sums(prefix),
        **{name: Count("pk", filter=condition) for name, condition in conditions.items()},
        **{f"operating_{name}": value for name, value in _benefit_sums(prefix, in_operation).items()},
        realised_hours=Sum(realised_hours, filter=in_operation),
        realised_cost=Sum(realised_cost, filter=in_operation),
        reporting=Count(
            "pk",
            filter=in_operation
            & (Q(**{f"{realised_hours}__isnull": False}) | Q(**{f"{realised_cost}__isnull": False})),
        ),
        **mix,
        **registered,
    ).order_by()
    counts: dict[int, dict] = defaultdict(lambda: defaultdict(int))
    stages: dict[int, dict[str, int]] = defaultdict(dict)
    mixes = {field: Counter() for field in MIX_FIELDS}
    by_quarter: Counter = Counter()
    expected_active = expected_operating = realised = Benefits()
    reporting = 0
    for row in rows:
        stages[row["bd_id"]][row["stage"]] = row["count"]
        for name in conditions:
            counts[row["bd_id"]][name] += row[name]
        if row["stage"] in LIFECYCLE_STAGES:  # active (``ProjectQuerySet.active_q``)
            expected_active += _benefits(row)
            for key in mix:
                field, value = key.split(":")
                mixes[field][value] += row[key]
        expected_operating += _benefits(row, "operating_")
        realised += Benefits(row["realised_hours"] or 0, row["realised_cost"] or Decimal("0"))
        reporting += row["reporting"]
        for key in registered:
            by_quarter[int(key.split(":")[1])] += row[key]
    for name, records, several in (
        # At most one pending review per project (a unique constraint); several open incidents.
        ("awaiting_gate_review", GateReview.objects.filter(review_pending_q(as_of)), False),
        ("with_open_incidents", Incident.objects.filter(incident_open_q(as_of)), True),
    ):
        for unit_id, count in _count_projects_by_unit(_within(records, projects), several).items():
            counts[unit_id][name] = count
    per_unit = {
        unit_id: UnitFigures(unit_id=unit_id, by_stage=by_stage, **counts[unit_id])
        for unit_id, by_stage in stages.items()
    }
    return _Tally(
        per_unit=per_unit,
        benefits=BenefitFigures(expected_active, expected_operating, realised, reporting),
        strategy=_nonzero(mixes["strategy"]),
        category=_nonzero(mixes["category"]),
        tier=_nonzero(mixes["risk_tier"]),
        registered=_nonzero(by_quarter),
    )


def _nonzero(counter: Counter) -> dict:
    return {key: count for key, count in counter.items() if count}


def _count_projects_by_unit(records, several_per_project: bool) -> dict[int, int]:
    """The projects with at least one of ``records`` (gate reviews, incidents), by B/D: read from
    the few records rather than by testing every project."""
    count = Count("project", distinct=several_per_project)
    rows = records.values(bd_id=F("project__bd_id")).annotate(count=count).order_by()
    return {row["bd_id"]: row["count"] for row in rows}


def _open_incidents(projects, as_of: AsOf) -> dict[str, int]:
    rows = _within(Incident.objects.filter(incident_open_q(as_of)), projects).values("severity")
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
        _within(StagePeriod.objects.filter(gate_passed_q(GATED_STAGES, period)), projects)
        .values("stage", "days")
        .annotate(count=Count("pk"))
        .order_by()
    )
    histograms: dict[str, dict[int, int]] = {stage: {} for stage in GATED_STAGES}
    for row in rows:
        histograms[row["stage"]][row["days"]] = row["count"]
    return [_cycle_time(stage, histograms[stage]) for stage in GATED_STAGES]


def _operation_cycle_time(projects, period: Quarter | None) -> CycleTime:
    """Days from entering the last stage to going into operation (kept on the project when it does)."""
    rows = (
        projects.filter(operation_started_q(period), days_to_operation__isnull=False)
        .values("days_to_operation")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return _cycle_time(Stage.DEPLOY_IMPROVE, {row["days_to_operation"]: row["count"] for row in rows})


def _quarter_of(field: str, quarters: list[Quarter]) -> Case:
    """The index of the quarter ``field`` falls in: plain comparisons, cheaper than truncating dates."""
    return Case(
        *(When(**{f"{field}__gte": q.start, f"{field}__lt": q.end}, then=Value(i)) for i, q in enumerate(quarters)),
        output_field=IntegerField(),
    )


def _quarters(projects, quarters: list[Quarter], registered: dict[int, int]) -> list[QuarterChanges]:
    start, end = quarters[0].start, quarters[-1].end
    changes: dict[int, dict[str, int]] = defaultdict(dict)
    rows = (
        _within(StagePeriod.objects.filter(exited_at__gte=start, exited_at__lt=end), projects)
        .values("exit", quarter=_quarter_of("exited_at", quarters))
        .annotate(count=Count("pk"))
        .order_by()
    )
    for row in rows:
        changes[row["quarter"]][row["exit"]] = row["count"]
    return [
        QuarterChanges(quarter=quarter, registered=registered.get(index, 0), by_exit=changes.get(index, {}))
        for index, quarter in enumerate(quarters)
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


def _lines(projects, ids, order: tuple[str, ...], **extra) -> list[ProjectLine]:
    """The short list's projects: chosen from the covering index, then only they are read in full."""
    rows = (
        projects.model.objects.filter(pk__in=ids)
        .annotate(**extra)
        .order_by(*order)
        .values(*LINE_FIELDS, "stage", *extra, since=F("stage_entered_at"))
    )
    return [_line(row) for row in rows]


def _stalled_list(projects, as_of: AsOf, length: int) -> list[ProjectLine]:
    """The projects longest in their stage among the stalled ones."""
    if as_of.live:
        order = ("stage_entered_at", "pk")
        ids = in_segment(projects, Segment.STALLED, as_of).order_by(*order).values("pk")[:length]
        return _lines(projects, ids, order)
    rows = (
        StagePeriod.objects.filter(held_at_q(as_of.moment), period_stalled_q(as_of), project__in=projects)
        .order_by("entered_at", "pk")
        .values(*(f"project__{name}" for name in LINE_FIELDS), "stage", since=F("entered_at"))
    )
    return [_line(row, "project__") for row in rows[:length]]


def _gates_due_list(projects, as_of: AsOf, length: int) -> list[ProjectLine]:
    """The projects whose current gate is due soonest (or most overdue)."""
    if as_of.live:
        order = ("target", "pk")
        due = in_segment(projects, Segment.GATE_DUE, as_of).annotate(target=gate_target())
        return _lines(projects, due.order_by(*order).values("pk")[:length], order, target=gate_target())
    rows = (
        StagePeriod.objects.filter(held_at_q(as_of.moment), period_gate_due_q(as_of), project__in=projects)
        .annotate(target=gate_target("project__"))
        .order_by("target", "pk")
        .values(*(f"project__{name}" for name in LINE_FIELDS), "stage", "target", since=F("entered_at"))
    )
    return [_line(row, "project__") for row in rows[:length]]
