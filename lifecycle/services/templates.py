"""Checklist template versions: DPO drafts a new version from a published one, then publishes it.

A published version never changes; projects keep the version their checklist was created from.
"""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from adoption.roles import Permission, has_permission
from lifecycle.choices import TemplateStatus
from lifecycle.errors import ActionRefused
from lifecycle.models import ChecklistTemplate, ChecklistTemplateItem


def _require_reference_data(by) -> None:
    if not has_permission(by, Permission.MANAGE_REFERENCE_DATA):
        raise ActionRefused(_("Only DPO officers maintain the checklist templates."))


def draft_new_template_version(*, source: ChecklistTemplate, by) -> ChecklistTemplate:
    _require_reference_data(by)
    with transaction.atomic():
        # Django drops FOR UPDATE from an aggregate query, so lock the rows first (waiting for
        # another draft being made), then read the highest version afresh in a new statement.
        list(ChecklistTemplate.objects.select_for_update().values_list("pk", flat=True))
        next_version = (ChecklistTemplate.objects.aggregate(v=Max("version"))["v"] or 0) + 1
        draft = ChecklistTemplate.objects.create(
            version=next_version,
            title_en=source.title_en,
            title_zh_hant=source.title_zh_hant,
            status=TemplateStatus.DRAFT,
            notes=f"Drafted from version {source.version}.",
        )
        items = []
        for item in source.items.all():
            item.pk = None
            item.template = draft
            items.append(item)
        ChecklistTemplateItem.objects.bulk_create(items)
    return draft


def publish_template(*, template: ChecklistTemplate, by) -> ChecklistTemplate:
    _require_reference_data(by)
    with transaction.atomic():
        template = ChecklistTemplate.objects.select_for_update().get(pk=template.pk)
        if template.status != TemplateStatus.DRAFT:
            raise ActionRefused(_("Version %(version)s is already published.") % {"version": template.version})
        if not template.items.exists():
            raise ActionRefused(_("A template without items cannot be published."))
        template.status = TemplateStatus.PUBLISHED
        template.published_at = timezone.now()
        template.published_by = by
        template.save(update_fields=["status", "published_at", "published_by"])
    return template
