"""Recording a risk screening: tier, reasons and the profile flags it sets."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from adoption.choices import RiskTier
from adoption.portfolio import portfolio_changed
from adoption.roles import Permission
from lifecycle import screening
from lifecycle.audit import record
from lifecycle.choices import AuditAction, EvidenceKind, ItemStatus
from lifecycle.errors import ActionRefused
from lifecycle.models import ChecklistItem, Evidence, RiskScreening
from lifecycle.services.checklist import ensure_checklist
from lifecycle.services.common import lock, require, require_in_lifecycle, require_no_pending_review
from lifecycle.stages import Stage

SCREENING_ITEM_CODE = "S1-04"


def screen_risk(*, project, by, answers: dict) -> RiskScreening:
    """Store the answers, set the tier and flags, and add the checklist items they make apply."""
    try:
        clean = screening.validate_answers(answers)
    except screening.ScreeningError as error:
        raise ActionRefused(_("Answer every question shown with yes or no."), field=next(iter(error.errors))) from None
    tier, reasons = screening.score(clean)
    with transaction.atomic():
        project = lock(project)
        require(by, Permission.CHANGE_PROJECT, project)
        require_in_lifecycle(project)
        require_no_pending_review(project)
        now = timezone.now()
        result = RiskScreening.objects.create(
            project=project,
            questionnaire_version=screening.QUESTIONNAIRE_VERSION,
            answers=clean,
            tier=tier,
            reasons=reasons,
            screened_by=by,
            screened_at=now,
        )
        flags = screening.profile_flags(clean)
        before = {"risk_tier": project.risk_tier, **{name: getattr(project, name) for name in flags}}
        project.risk_tier = tier
        for name, value in flags.items():
            setattr(project, name, value)
        project.save(update_fields=["risk_tier", *flags, "updated_at"])
        after = {"risk_tier": tier, **flags}
        record(
            project=project,
            actor=by,
            action=AuditAction.RISK_SCREENED,
            at=now,
            screening=result.pk,
            tier=tier,
            reasons=reasons,
            changed={key: [before[key], after[key]] for key in after if before[key] != after[key]},
        )
        ensure_checklist(project=project, stage=project.stage, by=by)
        _complete_screening_item(project=project, by=by, result=result)
        portfolio_changed()
    return result


def _complete_screening_item(*, project, by, result) -> None:
    """S1-04 asks for exactly this screening: record it as the item's evidence."""
    if project.stage != Stage.IDENTIFY or result.tier == RiskTier.PROHIBITED:
        return
    item = (
        ChecklistItem.objects.select_for_update()
        .filter(project=project, stage=Stage.IDENTIFY, template_item__code=SCREENING_ITEM_CODE, status=ItemStatus.OPEN)
        .first()
    )
    if item is None:
        return
    note = _("Risk screening recorded: tier %(tier)s. %(reasons)s") % {
        "tier": result.get_tier_display(),
        "reasons": " ".join(screening.reason_texts(result.reasons)),
    }
    Evidence.objects.create(checklist_item=item, kind=EvidenceKind.NOTE, note=note, added_by=by)
    item.status = ItemStatus.DONE
    item.completed_by = by
    item.completed_at = result.screened_at
    item.save(update_fields=["status", "completed_by", "completed_at"])
    record(
        project=project,
        actor=by,
        action=AuditAction.ITEM_DONE,
        to_stage=item.stage,
        item=SCREENING_ITEM_CODE,
        previous_status=ItemStatus.OPEN,
        screening=result.pk,
    )
