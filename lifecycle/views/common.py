"""Context shared by the project page and the checklist's partial updates."""

from adoption.roles import Permission
from adoption.scoping import can
from lifecycle import selectors
from lifecycle.forms import EvidenceForm, JustificationForm, ReopenForm
from lifecycle.stages import LIFECYCLE_STAGES, Stage


def checklist_stage(project) -> str | None:
    """The stage whose checklist the project page shows: the current one, or the one a held project left."""
    if project.stage in LIFECYCLE_STAGES:
        return project.stage
    if project.stage == Stage.ON_HOLD and project.held_from_stage:
        return project.held_from_stage
    return None


def may_work(project, user, pending) -> bool:
    return project.stage in LIFECYCLE_STAGES and pending is None and can(user, Permission.WORK_CHECKLIST, project)


def attach_forms(item, *, bound: dict | None = None) -> None:
    """The item's own forms (evidence, not applicable, reopen), bound ones replacing the blank ones."""
    bound = bound or {}
    item.evidence_form = bound.get("evidence") or EvidenceForm(item=item)
    item.na_form = bound.get("na") or JustificationForm(item=item)
    item.reopen_form = bound.get("reopen") or ReopenForm(item=item)
    item.open_panel = next(iter(bound), "")


def gate_context(project, user, items=None) -> dict:
    """The gate panel: checklist progress, what still blocks the review, the actions open to the user."""
    stage = checklist_stage(project)
    if items is None:
        items = selectors.checklist(project, stage) if stage else []
    summary = selectors.summarise(items)
    pending = selectors.pending_review(project)
    can_work = may_work(project, user, pending)
    if can_work:
        for item in items:
            attach_forms(item)
    return {
        "project": project,
        "items": items,
        "summary": summary,
        "pending": pending,
        "can_work": can_work,
        "actions": selectors.available_actions(project, user, pending=pending, summary=summary),
        "blockers": selectors.gate_blockers(project, summary) if project.stage in LIFECYCLE_STAGES else [],
        "may_request": selectors.may_request_review(project, user),
        "checklist_stage": stage,
    }
