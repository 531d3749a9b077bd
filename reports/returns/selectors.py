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
