"""Gate reviews: requested by a project officer, decided by another approver of the same B/D."""

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from adoption.choices import RiskTier
from adoption.portfolio import portfolio_changed
from adoption.roles import Permission
from lifecycle.audit import record
from lifecycle.choices import AuditAction, ReviewStatus
from lifecycle.errors import CONCURRENT_CHANGE, ActionRefused
from lifecycle.models import GateReview
from lifecycle.services.checklist import blocking_items
from lifecycle.services.common import lock, require, require_in_lifecycle, required_text
from lifecycle.services.transitions import change_stage
from lifecycle.snapshots import checklist_snapshot
from lifecycle.stages import Stage, earlier_stages


def review_interval(tier: str) -> relativedelta:
    """Periodic reviews: every 6 months for a high-risk system, every 12 otherwise."""
    return relativedelta(months=6 if tier in (RiskTier.HIGH, RiskTier.PROHIBITED) else 12)


def _refuse_blocking(project, stage) -> None:
    blocking = blocking_items(project, stage)
    if blocking:
        codes = ", ".join(item.template_item.code for item in blocking)
        raise ActionRefused(
            _(
                "These required checklist items are still open: %(codes)s. Complete them, or mark them not applicable "
                "where allowed, before the gate review."
            )
            % {"codes": codes}
        )


def request_gate_review(*, project, by, note: str = "") -> GateReview:
    with transaction.atomic():
        project = lock(project)
        require(by, Permission.REQUEST_GATE_REVIEW, project)
        require_in_lifecycle(project)
        if project.stage == Stage.DEPLOY_IMPROVE and project.in_operation_since is not None:
            raise ActionRefused(_("The project is already in operation: its gates are all passed."))
        if GateReview.objects.filter(project=project, status=ReviewStatus.PENDING).exists():
            raise ActionRefused(_("A gate review for this project is already waiting for a decision."))
        if project.risk_tier == RiskTier.UNSCREENED:
            raise ActionRefused(_("Complete the risk screening before requesting a gate review."))
        if project.risk_tier == RiskTier.PROHIBITED:
            raise ActionRefused(_("The risk screening found a prohibited use: the project cannot pass its gate."))
        _refuse_blocking(project, project.stage)
        review = GateReview.objects.create(
            project=project,
            stage=project.stage,
            requested_by=by,
            request_note=(note or "").strip(),
            submitted_snapshot=checklist_snapshot(project, project.stage),
        )
        record(
            project=project,
            actor=by,
            action=AuditAction.GATE_REQUESTED,
            from_stage=project.stage,
            reason=review.request_note,
            review=review.pk,
        )
        portfolio_changed()
    return review


def _lock_pending(review, by):
    project = lock(review.project_id)
    review = GateReview.objects.select_for_update().get(pk=review.pk)
    if review.status != ReviewStatus.PENDING:
        raise ActionRefused(
            _("This gate review was already %(status)s, so nothing was changed.")
            % {"status": review.get_status_display().lower()}
        )
    if review.stage != project.stage:
        raise ActionRefused(CONCURRENT_CHANGE)
    return project, review


def _require_decider(project, review, by) -> None:
    require(by, Permission.DECIDE_GATE_REVIEW, project)
    if by.org_unit_id != project.bd_id:
        raise ActionRefused(_("Only a gate approver of the project's own B/D can decide its gate reviews."))
    if by.pk == review.requested_by_id:
        raise ActionRefused(_("You requested this review: another approver must decide it."))


def approve_gate_review(*, review, by, comment: str = "") -> GateReview:
    """Approve: the project passes its gate in the same transaction."""
    with transaction.atomic():
        project, review = _lock_pending(review, by)
        _require_decider(project, review, by)
        if project.risk_tier == RiskTier.PROHIBITED:
            raise ActionRefused(_("The risk screening found a prohibited use: the project cannot pass its gate."))
        _refuse_blocking(project, review.stage)
        now = timezone.now()
        review.status = ReviewStatus.APPROVED
        review.decided_by = by
        review.decided_at = now
        review.decision_comment = (comment or "").strip()
        review.decision_snapshot = checklist_snapshot(project, review.stage)
        review.save()
        record(
            project=project,
            actor=by,
            action=AuditAction.GATE_APPROVED,
            from_stage=review.stage,
            reason=review.decision_comment,
            at=now,
            review=review.pk,
        )
        if project.stage == Stage.DEPLOY_IMPROVE:
            _start_operation(project=project, by=by, review=review)
        else:
            change_stage(project=project, by=by, transition="advance", reason=review.decision_comment)
    return review


def _start_operation(*, project, by, review) -> None:
    try:
        project.start_operation(at=review.decided_at)
        project.next_periodic_review_due = project.in_operation_since + review_interval(project.risk_tier)
        project.save()
    except TransitionNotAllowed:
        raise ActionRefused(_("The project cannot start operation now.")) from None
    except ConcurrentTransition:
        raise ActionRefused(CONCURRENT_CHANGE) from None
    record(
        project=project,
        actor=by,
        action=AuditAction.OPERATION_STARTED,
        from_stage=project.stage,
        to_stage=project.stage,
        at=review.decided_at,
        review=review.pk,
        next_periodic_review_due=project.next_periodic_review_due.isoformat(),
    )
    portfolio_changed()


def return_gate_review(*, review, by, comment: str, rework_to_stage: str = "") -> GateReview:
    """Return with comments; optionally send the project back to an earlier stage for rework."""
    comment = required_text(comment, _("Say what needs to change before the gate can be passed."))
    with transaction.atomic():
        project, review = _lock_pending(review, by)
        _require_decider(project, review, by)
        if rework_to_stage and rework_to_stage not in earlier_stages(project.stage):
            raise ActionRefused(_("Choose an earlier stage to return the project to."), field="rework_to_stage")
        now = timezone.now()
        review.status = ReviewStatus.RETURNED
        review.decided_by = by
        review.decided_at = now
        review.decision_comment = comment
        review.rework_to_stage = rework_to_stage
        review.decision_snapshot = checklist_snapshot(project, review.stage)
        review.save()
        record(
            project=project,
            actor=by,
            action=AuditAction.GATE_RETURNED,
            from_stage=review.stage,
            to_stage=rework_to_stage,
            reason=comment,
            at=now,
            review=review.pk,
        )
        if rework_to_stage:
            change_stage(project=project, by=by, transition="rework", reason=comment, to_stage=rework_to_stage)
        portfolio_changed()
    return review


def withdraw_gate_review(*, review, by, reason: str = "") -> GateReview:
    with transaction.atomic():
        project, review = _lock_pending(review, by)
        require(by, Permission.REQUEST_GATE_REVIEW, project)
        review.status = ReviewStatus.WITHDRAWN
        review.decided_by = by
        review.decided_at = timezone.now()
        review.decision_comment = (reason or "").strip()
        review.save()
        record(
            project=project,
            actor=by,
            action=AuditAction.GATE_WITHDRAWN,
            from_stage=review.stage,
            reason=review.decision_comment,
            review=review.pk,
        )
        portfolio_changed()
    return review
