"""Gate checklists, gate reviews, the audit trail and life after deployment."""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from adoption.bilingual import localized
from adoption.choices import RiskTier
from lifecycle.choices import (
    AuditAction,
    EvidenceKind,
    IncidentKind,
    IncidentStatus,
    ItemStatus,
    KpiOutcome,
    ReminderKind,
    ReviewDecision,
    ReviewStatus,
    Severity,
    StageExit,
    TemplateStatus,
)
from lifecycle.stages import Stage

USER = settings.AUTH_USER_MODEL


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove an audit row."""


class ChecklistTemplate(models.Model):
    """A version of the gate checklists. Projects keep the version they started with."""

    version = models.PositiveSmallIntegerField(_("version"), unique=True)
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_zh_hant = models.CharField(_("title (Traditional Chinese)"), max_length=120)
    status = models.CharField(_("status"), max_length=10, choices=TemplateStatus.choices, default=TemplateStatus.DRAFT)
    notes = models.TextField(_("what changed"), blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        USER, verbose_name=_("published by"), null=True, blank=True, on_delete=models.PROTECT, editable=False
    )

    class Meta:
        verbose_name = _("checklist template")
        verbose_name_plural = _("checklist templates")
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"v{self.version} {localized(self.title_en, self.title_zh_hant)}"


class ChecklistTemplateItem(models.Model):
    template = models.ForeignKey(ChecklistTemplate, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(_("code"), max_length=10)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    order = models.PositiveSmallIntegerField(_("order"))
    text_en = models.TextField(_("text (English)"))
    text_zh_hant = models.TextField(_("text (Traditional Chinese)"))
    applies = models.JSONField(
        _("applies when"), default=list, help_text=_("Flags: all, t2plus, t3, genai, pd, pub, rec.")
    )
    na_allowed = models.BooleanField(_("may be marked not applicable"), default=False)
    source = models.CharField(_("source"), max_length=200, blank=True)
    guide_excerpt_en = models.TextField(_("guide wording (English)"), blank=True)
    guide_excerpt_zh_hant = models.TextField(_("guide wording (Traditional Chinese)"), blank=True)
    why_en = models.TextField(_("why it matters (English)"), blank=True)
    why_zh_hant = models.TextField(_("why it matters (Traditional Chinese)"), blank=True)

    class Meta:
        verbose_name = _("checklist template item")
        verbose_name_plural = _("checklist template items")
        ordering = ["template", "code"]
        constraints = [models.UniqueConstraint(fields=["template", "code"], name="template_item_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.text}"

    @property
    def text(self) -> str:
        return localized(self.text_en, self.text_zh_hant)

    @property
    def guide_excerpt(self) -> str:
        return localized(self.guide_excerpt_en, self.guide_excerpt_zh_hant)

    @property
    def why(self) -> str:
        return localized(self.why_en, self.why_zh_hant)


class ChecklistItem(models.Model):
    """One exit criterion of one stage of one project."""

    project = models.ForeignKey("adoption.Project", on_delete=models.PROTECT, related_name="checklist_items")
    template_item = models.ForeignKey(ChecklistTemplateItem, on_delete=models.PROTECT, related_name="+")
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    status = models.CharField(_("status"), max_length=16, choices=ItemStatus.choices, default=ItemStatus.OPEN)
    justification = models.TextField(_("justification"), blank=True)
    completed_by = models.ForeignKey(
        USER, verbose_name=_("completed by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    added_at = models.DateTimeField(_("added"), default=timezone.now)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["project", "template_item__code"]
        constraints = [models.UniqueConstraint(fields=["project", "template_item"], name="checklist_item_unique")]
        indexes = [models.Index(fields=["project", "stage"], name="checklist_project_stage")]

    def __str__(self) -> str:
        return f"{self.template_item.code} ({self.get_status_display()})"


def evidence_upload_to(instance, filename: str) -> str:
    # The stored name is random; the original name is kept in the row for display.
    suffix = PurePath(filename).suffix.lower()
    return f"evidence/{instance.checklist_item.project_id}/{uuid.uuid4().hex}{suffix}"


class Evidence(models.Model):
    checklist_item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="evidence")
    kind = models.CharField(_("kind"), max_length=8, choices=EvidenceKind.choices)
    note = models.TextField(_("note"), blank=True)
    url = models.URLField(_("link"), max_length=500, blank=True)
    file = models.FileField(_("file"), upload_to=evidence_upload_to, blank=True, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    size = models.PositiveIntegerField(_("size in bytes"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    added_by = models.ForeignKey(USER, verbose_name=_("added by"), on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(_("added"), default=timezone.now)
    removed_by = models.ForeignKey(
        USER, verbose_name=_("removed by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["added_at", "id"]

    def __str__(self) -> str:
        return self.original_name or self.url or (self.note[:60] if self.note else self.get_kind_display())


class RiskScreening(models.Model):
    """The answers to the ethical-AI impact screening and the tier they gave."""

    project = models.ForeignKey("adoption.Project", on_delete=models.PROTECT, related_name="screenings")
    questionnaire_version = models.PositiveSmallIntegerField(_("questionnaire version"))
    answers = models.JSONField(_("answers"))
    tier = models.CharField(_("risk tier"), max_length=12, choices=RiskTier.choices)
    reasons = models.JSONField(_("reasons"), default=list)
    screened_by = models.ForeignKey(USER, verbose_name=_("screened by"), on_delete=models.PROTECT, related_name="+")
    screened_at = models.DateTimeField(_("screened"), default=timezone.now)

    class Meta:
        verbose_name = _("risk screening")
        verbose_name_plural = _("risk screenings")
        ordering = ["-screened_at", "-id"]
        get_latest_by = "screened_at"

    def __str__(self) -> str:
        return f"{self.project_id}: {self.get_tier_display()}"


class GateReview(models.Model):
    """A request to pass a stage's gate, and the approver's decision on it."""

    project = models.ForeignKey("adoption.Project", on_delete=models.PROTECT, related_name="gate_reviews")
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PENDING, db_index=True
    )
    requested_by = models.ForeignKey(USER, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    request_note = models.TextField(_("note to the approver"), blank=True)
    submitted_snapshot = models.JSONField(_("checklist as submitted"), default=dict, editable=False)
    decided_by = models.ForeignKey(
        USER, verbose_name=_("decided by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_comment = models.TextField(_("comments"), blank=True)
    rework_to_stage = models.CharField(_("returned to stage"), max_length=20, choices=Stage.choices, blank=True)
    decision_snapshot = models.JSONField(_("checklist as decided"), default=dict, editable=False)

    class Meta:
        verbose_name = _("gate review")
        verbose_name_plural = _("gate reviews")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project"], condition=Q(status="pending"), name="one_pending_gate_review_per_project"
            )
        ]
        indexes = [models.Index(fields=["status", "requested_at"], name="gate_review_queue")]

    def __str__(self) -> str:
        return f"{self.project_id} {self.get_stage_display()} ({self.get_status_display()})"


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("The audit trail is append-only: rows cannot be updated.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError("The audit trail is append-only: rows cannot be updated.")

    def delete(self):
        raise AppendOnlyError("The audit trail is append-only: rows cannot be deleted.")

    def update_or_create(self, *args, **kwargs):
        raise AppendOnlyError("The audit trail is append-only: rows cannot be updated.")

    def bulk_create(self, objs, *args, **kwargs):
        if kwargs.get("update_conflicts"):
            raise AppendOnlyError("The audit trail is append-only: rows cannot be updated.")
        return super().bulk_create(objs, *args, **kwargs)


class AuditEvent(models.Model):
    """Who did what to a project, when, from which stage to which, and why. Never changed."""

    project = models.ForeignKey("adoption.Project", on_delete=models.PROTECT, related_name="audit_events")
    at = models.DateTimeField(_("when"), default=timezone.now)
    actor = models.ForeignKey(
        USER, verbose_name=_("who"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(_("action"), max_length=24, choices=AuditAction.choices)
    from_stage = models.CharField(_("from"), max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(_("to"), max_length=20, choices=Stage.choices, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit trail")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["project", "at"], name="audit_project_at"),
            models.Index(fields=["action", "at"], name="audit_action_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()}"

    def save(self, *args, **kwargs):
        if not self._state.adding or (self.pk is not None and AuditEvent.objects.filter(pk=self.pk).exists()):
            raise AppendOnlyError("The audit trail is append-only: rows cannot be updated.")
        # Insert only: a new object carrying an existing id must never turn into an UPDATE.
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("The audit trail is append-only: rows cannot be deleted.")


class StagePeriod(models.Model):
    """One visit of a project to a stage, kept by the transitions: cycle times come from here."""

    project = models.ForeignKey("adoption.Project", on_delete=models.PROTECT, related_name="stage_periods")
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    entered_at = models.DateTimeField(_("entered"))
    exited_at = models.DateTimeField(_("left"), null=True, blank=True)
    exit = models.CharField(_("how it left"), max_length=10, choices=StageExit.choices, blank=True)
    # Whole days from entering to leaving, kept when the period ends: the cycle times count these.
    days = models.PositiveIntegerField(_("days in the stage"), null=True, blank=True)

    class Meta:
        verbose_name = _("stage period")
        verbose_name_plural = _("stage periods")
        ordering = ["project", "entered_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project"], condition=Q(exited_at__isnull=True), name="one_open_stage_period_per_project"
            )
        ]
        indexes = [
            models.Index(fields=["stage", "exited_at"], name="stage_period_stage_exit"),
            # The dashboard's cycle times and stage changes of a B/D or bureau read these
            # index-only, project by project, instead of scanning every stage period.
            models.Index(
                fields=["project"],
                include=["id", "stage", "days", "exited_at"],
                condition=Q(exit="advanced"),
                name="stage_period_gates_passed",
            ),
            # For all B/Ds: the cycle times read in order, without a sort or a hash of every visit.
            models.Index(
                fields=["stage", "days"],
                include=["id", "project", "exited_at"],
                condition=Q(exit="advanced"),
                name="stage_period_cycle_days",
            ),
            models.Index(
                fields=["project", "exited_at"],
                include=["id", "exit"],
                condition=Q(exited_at__isnull=False),
                name="stage_period_exits",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.stage} {self.entered_at:%Y-%m-%d}"

    def save(self, *args, **kwargs):
        self.days = whole_days(self.entered_at, self.exited_at) if self.exited_at is not None else None
        super().save(*args, **kwargs)


def whole_days(start, end) -> int:
    """Whole days from ``start`` to ``end`` (datetimes), rounded down."""
    return (end - start).days


class PeriodicReview(models.Model):
    """A review of a project in operation: KPI actuals against the success criteria."""

    project = models.ForeignKey("adoption.Project", on_delete=models.PROTECT, related_name="periodic_reviews")
    due_date = models.DateField(_("due"), null=True, blank=True)
    review_date = models.DateField(_("review date"))
    kpi_results = models.TextField(_("KPI actuals against the success criteria"))
    outcome = models.CharField(_("outcome"), max_length=12, choices=KpiOutcome.choices)
    realised_staff_hours_per_year = models.PositiveIntegerField(
        _("realised staff hours saved a year"), null=True, blank=True
    )
    realised_cost_saving_hkd_per_year = models.DecimalField(
        _("realised cost saved a year (HK$)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    decision = models.CharField(_("decision"), max_length=10, choices=ReviewDecision.choices)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(USER, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("periodic review")
        verbose_name_plural = _("periodic reviews")
        ordering = ["-review_date", "-id"]

    def __str__(self) -> str:
        return f"{self.project_id} {self.review_date}"


class Incident(models.Model):
    """An anomaly, security breach or ethical issue, and how it was handled."""

    project = models.ForeignKey("adoption.Project", on_delete=models.PROTECT, related_name="incidents")
    kind = models.CharField(_("kind"), max_length=16, choices=IncidentKind.choices)
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("what happened"))
    occurred_at = models.DateTimeField(_("occurred"))
    opened_by = models.ForeignKey(USER, verbose_name=_("opened by"), on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    actions_taken = models.TextField(_("actions taken"), blank=True)
    reported_to = models.CharField(
        _("reported to"), max_length=200, blank=True, help_text=_("e.g. GIRO, PCPD, the Ethical AI Committee.")
    )
    status = models.CharField(
        _("status"), max_length=8, choices=IncidentStatus.choices, default=IncidentStatus.OPEN, db_index=True
    )
    closed_by = models.ForeignKey(
        USER, verbose_name=_("closed by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    resolution = models.TextField(_("resolution and lessons learnt"), blank=True)

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-opened_at", "-id"]

    def __str__(self) -> str:
        return self.title


class ReminderLog(models.Model):
    """A reminder e-mail that was sent, so the same reminder is never sent twice."""

    project = models.ForeignKey("adoption.Project", on_delete=models.PROTECT, related_name="reminders")
    kind = models.CharField(_("kind"), max_length=16, choices=ReminderKind.choices)
    reference = models.CharField(_("what it is about"), max_length=40)
    recipient = models.EmailField(_("sent to"))
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        ordering = ["-sent_at"]
        constraints = [models.UniqueConstraint(fields=["project", "kind", "reference"], name="reminder_once")]

    def __str__(self) -> str:
        return f"{self.project_id} {self.kind} {self.reference}"
