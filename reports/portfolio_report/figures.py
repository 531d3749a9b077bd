"""INTERIM portfolio figures for the report, until the dashboard's query layer (reports/portfolio.py)
is merged; then every function here is replaced by the dashboard's and this module is removed.

Each function takes the projects in scope (a ``Project`` queryset) and returns plain data.
"""

import statistics
from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Q, Sum

from adoption.models import Project
from lifecycle.choices import IncidentStatus, ReviewStatus
from lifecycle.models import GateReview, Incident, StagePeriod
from lifecycle.stages import LIFECYCLE_STAGES, Stage


def _open_at(at):
    return Q(entered_at__lte=at) & (Q(exited_at__isnull=True) | Q(exited_at__gt=at))


def stage_counts_at(projects, at) -> dict[str, int]:
    periods = StagePeriod.objects.filter(_open_at(at), project__in=projects.values("pk"))
    return dict(periods.values_list("stage").annotate(count=Count("pk")).order_by())


def key_figures_at(projects, at) -> dict[str, int | None]:
    stages = stage_counts_at(projects, at)
    periods = StagePeriod.objects.filter(_open_at(at), project__in=projects.values("pk"))
    stalled_before = at - timedelta(days=settings.TRACKER_STALLED_AFTER_DAYS)
    in_operation = periods.filter(stage=Stage.DEPLOY_IMPROVE, project__in_operation_since__lte=at.date())
    return {
        "active": sum(stages.get(stage, 0) for stage in LIFECYCLE_STAGES),
        "in_pilot": stages.get(Stage.TEST_VALIDATE, 0),
        "in_operation": in_operation.count(),
        "stalled": periods.filter(stage__in=LIFECYCLE_STAGES, entered_at__lt=stalled_before)
        .exclude(pk__in=in_operation.values("pk"))
        .count(),
        "gate_reviews_waiting": GateReview.objects.filter(project__in=projects.values("pk"), requested_at__lte=at)
        .filter(Q(status=ReviewStatus.PENDING) | Q(decided_at__gt=at))
        .count(),
        "open_incidents": Incident.objects.filter(project__in=projects.values("pk"), opened_at__lte=at)
        .filter(Q(status=IncidentStatus.OPEN) | Q(closed_at__gt=at))
        .count(),
    }


def benefit_totals(projects) -> dict:
    return projects.aggregate(
        expected_hours=Sum("expected_staff_hours_per_year"),
        realised_hours=Sum("realised_staff_hours_per_year"),
        expected_cost=Sum("expected_cost_saving_hkd_per_year"),
        realised_cost=Sum("realised_cost_saving_hkd_per_year"),
    )


def pipeline_at(projects, at) -> dict[str, dict[str, int]]:
    """{B/D code: {stage: count}} as the projects stood at ``at``."""
    periods = StagePeriod.objects.filter(_open_at(at), project__in=projects.values("pk"))
    table: dict[str, dict[str, int]] = defaultdict(dict)
    for code, stage, count in periods.values_list("project__bd__code", "stage").annotate(n=Count("pk")).order_by():
        table[code][stage] = count
    return dict(table)


def cycle_times(projects, start, end) -> dict[str, dict]:
    """Stage visits that ended in [start, end): count, median and quartiles in days, per stage."""
    durations: dict[str, list[float]] = defaultdict(list)
    visits = StagePeriod.objects.filter(
        project__in=projects.values("pk"), exited_at__gte=start, exited_at__lt=end, stage__in=LIFECYCLE_STAGES
    )
    for stage, entered, exited in visits.values_list("stage", "entered_at", "exited_at").iterator(chunk_size=5000):
        durations[stage].append((exited - entered).total_seconds() / 86400)
    result = {}
    for stage in LIFECYCLE_STAGES:
        days = sorted(durations.get(stage, []))
        if not days:
            result[stage] = {"count": 0, "median": None, "p25": None, "p75": None, "max": None}
            continue
        quartiles = statistics.quantiles(days, n=4) if len(days) > 1 else [days[0]] * 3
        result[stage] = {
            "count": len(days),
            "median": statistics.median(days),
            "p25": quartiles[0],
            "p75": quartiles[2],
            "max": days[-1],
        }
    return result


def stalled(projects, at):
    return projects.stalled(now=at)


def overdue_reviews(projects, day):
    return projects.periodic_review_overdue(today=day)


__all__ = [
    "Project",
    "benefit_totals",
    "cycle_times",
    "key_figures_at",
    "overdue_reviews",
    "pipeline_at",
    "stage_counts_at",
    "stalled",
]
