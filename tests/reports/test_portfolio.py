"""The portfolio query layer against the known portfolio of ``conftest.py``: every figure, now and
as at the end of a past quarter, worked out by hand from the story there."""

import importlib
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

import pytest
from django.apps import apps

from adoption.models import Project
from adoption.quarters import Quarter
from adoption.segments import AsOf, Segment, existing, in_segment
from lifecycle.choices import AuditAction
from lifecycle.models import AuditEvent, StagePeriod
from lifecycle.stages import Stage
from reports.portfolio import QUERIES, QUERIES_AT_A_PAST_MOMENT, Benefits, portfolio_figures
from reports.portfolio.compute import percentile
from tests.factories import make_project, officer
from tests.reports.conftest import at

pytestmark = pytest.mark.django_db


def names(lines):
    return [line.title_en for line in lines]


def test_figures_now(portfolio, now):
    figures = portfolio_figures(Project.objects.all())

    assert figures.by_stage == {
        Stage.IDENTIFY: 1,  # p6
        Stage.SEARCH: 1,  # p5
        Stage.VENDOR_SELECTION: 2,  # p1, p8
        Stage.TEST_VALIDATE: 1,  # p9
        Stage.DEPLOY_IMPROVE: 2,  # p2, p7
        Stage.ON_HOLD: 1,  # p3
        Stage.CANCELLED: 1,  # p4
        Stage.RETIRED: 0,
    }
    assert figures.total == 9
    assert figures.active == 7
    assert figures.in_pilot == 1
    assert figures.in_operation == 2
    assert figures.stalled == 3  # p1 (vendor selection since 6 Mar), p8 (since 15 Apr: 122 days), p9
    assert figures.awaiting_gate_review == 1  # p5
    assert figures.periodic_review_overdue == 1  # p7: high risk, due 30 Jul
    assert figures.with_open_incidents == 1  # p6
    assert figures.open_incidents_by_severity == {"high": 1}
    assert figures.gate_due == 2  # p9 (30 Jun, passed), p1 (1 Sep)

    assert figures.benefits.expected_active == Benefits(1000 + 1200 + 500 + 200 + 400 + 600, Decimal("260000"))
    assert figures.benefits.expected_in_operation == Benefits(1200 + 500, Decimal("80000"))
    assert figures.benefits.realised_in_operation == Benefits(800, Decimal("50000"))
    assert figures.benefits.in_operation_reporting == 1

    assert figures.strategy_mix == {"bespoke": 5, "off_the_shelf": 1, "hybrid": 1}
    assert figures.category_mix == {"document_processing": 5, "chatbot": 1, "image_analytics": 1}
    assert figures.tier_mix == {"low": 5, "high": 1, "unscreened": 1}

    assert names(figures.stalled_list) == ["p9", "p1", "p8"]  # longest in stage first
    assert names(figures.gates_due_list) == ["p9", "p1"]  # soonest (most overdue) first

    units = {figures.units[unit_id].code: unit for unit_id, unit in figures.per_unit.items()}
    assert set(units) == {"ImmD", "HKPF", "FEHD", "DoJ"}
    assert units["ImmD"].by_stage == {Stage.VENDOR_SELECTION: 2, Stage.DEPLOY_IMPROVE: 2}
    assert (units["ImmD"].stalled, units["ImmD"].in_operation, units["ImmD"].periodic_review_overdue) == (2, 2, 1)
    assert units["HKPF"].by_stage == {Stage.TEST_VALIDATE: 1, Stage.ON_HOLD: 1, Stage.CANCELLED: 1}
    assert (units["HKPF"].stalled, units["HKPF"].gate_due) == (1, 1)
    assert units["FEHD"].awaiting_gate_review == 1
    assert units["DoJ"].with_open_incidents == 1
    assert figures.units[units["DoJ"].unit_id].group_id == units["DoJ"].unit_id  # under no bureau
    assert figures.units[units["ImmD"].unit_id].group_id == figures.units[units["HKPF"].unit_id].group_id


def test_cycle_times_from_the_stage_periods(portfolio, now):
    cycles = {cycle.stage: cycle for cycle in portfolio_figures(Project.objects.all()).cycle_times}

    # Identify gates: p7 1, p9 1, p3 10, p8 10, p1 20, p2 30, p5 120 days.
    identify = cycles[Stage.IDENTIFY]
    assert (identify.count, identify.median, identify.p25, identify.p75) == (7, 10, 5.5, 25)
    assert (identify.p10, identify.p90) == (1, 66)
    # Search gates: p7 2, p9 2, p2 20, p8 30 and 30 again after rework, p1 40.
    search = cycles[Stage.SEARCH]
    assert (search.count, search.median, search.p25, search.p75) == (6, 25, 6.5, 30)
    # Vendor selection: p7 2, p9 4, p2 30; p8's visit ended in rework and does not count.
    assert (cycles[Stage.VENDOR_SELECTION].count, cycles[Stage.VENDOR_SELECTION].median) == (3, 4)
    assert (cycles[Stage.TEST_VALIDATE].count, cycles[Stage.TEST_VALIDATE].median) == (2, 35)  # p7 10, p2 60
    # Deploy to operation: p7 20 Jan → 30 Jan, p2 25 May → 4 Jun.
    assert (cycles[Stage.DEPLOY_IMPROVE].count, cycles[Stage.DEPLOY_IMPROVE].median) == (2, 10)


def test_cycle_times_agree_with_the_audit_trail(portfolio, now):
    """Recomputed the slow way, from the audit rows, the stage times are the same."""
    events = AuditEvent.objects.filter(action__in=[AuditAction.PROJECT_CREATED, AuditAction.STAGE_CHANGED])
    visits = defaultdict(list)
    entered = {}
    for event in events.order_by("at", "pk"):
        if event.project_id in entered and event.details.get("transition") == "advance":
            stage, since = entered[event.project_id]
            visits[stage].append((event.at - since).days)
        entered[event.project_id] = (event.to_stage, event.at)
    figures = portfolio_figures(Project.objects.all())
    for cycle in figures.cycle_times[:4]:
        durations = sorted(visits[cycle.stage])
        assert cycle.count == len(durations)
        assert cycle.median == percentile([(days, 1) for days in durations], 0.5)


def test_the_migration_fills_the_days_as_the_transitions_keep_them(portfolio, now):
    """Projects from before the days were kept get the same days from the migration."""
    periods = dict(StagePeriod.objects.values_list("pk", "days"))
    projects = dict(Project.objects.values_list("pk", "days_to_operation"))
    assert set(periods.values()) - {None}
    assert set(projects.values()) - {None}
    StagePeriod.objects.update(days=None)
    Project.objects.update(days_to_operation=None)

    importlib.import_module("lifecycle.migrations.0004_stage_period_days").fill_days(apps, None)

    assert dict(StagePeriod.objects.values_list("pk", "days")) == periods
    assert dict(Project.objects.values_list("pk", "days_to_operation")) == projects


def test_stage_changes_per_quarter(portfolio, now):
    quarters = portfolio_figures(Project.objects.all()).quarters
    assert [str(row.quarter) for row in quarters] == [
        "2024Q4",
        "2025Q1",
        "2025Q2",
        "2025Q3",
        "2025Q4",
        "2026Q1",
        "2026Q2",
        "2026Q3",
    ]
    q1, q2, q3 = quarters[-3:]
    assert (q1.registered, q1.by_exit) == (8, {"advanced": 15, "held": 1, "reworked": 1})
    assert (q2.registered, q2.by_exit) == (0, {"advanced": 3, "cancelled": 1})
    assert (q3.registered, q3.by_exit) == (1, {})
    assert all(row.registered == 0 and not row.by_exit for row in quarters[:-3])


def test_figures_as_at_the_end_of_a_past_quarter(portfolio, now):
    quarter = Quarter(2026, 2)
    as_of = AsOf.end_of(quarter)
    assert not as_of.live
    assert as_of.day.isoformat() == "2026-06-30"
    figures = portfolio_figures(existing(Project.objects.all(), as_of), as_of=as_of, period=quarter)

    assert figures.total == 8  # p6 was registered in July
    assert figures.by_stage == {
        Stage.IDENTIFY: 0,
        Stage.SEARCH: 1,  # p5
        Stage.VENDOR_SELECTION: 2,  # p1, p8
        Stage.TEST_VALIDATE: 1,  # p9
        Stage.DEPLOY_IMPROVE: 2,  # p2 (in operation since 4 Jun), p7
        Stage.ON_HOLD: 1,
        Stage.CANCELLED: 1,
        Stage.RETIRED: 0,
    }
    assert figures.in_operation == 2
    assert figures.stalled == 1  # only p9: p1 entered vendor selection 6 Mar, under 120 days before 1 Jul
    assert figures.periodic_review_overdue == 0  # p7 fell due on 30 Jul
    assert figures.awaiting_gate_review == 0  # p5 asked on 1 Aug
    assert figures.open_incidents_by_severity == {"low": 1}  # p7's, closed on 5 Jul
    assert figures.with_open_incidents == 1
    assert figures.gate_due == 1  # p9 (30 Jun); p1's 1 Sep is more than 30 days after 30 Jun
    assert figures.strategy_mix == {"bespoke": 5, "off_the_shelf": 1}
    assert names(figures.stalled_list) == ["p9"]
    assert names(figures.gates_due_list) == ["p9"]

    cycles = {cycle.stage: cycle for cycle in figures.cycle_times}  # gates passed in Q2 only
    assert {stage: cycle.count for stage, cycle in cycles.items()} == {
        Stage.IDENTIFY: 1,  # p5, 120 days
        Stage.SEARCH: 1,  # p8 after rework, 30 days
        Stage.VENDOR_SELECTION: 0,
        Stage.TEST_VALIDATE: 1,  # p2, 60 days
        Stage.DEPLOY_IMPROVE: 1,  # p2, 10 days
    }
    assert (cycles[Stage.IDENTIFY].median, cycles[Stage.SEARCH].median, cycles[Stage.TEST_VALIDATE].median) == (
        120,
        30,
        60,
    )
    assert cycles[Stage.VENDOR_SELECTION].median is None
    assert str(figures.quarters[-1].quarter) == "2026Q2"


def test_a_past_quarter_before_anything_happened_is_empty(portfolio, now):
    as_of = AsOf.end_of(Quarter(2025, 4))
    figures = portfolio_figures(existing(Project.objects.all(), as_of), as_of=as_of, period=Quarter(2025, 4))
    assert figures.total == 0
    assert figures.per_unit == {}
    assert all(cycle.count == 0 for cycle in figures.cycle_times)


@pytest.mark.parametrize("segment", Segment.values)
def test_segments_read_from_history_at_now_are_the_live_segments(portfolio, now, segment):
    """The as-at definitions (stage periods, reviews, incidents) agree with the live ones."""
    projects = Project.objects.all()
    live = set(in_segment(projects, segment, AsOf(now, live=True)).values_list("pk", flat=True))
    history = set(
        in_segment(projects, segment, AsOf(now + timedelta(microseconds=1), live=False)).values_list("pk", flat=True)
    )
    assert live  # every segment holds a project of the known portfolio
    assert live == history


def test_the_pass_over_the_stage_periods_held_then_gives_the_figures_of_now(portfolio, now):
    """A past moment's figures come from the stage periods held then; just after now, they are now's."""
    projects = Project.objects.all()
    live = portfolio_figures(projects, as_of=AsOf(now, live=True))
    then = portfolio_figures(projects, as_of=AsOf(now + timedelta(microseconds=1), live=False))
    assert then.per_unit == live.per_unit
    assert then.benefits == live.benefits
    assert (then.strategy_mix, then.category_mix, then.tier_mix) == (
        live.strategy_mix,
        live.category_mix,
        live.tier_mix,
    )
    assert then.quarters == live.quarters
    assert (then.stalled_list, then.gates_due_list) == (live.stalled_list, live.gates_due_list)
    assert then.open_incidents_by_severity == live.open_incidents_by_severity


def test_a_past_moment_sees_a_project_in_the_stage_it_was_in(portfolio, now):
    p8 = portfolio["p8"]
    projects = Project.objects.filter(pk=p8.pk)
    # Returned from vendor selection to search on 16 Mar, back in vendor selection on 15 Apr.
    for moment, stage in (
        (at(3, 1), Stage.VENDOR_SELECTION),
        (at(4, 1), Stage.SEARCH),
        (at(5, 1), Stage.VENDOR_SELECTION),
    ):
        figures = portfolio_figures(projects, as_of=AsOf(moment, live=False))
        assert {stage for stage, count in figures.by_stage.items() if count} == {stage}


def test_the_number_of_queries_does_not_grow_with_the_portfolio(portfolio, now, django_assert_num_queries):
    with django_assert_num_queries(QUERIES):
        small = portfolio_figures(Project.objects.all())
    author = officer("EPD")
    for number in range(5):
        make_project(by=author, title_en=f"More {number}")
    with django_assert_num_queries(QUERIES):
        larger = portfolio_figures(Project.objects.all())
    assert larger.total == small.total + 5
    past = AsOf.end_of(Quarter(2026, 2))
    with django_assert_num_queries(QUERIES_AT_A_PAST_MOMENT):
        portfolio_figures(existing(Project.objects.all(), past), as_of=past, period=Quarter(2026, 2))


def test_percentile_interpolates_like_percentile_cont():
    histogram = [(1, 2), (10, 2), (20, 1), (30, 1), (120, 1)]  # 1, 1, 10, 10, 20, 30, 120
    assert percentile(histogram, 0.5) == 10
    assert percentile(histogram, 0.25) == 5.5
    assert percentile(histogram, 0.9) == 66
    assert percentile(histogram, 0) == 1
    assert percentile(histogram, 1) == 120
    assert percentile([], 0.5) is None
    assert percentile([(7, 1)], 0.5) == 7
