"""A gate checklist frozen as plain data, so a decision can be read as it stood years later."""

from django.db.models import Prefetch
from django.utils import timezone

from lifecycle.checklists import requirement
from lifecycle.models import ChecklistItem, Evidence


def _person(user) -> dict | None:
    if user is None:
        return None
    return {"id": user.pk, "username": user.username, "name": str(user), "post": user.post_title}


def _when(value) -> str | None:
    return value.isoformat() if value else None


def checklist_snapshot(project, stage: str) -> dict:
    """Everything the gate decision rests on: profile, items, statuses, who and when, evidence."""
    profile = project.profile
    items = (
        ChecklistItem.objects.filter(project=project, stage=stage)
        .select_related("template_item", "completed_by")
        .prefetch_related(
            Prefetch(
                "evidence",
                queryset=Evidence.objects.filter(removed_at__isnull=True).select_related("added_by"),
                to_attr="current_evidence",
            )
        )
        .order_by("template_item__order", "template_item__code")
    )
    return {
        "taken_at": timezone.now().isoformat(),
        "stage": stage,
        "template_version": project.checklist_template_version,
        "profile": {
            "risk_tier": profile.tier,
            "uses_generative_ai": profile.generative_ai,
            "processes_personal_data": profile.personal_data,
            "is_public_facing": profile.public_facing,
        },
        "items": [
            {
                "code": item.template_item.code,
                "text_en": item.template_item.text_en,
                "text_zh_hant": item.template_item.text_zh_hant,
                "requirement": requirement(item.template_item.applies, profile),
                "status": item.status,
                "justification": item.justification,
                "completed_by": _person(item.completed_by),
                "completed_at": _when(item.completed_at),
                "evidence": [
                    {
                        "id": evidence.pk,
                        "kind": evidence.kind,
                        "note": evidence.note,
                        "url": evidence.url,
                        "file_name": evidence.original_name,
                        "size": evidence.size,
                        "sha256": evidence.sha256,
                        "added_by": _person(evidence.added_by),
                        "added_at": _when(evidence.added_at),
                    }
                    for evidence in item.current_evidence
                ],
            }
            for item in items
        ],
    }
