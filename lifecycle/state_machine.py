"""The lifecycle state machine on a project's ``stage``.

The field is protected: only the transitions below change it, and only the services in
``lifecycle.services`` call them (inside a transaction, with the row locked, writing the
audit trail). Each transition declares its sources, target, conditions and permission, so
``graph_transitions`` draws the machine from this code.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import GET_STATE, RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

from adoption.roles import Permission
from adoption.scoping import can
from lifecycle.stages import ACTIVE_STAGES, LIFECYCLE_STAGES, Stage, earlier_stages, next_stage


def _may(permission: Permission):
    def check(project, user) -> bool:
        return can(user, permission, project)

    check.__name__ = f"may_{permission.value}"
    return check


def gate_approved(project) -> bool:
    """An approved gate review exists for the current stage visit."""
    return project.gate_reviews.filter(
        stage=project.stage, status="approved", decided_at__gte=project.stage_entered_at
    ).exists()


def gate_returned_for_rework(project) -> bool:
    """A gate review of the current stage visit was returned with an earlier stage to go back to."""
    return (
        project.gate_reviews.filter(stage=project.stage, status="returned", decided_at__gte=project.stage_entered_at)
        .exclude(rework_to_stage="")
        .exists()
    )


def no_pending_review(project) -> bool:
    """While a gate review waits for a decision, only the decision moves the project."""
    return not project.gate_reviews.filter(status="pending").exists()


def not_prohibited(project) -> bool:
    """A prohibited use cannot pass the first gate (nor any later one)."""
    return project.risk_tier != "prohibited"


def not_in_operation(project) -> bool:
    return project.in_operation_since is None


def in_operation(project) -> bool:
    return project.in_operation_since is not None


class ProjectLifecycle(ConcurrentTransitionMixin, models.Model):
    """Abstract: the lifecycle part of ``adoption.Project``."""

    stage = FSMField(
        _("stage"), max_length=20, choices=Stage.choices, default=Stage.IDENTIFY, protected=True, db_index=True
    )
    stage_entered_at = models.DateTimeField(_("in this stage since"), default=timezone.now)
    held_from_stage = models.CharField(
        _("stage before hold"), max_length=20, choices=Stage.choices, blank=True, editable=False
    )
    in_operation_since = models.DateField(_("in operation since"), null=True, blank=True, editable=False)
    # Kept with ``in_operation_since`` for the dashboard's cycle time of the last stage, so that it
    # is read from the project's row rather than worked out again from its stage periods.
    days_to_operation = models.PositiveIntegerField(
        _("days from entering the last stage to operation"), null=True, blank=True, editable=False
    )
    closure_reason = models.TextField(_("reason for cancellation or retirement"), blank=True, editable=False)

    class Meta:
        abstract = True

    def clean_fields(self, exclude=None):
        # Validation would assign the protected field; only transitions may change it.
        super().clean_fields(exclude={*(exclude or ()), "stage"})

    @transition(
        field=stage,
        source=list(LIFECYCLE_STAGES[:-1]),
        target=GET_STATE(lambda project, **kwargs: next_stage(project.stage), states=LIFECYCLE_STAGES[1:]),
        conditions=[gate_approved, not_prohibited],
        permission=_may(Permission.DECIDE_GATE_REVIEW),
    )
    def advance(self, *, at) -> None:
        """Gate passed: move to the next stage."""
        self.stage_entered_at = at

    @transition(
        field=stage,
        source=Stage.DEPLOY_IMPROVE,
        target=None,
        conditions=[gate_approved, not_in_operation],
        permission=_may(Permission.DECIDE_GATE_REVIEW),
    )
    def start_operation(self, *, at) -> None:
        """Operational-readiness gate passed: the project is in operation (stage unchanged)."""
        self.in_operation_since = timezone.localdate(at)
        self.days_to_operation = (self.in_operation_since - timezone.localdate(self.stage_entered_at)).days

    @transition(
        field=stage,
        source=list(LIFECYCLE_STAGES[1:]),
        target=RETURN_VALUE(*LIFECYCLE_STAGES[:-1]),
        conditions=[gate_returned_for_rework],
        permission=_may(Permission.DECIDE_GATE_REVIEW),
    )
    def rework(self, *, to_stage: str, at) -> str:
        """A gate review sends the project back to an earlier stage."""
        if to_stage not in earlier_stages(self.stage):
            raise ValueError(f"{to_stage!r} is not earlier than {self.stage!r}")
        self.stage_entered_at = at
        self.in_operation_since = self.days_to_operation = None
        return to_stage

    @transition(
        field=stage,
        source=list(LIFECYCLE_STAGES),
        target=Stage.ON_HOLD,
        conditions=[no_pending_review],
        permission=_may(Permission.HOLD_OR_RESUME),
    )
    def hold(self, *, at) -> None:
        self.held_from_stage = self.stage
        self.stage_entered_at = at

    @transition(
        field=stage,
        source=Stage.ON_HOLD,
        target=RETURN_VALUE(*LIFECYCLE_STAGES),
        permission=_may(Permission.HOLD_OR_RESUME),
    )
    def resume(self, *, at) -> str:
        """Back to the stage the project left."""
        back_to = self.held_from_stage
        self.held_from_stage = ""
        self.stage_entered_at = at
        return back_to

    @transition(
        field=stage,
        source=list(ACTIVE_STAGES),
        target=Stage.CANCELLED,
        conditions=[no_pending_review],
        permission=_may(Permission.CANCEL_PROJECT),
    )
    def cancel(self, *, reason: str, at) -> None:
        self.closure_reason = reason
        self.stage_entered_at = at

    @transition(
        field=stage,
        source=Stage.DEPLOY_IMPROVE,
        target=Stage.RETIRED,
        conditions=[in_operation],
        permission=_may(Permission.RETIRE_PROJECT),
    )
    def retire(self, *, reason: str, at) -> None:
        self.closure_reason = reason
        self.stage_entered_at = at
