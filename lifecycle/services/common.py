"""What every lifecycle service does first: lock the project row and check who is acting."""

from django.utils.translation import gettext_lazy as _

from adoption.roles import Permission
from adoption.scoping import can
from lifecycle.errors import CONCURRENT_CHANGE, ActionRefused
from lifecycle.models import GateReview
from lifecycle.stages import TERMINAL_STAGES, Stage

NOT_ALLOWED = {
    Permission.CHANGE_PROJECT: _("Your role cannot change this project."),
    Permission.WORK_CHECKLIST: _("Your role cannot work on this project's checklist."),
    Permission.REQUEST_GATE_REVIEW: _("Your role cannot request gate reviews."),
    Permission.DECIDE_GATE_REVIEW: _("Only a gate approver of the project's B/D can decide its gate reviews."),
    Permission.HOLD_OR_RESUME: _("Your role cannot put projects on hold or resume them."),
    Permission.CANCEL_PROJECT: _("Your role cannot cancel projects."),
    Permission.RETIRE_PROJECT: _("Only a gate approver of the project's B/D can retire it."),
    Permission.RECORD_PERIODIC_REVIEW: _("Your role cannot record periodic reviews."),
    Permission.RECORD_INCIDENT: _("Your role cannot record incidents."),
}


def lock(project):
    """The project's row (given the project or its id), locked until the transaction ends, freshly read."""
    from adoption.models import Project

    pk = project if isinstance(project, int) else project.pk
    return Project.objects.select_for_update().select_related("bd").get(pk=pk)


def require(user, permission: Permission, project) -> None:
    if not can(user, permission, project):
        raise ActionRefused(NOT_ALLOWED.get(permission, _("You may not do this.")))


def require_not_closed(project) -> None:
    if project.stage in TERMINAL_STAGES:
        raise ActionRefused(
            _("The project is closed (%(stage)s): it can no longer change.") % {"stage": project.get_stage_display()}
        )


def require_in_lifecycle(project) -> None:
    if project.stage == Stage.ON_HOLD:
        raise ActionRefused(_("The project is on hold: resume it first."))
    require_not_closed(project)


def require_unchanged_stage(seen, locked) -> None:
    """Refuse when the project's stage moved on since the user saw it: someone else acted first."""
    if seen.stage != locked.stage:
        raise ActionRefused(CONCURRENT_CHANGE)


def pending_review(project):
    return GateReview.objects.filter(project=project, status="pending").first()


PROFILE_LOCKED = _(
    "A gate review is waiting for a decision: the checklist and profile are locked until it is decided or withdrawn."
)


def require_no_pending_review(project, message=PROFILE_LOCKED) -> None:
    if pending_review(project) is not None:
        raise ActionRefused(message)


def required_text(value: str, message) -> str:
    value = (value or "").strip()
    if not value:
        raise ActionRefused(message, field="reason")
    return value
