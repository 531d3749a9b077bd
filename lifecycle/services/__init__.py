"""Every lifecycle action, as a keyword-only function. Views, admin, imports and tasks call these."""

from lifecycle.services.checklist import (
    add_evidence,
    blocking_items,
    complete_item,
    current_template,
    ensure_checklist,
    mark_not_applicable,
    remove_evidence,
    reopen_item,
)
from lifecycle.services.gates import (
    approve_gate_review,
    request_gate_review,
    return_gate_review,
    withdraw_gate_review,
)
from lifecycle.services.operation import close_incident, open_incident, record_periodic_review, update_incident
from lifecycle.services.reminders import send_due_reminders
from lifecycle.services.screening import screen_risk
from lifecycle.services.transitions import cancel_project, change_stage, hold_project, resume_project, retire_project

__all__ = [
    "add_evidence",
    "approve_gate_review",
    "blocking_items",
    "cancel_project",
    "change_stage",
    "close_incident",
    "complete_item",
    "current_template",
    "ensure_checklist",
    "hold_project",
    "mark_not_applicable",
    "open_incident",
    "record_periodic_review",
    "remove_evidence",
    "reopen_item",
    "request_gate_review",
    "resume_project",
    "retire_project",
    "return_gate_review",
    "screen_risk",
    "send_due_reminders",
    "update_incident",
    "withdraw_gate_review",
]
