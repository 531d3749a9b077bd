"""Portfolio segments by name, as they are now or as they stood at the end of a past quarter.

Now, a segment is the ``ProjectQuerySet`` method of the same name (the current stage, the
gate review pending now, ...). At a past moment the same segment is read from the records the
services keep as things happen: the stage period a project was in at that moment
(``lifecycle.StagePeriod``), the gate reviews pending then, the incidents open then and the
periodic review that was due then. ``tests/reports/test_portfolio.py`` checks that both give
the same projects for "now".

The project's other details (B/D, category, tier, expected and realised benefits) are read as
they are today: the quarterly returns keep the frozen copy of a quarter.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import reduce
from operator import or_

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.db.models.lookups import IsNull, LessThan, LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lifecycle.stages import LIFECYCLE_STAGES, Stage


class Segment(models.TextChoices):
    ACTIVE = "active", _("Active")
    IN_PILOT = "in_pilot", _("In pilot (test and validate)")
    IN_OPERATION = "in_operation", _("In operation")
    STALLED = "stalled", _("Stalled")
    AWAITING_GATE_REVIEW = "awaiting_gate_review", _("Gate review waiting for decision")
    PERIODIC_REVIEW_OVERDUE = "periodic_review_overdue", _("Periodic review overdue")
    WITH_OPEN_INCIDENTS = "with_open_incidents", _("With open incidents")
    GATE_DUE = "gate_due", _("Gate due within 30 days or overdue")


@dataclass(frozen=True)
class AsOf:
    """The moment portfolio figures stand at: now (``live``), or the end of a past quarter."""

    moment: datetime
    live: bool = True

    @classmethod
    def now(cls) -> "AsOf":
        return cls(timezone.now(), live=True)

    @classmethod
    def end_of(cls, quarter, now: datetime | None = None) -> "AsOf":
        now = now or timezone.now()
        return cls(now, live=True) if quarter.end > now else cls(quarter.end, live=False)

    @property
    def day(self) -> date:
        """The calendar day (Hong Kong) the figures belong to; for a quarter's end, its last day."""
        moment = self.moment if self.live else self.moment - timedelta(microseconds=1)
        return timezone.localtime(moment).date()


# Conditions on a lifecycle.StagePeriod row: the stage a project was in at a past moment.


def held_at_q(at: datetime) -> Q:
    """The stage period a project was in at ``at``: entered before it, not left before it."""
    return Q(entered_at__lt=at) & (Q(exited_at__isnull=True) | Q(exited_at__gte=at))


def _project(name: str, outer: bool):
    """A field of the period's project: through the join, or (``outer``) from the Project row an
    ``Exists`` over its periods stands in, which spares the subquery a join."""
    return OuterRef(name) if outer else F(f"project__{name}")


def period_in_operation_q(as_of: AsOf, *, outer: bool = False) -> Q:
    started = _project("in_operation_since", outer)
    return Q(stage=Stage.DEPLOY_IMPROVE) & Q(IsNull(started, False)) & Q(LessThanOrEqual(started, as_of.day))


def period_stalled_q(as_of: AsOf, days: int | None = None, *, outer: bool = False) -> Q:
    days = settings.TRACKER_STALLED_AFTER_DAYS if days is None else days
    long_ago = as_of.moment - timedelta(days=days)
    return Q(stage__in=LIFECYCLE_STAGES, entered_at__lt=long_ago) & ~period_in_operation_q(as_of, outer=outer)


def periodic_review_due_at(at: datetime, *, project_root: bool = False):
    """The periodic review due date as it stood at ``at``, for a stage period row (or a project row).

    Recording a review moves the due date on and keeps the date that was due in the review, so
    the due date at ``at`` is the one kept by the first review recorded after ``at``, or the
    project's current one when none was recorded since.
    """
    from lifecycle.models import PeriodicReview

    project, current = (
        ("pk", F("next_periodic_review_due")) if project_root else ("project", F("project__next_periodic_review_due"))
    )
    due_then = PeriodicReview.objects.filter(project=OuterRef(project), recorded_at__gte=at).order_by(
        "recorded_at", "pk"
    )
    return Coalesce(Subquery(due_then.values("due_date")[:1]), current)


def period_overdue_q(as_of: AsOf) -> Q:
    return period_in_operation_q(as_of) & Q(LessThan(periodic_review_due_at(as_of.moment), as_of.day))


def period_gate_due_q(as_of: AsOf, within_days: int | None = None, *, outer: bool = False) -> Q:
    from adoption.models import GATE_DUE_WITHIN_DAYS, STAGE_TARGET_FIELDS

    horizon = as_of.day + timedelta(days=GATE_DUE_WITHIN_DAYS if within_days is None else within_days)
    due = reduce(
        or_,
        (
            Q(stage=stage) & Q(LessThanOrEqual(_project(field, outer), horizon))
            for stage, field in STAGE_TARGET_FIELDS.items()
        ),
    )
    return due & ~period_in_operation_q(as_of, outer=outer)


def review_pending_at_q(at: datetime) -> Q:
    """A lifecycle.GateReview row waiting for a decision at ``at``."""
    return Q(requested_at__lt=at) & (Q(decided_at__isnull=True) | Q(decided_at__gte=at))


def incident_open_at_q(at: datetime) -> Q:
    """A lifecycle.Incident row open at ``at``."""
    return Q(opened_at__lt=at) & (Q(closed_at__isnull=True) | Q(closed_at__gte=at))


def incident_open_q(as_of: AsOf) -> Q:
    return Q(status="open") if as_of.live else incident_open_at_q(as_of.moment)


def review_pending_q(as_of: AsOf) -> Q:
    return Q(status="pending") if as_of.live else review_pending_at_q(as_of.moment)


# Filters on a Project queryset.


def _held(as_of: AsOf, condition: Q | None = None):
    from lifecycle.models import StagePeriod

    periods = StagePeriod.objects.filter(held_at_q(as_of.moment), project=OuterRef("pk"))
    return Exists(periods.filter(condition) if condition is not None else periods)


def existing(projects, as_of: AsOf):
    """The projects registered before then (all of them, now)."""
    return projects if as_of.live else projects.filter(created_at__lt=as_of.moment)


def in_stages(projects, stages, as_of: AsOf):
    stages = list(stages)
    if as_of.live:
        return projects.filter(stage__in=stages)
    return projects.filter(_held(as_of, Q(stage__in=stages)))


def in_segment(projects, segment: str, as_of: AsOf):
    from lifecycle.models import GateReview, Incident

    if as_of.live:
        if segment == Segment.STALLED:
            return projects.stalled(now=as_of.moment)
        if segment == Segment.PERIODIC_REVIEW_OVERDUE:
            return projects.periodic_review_overdue(today=as_of.day)
        if segment == Segment.GATE_DUE:
            return projects.gate_due(today=as_of.day)
        return getattr(projects, Segment(segment).value)()
    at = as_of.moment
    in_operation = Q(in_operation_since__lte=as_of.day) & Q(_held(as_of, Q(stage=Stage.DEPLOY_IMPROVE)))
    due_then = periodic_review_due_at(at, project_root=True)
    conditions = {
        Segment.ACTIVE: lambda: _held(as_of, Q(stage__in=LIFECYCLE_STAGES)),
        Segment.IN_PILOT: lambda: _held(as_of, Q(stage=Stage.TEST_VALIDATE)),
        Segment.IN_OPERATION: lambda: in_operation,
        Segment.STALLED: lambda: _held(as_of, period_stalled_q(as_of, outer=True)),
        Segment.PERIODIC_REVIEW_OVERDUE: lambda: in_operation & Q(LessThan(due_then, as_of.day)),
        Segment.GATE_DUE: lambda: _held(as_of, period_gate_due_q(as_of, outer=True)),
        Segment.AWAITING_GATE_REVIEW: lambda: Exists(
            GateReview.objects.filter(review_pending_at_q(at), project=OuterRef("pk"))
        ),
        Segment.WITH_OPEN_INCIDENTS: lambda: Exists(
            Incident.objects.filter(incident_open_at_q(at), project=OuterRef("pk"))
        ),
    }
    return projects.filter(conditions[Segment(segment)]())


def with_open_incident_of(projects, severities, as_of: AsOf):
    """Projects with an incident of one of ``severities`` open at the moment."""
    from lifecycle.models import Incident

    incidents = Incident.objects.filter(incident_open_q(as_of), severity__in=list(severities), project=OuterRef("pk"))
    return projects.filter(Exists(incidents))


# Stage changes and gates passed within a period (a quarter, or all time when None).


def within_q(field: str, period) -> Q:
    if period is None:
        return Q()
    return Q(**{f"{field}__gte": period.start, f"{field}__lt": period.end})


def operation_started_q(period, prefix: str = "") -> Q:
    """Passed the operational-readiness gate (in the period): on a Project, or via ``prefix``."""
    field = f"{prefix}in_operation_since"
    if period is None:
        return Q(**{f"{field}__isnull": False})
    return Q(**{f"{field}__gte": period.first_day, f"{field}__lte": period.last_day})


def gate_passed_q(stages, period) -> Q:
    """A lifecycle.StagePeriod row of one of ``stages`` left by passing its gate (within the period).

    The last stage's gate is the operational-readiness gate: see ``operation_started_q``.
    """
    from lifecycle.choices import StageExit

    return Q(stage__in=list(stages), exit=StageExit.ADVANCED) & within_q("exited_at", period)


def with_stage_change(projects, exit: str, period):
    """Projects that left a stage this way (``lifecycle.choices.StageExit``) within the period."""
    from lifecycle.models import StagePeriod

    changes = StagePeriod.objects.filter(within_q("exited_at", period), exit=exit, project=OuterRef("pk"))
    return projects.filter(Exists(changes))


def with_gate_passed(projects, stage: str, period):
    """Projects that passed ``stage``'s gate within the period; for the last stage, went into operation."""
    from lifecycle.models import StagePeriod

    if stage == Stage.DEPLOY_IMPROVE:
        return projects.filter(operation_started_q(period))
    return projects.filter(Exists(StagePeriod.objects.filter(gate_passed_q([stage], period), project=OuterRef("pk"))))
