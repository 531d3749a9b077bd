"""Reads for the web pages: a stage's checklist, what a profile change adds, the actions a user
may take now, the approver's queue. Writes stay in ``lifecycle.services``."""

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from adoption.choices import RiskTier
from adoption.models import restrict_related
from adoption.roles import Permission
from adoption.scoping import can
from lifecycle.checklists import Profile, applies_to, is_blocking, requirement
from lifecycle.choices import ItemStatus, Requirement, ReviewStatus
from lifecycle.models import ChecklistItem, ChecklistTemplateItem, Evidence, GateReview
from lifecycle.stages import LIFECYCLE_STAGES, Stage

BLANK_PROFILE = Profile(tier=RiskTier.UNSCREENED, generative_ai=False, personal_data=False, public_facing=False)


def current_evidence_prefetch() -> Prefetch:
    return Prefetch(
        "evidence",
        queryset=Evidence.objects.filter(removed_at__isnull=True).select_related("added_by"),
        to_attr="current_evidence",
    )


def _annotate(item: ChecklistItem, profile: Profile) -> ChecklistItem:
    item.requirement = requirement(item.template_item.applies, profile)
    item.is_required = item.requirement == Requirement.MANDATORY
    item.blocking = is_blocking(item, profile)
    return item


def checklist(project, stage: str | None = None) -> list[ChecklistItem]:
    """The stage's items in template order, each with ``requirement``, ``blocking`` and ``current_evidence``.
    Two queries whatever the number of items and pieces of evidence."""
    stage = stage or project.stage
    items = (
        ChecklistItem.objects.filter(project=project, stage=stage)
        .select_related("template_item", "completed_by")
        .prefetch_related(current_evidence_prefetch())
        .order_by("template_item__order", "template_item__code")
    )
    profile = project.profile
    return [_annotate(item, profile) for item in items]


def checklist_item(project, item_pk: int) -> ChecklistItem:
    """One item of the project, annotated like ``checklist``; raises ChecklistItem.DoesNotExist."""
    item = (
        ChecklistItem.objects.select_related("template_item", "completed_by")
        .prefetch_related(current_evidence_prefetch())
        .get(project=project, pk=item_pk)
    )
    return _annotate(item, project.profile)


@dataclass
class ChecklistSummary:
    total: int = 0
    required: int = 0
    settled: int = 0
    blocking: list = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return not self.blocking


def summarise(items: list[ChecklistItem]) -> ChecklistSummary:
    summary = ChecklistSummary(total=len(items))
    for item in items:
        if item.is_required:
            summary.required += 1
            if item.status != ItemStatus.OPEN:
                summary.settled += 1
        if item.blocking:
            summary.blocking.append(item)
    return summary


@dataclass
class ProfileChanges:
    """What a new profile does to the checklist of one stage."""

    stage: str
    added: list = field(default_factory=list)  # template items that would be added
    now_required: list = field(default_factory=list)  # existing items that would become required
    no_longer_required: list = field(default_factory=list)

    @property
    def any(self) -> bool:
        return bool(self.added or self.now_required or self.no_longer_required)


def profile_changes(*, project, profile: Profile, template_version: int | None = None) -> ProfileChanges:
    """Which checklist items ``profile`` adds to the project's current stage (against the
    project's template version), and which items it makes required or no longer required.
    All three lists hold template items.

    For a project not yet registered (``project=None``) the baseline is a blank profile at the
    identify stage of ``template_version``: what the profile adds to, or requires beyond, the
    checklist every project gets.
    """
    if project is None:
        stage, version, before = Stage.IDENTIFY, template_version, BLANK_PROFILE
    else:
        stage, version, before = project.stage, project.checklist_template_version, project.profile
        if stage not in LIFECYCLE_STAGES:
            return ProfileChanges(stage=stage)
    template_items = list(
        ChecklistTemplateItem.objects.filter(template__version=version, stage=stage).order_by("order")
    )
    if project is None:
        present = {item.pk for item in template_items if applies_to(item.applies, before)}
    else:
        present = set(
            ChecklistItem.objects.filter(project=project, stage=stage).values_list("template_item_id", flat=True)
        )
    changes = ProfileChanges(stage=stage)
    for template_item in template_items:
        new = requirement(template_item.applies, profile)
        template_item.requirement = new
        if template_item.pk not in present:
            if new != Requirement.NOT_REQUIRED:
                changes.added.append(template_item)
            continue
        old = requirement(template_item.applies, before)
        if old != new and new == Requirement.MANDATORY:
            changes.now_required.append(template_item)
        elif old == Requirement.MANDATORY and new != Requirement.MANDATORY:
            changes.no_longer_required.append(template_item)
    return changes


def pending_review(project) -> GateReview | None:
    return (
        GateReview.objects.filter(project=project, status=ReviewStatus.PENDING).select_related("requested_by").first()
    )


# The stage actions offered on the project page. The gate's own transitions (advance, rework,
# start operation) happen only through gate decisions, so they are not offered here.
@dataclass(frozen=True)
class Action:
    name: str
    label: str
    heading: str
    reason_label: str
    reason_required: bool
    button: str
    danger: bool = False


ACTIONS: dict[str, Action] = {
    action.name: action
    for action in (
        Action(
            "request_review",
            _("Request gate review"),
            _("Request the gate review"),
            _("Note to the approver (optional)"),
            False,
            _("Request gate review"),
        ),
        Action(
            "withdraw",
            _("Withdraw gate review"),
            _("Withdraw the gate review request"),
            _("Why are you withdrawing it? (optional)"),
            False,
            _("Withdraw the request"),
        ),
        Action(
            "hold",
            _("Put on hold"),
            _("Put the project on hold"),
            _("Why is the project put on hold?"),
            True,
            _("Put on hold"),
        ),
        Action(
            "resume",
            _("Resume"),
            _("Resume the project"),
            _("Why does the project resume?"),
            True,
            _("Resume the project"),
        ),
        Action(
            "cancel",
            _("Cancel project"),
            _("Cancel the project"),
            _("Why is the project cancelled?"),
            True,
            _("Cancel the project"),
            danger=True,
        ),
        Action(
            "retire",
            _("Retire system"),
            _("Retire the AI system"),
            _("Why is the system retired?"),
            True,
            _("Retire the system"),
            danger=True,
        ),
    )
}
STAGE_ACTIONS = ("hold", "resume", "cancel", "retire")


@dataclass
class GateStatus:
    """Whether the user can request the current gate's review, and if not, what is missing."""

    can_request: bool = False
    missing: list = field(default_factory=list)


def available_actions(project, user, *, pending=None, summary: ChecklistSummary | None = None) -> list[Action]:
    """The actions ``user`` may take on ``project`` right now: the state machine's transitions
    for this user, narrowed by the services' own preconditions (no stage change while a gate
    review waits; a gate review only with the checklist settled and the risk screened)."""
    actions = []
    in_lifecycle = project.stage in LIFECYCLE_STAGES
    if pending is None:
        if (
            in_lifecycle
            and can(user, Permission.REQUEST_GATE_REVIEW, project)
            and not (project.stage == Stage.DEPLOY_IMPROVE and project.in_operation_since)
            and gate_blockers(project, summary) == []
        ):
            actions.append(ACTIONS["request_review"])
        transitions = {t.name for t in project.get_available_user_stage_transitions(user)}
        actions.extend(ACTIONS[name] for name in STAGE_ACTIONS if name in transitions)
    elif can(user, Permission.REQUEST_GATE_REVIEW, project):
        actions.append(ACTIONS["withdraw"])
    return actions


def gate_blockers(project, summary: ChecklistSummary | None) -> list[str]:
    """Why the gate review cannot be requested yet, in words (empty when it can)."""
    reasons = []
    if project.risk_tier == RiskTier.UNSCREENED:
        reasons.append(_("Complete the risk screening."))
    elif project.risk_tier == RiskTier.PROHIBITED:
        reasons.append(_("The risk screening found a prohibited use: the project cannot pass its gate."))
    if summary is not None and summary.blocking:
        reasons.append(
            _("Complete the required checklist items still open: %(codes)s.")
            % {"codes": ", ".join(item.template_item.code for item in summary.blocking)}
        )
    return reasons


def may_request_review(project, user) -> bool:
    return can(user, Permission.REQUEST_GATE_REVIEW, project)


def waiting_for_me(user):
    """Gate reviews this approver may decide: in scope, of their own B/D, not requested by them. Oldest first."""
    return (
        restrict_related(GateReview.objects.filter(status=ReviewStatus.PENDING), user, Permission.DECIDE_GATE_REVIEW)
        .filter(project__bd_id=user.org_unit_id)
        .exclude(requested_by=user)
        .select_related("project", "project__bd", "requested_by")
        .order_by("requested_at", "id")
    )


def my_requests_waiting(user):
    """Gate reviews this user requested that wait for another approver. Oldest first."""
    return (
        restrict_related(GateReview.objects.filter(status=ReviewStatus.PENDING), user)
        .filter(requested_by=user)
        .select_related("project", "project__bd", "requested_by")
        .order_by("requested_at", "id")
    )


def queue_count(user) -> int | None:
    """For the navigation: how many gate reviews wait for this user's decision (None if not an approver)."""
    from adoption.roles import has_permission

    if not has_permission(user, Permission.DECIDE_GATE_REVIEW) or not user.org_unit_id:
        return None
    return waiting_for_me(user).count()


def project_evidence(project):
    """Every piece of evidence of the project, all stages, removed ones too (they back old decisions)."""
    return (
        Evidence.objects.filter(checklist_item__project=project)
        .select_related("checklist_item__template_item", "added_by", "removed_by")
        .order_by("checklist_item__template_item__code", "added_at", "id")
    )
