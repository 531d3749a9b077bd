"""Learning across B/Ds: who uses a catalogue solution, a solution category or a vendor, how far
they got, and what it brought.

Projects in the viewer's scope are shown one by one, with their stage and realised benefits.
Projects outside it are shown only as numbers per B/D and stage: never a title, a code or a
figure of one project. This is the one place that counts projects outside the viewer's scope,
on purpose (PRODUCT.md, "Learning across B/Ds"); the counts are all it returns of them.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, Count, IntegerField, Q, Sum, Value, When

from adoption.bilingual import localized
from adoption.choices import SolutionCategory
from adoption.models import CatalogueSolution, Project, ProjectQuerySet, Vendor
from adoption.roles import Permission, has_permission
from adoption.scoping import scope_q, unit_in_scope
from lifecycle.stages import SHORT_LABELS, Stage
from reports.portfolio.figures import Benefits, Unit

SOLUTION, CATEGORY, VENDOR = "solution", "category", "vendor"
KINDS = (SOLUTION, VENDOR, CATEGORY)
PANEL_PROJECTS = 5
PAGE_PROJECTS = 50

# How far a project got, furthest first: in operation (or retired from it), then by stage.
REACH = (
    "in_operation",
    Stage.RETIRED,
    Stage.DEPLOY_IMPROVE,
    Stage.TEST_VALIDATE,
    Stage.VENDOR_SELECTION,
    Stage.SEARCH,
    Stage.IDENTIFY,
    Stage.ON_HOLD,
    Stage.CANCELLED,
)


@dataclass(frozen=True)
class Subject:
    """What is reused: a catalogue solution (by code), a category, or a vendor (by id)."""

    kind: str
    value: str
    name_en: str
    name_zh_hant: str = ""

    @property
    def name(self) -> str:
        return localized(self.name_en, self.name_zh_hant)

    def q(self, prefix: str = "") -> Q:
        field = {SOLUTION: "catalogue_solution__code", CATEGORY: "category", VENDOR: "vendor_id"}[self.kind]
        return Q(**{f"{prefix}{field}": self.value})

    @property
    def param(self) -> str:
        """The project list's filter for it."""
        return self.kind


@dataclass(frozen=True)
class UnitUse:
    """One B/D's projects using the subject."""

    unit: Unit
    in_scope: bool
    by_stage: dict[str, int] = field(default_factory=dict)
    in_operation: int = 0
    realised: Benefits | None = None  # in scope only

    @property
    def total(self) -> int:
        return sum(self.by_stage.values())

    @property
    def stage_counts(self) -> list[int]:
        """The number in each stage, in the order of ``Stage``."""
        return [self.by_stage.get(stage, 0) for stage in Stage.values]

    @property
    def furthest(self) -> str:
        if self.in_operation:
            return "in_operation"
        return next((stage for stage in REACH[1:] if self.by_stage.get(stage)), Stage.IDENTIFY)


@dataclass(frozen=True)
class UsedBy:
    """A project in the viewer's scope using the subject."""

    id: int
    code: str
    title_en: str
    title_zh_hant: str
    bd_code: str
    stage: str
    in_operation: bool
    realised: Benefits

    @property
    def title(self) -> str:
        return localized(self.title_en, self.title_zh_hant)

    @property
    def stage_label(self) -> str:
        return str(SHORT_LABELS[self.stage])


@dataclass(frozen=True)
class Reuse:
    subject: Subject
    units: list[UnitUse]
    projects: list[UsedBy]  # in scope, furthest first, at most ``limit``
    projects_in_scope: int

    @property
    def total(self) -> int:
        return sum(use.total for use in self.units)

    @property
    def in_operation(self) -> int:
        return sum(use.in_operation for use in self.units)

    @property
    def outside_scope(self) -> int:
        return self.total - self.projects_in_scope


def subject_of(kind: str, value) -> Subject | None:
    """The subject named by a URL parameter, or None when there is no such thing."""
    value = str(value or "").strip()
    if not value:
        return None
    if kind == CATEGORY:
        return (
            Subject(CATEGORY, value, str(SolutionCategory(value).label)) if value in SolutionCategory.values else None
        )
    if kind == SOLUTION:
        solution = CatalogueSolution.objects.filter(code=value).first()
        return Subject(SOLUTION, solution.code, solution.name_en, solution.name_zh_hant) if solution else None
    if kind == VENDOR and value.isdigit():
        vendor = Vendor.objects.filter(pk=int(value)).first()
        return Subject(VENDOR, str(vendor.pk), vendor.name_en, vendor.name_zh_hant) if vendor else None
    return None


def _reach_order():
    """A sort key: 0 for a project in operation, then retired, then by stage, furthest first."""
    whens = [When(stage=Stage.DEPLOY_IMPROVE, in_operation_since__isnull=False, then=Value(0))]
    whens += [When(stage=stage, then=Value(rank)) for rank, stage in enumerate(REACH[1:], start=1)]
    return Case(*whens, default=Value(len(REACH)), output_field=IntegerField())


def reuse_of(*, user, subject: Subject, exclude_units=(), limit: int | None = None) -> Reuse:
    """Who uses ``subject``: every B/D as numbers, the viewer's projects one by one. Two queries.

    ``exclude_units`` leaves out B/Ds (e.g. the project's own for "other B/Ds doing this").
    Realised benefits are summed by the database only over the projects in the viewer's scope,
    so no figure of a project outside it is ever read.
    """
    in_scope_q = scope_q(user, Permission.VIEW_PROJECT, "bd")
    operating = ProjectQuerySet.in_operation_q()
    using = Project.objects.filter(subject.q()).exclude(bd_id__in=list(exclude_units)).order_by()
    visible = Project.objects.restrict(user, Permission.VIEW_PROJECT).filter(subject.q())
    visible = visible.exclude(bd_id__in=list(exclude_units)).order_by()

    rows = using.values("bd_id", "bd__code", "bd__name_en", "bd__name_zh_hant", "bd__kind", "bd__path", "stage")
    rows = rows.annotate(
        count=Count("pk"),
        operating=Count("pk", filter=operating),
        hours=Sum("realised_staff_hours_per_year", filter=operating & in_scope_q),
        cost=Sum("realised_cost_saving_hkd_per_year", filter=operating & in_scope_q),
    )
    by_unit: dict[int, dict] = {}
    for row in rows:
        use = by_unit.setdefault(
            row["bd_id"],
            {
                "unit": Unit(
                    id=row["bd_id"],
                    code=row["bd__code"],
                    name_en=row["bd__name_en"],
                    name_zh_hant=row["bd__name_zh_hant"],
                    kind=row["bd__kind"],
                    group_id=row["bd_id"],
                    path=row["bd__path"],
                ),
                "by_stage": {},
                "in_operation": 0,
                "realised": Benefits(),
            },
        )
        use["by_stage"][row["stage"]] = row["count"]
        use["in_operation"] += row["operating"]
        use["realised"] += Benefits(row["hours"] or 0, row["cost"] or Decimal("0"))
    may_view = has_permission(user, Permission.VIEW_PROJECT)
    uses = []
    for use in by_unit.values():
        in_scope = may_view and unit_in_scope(user, use["unit"])
        uses.append(UnitUse(**{**use, "in_scope": in_scope, "realised": use["realised"] if in_scope else None}))
    uses.sort(key=lambda use: (REACH.index(use.furthest), -use.total, use.unit.code))

    projects = visible.annotate(reach=_reach_order()).order_by("reach", "-updated_at", "pk")
    projects = projects.values(
        "pk",
        "code",
        "title_en",
        "title_zh_hant",
        "bd__code",
        "stage",
        "in_operation_since",
        "realised_staff_hours_per_year",
        "realised_cost_saving_hkd_per_year",
    )
    listed = [
        UsedBy(
            id=row["pk"],
            code=row["code"],
            title_en=row["title_en"],
            title_zh_hant=row["title_zh_hant"],
            bd_code=row["bd__code"],
            stage=row["stage"],
            in_operation=row["stage"] == Stage.DEPLOY_IMPROVE and row["in_operation_since"] is not None,
            realised=Benefits(
                row["realised_staff_hours_per_year"] or 0, row["realised_cost_saving_hkd_per_year"] or Decimal("0")
            ),
        )
        for row in (projects[:limit] if limit else projects)
    ]
    in_scope_total = sum(use.total for use in uses if use.in_scope)
    return Reuse(subject=subject, units=uses, projects=listed, projects_in_scope=in_scope_total)


def reuse_for_project(*, user, project) -> list[Reuse]:
    """Other B/Ds doing this: the same catalogue solution, vendor and category, other B/Ds only."""
    subjects = []
    if project.catalogue_solution_id:
        solution = project.catalogue_solution
        subjects.append(Subject(SOLUTION, solution.code, solution.name_en, solution.name_zh_hant))
    if project.vendor_id:
        vendor = project.vendor
        subjects.append(Subject(VENDOR, str(vendor.pk), vendor.name_en, vendor.name_zh_hant))
    subjects.append(Subject(CATEGORY, project.category, str(project.get_category_display())))
    return [
        reuse_of(user=user, subject=subject, exclude_units=[project.bd_id], limit=PANEL_PROJECTS)
        for subject in subjects
    ]


@dataclass(frozen=True)
class OverviewRow:
    subject: Subject
    units: int
    projects: int
    in_operation: int
    bespoke: int = 0


def overview(*, kind: str, limit: int | None = None) -> list[OverviewRow]:
    """Every solution, category or vendor in use (cancelled projects left out), most B/Ds first.

    Numbers only, across all B/Ds: how widely each is used, and for categories how many B/Ds
    build their own (bespoke), where reuse might have served.
    """
    field = {SOLUTION: "catalogue_solution", CATEGORY: "category", VENDOR: "vendor"}[kind]
    rows = (
        Project.objects.exclude(stage=Stage.CANCELLED)
        .filter(**{f"{field}__isnull": False})
        .order_by()
        .values(field)
        .annotate(
            units=Count("bd", distinct=True),
            projects=Count("pk"),
            in_operation=Count("pk", filter=ProjectQuerySet.in_operation_q()),
            bespoke=Count("pk", filter=Q(strategy="bespoke")),
        )
        .order_by("-units", "-projects", field)
    )
    rows = list(rows[:limit] if limit else rows)
    names = _names(kind, [row[field] for row in rows])
    return [
        OverviewRow(
            subject=names[row[field]],
            units=row["units"],
            projects=row["projects"],
            in_operation=row["in_operation"],
            bespoke=row["bespoke"],
        )
        for row in rows
        if row[field] in names
    ]


def _names(kind: str, values: list) -> dict:
    if kind == CATEGORY:
        return {
            value: Subject(CATEGORY, value, str(SolutionCategory(value).label))
            for value in values
            if value in SolutionCategory.values
        }
    if kind == SOLUTION:
        return {
            solution.pk: Subject(SOLUTION, solution.code, solution.name_en, solution.name_zh_hant)
            for solution in CatalogueSolution.objects.filter(pk__in=values)
        }
    return {
        vendor.pk: Subject(VENDOR, str(vendor.pk), vendor.name_en, vendor.name_zh_hant)
        for vendor in Vendor.objects.filter(pk__in=values)
    }
