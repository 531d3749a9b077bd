"""Stage changes. Every one goes through ``change_stage``: one transition, one audit row."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransition, TransitionNotAllowed, can_proceed, has_transition_perm

from adoption.portfolio import portfolio_changed
from adoption.roles import Permission
from lifecycle.audit import record
from lifecycle.choices import AuditAction, StageExit
from lifecycle.errors import CONCURRENT_CHANGE, ActionRefused
from lifecycle.models import StagePeriod
from lifecycle.services.checklist import ensure_checklist
from lifecycle.services.common import (
    NOT_ALLOWED,
    lock,
    require,
    require_no_pending_review,
    require_not_closed,
    require_unchanged_stage,
    required_text,
)
from lifecycle.stages import Stage

TRANSITION_EXITS = {
    "advance": StageExit.ADVANCED,
    "rework": StageExit.REWORKED,
    "hold": StageExit.HELD,
    "resume": StageExit.RESUMED,
    "cancel": StageExit.CANCELLED,
    "retire": StageExit.RETIRED,
}
TRANSITION_PERMISSIONS = {
    "advance": Permission.DECIDE_GATE_REVIEW,
    "rework": Permission.DECIDE_GATE_REVIEW,
    "hold": Permission.HOLD_OR_RESUME,
    "resume": Permission.HOLD_OR_RESUME,
    "cancel": Permission.CANCEL_PROJECT,
    "retire": Permission.RETIRE_PROJECT,
}
CANNOT_NOW = {
    "advance": _("The project cannot move to the next stage now."),
    "rework": _("The project cannot be returned to that stage now."),
    "hold": _("Only a project in one of the five stages can be put on hold."),
    "resume": _("Only a project on hold can be resumed."),
    "cancel": _("This project is already closed."),
    "retire": _("Only a project in operation can be retired."),
}
PENDING_REVIEW = _("A gate review is waiting for a decision: have it decided or withdrawn first.")
# Transitions that keep the reason on the project itself, not only in the audit trail.
KEEP_REASON = frozenset({"cancel", "retire"})


def change_stage(*, project, by, transition: str, reason: str = "", **kwargs):
    """Run one transition on a project locked by the caller's transaction, and record it."""
    method = getattr(project, transition)
    if not can_proceed(method):
        raise ActionRefused(CANNOT_NOW[transition])
    if not has_transition_perm(method, by):
        raise ActionRefused(NOT_ALLOWED[TRANSITION_PERMISSIONS[transition]])
    source = project.stage
    now = timezone.now()
    if transition in KEEP_REASON:
        kwargs["reason"] = reason
    try:
        method(at=now, **kwargs)
        project.save()
    except TransitionNotAllowed:
        raise ActionRefused(CANNOT_NOW[transition]) from None
    except ConcurrentTransition:
        raise ActionRefused(CONCURRENT_CHANGE) from None
    target = project.stage
    for period in StagePeriod.objects.filter(project=project, exited_at__isnull=True):
        period.exited_at, period.exit = now, TRANSITION_EXITS[transition]
        period.save(update_fields=["exited_at", "exit", "days"])  # save() works out the days
    StagePeriod.objects.create(project=project, stage=target, entered_at=now)
    record(
        project=project,
        actor=by,
        action=AuditAction.STAGE_CHANGED,
        from_stage=source,
        to_stage=target,
        reason=reason,
        at=now,
        transition=transition,
    )
    ensure_checklist(project=project, stage=target, by=by)
    portfolio_changed()
    return project


def _simple_transition(*, project, by, transition: str, reason: str, **kwargs):
    """Hold, resume, cancel or retire the project as the user saw it.

    ``project`` is the user's copy: if another user changed its stage in the meantime, the
    action is refused rather than applied to a state the user never saw. On success the
    user's copy is brought up to date.
    """
    with transaction.atomic():
        locked = lock(project)
        require(by, TRANSITION_PERMISSIONS[transition], locked)
        # First whether someone else moved it: that is what the user needs to hear, even when
        # the other action closed the project.
        require_unchanged_stage(project, locked)
        require_not_closed(locked)
        require_no_pending_review(locked, PENDING_REVIEW)
        change_stage(project=locked, by=by, transition=transition, reason=reason, **kwargs)
    project.refresh_from_db()
    return project


def hold_project(*, project, by, reason: str):
    reason = required_text(reason, _("Say why the project is put on hold."))
    return _simple_transition(project=project, by=by, transition="hold", reason=reason)


def resume_project(*, project, by, reason: str):
    reason = required_text(reason, _("Say why the project resumes."))
    return _simple_transition(project=project, by=by, transition="resume", reason=reason)


def cancel_project(*, project, by, reason: str):
    reason = required_text(reason, _("Say why the project is cancelled."))
    return _simple_transition(project=project, by=by, transition="cancel", reason=reason)


def retire_project(*, project, by, reason: str):
    reason = required_text(reason, _("Say why the system is retired."))
    if project.stage == Stage.DEPLOY_IMPROVE and project.in_operation_since is None:
        raise ActionRefused(CANNOT_NOW["retire"])
    return _simple_transition(project=project, by=by, transition="retire", reason=reason)
