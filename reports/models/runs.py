"""Portfolio report runs: one row per requested (or scheduled) report, with its status and file.

A run is created by ``reports.services.runs.request_report`` and worked by the Celery task
``reports.tasks.generate_report``. The row is the source of truth for the task: a worker
claims it with a conditional UPDATE (``attempt`` goes up by one), reports progress through
it, and may only finish the attempt it claimed, so a redelivered or duplicated task never
makes a second file.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from adoption.choices import ScopeLevel


class ReportFormat(models.TextChoices):
    PDF = "pdf", _("PDF")
    XLSX = "xlsx", _("Excel workbook (XLSX)")


class ReportLanguage(models.TextChoices):
    ENGLISH = "en", "English"
    CHINESE = "zh-hant", "繁體中文"


class RunStatus(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("report status", "Queued")
    RUNNING = "running", pgettext_lazy("report status", "Running")
    SUCCEEDED = "succeeded", pgettext_lazy("report status", "Ready")
    FAILED = "failed", pgettext_lazy("report status", "Failed")


FINISHED = (RunStatus.SUCCEEDED, RunStatus.FAILED)
CONTENT_TYPES = {
    ReportFormat.PDF: "application/pdf",
    ReportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class ReportRunQuerySet(models.QuerySet):
    def covered_by(self, user):
        """Runs whose scope lies within ``user``'s scope (the rule for viewing and downloading).

        A run for all B/Ds needs a user who sees all; a run for a unit (or a unit's tree) needs
        a user whose own scope contains that unit and, for a tree, the unit's whole tree.
        """
        from adoption.scoping import NOTHING

        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.filter(NOTHING)
        if user.is_superuser or user.scope_level == ScopeLevel.ALL:
            return self
        if user.org_unit_id is None:
            return self.filter(NOTHING)
        if user.scope_level == ScopeLevel.UNIT_TREE:
            return self.filter(scope_unit__path__startswith=user.org_unit.path)
        return self.filter(scope_level=ScopeLevel.OWN_UNIT, scope_unit_id=user.org_unit_id)


class ReportRun(models.Model):
    """A portfolio report for a scope and a period, in one format and language."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="report_runs"
    )
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    schedule_name = models.CharField(
        _("schedule"), max_length=200, blank=True, help_text=_("The schedule that made this run, if any.")
    )
    # The scope uses the same three levels as a user's scope: all B/Ds, a unit and the units
    # under it (a bureau and its departments), or one B/D.
    scope_level = models.CharField(_("scope"), max_length=12, choices=ScopeLevel.choices)
    scope_unit = models.ForeignKey(
        "adoption.OrgUnit",
        verbose_name=_("B/D or bureau"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"), help_text=_("Inclusive."))
    format = models.CharField(_("format"), max_length=8, choices=ReportFormat.choices)
    language = models.CharField(_("language"), max_length=10, choices=ReportLanguage.choices)

    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED, db_index=True
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    stage_note = models.CharField(_("working on"), max_length=200, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    error_message = models.TextField(_("what went wrong"), blank=True)

    # Idempotency: the task carries ``task_id``; every claim of the run bumps ``attempt``, and
    # only the current attempt may report progress or finish. The file's name is derived from
    # the run, so a second attempt replaces a partial file instead of adding one.
    task_id = models.UUIDField(_("task id"), default=uuid.uuid4, unique=True, editable=False)
    attempt = models.PositiveSmallIntegerField(_("attempts"), default=0)
    file = models.FileField(_("file"), max_length=255, blank=True)
    file_size = models.PositiveBigIntegerField(_("size in bytes"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    project_count = models.PositiveIntegerField(_("projects in the report"), null=True, blank=True)
    notified_at = models.DateTimeField(_("requester notified"), null=True, blank=True)

    objects = ReportRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("report run")
        verbose_name_plural = _("report runs")
        ordering = ["-requested_at", "-id"]
        indexes = [
            models.Index(fields=["requested_by", "requested_at"], name="report_run_requester"),
            models.Index(fields=["status", "heartbeat_at"], name="report_run_status_heartbeat"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="report_run_progress_at_most_100"),
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="report_run_period"),
            models.CheckConstraint(
                condition=Q(scope_level=ScopeLevel.ALL, scope_unit__isnull=True)
                | (~Q(scope_level=ScopeLevel.ALL) & Q(scope_unit__isnull=False)),
                name="report_run_scope_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scope_label} {self.period_label} {self.get_format_display()}"

    def get_absolute_url(self) -> str:
        return reverse("report_runs:run_detail", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED

    @property
    def scope(self):
        from reports.scopes import ReportScope

        return ReportScope(self.scope_level, self.scope_unit)

    @property
    def scope_label(self) -> str:
        return self.scope.label

    @property
    def period_label(self) -> str:
        from reports.periods import Period

        return Period(self.period_start, self.period_end).label

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.format]

    @property
    def download_name(self) -> str:
        unit = self.scope_unit.code if self.scope_unit_id else "all"
        return f"ai-portfolio-{unit}-{self.period_start:%Y%m%d}-{self.period_end:%Y%m%d}-{self.language}.{self.format}"

    def storage_name(self) -> str:
        """Deterministic: a retried attempt writes the same name, replacing a partial file."""
        return f"reports/{self.requested_at:%Y/%m}/run-{self.pk}-{self.task_id.hex}.{self.format}"

    def is_covered_by(self, user) -> bool:
        """The same rule as ``ReportRunQuerySet.covered_by`` for one run, without a query."""
        from reports.scopes import within_user_scope

        return within_user_scope(self.scope, user)
