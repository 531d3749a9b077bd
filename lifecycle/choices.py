"""Statuses of the lifecycle records, each declared once with translated labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Applicability(models.TextChoices):
    """When a checklist template item applies (the reference's flags)."""

    ALL = "all", _("Every project")
    T2_PLUS = "t2plus", _("Tier limited or above (recommended below)")
    T3 = "t3", _("Tier high")
    GENAI = "genai", _("Uses generative AI")
    PERSONAL_DATA = "pd", _("Processes personal data")
    PUBLIC_FACING = "pub", _("Public-facing")
    RECOMMENDED = "rec", _("Recommended only")


class Requirement(models.TextChoices):
    MANDATORY = "mandatory", _("Required")
    RECOMMENDED = "recommended", _("Recommended")
    NOT_REQUIRED = "not_required", _("No longer required")


class ItemStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("checklist item status", "To do")
    DONE = "done", pgettext_lazy("checklist item status", "Done")
    NOT_APPLICABLE = "not_applicable", pgettext_lazy("checklist item status", "Not applicable")


class EvidenceKind(models.TextChoices):
    NOTE = "note", pgettext_lazy("evidence kind", "Note")
    LINK = "link", pgettext_lazy("evidence kind", "Link")
    FILE = "file", pgettext_lazy("evidence kind", "File")


class TemplateStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("template status", "Draft")
    PUBLISHED = "published", pgettext_lazy("template status", "Published")


class ReviewStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("gate review status", "Waiting for decision")
    APPROVED = "approved", pgettext_lazy("gate review status", "Approved")
    RETURNED = "returned", pgettext_lazy("gate review status", "Returned")
    WITHDRAWN = "withdrawn", pgettext_lazy("gate review status", "Withdrawn")


class AuditAction(models.TextChoices):
    PROJECT_CREATED = "project_created", _("Project registered")
    PROJECT_UPDATED = "project_updated", _("Project details changed")
    PROFILE_CHANGED = "profile_changed", _("Project profile changed")
    RISK_SCREENED = "risk_screened", _("Risk screening recorded")
    STAGE_CHANGED = "stage_changed", _("Stage changed")
    OPERATION_STARTED = "operation_started", _("In operation")
    CHECKLIST_CREATED = "checklist_created", _("Checklist created")
    CHECKLIST_ITEMS_ADDED = "checklist_items_added", _("Checklist items added")
    ITEM_DONE = "item_done", _("Checklist item done")
    ITEM_NOT_APPLICABLE = "item_not_applicable", _("Checklist item marked not applicable")
    ITEM_REOPENED = "item_reopened", _("Checklist item reopened")
    EVIDENCE_ADDED = "evidence_added", _("Evidence added")
    EVIDENCE_REMOVED = "evidence_removed", _("Evidence removed")
    GATE_REQUESTED = "gate_requested", _("Gate review requested")
    GATE_WITHDRAWN = "gate_withdrawn", _("Gate review withdrawn")
    GATE_APPROVED = "gate_approved", _("Gate review approved")
    GATE_RETURNED = "gate_returned", _("Gate review returned")
    PERIODIC_REVIEW = "periodic_review", _("Periodic review recorded")
    INCIDENT_OPENED = "incident_opened", _("Incident opened")
    INCIDENT_UPDATED = "incident_updated", _("Incident updated")
    INCIDENT_CLOSED = "incident_closed", _("Incident closed")


class StageExit(models.TextChoices):
    ADVANCED = "advanced", _("Gate passed")
    REWORKED = "reworked", _("Returned for rework")
    HELD = "held", _("Put on hold")
    RESUMED = "resumed", _("Resumed")
    CANCELLED = "cancelled", pgettext_lazy("stage exit", "Cancelled")
    RETIRED = "retired", pgettext_lazy("stage exit", "Retired")


class KpiOutcome(models.TextChoices):
    MET = "met", _("Success criteria met")
    PARTLY_MET = "partly_met", _("Partly met")
    NOT_MET = "not_met", _("Not met")


class ReviewDecision(models.TextChoices):
    CONTINUE = "continue", _("Continue")
    IMPROVE = "improve", _("Improve")
    RETIRE = "retire", _("Retire")


class IncidentKind(models.TextChoices):
    ANOMALY = "anomaly", _("Anomaly")
    SECURITY_BREACH = "security_breach", _("Security breach")
    ETHICAL_ISSUE = "ethical_issue", _("Ethical issue")


class Severity(models.TextChoices):
    LOW = "low", pgettext_lazy("severity", "Low")
    MEDIUM = "medium", pgettext_lazy("severity", "Medium")
    HIGH = "high", pgettext_lazy("severity", "High")
    CRITICAL = "critical", pgettext_lazy("severity", "Critical")


class IncidentStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("incident status", "Open")
    CLOSED = "closed", pgettext_lazy("incident status", "Closed")


class ReminderKind(models.TextChoices):
    OVERDUE_REVIEW = "overdue_review", _("Periodic review overdue")
    STALLED = "stalled", _("Stalled in stage")
