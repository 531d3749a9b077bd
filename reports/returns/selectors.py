"""Reading returns within the user's scope: a B/D's return outside it is simply not there (404)."""

from django.db.models import Count, Q
from django.utils import timezone

from adoption.roles import Permission
from adoption.scoping import scope_q
from reports.models import BDReturn, ReturnRound, ReturnStatus


def visible_returns(user):
    """The B/D returns ``user`` may read: the same rule as the B/D's projects."""
    return BDReturn.objects.filter(scope_q(user, Permission.VIEW_PROJECT, "bd"))


def round_summary(round_: ReturnRound, *, today=None) -> dict:
    """How many B/D returns are in each status, and how many are overdue: one query."""
    today = today or timezone.localdate()
    counts = round_.returns.aggregate(
        total=Count("id"),
        **{status.value: Count("id", filter=Q(status=status)) for status in ReturnStatus},
    )
    open_count = counts[ReturnStatus.DRAFT] + counts[ReturnStatus.RETURNED]
    counts["overdue"] = open_count if round_.due_date < today else 0
    return counts


def round_summaries(rounds, *, today=None) -> dict[int, dict]:
    """``round_summary`` for several rounds in one query: {round id: counts}."""
    today = today or timezone.localdate()
    rows = (
        BDReturn.objects.filter(round__in=rounds)
        .values("round_id")
        .annotate(total=Count("id"), **{status.value: Count("id", filter=Q(status=status)) for status in ReturnStatus})
    )
    due = {round_.pk: round_.due_date for round_ in rounds}
    summaries = {}
    for row in rows:
        open_count = row[ReturnStatus.DRAFT] + row[ReturnStatus.RETURNED]
        row["overdue"] = open_count if due[row["round_id"]] < today else 0
        summaries[row["round_id"]] = row
    return summaries
