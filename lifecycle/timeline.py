"""The audit trail told as sentences, in the reader's language: "Chan Tai Man approved gate 1"."""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lifecycle.choices import AuditAction
from lifecycle.models import AuditEvent
from lifecycle.stages import SHORT_LABELS, Stage, stage_number

A = AuditAction


@dataclass
class Entry:
    at: object
    action: str
    sentence: str
    reason: str


def _stage(value: str) -> str:
    return str(SHORT_LABELS.get(value, Stage(value).label if value in Stage.values else value))


def _gate(value: str) -> str:
    number = stage_number(value)
    return str(number) if number else _stage(value)


def _stage_changed(event: AuditEvent, who: str) -> str:
    transition = event.details.get("transition", "")
    values = {"who": who, "stage": _stage(event.to_stage), "number": stage_number(event.to_stage) or ""}
    if transition == "advance":
        return _("The project moved to stage %(number)s: %(stage)s.") % values
    if transition == "rework":
        return _("%(who)s returned the project to %(stage)s for rework.") % values
    if transition == "hold":
        return _("%(who)s put the project on hold.") % values
    if transition == "resume":
        return _("%(who)s resumed the project at %(stage)s.") % values
    if transition == "cancel":
        return _("%(who)s cancelled the project.") % values
    if transition == "retire":
        return _("%(who)s retired the system.") % values
    return _("The project moved to %(stage)s.") % values


def sentence(event: AuditEvent) -> str:
    who = str(event.actor) if event.actor_id else _("The system")
    details = event.details or {}
    item = details.get("item", "")
    action = event.action
    if action == A.PROJECT_CREATED:
        return _("%(who)s registered the project.") % {"who": who}
    if action == A.PROJECT_UPDATED:
        return _("%(who)s changed the project's details.") % {"who": who}
    if action == A.PROFILE_CHANGED:
        count = len(details.get("items_added", []))
        return ngettext(
            "%(who)s changed the project's profile; %(count)s checklist item was added.",
            "%(who)s changed the project's profile; %(count)s checklist items were added.",
            count,
        ) % {"who": who, "count": count}
    if action == A.RISK_SCREENED:
        from adoption.choices import RiskTier

        tier = details.get("tier", "")
        label = RiskTier(tier).label if tier in RiskTier.values else tier
        return _("%(who)s recorded the risk screening: risk tier %(tier)s.") % {"who": who, "tier": label}
    if action == A.STAGE_CHANGED:
        return _stage_changed(event, who)
    if action == A.OPERATION_STARTED:
        return _("The system went into operation.")
    if action in (A.CHECKLIST_CREATED, A.CHECKLIST_ITEMS_ADDED):
        items = details.get("items", [])
        values = {"stage": _stage(event.to_stage), "count": len(items)}
        if action == A.CHECKLIST_CREATED:
            return (
                ngettext(
                    "The %(stage)s checklist was created with %(count)s item.",
                    "The %(stage)s checklist was created with %(count)s items.",
                    len(items),
                )
                % values
            )
        return (
            ngettext(
                "%(count)s item was added to the %(stage)s checklist.",
                "%(count)s items were added to the %(stage)s checklist.",
                len(items),
            )
            % values
        )
    if action == A.ITEM_DONE:
        return _("%(who)s completed checklist item %(item)s.") % {"who": who, "item": item}
    if action == A.ITEM_NOT_APPLICABLE:
        return _("%(who)s marked checklist item %(item)s not applicable.") % {"who": who, "item": item}
    if action == A.ITEM_REOPENED:
        return _("%(who)s reopened checklist item %(item)s.") % {"who": who, "item": item}
    if action == A.EVIDENCE_ADDED:
        return _("%(who)s added evidence to checklist item %(item)s.") % {"who": who, "item": item}
    if action == A.EVIDENCE_REMOVED:
        return _("%(who)s removed evidence from checklist item %(item)s.") % {"who": who, "item": item}
    gate = _gate(event.from_stage)
    if action == A.GATE_REQUESTED:
        return _("%(who)s requested the review of gate %(gate)s.") % {"who": who, "gate": gate}
    if action == A.GATE_WITHDRAWN:
        return _("%(who)s withdrew the review request of gate %(gate)s.") % {"who": who, "gate": gate}
    if action == A.GATE_APPROVED:
        return _("%(who)s approved gate %(gate)s.") % {"who": who, "gate": gate}
    if action == A.GATE_RETURNED:
        if event.to_stage:
            return _("%(who)s returned gate %(gate)s and sent the project back to %(stage)s.") % {
                "who": who,
                "gate": gate,
                "stage": _stage(event.to_stage),
            }
        return _("%(who)s returned gate %(gate)s with comments.") % {"who": who, "gate": gate}
    if action == A.PERIODIC_REVIEW:
        return _("%(who)s recorded a periodic review.") % {"who": who}
    if action == A.INCIDENT_OPENED:
        return _("%(who)s opened an incident.") % {"who": who}
    if action == A.INCIDENT_UPDATED:
        return _("%(who)s updated an incident.") % {"who": who}
    if action == A.INCIDENT_CLOSED:
        return _("%(who)s closed an incident.") % {"who": who}
    return str(event.get_action_display())


def timeline(project, limit: int | None = None) -> list[Entry]:
    """The project's audit trail, newest first, as sentences. One query."""
    events = AuditEvent.objects.filter(project=project).select_related("actor").order_by("-at", "-id")
    if limit:
        events = events[:limit]
    return [Entry(at=event.at, action=event.action, sentence=sentence(event), reason=event.reason) for event in events]
