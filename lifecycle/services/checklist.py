"""Checklist services: create a stage's items, tick them, mark them N/A, attach evidence."""

from contextlib import contextmanager

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from adoption.portfolio import portfolio_changed
from adoption.roles import Permission
from lifecycle.audit import record
from lifecycle.checklists import applies_to, is_blocking
from lifecycle.choices import AuditAction, EvidenceKind, ItemStatus, TemplateStatus
from lifecycle.errors import ActionRefused
from lifecycle.evidence import check_upload, check_url
from lifecycle.models import ChecklistItem, ChecklistTemplate, ChecklistTemplateItem, Evidence
from lifecycle.services.common import lock, require, require_in_lifecycle, require_no_pending_review, required_text
from lifecycle.stages import LIFECYCLE_STAGES


def current_template() -> ChecklistTemplate:
    template = ChecklistTemplate.objects.filter(status=TemplateStatus.PUBLISHED).order_by("-version").first()
    if template is None:
        raise ActionRefused(_("No checklist template is published yet: run seed_reference_data."))
    return template


def ensure_checklist(*, project, stage: str, by=None) -> list[ChecklistItem]:
    """Add the stage's items that apply to the project's profile and are not there yet.

    Runs when a project enters a stage and whenever its profile changes, so a project that
    now processes personal data gets the personal-data items at once. Items never go away:
    one that no longer applies stays, shown as no longer required and not blocking.
    """
    if stage not in LIFECYCLE_STAGES:
        return []
    template_items = ChecklistTemplateItem.objects.filter(
        template__version=project.checklist_template_version, stage=stage
    ).order_by("order")
    existing = set(
        ChecklistItem.objects.filter(project=project, stage=stage).values_list("template_item_id", flat=True)
    )
    profile = project.profile
    new_items = [
        ChecklistItem(project=project, template_item=template_item, stage=stage)
        for template_item in template_items
        if template_item.pk not in existing and applies_to(template_item.applies, profile)
    ]
    if not new_items:
        return []
    ChecklistItem.objects.bulk_create(new_items)
    codes = [item.template_item.code for item in new_items]
    record(
        project=project,
        actor=by,
        action=AuditAction.CHECKLIST_ITEMS_ADDED if existing else AuditAction.CHECKLIST_CREATED,
        to_stage=stage,
        items=codes,
    )
    return new_items


def blocking_items(project, stage: str) -> list[ChecklistItem]:
    items = ChecklistItem.objects.filter(project=project, stage=stage).select_related("template_item")
    profile = project.profile
    return sorted((item for item in items if is_blocking(item, profile)), key=lambda item: item.template_item.code)


def _lock_item(item) -> tuple:
    project = lock(item.project_id)
    item = ChecklistItem.objects.select_for_update().select_related("template_item").get(pk=item.pk)
    return project, item


def _check_workable(project, item, by) -> None:
    require(by, Permission.WORK_CHECKLIST, project)
    require_in_lifecycle(project)
    if item.stage != project.stage:
        raise ActionRefused(_("This item belongs to a stage the project is not in; it can no longer be changed."))
    require_no_pending_review(project)


@contextmanager
def _atomic_with_files():
    """A transaction that also removes the files it stored if it fails."""
    stored: list = []
    try:
        with transaction.atomic():
            yield stored
    except BaseException:
        for field_file in stored:
            field_file.storage.delete(field_file.name)
        raise


def _store_evidence(*, item, by, stored: list, note="", url="", upload=None) -> list[Evidence]:
    """Validate everything first, then write: a bad link or file leaves nothing behind."""
    note = (note or "").strip()
    checked_url = check_url(url) if (url or "").strip() else ""
    checked_file = check_upload(upload) if upload else None
    created = []
    if note:
        created.append(Evidence.objects.create(checklist_item=item, kind=EvidenceKind.NOTE, note=note, added_by=by))
    if checked_url:
        created.append(
            Evidence.objects.create(checklist_item=item, kind=EvidenceKind.LINK, url=checked_url, added_by=by)
        )
    if checked_file:
        evidence = Evidence(
            checklist_item=item,
            kind=EvidenceKind.FILE,
            original_name=checked_file.original_name,
            content_type=checked_file.content_type,
            size=checked_file.size,
            sha256=checked_file.sha256,
            added_by=by,
        )
        evidence.file.save(checked_file.original_name, upload, save=False)
        stored.append(evidence.file)
        evidence.save()
        created.append(evidence)
    return created


def _evidence_summary(evidence: list[Evidence]) -> list[dict]:
    return [
        {"id": e.pk, "kind": e.kind, "file_name": e.original_name, "url": e.url, "sha256": e.sha256} for e in evidence
    ]


def complete_item(*, item, by, note: str = "", url: str = "", upload=None) -> ChecklistItem:
    """Mark an item done. It needs evidence: given now, or attached before."""
    with _atomic_with_files() as stored:
        project, item = _lock_item(item)
        _check_workable(project, item, by)
        if item.status == ItemStatus.DONE:
            raise ActionRefused(_("This item is already done."))
        added = _store_evidence(item=item, by=by, stored=stored, note=note, url=url, upload=upload)
        if not added and not item.evidence.filter(removed_at__isnull=True).exists():
            raise ActionRefused(_("Add evidence to mark the item done: a note, a link or a file."), field="note")
        previous = item.status
        item.status = ItemStatus.DONE
        item.justification = ""
        item.completed_by = by
        item.completed_at = timezone.now()
        item.save(update_fields=["status", "justification", "completed_by", "completed_at"])
        record(
            project=project,
            actor=by,
            action=AuditAction.ITEM_DONE,
            to_stage=item.stage,
            item=item.template_item.code,
            previous_status=previous,
            evidence=_evidence_summary(added),
        )
        portfolio_changed()
    return item


def mark_not_applicable(*, item, by, justification: str) -> ChecklistItem:
    justification = required_text(justification, _("Say why this item does not apply to the project."))
    with transaction.atomic():
        project, item = _lock_item(item)
        _check_workable(project, item, by)
        if not item.template_item.na_allowed:
            raise ActionRefused(_("This item cannot be marked not applicable: every project must complete it."))
        if item.status == ItemStatus.NOT_APPLICABLE:
            raise ActionRefused(_("This item is already marked not applicable."))
        previous = item.status
        item.status = ItemStatus.NOT_APPLICABLE
        item.justification = justification
        item.completed_by = by
        item.completed_at = timezone.now()
        item.save(update_fields=["status", "justification", "completed_by", "completed_at"])
        record(
            project=project,
            actor=by,
            action=AuditAction.ITEM_NOT_APPLICABLE,
            to_stage=item.stage,
            reason=justification,
            item=item.template_item.code,
            previous_status=previous,
        )
        portfolio_changed()
    return item


def reopen_item(*, item, by, reason: str = "") -> ChecklistItem:
    with transaction.atomic():
        project, item = _lock_item(item)
        _check_workable(project, item, by)
        if item.status == ItemStatus.OPEN:
            raise ActionRefused(_("This item is already open."))
        previous = item.status
        item.status = ItemStatus.OPEN
        item.justification = ""
        item.completed_by = None
        item.completed_at = None
        item.save(update_fields=["status", "justification", "completed_by", "completed_at"])
        record(
            project=project,
            actor=by,
            action=AuditAction.ITEM_REOPENED,
            to_stage=item.stage,
            reason=(reason or "").strip(),
            item=item.template_item.code,
            previous_status=previous,
        )
        portfolio_changed()
    return item


def add_evidence(*, item, by, note: str = "", url: str = "", upload=None) -> list[Evidence]:
    if not (note or "").strip() and not (url or "").strip() and not upload:
        raise ActionRefused(_("Give a note, a link or a file."), field="note")
    with _atomic_with_files() as stored:
        project, item = _lock_item(item)
        _check_workable(project, item, by)
        added = _store_evidence(item=item, by=by, stored=stored, note=note, url=url, upload=upload)
        record(
            project=project,
            actor=by,
            action=AuditAction.EVIDENCE_ADDED,
            to_stage=item.stage,
            item=item.template_item.code,
            evidence=_evidence_summary(added),
        )
    return added


def remove_evidence(*, evidence, by, reason: str = "") -> Evidence:
    """Evidence is withdrawn, not erased: the row and file stay for the gate snapshots."""
    with transaction.atomic():
        project, item = _lock_item(evidence.checklist_item)
        _check_workable(project, item, by)
        evidence = Evidence.objects.select_for_update().get(pk=evidence.pk)
        if evidence.removed_at is not None:
            raise ActionRefused(_("This evidence has already been removed."))
        if item.status == ItemStatus.DONE and item.evidence.filter(removed_at__isnull=True).count() == 1:
            raise ActionRefused(_("This is the item's only evidence: reopen the item or add other evidence first."))
        evidence.removed_by = by
        evidence.removed_at = timezone.now()
        evidence.save(update_fields=["removed_by", "removed_at"])
        record(
            project=project,
            actor=by,
            action=AuditAction.EVIDENCE_REMOVED,
            to_stage=item.stage,
            reason=(reason or "").strip(),
            item=item.template_item.code,
            evidence=_evidence_summary([evidence]),
        )
    return evidence
