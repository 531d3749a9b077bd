"""What the portfolio report says, section by section, in the run's language.

The figures come from the portfolio query layer; this module only arranges them into
sections of tables that both renderings (PDF and XLSX) print. Long lists are iterated from
the database (never held whole), and the PDF shows at most ``PDF_LIST_LIMIT`` rows of a list
while the workbook has them all; the appendix lists every project in scope in both.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from adoption.bilingual import localized
from adoption.choices import RagStatus, RiskTier
from adoption.models import OrgUnit, Project
from adoption.roles import Permission
from lifecycle.choices import IncidentKind, ItemStatus, ReviewStatus, Severity
from lifecycle.models import ChecklistItem, ChecklistTemplateItem, GateReview, Incident
from lifecycle.stages import LIFECYCLE_STAGES, SHORT_LABELS, Stage
from reports.periods import Period
from reports.portfolio_report import figures

PDF_LIST_LIMIT = 40
ITERATOR_CHUNK = 2000


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = "text"  # text, int, decimal, money, date, percent, days
    width: int = 14  # in characters, for the workbook


@dataclass
class Table:
    title: str
    columns: list[Column]
    rows: Callable[[], Iterable[tuple]]  # called once by each rendering
    total: int | None = None  # rows in full, when the PDF shows only the first PDF_LIST_LIMIT
    empty: str = ""

    @property
    def truncated_in_pdf(self) -> bool:
        return self.total is not None and self.total > PDF_LIST_LIMIT


@dataclass
class Section:
    key: str
    title: str
    sheet: str  # the workbook's sheet name: at most 31 characters
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    chart_svg: str = ""


def stage_label(stage: str) -> str:
    return str(SHORT_LABELS.get(stage, stage))


def _choice_label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value or ""


def _days(later, earlier) -> int | None:
    if not later or not earlier:
        return None
    return (later - earlier).days


class PortfolioReport:
    """The report of one run. Build it inside ``translation.override(run.language)``."""

    def __init__(self, run, *, now=None):
        self.run = run
        self.now = now or timezone.now()
        self.period = Period(run.period_start, run.period_end)
        self.previous = self.period.previous()
        self.as_of = self.period.as_of(self.now)
        self.previous_as_of = self.previous.as_of(self.now)
        self.projects = Project.objects.restrict(run.requested_by, Permission.REQUEST_REPORT).filter(
            run.scope.project_q()
        )

    # The cover.

    @property
    def title(self) -> str:
        return _("AI adoption portfolio report")

    @property
    def scope_label(self) -> str:
        return self.run.scope_label

    @property
    def period_label(self) -> str:
        return self.period.label

    @property
    def as_of_label(self) -> str:
        return timezone.localtime(self.as_of).strftime("%Y-%m-%d %H:%M")

    @property
    def generated_label(self) -> str:
        return timezone.localtime(self.now).strftime("%Y-%m-%d %H:%M")

    @property
    def requested_by(self) -> str:
        return str(self.run.requested_by)

    def project_count(self) -> int:
        return self.projects.count()

    def sections(self) -> Iterator[Section]:
        """Each section is computed when it is reached, so a caller can report progress between them."""
        for build in (
            self.summary,
            self.pipeline,
            self.cycle_times,
            self.stalled,
            self.gate_reviews,
            self.tiers_and_safeguards,
            self.incidents,
            self.periodic_reviews,
            self.benefits,
        ):
            yield build()

    SECTION_COUNT = 9

    # Sections.

    def summary(self) -> Section:
        now = figures.key_figures_at(self.projects, self.as_of)
        before = figures.key_figures_at(self.projects, self.previous_as_of)
        overdue_now = figures.overdue_reviews(self.projects, self.as_of.date()).count()
        benefits = figures.benefit_totals(self.projects)
        labels = [
            ("active", _("Active projects")),
            ("in_pilot", _("In pilot (test and validate)")),
            ("in_operation", _("In operation")),
            ("stalled", _("Stalled")),
            ("gate_reviews_waiting", _("Gate reviews waiting")),
            ("open_incidents", _("Open incidents")),
        ]
        rows = [(label, now[key], before[key], now[key] - before[key]) for key, label in labels]
        rows.append((_("Periodic reviews overdue"), overdue_now, None, None))
        rows += [
            (_("Expected staff hours saved a year"), benefits["expected_hours"] or 0, None, None),
            (_("Realised staff hours saved a year"), benefits["realised_hours"] or 0, None, None),
            (_("Expected cost saved a year (HK$)"), benefits["expected_cost"] or 0, None, None),
            (_("Realised cost saved a year (HK$)"), benefits["realised_cost"] or 0, None, None),
        ]
        table = Table(
            title=_("Key figures"),
            columns=[
                Column(_("Figure"), width=40),
                Column(_("At the end of %(period)s") % {"period": self.period.label}, "int", 18),
                Column(_("At the end of %(period)s") % {"period": self.previous.label}, "int", 18),
                Column(_("Change"), "change", 12),
            ],
            rows=lambda: rows,
        )
        paragraphs = [
            _(
                "This report covers %(count)s AI projects of %(scope)s. Figures stand at the end of the period "
                "(%(as_of)s) and are compared with the end of the previous period, %(previous)s."
            )
            % {
                "count": f"{self.project_count():,}",
                "scope": self.scope_label,
                "as_of": self.as_of_label,
                "previous": self.previous.label,
            }
        ]
        return Section("summary", _("Executive summary"), _("Summary"), paragraphs, [table])

    def pipeline(self) -> Section:
        counts = figures.pipeline_at(self.projects, self.as_of)
        stages = [*LIFECYCLE_STAGES, Stage.ON_HOLD]
        units = {unit.code: unit for unit in OrgUnit.objects.filter(code__in=counts)}

        def rows():
            totals = [0] * len(stages)
            for code in sorted(counts):
                values = [counts[code].get(stage, 0) for stage in stages]
                totals = [a + b for a, b in zip(totals, values, strict=True)]
                unit = units.get(code)
                yield (code, unit.name if unit else code, *values, sum(values))
            yield (_("Total"), "", *totals, sum(totals))

        columns = [Column(_("B/D"), width=10), Column(_("Name"), width=36)]
        columns += [Column(stage_label(stage), "int", 12) for stage in stages]
        columns.append(Column(_("Total"), "int", 10))
        return Section(
            "pipeline",
            _("Pipeline by stage and B/D"),
            _("Pipeline"),
            [_("Projects in each stage at the end of the period, by B/D.")],
            [Table(_("Projects by stage and B/D"), columns, rows, empty=_("No projects in scope."))],
        )

    def cycle_times(self) -> Section:
        times = figures.cycle_times(self.projects, self.period.starts_at, self.as_of)

        def rows():
            for stage in LIFECYCLE_STAGES:
                item = times[stage]
                yield (stage_label(stage), item["count"], item["median"], item["p25"], item["p75"], item["max"])

        columns = [
            Column(_("Stage"), width=30),
            Column(_("Stage visits ended"), "int", 14),
            Column(_("Median days"), "decimal", 12),
            Column(_("25th percentile"), "decimal", 12),
            Column(_("75th percentile"), "decimal", 12),
            Column(_("Longest"), "decimal", 12),
        ]
        paragraphs = [_("Time spent in each stage by the projects that left it during the period, in days.")]
        return Section(
            "cycle_times", _("Cycle times"), _("Cycle times"), paragraphs, [Table(_("Days in stage"), columns, rows)]
        )

    def stalled(self) -> Section:
        stalled = figures.stalled(self.projects, self.as_of).select_related("bd").order_by("stage_entered_at", "code")
        total = stalled.count()
        as_of = self.as_of

        def rows():
            for project in stalled.iterator(chunk_size=ITERATOR_CHUNK):
                yield (
                    project.code,
                    project.title,
                    project.bd.code,
                    stage_label(project.stage),
                    timezone.localtime(project.stage_entered_at).date(),
                    _days(as_of, project.stage_entered_at),
                )

        columns = [
            Column(_("Project code"), width=18),
            Column(_("Title"), width=48),
            Column(_("B/D"), width=10),
            Column(_("Stage"), width=22),
            Column(_("In stage since"), "date", 14),
            Column(_("Days in stage"), "int", 12),
        ]
        paragraphs = [
            _("%(count)s projects have been in their current stage for longer than the threshold, longest first.")
            % {"count": f"{total:,}"}
        ]
        return Section(
            "stalled",
            _("Stalled projects"),
            _("Stalled"),
            paragraphs,
            [Table(_("Stalled projects"), columns, rows, total, _("No project is stalled."))],
        )

    def gate_reviews(self) -> Section:
        decided = (
            GateReview.objects.filter(
                project__in=self.projects.values("pk"),
                status__in=[ReviewStatus.APPROVED, ReviewStatus.RETURNED],
                decided_at__gte=self.period.starts_at,
                decided_at__lt=self.period.ends_at,
            )
            .select_related("project", "project__bd")
            .order_by("decided_at", "pk")
        )
        summary = {(stage, status): count for stage, status, count in _grouped(decided, "stage", "status")}
        total = sum(summary.values())

        def summary_rows():
            for stage in LIFECYCLE_STAGES:
                approved = summary.get((stage, ReviewStatus.APPROVED), 0)
                returned = summary.get((stage, ReviewStatus.RETURNED), 0)
                yield (stage_label(stage), approved, returned, approved + returned)

        def rows():
            for review in decided.iterator(chunk_size=ITERATOR_CHUNK):
                yield (
                    review.project.code,
                    review.project.title,
                    review.project.bd.code,
                    stage_label(review.stage),
                    review.get_status_display(),
                    timezone.localtime(review.requested_at).date(),
                    timezone.localtime(review.decided_at).date(),
                    _days(review.decided_at, review.requested_at),
                )

        return Section(
            "gate_reviews",
            _("Gate reviews decided in the period"),
            _("Gate reviews"),
            [_("%(count)s gate reviews were decided in the period.") % {"count": f"{total:,}"}],
            [
                Table(
                    _("Decisions by stage"),
                    [
                        Column(_("Stage"), width=30),
                        Column(pgettext("gate review status", "Approved"), "int", 12),
                        Column(pgettext("gate review status", "Returned"), "int", 12),
                        Column(_("Total"), "int", 10),
                    ],
                    summary_rows,
                ),
                Table(
                    _("Gate reviews decided"),
                    [
                        Column(_("Project code"), width=18),
                        Column(_("Title"), width=44),
                        Column(_("B/D"), width=10),
                        Column(_("Stage"), width=22),
                        Column(_("Decision"), width=14),
                        Column(_("Requested"), "date", 12),
                        Column(_("Decided"), "date", 12),
                        Column(_("Days to decide"), "int", 12),
                    ],
                    rows,
                    total,
                    _("No gate review was decided in the period."),
                ),
            ],
        )

    def tiers_and_safeguards(self) -> Section:
        mix = {
            (tier, genai): count
            for tier, genai, count in _grouped(self.projects.active(), "risk_tier", "uses_generative_ai")
        }

        def tier_rows():
            for tier in RiskTier:
                genai = mix.get((tier.value, True), 0)
                other = mix.get((tier.value, False), 0)
                yield (str(tier.label), genai, other, genai + other)

        flags = [("genai", _("Generative AI")), ("pd", _("Personal data")), ("t2plus", _("Tier limited or above"))]
        by_flag = {flag: [] for flag, _label in flags}
        for pk, applies in ChecklistTemplateItem.objects.values_list("pk", "applies"):
            for flag in by_flag:
                if flag in (applies or []):
                    by_flag[flag].append(pk)
        items = ChecklistItem.objects.filter(project__in=self.projects.active().values("pk")).exclude(
            status=ItemStatus.NOT_APPLICABLE
        )
        safeguards = []
        for flag, label in flags:
            counts = dict(
                items.filter(template_item_id__in=by_flag[flag]).values_list("status").annotate(n=_count()).order_by()
            )
            applicable = sum(counts.values())
            done = counts.get(ItemStatus.DONE, 0)
            safeguards.append((str(label), applicable, done, done / applicable if applicable else None))

        return Section(
            "tiers",
            _("Risk tiers, generative AI and safeguards"),
            _("Tiers and safeguards"),
            [
                _(
                    "Active projects by risk tier and use of generative AI, and how far the safeguards that apply "
                    "to generative AI, personal data and higher-risk projects are done (share of the applicable "
                    "checklist items completed)."
                )
            ],
            [
                Table(
                    _("Projects by risk tier"),
                    [
                        Column(_("Risk tier"), width=24),
                        Column(_("Using generative AI"), "int", 14),
                        Column(_("Not using generative AI"), "int", 14),
                        Column(_("Total"), "int", 10),
                    ],
                    tier_rows,
                ),
                Table(
                    _("Safeguards completed"),
                    [
                        Column(_("Safeguards for"), width=28),
                        Column(_("Applicable items"), "int", 14),
                        Column(_("Done"), "int", 10),
                        Column(_("Share done"), "percent", 12),
                    ],
                    lambda: safeguards,
                ),
            ],
        )

    def incidents(self) -> Section:
        in_scope = Incident.objects.filter(project__in=self.projects.values("pk"))
        opened = in_scope.filter(opened_at__gte=self.period.starts_at, opened_at__lt=self.period.ends_at)
        counts = {(kind, severity): n for kind, severity, n in _grouped(opened, "kind", "severity")}
        open_at_end = figures.key_figures_at(self.projects, self.as_of)["open_incidents"]
        listed = opened.select_related("project", "project__bd").order_by("opened_at", "pk")
        total = sum(counts.values())

        def summary_rows():
            for kind in IncidentKind:
                values = [counts.get((kind.value, severity.value), 0) for severity in Severity]
                yield (str(kind.label), *values, sum(values))

        def rows():
            for incident in listed.iterator(chunk_size=ITERATOR_CHUNK):
                yield (
                    incident.project.code,
                    incident.title,
                    incident.project.bd.code,
                    incident.get_kind_display(),
                    incident.get_severity_display(),
                    timezone.localtime(incident.opened_at).date(),
                    incident.get_status_display(),
                    timezone.localtime(incident.closed_at).date() if incident.closed_at else None,
                )

        return Section(
            "incidents",
            _("Incidents"),
            _("Incidents"),
            [
                _("%(opened)s incidents were opened in the period; %(open)s were open at its end.")
                % {"opened": f"{total:,}", "open": f"{open_at_end:,}"}
            ],
            [
                Table(
                    _("Incidents opened, by kind and severity"),
                    [Column(_("Kind"), width=24)]
                    + [Column(str(severity.label), "int", 10) for severity in Severity]
                    + [Column(_("Total"), "int", 10)],
                    summary_rows,
                ),
                Table(
                    _("Incidents opened in the period"),
                    [
                        Column(_("Project code"), width=18),
                        Column(_("Incident"), width=40),
                        Column(_("B/D"), width=10),
                        Column(_("Kind"), width=18),
                        Column(_("Severity"), width=10),
                        Column(_("Opened"), "date", 12),
                        Column(_("Status"), width=10),
                        Column(_("Closed"), "date", 12),
                    ],
                    rows,
                    total,
                    _("No incident was opened in the period."),
                ),
            ],
        )

    def periodic_reviews(self) -> Section:
        today = self.as_of.date()
        due = (
            self.projects.in_operation()
            .filter(next_periodic_review_due__lte=self.period.end)
            .select_related("bd")
            .order_by("next_periodic_review_due", "code")
        )
        total = due.count()
        overdue = figures.overdue_reviews(self.projects, today).count()

        def rows():
            for project in due.iterator(chunk_size=ITERATOR_CHUNK):
                late = project.next_periodic_review_due < today
                yield (
                    project.code,
                    project.title,
                    project.bd.code,
                    project.next_periodic_review_due,
                    _("Overdue") if late else _("Due"),
                    (today - project.next_periodic_review_due).days if late else None,
                )

        return Section(
            "periodic_reviews",
            _("Periodic reviews due and overdue"),
            _("Periodic reviews"),
            [
                _(
                    "%(due)s systems in operation have a periodic review due by the end of the period; "
                    "%(overdue)s are overdue."
                )
                % {"due": f"{total:,}", "overdue": f"{overdue:,}"}
            ],
            [
                Table(
                    _("Periodic reviews due"),
                    [
                        Column(_("Project code"), width=18),
                        Column(_("Title"), width=48),
                        Column(_("B/D"), width=10),
                        Column(_("Review due"), "date", 12),
                        Column(_("Status"), width=12),
                        Column(_("Days overdue"), "int", 12),
                    ],
                    rows,
                    total,
                    _("No periodic review is due."),
                )
            ],
        )

    def benefits(self) -> Section:
        from django.db.models import Sum

        sums = (
            self.projects.values("bd__code", "bd__name_en", "bd__name_zh_hant")
            .annotate(
                expected_hours=Sum("expected_staff_hours_per_year"),
                realised_hours=Sum("realised_staff_hours_per_year"),
                expected_cost=Sum("expected_cost_saving_hkd_per_year"),
                realised_cost=Sum("realised_cost_saving_hkd_per_year"),
            )
            .order_by("bd__code")
        )
        totals = figures.benefit_totals(self.projects)

        def rows():
            for line in sums:
                yield (
                    line["bd__code"],
                    localized(line["bd__name_en"], line["bd__name_zh_hant"]),
                    line["expected_hours"] or 0,
                    line["realised_hours"] or 0,
                    line["expected_cost"] or 0,
                    line["realised_cost"] or 0,
                )
            yield (
                _("Total"),
                "",
                totals["expected_hours"] or 0,
                totals["realised_hours"] or 0,
                totals["expected_cost"] or 0,
                totals["realised_cost"] or 0,
            )

        return Section(
            "benefits",
            _("Expected and realised benefits"),
            _("Benefits"),
            [_("Annual benefits the projects expect, and those realised by systems in operation, by B/D.")],
            [
                Table(
                    _("Benefits by B/D"),
                    [
                        Column(_("B/D"), width=10),
                        Column(_("Name"), width=36),
                        Column(_("Expected staff hours a year"), "int", 16),
                        Column(_("Realised staff hours a year"), "int", 16),
                        Column(_("Expected cost saved a year (HK$)"), "money", 18),
                        Column(_("Realised cost saved a year (HK$)"), "money", 18),
                    ],
                    rows,
                )
            ],
        )

    # The appendix: every project in scope.

    def appendix_columns(self) -> list[Column]:
        return [
            Column(_("Project code"), width=18),
            Column(_("Title"), width=50),
            Column(_("B/D"), width=10),
            Column(_("Stage"), width=22),
            Column(_("Risk tier"), width=14),
            Column(_("Generative AI"), width=10),
            Column(_("In stage since"), "date", 14),
            Column(_("Status"), width=12),
        ]

    def appendix_rows(self) -> Iterator[tuple]:
        tiers = {tier.value: str(tier.label) for tier in RiskTier}
        rag = {status.value: str(status.label) for status in RagStatus}
        stages = {stage.value: stage_label(stage.value) for stage in Stage}
        yes, no = _("Yes"), _("No")
        chinese = self.run.language.startswith("zh")
        rows = (
            self.projects.order_by("bd__code", "code")
            .values_list(
                "code",
                "title_en",
                "title_zh_hant",
                "bd__code",
                "stage",
                "risk_tier",
                "uses_generative_ai",
                "stage_entered_at",
                "rag_status",
            )
            .iterator(chunk_size=ITERATOR_CHUNK)
        )
        for code, title_en, title_zh, bd, stage, tier, genai, entered, status in rows:
            yield (
                code,
                (title_zh or title_en) if chinese else (title_en or title_zh),
                bd,
                stages.get(stage, stage),
                tiers.get(tier, tier),
                yes if genai else no,
                timezone.localtime(entered).date() if entered else None,
                rag.get(status, status),
            )


def _count():
    from django.db.models import Count

    return Count("pk")


def _grouped(queryset, *fields) -> list[tuple]:
    return list(queryset.values_list(*fields).annotate(n=_count()).order_by())


def today_in_hong_kong() -> date:
    return timezone.localdate()
