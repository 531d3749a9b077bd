"""Quarterly returns: a round per quarter, a return per B/D, and the frozen lines.

A line holds plain values as at quarter end (codes, names, dates, amounts), never a foreign key
to the project, B/D or vendor whose later changes could alter what the line says. Lines are
never changed once written (the ORM refuses, and on PostgreSQL a trigger too); the B/D's
remarks on a line live in ``LineRemark``, which stays editable until the return is submitted.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from adoption.choices import AdoptionStrategy, FundingSource, ProcurementRoute, RagStatus, RiskTier, SolutionCategory
from lifecycle.stages import Stage

USER = settings.AUTH_USER_MODEL


class FrozenLineError(Exception):
    """Raised on any attempt to change or remove a return line."""


class ReturnStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("return status", "Not submitted")
    SUBMITTED = "submitted", pgettext_lazy("return status", "Submitted")
    RETURNED = "returned", pgettext_lazy("return status", "Returned for changes")
    ACCEPTED = "accepted", pgettext_lazy("return status", "Accepted")


class ReturnAction(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("return action", "Submitted")
    RETURNED = "returned", pgettext_lazy("return action", "Returned for changes")
    ACCEPTED = "accepted", pgettext_lazy("return action", "Accepted")


class ReturnReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", _("Return due soon")
    OVERDUE = "overdue", _("Return overdue")


class ReturnRound(models.Model):
    """The return round of one quarter, e.g. 2026Q3."""

    quarter = models.CharField(_("quarter"), max_length=6, unique=True)
    period_start = models.DateField(_("first day of the quarter"))
    period_end = models.DateField(_("last day of the quarter"))
    due_date = models.DateField(_("returns due"))
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    opened_by = models.ForeignKey(
        USER,
        verbose_name=_("opened by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty when the round was opened by the schedule."),
    )
    line_count = models.PositiveIntegerField(_("lines"), default=0)

    class Meta:
        verbose_name = _("return round")
        verbose_name_plural = _("return rounds")
        ordering = ["-period_end"]

    def __str__(self) -> str:
        return self.quarter


class BDReturn(models.Model):
    """One B/D's return in a round: its lines, remarks, submission and DPO's decision."""

    round = models.ForeignKey(ReturnRound, verbose_name=_("round"), on_delete=models.PROTECT, related_name="returns")
    bd = models.ForeignKey(
        "adoption.OrgUnit", verbose_name=_("B/D"), on_delete=models.PROTECT, related_name="quarterly_returns"
    )
    # The B/D's names as they were when the round opened.
    bd_code = models.CharField(_("B/D code"), max_length=16)
    bd_name_en = models.CharField(_("B/D (English)"), max_length=200)
    bd_name_zh_hant = models.CharField(_("B/D (Traditional Chinese)"), max_length=100)
    line_count = models.PositiveIntegerField(_("lines"), default=0)
    status = models.CharField(
        _("status"), max_length=10, choices=ReturnStatus.choices, default=ReturnStatus.DRAFT, db_index=True
    )
    submitted_by = models.ForeignKey(
        USER, verbose_name=_("submitted by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_by = models.ForeignKey(
        USER, verbose_name=_("decided by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    dpo_comment = models.TextField(_("DPO's comments"), blank=True)

    class Meta:
        verbose_name = _("B/D return")
        verbose_name_plural = _("B/D returns")
        ordering = ["round", "bd_code"]
        constraints = [models.UniqueConstraint(fields=["round", "bd"], name="one_return_per_bd_and_round")]

    def __str__(self) -> str:
        return f"{self.round.quarter} {self.bd_code}"

    @property
    def bd_name(self) -> str:
        from adoption.bilingual import localized

        return localized(self.bd_name_en, self.bd_name_zh_hant)

    @property
    def is_open_for_changes(self) -> bool:
        return self.status in (ReturnStatus.DRAFT, ReturnStatus.RETURNED)

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.is_open_for_changes and self.round.due_date < today


class ReturnLineQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise FrozenLineError("Return lines are frozen: they cannot be updated.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise FrozenLineError("Return lines are frozen: they cannot be updated.")

    def update_or_create(self, *args, **kwargs):
        raise FrozenLineError("Return lines are frozen: they cannot be updated.")

    def delete(self):
        raise FrozenLineError("Return lines are frozen: they cannot be deleted.")


class ReturnLine(models.Model):
    """One project as it stood at quarter end. Plain values only; never changed."""

    round = models.ForeignKey(ReturnRound, on_delete=models.PROTECT, related_name="lines")
    bd_return = models.ForeignKey(BDReturn, on_delete=models.PROTECT, related_name="lines")
    project_id = models.BigIntegerField(_("project id"), db_index=True, help_text=_("For reference only."))
    code = models.CharField(_("project code"), max_length=40)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    title_zh_hant = models.CharField(_("title (Traditional Chinese)"), max_length=120, blank=True)
    bd_code = models.CharField(_("B/D code"), max_length=16)
    bd_name_en = models.CharField(_("B/D (English)"), max_length=200)
    bd_name_zh_hant = models.CharField(_("B/D (Traditional Chinese)"), max_length=100)
    business_owner = models.CharField(_("business owner"), max_length=200, blank=True)
    responsible_officer = models.CharField(_("responsible officer"), max_length=200, blank=True)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    stage_entered_on = models.DateField(_("in this stage since"))
    stage_at_quarter_start = models.CharField(
        _("stage at the start of the quarter"), max_length=20, choices=Stage.choices, blank=True
    )
    stage_moves = models.JSONField(_("stage moves in the quarter"), default=list, blank=True)
    in_operation_since = models.DateField(_("in operation since"), null=True, blank=True)
    rag_status = models.CharField(_("status"), max_length=8, choices=RagStatus.choices)
    risk_tier = models.CharField(_("risk tier"), max_length=12, choices=RiskTier.choices)
    uses_generative_ai = models.BooleanField(_("uses generative AI"))
    processes_personal_data = models.BooleanField(_("processes personal data"))
    is_public_facing = models.BooleanField(_("public-facing"))
    strategy = models.CharField(_("adoption strategy"), max_length=20, choices=AdoptionStrategy.choices)
    category = models.CharField(_("solution category"), max_length=30, choices=SolutionCategory.choices)
    catalogue_solution = models.CharField(_("catalogue solution"), max_length=200, blank=True)
    vendor = models.CharField(_("vendor"), max_length=200, blank=True)
    procurement_route = models.CharField(
        _("procurement route"), max_length=20, choices=ProcurementRoute.choices, blank=True
    )
    funding_source = models.CharField(_("funding source"), max_length=20, choices=FundingSource.choices, blank=True)
    budget_hkd = models.DecimalField(_("approved budget (HK$)"), max_digits=14, decimal_places=2, null=True)
    spend_to_date_hkd = models.DecimalField(_("spend to date (HK$)"), max_digits=14, decimal_places=2)
    start_date = models.DateField(_("start date"), null=True)
    target_completion_date = models.DateField(_("target completion date"), null=True)
    target_identify_date = models.DateField(_("target date, gate 1 (identify)"), null=True)
    target_search_date = models.DateField(_("target date, gate 2 (search)"), null=True)
    target_vendor_selection_date = models.DateField(_("target date, gate 3 (vendor selection)"), null=True)
    target_test_validate_date = models.DateField(_("target date, gate 4 (test and validate)"), null=True)
    target_deploy_improve_date = models.DateField(_("target date, go-live (deploy)"), null=True)
    current_target_date = models.DateField(_("target date of the current stage's gate"), null=True)
    expected_staff_hours_per_year = models.PositiveIntegerField(_("expected staff hours saved a year"), null=True)
    expected_cost_saving_hkd_per_year = models.DecimalField(
        _("expected cost saved a year (HK$)"), max_digits=14, decimal_places=2, null=True
    )
    realised_staff_hours_per_year = models.PositiveIntegerField(_("realised staff hours saved a year"), null=True)
    realised_cost_saving_hkd_per_year = models.DecimalField(
        _("realised cost saved a year (HK$)"), max_digits=14, decimal_places=2, null=True
    )
    next_milestone = models.CharField(_("next milestone"), max_length=200, blank=True)
    # Changes since the previous quarter, decided when the round opened.
    is_new = models.BooleanField(_("new this quarter"), default=False)
    is_moved = models.BooleanField(_("moved stage"), default=False)
    is_slipped = models.BooleanField(_("target dates slipped"), default=False)
    is_closed = models.BooleanField(_("closed this quarter"), default=False)
    slipped_dates = models.JSONField(_("target dates that slipped"), default=dict, blank=True)

    objects = ReturnLineQuerySet.as_manager()

    class Meta:
        verbose_name = _("return line")
        verbose_name_plural = _("return lines")
        ordering = ["round", "bd_code", "code"]
        indexes = [
            models.Index(fields=["round", "bd_code", "code"], name="return_line_order"),
            models.Index(fields=["bd_return", "code"], name="return_line_bd_order"),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.round_id})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise FrozenLineError("Return lines are frozen: they cannot be updated.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise FrozenLineError("Return lines are frozen: they cannot be deleted.")

    @property
    def title(self) -> str:
        from adoption.bilingual import localized

        return localized(self.title_en, self.title_zh_hant)

    @property
    def stage_short_label(self) -> str:
        from lifecycle.stages import SHORT_LABELS

        return SHORT_LABELS.get(self.stage, self.stage)

    @property
    def changes(self) -> list[str]:
        return [name for name in ("is_new", "is_moved", "is_slipped", "is_closed") if getattr(self, name)]


class LineRemark(models.Model):
    """The B/D's remark on one line: editable while the return is not submitted."""

    line = models.OneToOneField(ReturnLine, on_delete=models.PROTECT, related_name="remark")
    text = models.TextField(_("remarks"), blank=True)
    updated_by = models.ForeignKey(USER, verbose_name=_("last changed by"), on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("last changed"), default=timezone.now)

    class Meta:
        verbose_name = _("remark")
        verbose_name_plural = _("remarks")

    def __str__(self) -> str:
        return self.text[:60]


class ReturnEvent(models.Model):
    """A step of a B/D return's workflow: who submitted, returned or accepted it, when, and why."""

    bd_return = models.ForeignKey(BDReturn, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=10, choices=ReturnAction.choices)
    actor = models.ForeignKey(USER, verbose_name=_("who"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("when"), default=timezone.now)
    comment = models.TextField(_("comments"), blank=True)

    class Meta:
        verbose_name = _("return event")
        verbose_name_plural = _("return events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.bd_return} {self.action}"


class ReturnReminder(models.Model):
    """A reminder e-mail that was sent about a B/D return, so it is sent once."""

    bd_return = models.ForeignKey(BDReturn, on_delete=models.PROTECT, related_name="reminders")
    kind = models.CharField(_("kind"), max_length=10, choices=ReturnReminderKind.choices)
    recipient = models.EmailField(_("sent to"))
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        verbose_name = _("return reminder sent")
        verbose_name_plural = _("return reminders sent")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["bd_return", "kind", "recipient"], name="return_reminder_once"),
        ]

    def __str__(self) -> str:
        return f"{self.bd_return} {self.kind} {self.recipient}"


OPEN_STATUSES = Q(status__in=[ReturnStatus.DRAFT, ReturnStatus.RETURNED])
