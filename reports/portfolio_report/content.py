"""What the portfolio report says, section by section, in the run's language.

The figures come from the portfolio query layer; this module only arranges them into
sections of tables that both renderings (PDF and XLSX) print. Long lists are iterated from
the database (never held whole), and the PDF shows at most ``PDF_LIST_LIMIT`` rows of a list
while the workbook has them all; the appendix lists every project in scope in both.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.db.models import BooleanField, Count, ExpressionWrapper, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from adoption.bilingual import localized
from adoption.choices import RagStatus, RiskTier
from adoption.models import Project
from adoption.roles import Permission
from adoption.segments import Segment, existing, in_segment
from lifecycle.choices import IncidentKind, ItemStatus, ReviewStatus, Severity
from lifecycle.models import ChecklistItem, ChecklistTemplateItem, GateReview, Incident
from lifecycle.stages import LIFECYCLE_STAGES, SHORT_LABELS, Stage
from reports import dashboard
from reports.periods import Period
from reports.portfolio import PortfolioFigures, portfolio_figures
from reports.portfolio.compute import _gate_cycle_times, _operation_cycle_time, _stalled_list

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
    preview: Callable[[], Iterable[tuple]] | None = None  # the PDF's first rows, when cheaper than ``rows``

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


def _days(later, earlier) -> int | None:
    if not later or not earlier:
        return None
    return (later - earlier).days


class PortfolioReport:
    """The report of one run. Build it inside ``translation.override(run.language)``.

    Every figure comes from the portfolio query layer (``reports.portfolio``, the dashboard's):
    ``portfolio_figures`` at the end of the period and at the end of the period before, and the
    segments of ``adoption.segments`` for the lists behind them.
    """

    SECTION_COUNT = 9

    def __init__(self, run, *, now=None):
        self.run = run
        self.now = now or timezone.now()
        self.period = Period(run.period_start, run.period_end)
        self.previous = self.period.previous()
        self.as_of = self.period.as_of(self.now)
        self.scoped = Project.objects.restrict(run.requested_by, Permission.REQUEST_REPORT).filter(
            run.scope.project_q()
        )
        self.projects = existing(self.scoped, self.as_of)  # those registered by the end of the period
        self._figures: dict[Period, PortfolioFigures] = {}

    def figures(self, period: Period | None = None) -> PortfolioFigures:
        """The query layer's figures at the end of ``period`` (default: the report's)."""
        period = period or self.period
        if period not in self._figures:
            as_of = period.as_of(self.now)
            projects = existing(self.scoped, as_of)
            quarter = period.as_quarter
            figures = portfolio_figures(projects, as_of=as_of, period=quarter, lists=PDF_LIST_LIMIT)
            if quarter is None:  # a range of days: cycle times of the gates passed within it
                cycle_times = [*_gate_cycle_times(projects, period), _operation_cycle_time(projects, period)]
                figures = replace(figures, period=period, cycle_times=cycle_times)
            self._figures[period] = figures
        return self._figures[period]

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
        return timezone.localtime(self.as_of.moment).strftime("%Y-%m-%d %H:%M")

    @property
    def generated_label(self) -> str:
        return timezone.localtime(self.now).strftime("%Y-%m-%d %H:%M")

    @property
    def requested_by(self) -> str:
        return str(self.run.requested_by)

    def project_count(self) -> int:
        return self.figures().total

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

    # Sections.

    def summary(self) -> Section:
        now, before = self.figures(), self.figures(self.previous)

        def line(label, value_now, value_before):
            return (label, value_now, value_before, value_now - value_before)

        rows = [
            line(_("Active projects"), now.active, before.active),
            line(_("In pilot (test and validate)"), now.in_pilot, before.in_pilot),
            line(_("In operation"), now.in_operation, before.in_operation),
            line(_("Stalled"), now.stalled, before.stalled),
            line(_("Gate reviews waiting"), now.awaiting_gate_review, before.awaiting_gate_review),
            line(_("Periodic reviews overdue"), now.periodic_review_overdue, before.periodic_review_overdue),
            line(_("Open incidents"), now.open_incidents, before.open_incidents),
        ]
        for label, name, part in (
            (_("Expected staff hours saved a year, active projects"), "expected_active", "staff_hours"),
            (_("Realised staff hours saved a year, projects in operation"), "realised_in_operation", "staff_hours"),
            (_("Expected cost saved a year (HK$), active projects"), "expected_active", "cost_hkd"),
            (_("Realised cost saved a year (HK$), projects in operation"), "realised_in_operation", "cost_hkd"),
        ):
            rows.append(
                line(label, getattr(getattr(now.benefits, name), part), getattr(getattr(before.benefits, name), part))
            )
        table = Table(
            title=_("Key figures"),
            columns=[
                Column(_("Figure"), width=44),
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
                "count": f"{now.total:,}",
                "scope": self.scope_label,
                "as_of": self.as_of_label,
                "previous": self.previous.label,
            }
        ]
        return Section("summary", _("Executive summary"), _("Summary"), paragraphs, [table])

    def pipeline(self) -> Section:
        figures = self.figures()
        by, lines = dashboard.pipeline_rows(figures)
        stages = dashboard.PIPELINE_STAGES

        def rows():
            for line in lines:
                yield (line.unit.code, line.unit.name, *(line.by_stage[stage] for stage in stages), line.total)
            totals = [sum(line.by_stage[stage] for line in lines) for stage in stages]
            yield (_("Total"), "", *totals, sum(totals))

        columns = [Column(_("Bureau") if by == "bureau" else _("B/D"), width=10), Column(_("Name"), width=36)]
        columns += [Column(stage_label(stage), "int", 12) for stage in stages]
        columns.append(Column(_("Open projects"), "int", 12))
        chart = dashboard.pipeline_chart(figures, dashboard.no_links)
        return Section(
            "pipeline",
            _("Pipeline by stage and B/D"),
            _("Pipeline"),
            [chart.summary],
            [Table(chart.title, columns, rows, empty=_("No projects in scope."))],
            chart_svg=chart.svg,
        )

    def cycle_times(self) -> Section:
        figures = self.figures()

        def rows():
            for cycle in figures.cycle_times:
                yield (
                    stage_label(cycle.stage),
                    cycle.count,
                    cycle.median,
                    cycle.p25,
                    cycle.p75,
                    cycle.p10,
                    cycle.p90,
                )

        columns = [
            Column(_("Stage"), width=30),
            Column(_("Gates passed"), "int", 14),
            Column(_("Median days"), "decimal", 12),
            Column(_("25th percentile"), "decimal", 12),
            Column(_("75th percentile"), "decimal", 12),
            Column(_("10th percentile"), "decimal", 12),
            Column(_("90th percentile"), "decimal", 12),
        ]
        chart = dashboard.cycle_time_chart(figures, dashboard.no_links)
        return Section(
            "cycle_times",
            _("Cycle times"),
            _("Cycle times"),
            [chart.summary],
            [Table(_("Days in stage"), columns, rows)],
            chart_svg=chart.svg,
        )

    def stalled(self) -> Section:
        figures = self.figures()
        as_of = self.as_of.moment

        def lines(found):
            for line in found:
                yield (
                    line.code,
                    line.title,
                    line.bd_code,
                    stage_label(line.stage),
                    timezone.localtime(line.since).date(),
                    _days(as_of, line.since),
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
            % {"count": f"{figures.stalled:,}"}
        ]
        table = Table(
            _("Stalled projects"),
            columns,
            rows=lambda: lines(_stalled_list(self.projects, self.as_of, None)),
            total=figures.stalled,
            empty=_("No project is stalled."),
            preview=lambda: lines(figures.stalled_list),
        )
        return Section("stalled", _("Stalled projects"), _("Stalled"), paragraphs, [table])

    def gate_reviews(self) -> Section:
        decided = (
            GateReview.objects.filter(
                project__in=self.projects,
                status__in=[ReviewStatus.APPROVED, ReviewStatus.RETURNED],
                decided_at__gte=self.period.start,
                decided_at__lt=min(self.period.end, self.as_of.moment),
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
        figures = self.figures()
        active = in_segment(self.projects, Segment.ACTIVE, self.as_of)
        with_genai = dict(
            active.filter(uses_generative_ai=True).values_list("risk_tier").annotate(n=Count("pk")).order_by()
        )

        def tier_rows():
            for tier in RiskTier:
                total = figures.tier_mix.get(tier.value, 0)
                genai = with_genai.get(tier.value, 0)
                yield (str(tier.label), genai, total - genai, total)

        flags = [("genai", _("Generative AI")), ("pd", _("Personal data")), ("t2plus", _("Tier limited or above"))]
        by_flag = {flag: [] for flag, _label in flags}
        for pk, applies in ChecklistTemplateItem.objects.values_list("pk", "applies"):
            for flag in by_flag:
                if flag in (applies or []):
                    by_flag[flag].append(pk)
        items = ChecklistItem.objects.filter(project__in=active).exclude(status=ItemStatus.NOT_APPLICABLE)
        safeguards = []
        for flag, label in flags:
            counts = dict(
                items.filter(template_item_id__in=by_flag[flag])
                .values_list("status")
                .annotate(n=Count("pk"))
                .order_by()
            )
            applicable = sum(counts.values())
            done = counts.get(ItemStatus.DONE, 0)
            safeguards.append((str(label), applicable, done, done / applicable if applicable else None))
        chart = next(chart for chart in dashboard.mix_charts(figures, dashboard.no_links) if chart.id == "tier")
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
            chart_svg=chart.svg,
        )

    def incidents(self) -> Section:
        figures = self.figures()
        opened = Incident.objects.filter(
            project__in=self.projects, opened_at__gte=self.period.start, opened_at__lt=self.as_of.moment
        )
        counts = {(kind, severity): n for kind, severity, n in _grouped(opened, "kind", "severity")}
        listed = opened.select_related("project", "project__bd").order_by("opened_at", "pk")
        total = sum(counts.values())

        def open_rows():
            for severity in dashboard.SEVERITIES:
                yield (str(Severity(severity).label), figures.open_incidents_by_severity.get(severity, 0))
            yield (_("Total"), figures.open_incidents)

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
                % {"opened": f"{total:,}", "open": f"{figures.open_incidents:,}"}
            ],
            [
                Table(
                    _("Incidents open at the end of the period, by severity"),
                    [Column(_("Severity"), width=24), Column(_("Open incidents"), "int", 14)],
                    open_rows,
                ),
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
        """Systems in operation at the end of the period whose review is overdue then (the query layer's
        segment) or falls due by the end of the next quarter (by the review date recorded now)."""
        figures = self.figures()
        day = self.as_of.day
        horizon = self.period.next_quarter_end
        overdue = in_segment(self.projects, Segment.PERIODIC_REVIEW_OVERDUE, self.as_of)
        listed = (
            in_segment(self.projects, Segment.IN_OPERATION, self.as_of)
            .filter(Q(pk__in=overdue.values("pk")) | Q(next_periodic_review_due__lte=horizon))
            .annotate(is_overdue=ExpressionWrapper(Q(pk__in=overdue.values("pk")), output_field=BooleanField()))
            .select_related("bd")
            .order_by("-is_overdue", "next_periodic_review_due", "code")
        )
        total = listed.count()

        def rows():
            for project in listed.iterator(chunk_size=ITERATOR_CHUNK):
                due = project.next_periodic_review_due
                yield (
                    project.code,
                    project.title,
                    project.bd.code,
                    due,
                    _("Overdue") if project.is_overdue else _("Due"),
                    (day - due).days if project.is_overdue and due and due < day else None,
                )

        return Section(
            "periodic_reviews",
            _("Periodic reviews due and overdue"),
            _("Periodic reviews"),
            [
                _(
                    "%(overdue)s systems in operation had a periodic review overdue at the end of the period; "
                    "%(listed)s are overdue or due by %(horizon)s."
                )
                % {"overdue": f"{figures.periodic_review_overdue:,}", "listed": f"{total:,}", "horizon": horizon}
            ],
            [
                Table(
                    _("Periodic reviews due and overdue"),
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
        """By B/D, with the query layer's definitions: expected benefits of the active projects,
        expected and realised benefits of the projects in operation; the totals are its figures."""
        figures = self.figures()
        active = in_segment(self.projects, Segment.ACTIVE, self.as_of)
        operating = in_segment(self.projects, Segment.IN_OPERATION, self.as_of)
        lines: dict[str, dict] = {}
        for queryset, fields in (
            (
                active,
                {
                    "expected_hours": "expected_staff_hours_per_year",
                    "expected_cost": "expected_cost_saving_hkd_per_year",
                },
            ),
            (
                operating,
                {
                    "realised_hours": "realised_staff_hours_per_year",
                    "realised_cost": "realised_cost_saving_hkd_per_year",
                },
            ),
        ):
            sums = queryset.values("bd__code", "bd__name_en", "bd__name_zh_hant").annotate(
                **{key: Sum(field) for key, field in fields.items()}
            )
            for row in sums.order_by():
                line = lines.setdefault(
                    row["bd__code"], {"name": localized(row["bd__name_en"], row["bd__name_zh_hant"])}
                )
                line.update({key: row[key] or 0 for key in fields})
        benefits = figures.benefits

        def rows():
            for code in sorted(lines):
                line = lines[code]
                yield (
                    code,
                    line["name"],
                    line.get("expected_hours", 0),
                    line.get("realised_hours", 0),
                    line.get("expected_cost", Decimal(0)),
                    line.get("realised_cost", Decimal(0)),
                )
            yield (
                _("Total"),
                "",
                benefits.expected_active.staff_hours,
                benefits.realised_in_operation.staff_hours,
                benefits.expected_active.cost_hkd,
                benefits.realised_in_operation.cost_hkd,
            )

        return Section(
            "benefits",
            _("Expected and realised benefits"),
            _("Benefits"),
            [
                _(
                    "Annual benefits the active projects expect, and those realised by the systems in operation "
                    "(%(reporting)s of %(operating)s have reported them), by B/D."
                )
                % {"reporting": benefits.in_operation_reporting, "operating": figures.in_operation}
            ],
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


def _grouped(queryset, *fields) -> list[tuple]:
    return list(queryset.values_list(*fields).annotate(n=Count("pk")).order_by())
