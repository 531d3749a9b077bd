"""The project register: B/Ds, users with their role and scope, projects, vendors, catalogue."""

from datetime import timedelta
from decimal import Decimal
from functools import reduce
from operator import or_

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models, transaction
from django.db.models import Case, Exists, F, OuterRef, Q, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from adoption.bilingual import BilingualNameMixin, localized
from adoption.choices import (
    AdoptionStrategy,
    DataSource,
    FundingSource,
    Infrastructure,
    OrgUnitKind,
    ProcurementRoute,
    RagStatus,
    RiskTier,
    Role,
    ScopeLevel,
    SolutionCategory,
    SolutionProvider,
)
from adoption.roles import Permission
from adoption.scoping import scope_q
from lifecycle.stages import LIFECYCLE_STAGES, Stage
from lifecycle.state_machine import ProjectLifecycle

NON_NEGATIVE = MinValueValidator(0, message=_("This cannot be negative."))
NON_NEGATIVE_MONEY = MinValueValidator(Decimal("0"), message=_("An amount of money cannot be negative."))


class OrgUnit(BilingualNameMixin, models.Model):
    """A bureau, department or office (B/D, 局／部門)."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_zh_hant = models.CharField(_("name (Traditional Chinese)"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=OrgUnitKind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # "/<id>/<id>/…/": the ids from the top down, so a subtree is one prefix match.
    path = models.CharField(max_length=255, editable=False, db_index=True)
    is_confirmed = models.BooleanField(
        _("details confirmed"), default=True, help_text=_("Cleared when the name or parent still needs DPO to confirm.")
    )
    confirmation_note = models.CharField(_("what to confirm"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("B/D")
        verbose_name_plural = _("B/Ds")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def save(self, *args, **kwargs):
        with transaction.atomic():
            if self.pk is None:
                super().save(*args, **kwargs)  # to learn the id the path is made of
                args, kwargs = (), {}
            old_path = self.path
            self.path = f"{self.parent.path if self.parent else '/'}{self.pk}/"
            super().save(*args, **kwargs)
            if old_path and old_path != self.path:
                for child in self.children.all():
                    child.save()

    def clean(self):
        ancestor = self.parent
        while ancestor is not None:
            if self.pk and ancestor.pk == self.pk:
                raise ValidationError({"parent": _("A B/D cannot be placed under itself or one of its own units.")})
            ancestor = ancestor.parent

    @property
    def bureau(self):
        """The bureau this unit belongs to (itself for a bureau), or None."""
        unit = self
        while unit is not None and unit.kind != OrgUnitKind.BUREAU:
            unit = unit.parent
        return unit


class User(AbstractUser):
    """A person using the tracker, with one business role and a scope."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("B/D"), null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    scope_level = models.CharField(_("scope"), max_length=12, choices=ScopeLevel.choices, default=ScopeLevel.OWN_UNIT)
    post_title = models.CharField(_("post and rank"), max_length=120, blank=True)
    ai_training_completed_on = models.DateField(_("AI training completed on"), null=True, blank=True)
    language = models.CharField(_("preferred language"), max_length=10, blank=True)

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def clean(self):
        super().clean()
        errors = {}
        if self.role in (Role.PROJECT_OFFICER, Role.GATE_APPROVER):
            if not self.org_unit_id:
                errors["org_unit"] = _("Project officers and gate approvers belong to one B/D.")
            if self.scope_level != ScopeLevel.OWN_UNIT:
                errors["scope_level"] = _("Project officers and gate approvers work on their own B/D only.")
        if self.role == Role.MANAGEMENT and self.scope_level != ScopeLevel.ALL and not self.org_unit_id:
            errors["org_unit"] = _("Management with a B/D or bureau scope needs that B/D or bureau.")
        if self.role == Role.DPO_OFFICER and self.scope_level != ScopeLevel.ALL:
            errors["scope_level"] = _("DPO officers read all B/Ds.")
        if errors:
            raise ValidationError(errors)


class Vendor(BilingualNameMixin, models.Model):
    name_en = models.CharField(_("name (English)"), max_length=200, unique=True)
    name_zh_hant = models.CharField(_("name (Traditional Chinese)"), max_length=100, blank=True)
    business_registration_no = models.CharField(_("business registration number"), max_length=20, blank=True)
    is_soa_qps_contractor = models.BooleanField(_("SOA-QPS contractor"), default=False)
    website = models.URLField(_("website"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("vendor")
        verbose_name_plural = _("vendors")
        ordering = ["name_en"]

    def __str__(self) -> str:
        return self.name


class CatalogueSolution(BilingualNameMixin, models.Model):
    """An entry of the AI+ tool and solution catalogue, an HKGAI tool or a DPO platform."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_zh_hant = models.CharField(_("name (Traditional Chinese)"), max_length=100)
    provider = models.CharField(_("provided through"), max_length=20, choices=SolutionProvider.choices)
    category = models.CharField(_("category"), max_length=30, choices=SolutionCategory.choices)
    vendor = models.ForeignKey(Vendor, verbose_name=_("vendor"), null=True, blank=True, on_delete=models.PROTECT)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_zh_hant = models.TextField(_("description (Traditional Chinese)"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("catalogue solution")
        verbose_name_plural = _("catalogue solutions")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def description(self) -> str:
        return localized(self.description_en, self.description_zh_hant)


GATE_DUE_WITHIN_DAYS = 30


class ProjectQuerySet(models.QuerySet):
    def restrict(self, user, permission: Permission = Permission.VIEW_PROJECT):
        """The projects ``user`` may ``permission``: the single scoping rule."""
        return self.filter(scope_q(user, permission, "bd"))

    # The portfolio's segments, defined once: lists, dashboard, reports and returns use these.
    # The segments read from the project's own row are also conditions (``*_q``), so that one
    # aggregate query can count several of them.

    @staticmethod
    def active_q() -> Q:
        return Q(stage__in=LIFECYCLE_STAGES)

    @staticmethod
    def in_operation_q() -> Q:
        return Q(stage=Stage.DEPLOY_IMPROVE, in_operation_since__isnull=False)

    @classmethod
    def stalled_q(cls, *, now=None, days=None) -> Q:
        now = now or timezone.now()
        days = settings.TRACKER_STALLED_AFTER_DAYS if days is None else days
        return cls.active_q() & Q(stage_entered_at__lt=now - timedelta(days=days)) & ~cls.in_operation_q()

    @classmethod
    def periodic_review_overdue_q(cls, *, today=None) -> Q:
        return cls.in_operation_q() & Q(next_periodic_review_due__lt=today or timezone.localdate())

    @classmethod
    def gate_due_q(cls, *, today=None, within_days=GATE_DUE_WITHIN_DAYS) -> Q:
        horizon = (today or timezone.localdate()) + timedelta(days=within_days)
        due = reduce(
            or_, (Q(stage=stage, **{f"{field}__lte": horizon}) for stage, field in STAGE_TARGET_FIELDS.items())
        )
        return due & ~cls.in_operation_q()

    def active(self):
        """In one of the five stages (not on hold, cancelled or retired)."""
        return self.filter(self.active_q())

    def in_pilot(self):
        return self.filter(stage=Stage.TEST_VALIDATE)

    def in_operation(self):
        return self.filter(self.in_operation_q())

    def stalled(self, *, now=None, days=None):
        """Longer in their current stage than the threshold; systems in operation are not stalled."""
        return self.filter(self.stalled_q(now=now, days=days))

    def awaiting_gate_review(self):
        from lifecycle.models import GateReview

        return self.filter(Exists(GateReview.objects.filter(project=OuterRef("pk"), status="pending")))

    def periodic_review_overdue(self, *, today=None):
        return self.filter(self.periodic_review_overdue_q(today=today))

    def with_open_incidents(self):
        from lifecycle.models import Incident

        return self.filter(Exists(Incident.objects.filter(project=OuterRef("pk"), status="open")))

    def gate_due(self, *, today=None, within_days=GATE_DUE_WITHIN_DAYS):
        """The target date of the current stage's gate is past or within ``within_days``."""
        return self.filter(self.gate_due_q(today=today, within_days=within_days))


def restrict_related(queryset, user, permission: Permission = Permission.VIEW_PROJECT, project_field="project"):
    """Records that hang off a project, limited by the same rule as their project."""
    return queryset.filter(scope_q(user, permission, f"{project_field}__bd"))


STAGE_TARGET_FIELDS = {stage: f"target_{stage}_date" for stage in LIFECYCLE_STAGES}


def gate_target(prefix: str = "") -> Case:
    """The target date of the gate of the row's ``stage``: a project's, or (``prefix`` "project__")
    that of the project of a stage period."""
    return Case(*(When(stage=stage, then=F(f"{prefix}{field}")) for stage, field in STAGE_TARGET_FIELDS.items()))


class Project(ProjectLifecycle):
    """An AI project of a B/D, from idea to retirement."""

    code = models.CharField(_("project code"), max_length=40, unique=True)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    title_zh_hant = models.CharField(_("title (Traditional Chinese)"), max_length=120, blank=True)
    bd = models.ForeignKey(OrgUnit, verbose_name=_("B/D"), on_delete=models.PROTECT, related_name="projects")
    business_owner = models.CharField(
        _("business owner"), max_length=200, help_text=_("Name and post of the directorate officer who owns it.")
    )
    project_officers = models.ManyToManyField(
        User, verbose_name=_("project officers"), blank=True, related_name="officer_of_projects"
    )
    responsible_officer = models.ForeignKey(
        User,
        verbose_name=_("responsible officer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="responsible_for_projects",
        help_text=_("The trained officer responsible for the AI system's whole lifecycle."),
    )
    business_problem = models.TextField(_("business problem or opportunity"))
    objectives = models.TextField(_("objectives"), blank=True)
    strategy = models.CharField(_("adoption strategy"), max_length=20, choices=AdoptionStrategy.choices)
    category = models.CharField(_("solution category"), max_length=30, choices=SolutionCategory.choices)
    catalogue_solution = models.ForeignKey(
        CatalogueSolution,
        verbose_name=_("catalogue solution"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    infrastructure = models.JSONField(_("infrastructure"), default=list, blank=True)
    data_sources = models.JSONField(_("data sources"), default=list, blank=True)
    vendor = models.ForeignKey(
        Vendor, verbose_name=_("vendor"), null=True, blank=True, on_delete=models.PROTECT, related_name="projects"
    )
    procurement_route = models.CharField(
        _("procurement route"), max_length=20, choices=ProcurementRoute.choices, blank=True
    )
    uses_generative_ai = models.BooleanField(_("uses generative AI"), default=False)
    processes_personal_data = models.BooleanField(_("processes personal data"), default=False)
    is_public_facing = models.BooleanField(_("public-facing"), default=False)
    risk_tier = models.CharField(
        _("risk tier"), max_length=12, choices=RiskTier.choices, default=RiskTier.UNSCREENED, editable=False
    )
    funding_source = models.CharField(_("funding source"), max_length=20, choices=FundingSource.choices, blank=True)
    budget_hkd = models.DecimalField(
        _("approved budget (HK$)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[NON_NEGATIVE_MONEY],
    )
    spend_to_date_hkd = models.DecimalField(
        _("spend to date (HK$)"), max_digits=14, decimal_places=2, default=Decimal("0"), validators=[NON_NEGATIVE_MONEY]
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    target_completion_date = models.DateField(_("target completion date"), null=True, blank=True)
    target_identify_date = models.DateField(_("target date, gate 1 (identify)"), null=True, blank=True)
    target_search_date = models.DateField(_("target date, gate 2 (search)"), null=True, blank=True)
    target_vendor_selection_date = models.DateField(_("target date, gate 3 (vendor selection)"), null=True, blank=True)
    target_test_validate_date = models.DateField(_("target date, gate 4 (test and validate)"), null=True, blank=True)
    target_deploy_improve_date = models.DateField(_("target date, go-live (deploy)"), null=True, blank=True)
    success_criteria = models.TextField(
        _("success criteria"),
        blank=True,
        help_text=_("Measurable KPIs with baseline, target and how they are measured."),
    )
    expected_staff_hours_per_year = models.PositiveIntegerField(
        _("expected staff hours saved a year"), null=True, blank=True
    )
    expected_cost_saving_hkd_per_year = models.DecimalField(
        _("expected cost saved a year (HK$)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[NON_NEGATIVE_MONEY],
    )
    expected_service_improvement = models.TextField(_("expected service improvement"), blank=True)
    realised_staff_hours_per_year = models.PositiveIntegerField(
        _("realised staff hours saved a year"), null=True, blank=True
    )
    realised_cost_saving_hkd_per_year = models.DecimalField(
        _("realised cost saved a year (HK$)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[NON_NEGATIVE_MONEY],
    )
    realised_service_improvement = models.TextField(_("realised service improvement"), blank=True)
    rag_status = models.CharField(_("status"), max_length=8, choices=RagStatus.choices, default=RagStatus.GREEN)
    next_milestone = models.CharField(_("next milestone"), max_length=200, blank=True)
    checklist_template_version = models.PositiveSmallIntegerField(
        _("checklist template version"), null=True, blank=True, editable=False
    )
    next_periodic_review_due = models.DateField(_("next periodic review due"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        User, verbose_name=_("created by"), null=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("AI project")
        verbose_name_plural = _("AI projects")
        ordering = ["-updated_at", "-id"]
        indexes = [
            # Covers every column the portfolio figures read, so the dashboard's aggregates are
            # index-only scans of a narrow index, not scans of the wide project rows (PostgreSQL;
            # elsewhere a plain index on B/D and stage).
            models.Index(
                fields=["bd", "stage"],
                include=[
                    "id",
                    "stage_entered_at",
                    "in_operation_since",
                    "next_periodic_review_due",
                    "created_at",
                    "strategy",
                    "category",
                    "catalogue_solution",
                    "vendor",
                    "risk_tier",
                    "uses_generative_ai",
                    "processes_personal_data",
                    "is_public_facing",
                    "expected_staff_hours_per_year",
                    "expected_cost_saving_hkd_per_year",
                    "realised_staff_hours_per_year",
                    "realised_cost_saving_hkd_per_year",
                    *STAGE_TARGET_FIELDS.values(),
                ],
                name="project_portfolio",
            ),
            models.Index(fields=["stage", "stage_entered_at"], name="project_stage_entered"),
            # The dashboard's short lists, read in order from these rather than by sorting every
            # project: the longest in their stage and the gates due soonest (not in operation) ...
            models.Index(
                fields=["stage_entered_at", "id"],
                include=["bd", "stage", "in_operation_since"],
                condition=ProjectQuerySet.active_q() & ~ProjectQuerySet.in_operation_q(),
                name="project_longest_in_stage",
            ),
            models.Index(
                gate_target(),
                "id",
                include=["bd", "stage", "in_operation_since", *STAGE_TARGET_FIELDS.values()],
                condition=~ProjectQuerySet.in_operation_q(),
                name="project_gate_due",
            ),
            # ... and the cycle time of the last stage, from the projects that went into operation.
            models.Index(
                fields=["in_operation_since"],
                include=["id", "bd", "days_to_operation"],
                condition=Q(in_operation_since__isnull=False),
                name="project_in_operation",
            ),
            # The project list's default order (most recently updated first), for all B/Ds and for one.
            models.Index(fields=["-updated_at", "-id"], name="project_updated"),
            models.Index(fields=["bd", "-updated_at"], name="project_bd_updated"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(spend_to_date_hkd__gte=0), name="project_spend_not_negative"),
            models.CheckConstraint(
                condition=Q(budget_hkd__isnull=True) | Q(budget_hkd__gte=0), name="project_budget_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("adoption:project_detail", args=[self.pk])

    @property
    def title(self) -> str:
        return localized(self.title_en, self.title_zh_hant)

    @property
    def current_target_date(self):
        field = STAGE_TARGET_FIELDS.get(self.stage)
        return getattr(self, field) if field else None

    def clean(self):
        super().clean()
        errors: dict[str, list] = {}

        def add(field, message):
            errors.setdefault(field, []).append(message)

        if not (self.title_en or "").strip() and not (self.title_zh_hant or "").strip():
            add("title_en", _("Give the title in English, Chinese or both."))
        for field, choices in (("infrastructure", Infrastructure), ("data_sources", DataSource)):
            values = getattr(self, field) or []
            if not isinstance(values, list) or any(value not in choices.values for value in values):
                add(field, _("Choose from the listed options."))
        if self.start_date and self.target_completion_date and self.target_completion_date < self.start_date:
            add("target_completion_date", _("The target completion date cannot be before the start date."))
        previous = None
        for stage in LIFECYCLE_STAGES:
            field = STAGE_TARGET_FIELDS[stage]
            value = getattr(self, field)
            if value is None:
                continue
            if self.start_date and value < self.start_date:
                add(field, _("A gate's target date cannot be before the start date."))
            elif previous and value < previous:
                add(field, _("A gate's target date cannot be before the previous gate's."))
            previous = value
        if self.responsible_officer_id and self.bd_id:
            officer = self.responsible_officer
            if officer.org_unit_id != self.bd_id or officer.role != Role.GATE_APPROVER:
                add("responsible_officer", _("The responsible officer must be a gate approver of the project's B/D."))
        if self.catalogue_solution_id and self.strategy == AdoptionStrategy.BESPOKE:
            add("catalogue_solution", _("A bespoke application does not come from the catalogue."))
        if errors:
            raise ValidationError(errors)

    @property
    def profile(self):
        """What decides which checklist items apply."""
        from lifecycle.checklists import Profile

        return Profile(
            tier=self.risk_tier,
            generative_ai=self.uses_generative_ai,
            personal_data=self.processes_personal_data,
            public_facing=self.is_public_facing,
        )

    @property
    def is_active(self) -> bool:
        return self.stage not in (Stage.CANCELLED, Stage.RETIRED)
