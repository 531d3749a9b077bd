"""What the dashboard shows, built from the portfolio figures: key figures, charts with the data
tables behind them, short lists, and the drill-down link of every number.

Every link opens the project list (``/projects/``) with the dashboard's own filters plus the
figure's, using the shared ``adoption.filters.ProjectFilter`` parameters, so the list holds
exactly the projects the number counts.
"""

import textwrap
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from adoption.bilingual import wants_chinese
from adoption.choices import AdoptionStrategy, OrgUnitKind, RiskTier, SolutionCategory
from adoption.quarters import Quarter
from adoption.segments import Segment
from lifecycle.choices import Severity, StageExit
from lifecycle.stages import COLOURS, LIFECYCLE_STAGES, SHORT_LABELS, Stage
from reports import charts
from reports.portfolio.figures import PortfolioFigures, Unit

PIPELINE_STAGES = (*LIFECYCLE_STAGES, Stage.ON_HOLD)
SEVERITIES = (Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW)
TIERS = (RiskTier.UNSCREENED, RiskTier.LOW, RiskTier.LIMITED, RiskTier.HIGH, RiskTier.PROHIBITED)
# Stage changes by how a stage was left, coloured with the stage colours they lead towards.
EXIT_COLOURS = {
    StageExit.ADVANCED: COLOURS[Stage.DEPLOY_IMPROVE],
    StageExit.REWORKED: COLOURS[Stage.TEST_VALIDATE],
    StageExit.HELD: COLOURS[Stage.ON_HOLD],
    StageExit.RESUMED: COLOURS[Stage.SEARCH],
    StageExit.CANCELLED: COLOURS[Stage.CANCELLED],
    StageExit.RETIRED: COLOURS[Stage.RETIRED],
}
REGISTERED_COLOUR = COLOURS[Stage.IDENTIFY]
MIX_COLOUR = COLOURS[Stage.IDENTIFY]


class Links:
    """Drill-down URLs: the project list with the dashboard's filters and the figure's own."""

    def __init__(self, filters: dict[str, str | list[str]], base: str | None = None):
        self.filters = filters
        self.base = base or reverse("adoption:project_list")

    def __call__(self, *, segment: str | None = None, **changes) -> str:
        params = dict(self.filters)
        if segment:
            params["segment"] = sorted({*params.get("segment", []), segment})
        for name, value in changes.items():
            if value is None:
                params.pop(name, None)
            else:
                params[name] = value
        query = urlencode(sorted(params.items()), doseq=True)
        return f"{self.base}?{query}" if query else self.base


def no_links(**_changes) -> None:
    """For charts without drill-down (e.g. printed in a PDF)."""
    return None


@dataclass(frozen=True)
class Card:
    label: str
    value: int
    url: str
    note: str = ""
    attention: bool = False

    @property
    def text(self) -> str:
        return count(self.value)


@dataclass(frozen=True)
class Cell:
    text: str
    url: str | None = None
    number: bool = False
    header: bool = False


@dataclass(frozen=True)
class Table:
    caption: str
    columns: list[str]
    rows: list[list[Cell]]
    footer: list[Cell] = field(default_factory=list)


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    summary: str
    svg: str
    table: Table
    wide: bool = False


def count(value: int | float | None) -> str:
    """A number as Hong Kong writes it in both languages: 12,345 (and 12,345.5)."""
    if value is None:
        return "–"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    return f"{int(value):,}"


def _number_cell(value, url: str | None = None) -> Cell:
    return Cell(count(value), url=url if value else None, number=True)


# Key figures.


def key_figures(figures: PortfolioFigures, link) -> list[Card]:
    stalled_days = settings.TRACKER_STALLED_AFTER_DAYS
    return [
        Card(_("Active projects"), figures.active, link(segment=Segment.ACTIVE), _("in one of the five stages")),
        Card(_("In pilot"), figures.in_pilot, link(segment=Segment.IN_PILOT), _("testing, evaluating and validating")),
        Card(_("In operation"), figures.in_operation, link(segment=Segment.IN_OPERATION), _("operational gate passed")),
        Card(
            _("Stalled"),
            figures.stalled,
            link(segment=Segment.STALLED),
            _("more than %(days)s days in their stage") % {"days": stalled_days},
            attention=figures.stalled > 0,
        ),
        Card(
            _("Gate reviews waiting"),
            figures.awaiting_gate_review,
            link(segment=Segment.AWAITING_GATE_REVIEW),
            _("for an approver's decision"),
        ),
        Card(
            _("Gates due"),
            figures.gate_due,
            link(segment=Segment.GATE_DUE),
            _("target date within 30 days or passed"),
            attention=figures.gate_due > 0,
        ),
        Card(
            _("Periodic reviews overdue"),
            figures.periodic_review_overdue,
            link(segment=Segment.PERIODIC_REVIEW_OVERDUE),
            _("systems in operation"),
            attention=figures.periodic_review_overdue > 0,
        ),
        Card(
            _("Projects with open incidents"),
            figures.with_open_incidents,
            link(segment=Segment.WITH_OPEN_INCIDENTS),
            _("anomalies, security breaches, ethical issues"),
            attention=figures.with_open_incidents > 0,
        ),
    ]


def stage_counts(figures: PortfolioFigures, link) -> list[tuple[str, str, int, str | None]]:
    """(stage, label, number, link) for every stage, side states included."""
    by_stage = figures.by_stage
    return [
        (stage, SHORT_LABELS[stage], count(by_stage[stage]), link(stage=stage) if by_stage[stage] else None)
        for stage in Stage.values
    ]


def incidents_by_severity(figures: PortfolioFigures, link) -> list[tuple[str, int, str | None]]:
    return [
        (Severity(severity).label, count(figures.open_incidents_by_severity.get(severity, 0)), link(severity=severity))
        for severity in SEVERITIES
    ]


def benefits_table(figures: PortfolioFigures, link) -> Table:
    benefits = figures.benefits
    active_url, operation_url = link(segment=Segment.ACTIVE), link(segment=Segment.IN_OPERATION)

    def rate(realised, expected) -> str:
        return f"{realised / expected:.0%}" if expected else "–"

    rows = []
    for label, name in ((_("Staff hours saved a year"), "staff_hours"), (_("Cost saved a year (HK$)"), "cost_hkd")):
        expected_active = getattr(benefits.expected_active, name)
        expected = getattr(benefits.expected_in_operation, name)
        realised = getattr(benefits.realised_in_operation, name)
        rows.append(
            [
                Cell(label, header=True),
                _number_cell(expected_active, active_url),
                _number_cell(expected, operation_url),
                _number_cell(realised, operation_url),
                Cell(rate(realised, expected), number=True),
            ]
        )
    return Table(
        caption=_("Expected and realised annual benefits"),
        columns=[
            _("Benefit"),
            _("Expected, all active projects"),
            _("Expected, projects in operation"),
            _("Realised, projects in operation"),
            _("Realised against expected"),
        ],
        rows=rows,
    )


# The pipeline by bureau or B/D.


@dataclass(frozen=True)
class PipelineRow:
    unit: Unit
    by_stage: dict[str, int]
    stalled: int
    in_operation: int

    @property
    def total(self) -> int:
        return sum(self.by_stage.get(stage, 0) for stage in PIPELINE_STAGES)


def pipeline_rows(figures: PortfolioFigures) -> tuple[str, list[PipelineRow]]:
    """Rows by bureau (a B/D outside any bureau stands alone); by B/D when all are in one bureau."""
    groups = {figures.units[unit_id].group_id for unit_id in figures.per_unit}
    by = "bureau" if len(groups) > 1 else "bd"
    rows: dict[int, dict] = {}
    for unit_id, unit_figures in figures.per_unit.items():
        key = figures.units[unit_id].group_id if by == "bureau" else unit_id
        row = rows.setdefault(key, {"by_stage": dict.fromkeys(PIPELINE_STAGES, 0), "stalled": 0, "in_operation": 0})
        for stage in PIPELINE_STAGES:
            row["by_stage"][stage] += unit_figures.by_stage.get(stage, 0)
        row["stalled"] += unit_figures.stalled
        row["in_operation"] += unit_figures.in_operation
    result = [PipelineRow(unit=figures.units[key], **row) for key, row in rows.items()]
    result = [row for row in result if row.total]
    result.sort(key=lambda row: (-row.total, row.unit.code))
    return by, result


def _unit_filter(by: str, unit: Unit) -> dict[str, str]:
    if by == "bureau" and unit.kind == OrgUnitKind.BUREAU:
        return {"bureau": unit.code}
    return {"bd": unit.code}


def _chart_label(unit: Unit) -> str:
    return unit.name_zh_hant if wants_chinese() and unit.name_zh_hant else unit.code


def pipeline_chart(figures: PortfolioFigures, link) -> Chart:
    by, rows = pipeline_rows(figures)
    units = [row.unit for row in rows]
    series = []
    for stage in PIPELINE_STAGES:
        values = [row.by_stage[stage] for row in rows]
        series.append(
            charts.Series(
                label=str(SHORT_LABELS[stage]),
                colour=COLOURS[stage],
                values=values,
                urls=[link(stage=stage, **_unit_filter(by, unit)) for unit in units],
                titles=[
                    f"{unit.name} · {SHORT_LABELS[stage]}: {value}" for unit, value in zip(units, values, strict=True)
                ],
            )
        )
    group_label = _("Bureau") if by == "bureau" else _("B/D")
    table_rows = []
    for row in rows:
        unit_link = link(**_unit_filter(by, row.unit))
        table_rows.append(
            [
                Cell(f"{row.unit.code} {row.unit.name}", url=unit_link, header=True),
                *(
                    _number_cell(row.by_stage[stage], link(stage=stage, **_unit_filter(by, row.unit)))
                    for stage in PIPELINE_STAGES
                ),
                _number_cell(row.total, link(stage=list(PIPELINE_STAGES), **_unit_filter(by, row.unit))),
                _number_cell(row.stalled, link(segment=Segment.STALLED, **_unit_filter(by, row.unit))),
                _number_cell(row.in_operation, link(segment=Segment.IN_OPERATION, **_unit_filter(by, row.unit))),
            ]
        )
    totals = [sum(row.by_stage[stage] for row in rows) for stage in PIPELINE_STAGES]
    footer = [
        Cell(_("Total"), header=True),
        *(_number_cell(total, link(stage=stage)) for stage, total in zip(PIPELINE_STAGES, totals, strict=True)),
        _number_cell(sum(totals), link(stage=list(PIPELINE_STAGES))),
        _number_cell(sum(row.stalled for row in rows), link(segment=Segment.STALLED)),
        _number_cell(sum(row.in_operation for row in rows), link(segment=Segment.IN_OPERATION)),
    ]
    title = _("Pipeline by stage and bureau") if by == "bureau" else _("Pipeline by stage and B/D")
    if rows:
        summary = _("%(projects)s open projects in %(groups)s %(kind)s; the most in %(first)s (%(count)s).") % {
            "projects": count(sum(totals)),
            "groups": len(rows),
            "kind": _("bureaux or B/Ds outside a bureau") if by == "bureau" else _("B/Ds"),
            "first": rows[0].unit.name,
            "count": count(rows[0].total),
        }
    else:
        summary = _("No open projects.")
    return Chart(
        id="pipeline",
        title=title,
        summary=summary,
        svg=charts.bar_chart(
            "pipeline",
            categories=[_chart_label(unit) for unit in units],
            series=series,
            axis_label=_("Projects"),
            width=9.0,
        )
        if rows
        else "",
        table=Table(
            caption=title,
            columns=[
                group_label,
                *(str(SHORT_LABELS[stage]) for stage in PIPELINE_STAGES),
                _("Open projects"),
                _("Stalled"),
                _("In operation"),
            ],
            rows=table_rows,
            footer=footer if rows else [],
        ),
        wide=True,
    )


# Cycle times, stage changes, mix.


def cycle_time_chart(figures: PortfolioFigures, link) -> Chart:
    period = figures.period
    rows, table_rows = [], []
    for cycle in figures.cycle_times:
        label = str(SHORT_LABELS[cycle.stage])
        url = link(passed_gate=cycle.stage) if cycle.count else None
        title = (
            _("%(stage)s: median %(median)s days, middle half %(p25)s–%(p75)s days (%(count)s gates passed)")
            % {
                "stage": label,
                "median": count(cycle.median),
                "p25": count(cycle.p25),
                "p75": count(cycle.p75),
                "count": count(cycle.count),
            }
            if cycle.count
            else ""
        )
        rows.append(
            charts.Spread(
                label=label,
                colour=COLOURS[cycle.stage],
                p10=cycle.p10,
                p25=cycle.p25,
                median=cycle.median,
                p75=cycle.p75,
                p90=cycle.p90,
                url=url,
                title=title,
            )
        )
        table_rows.append(
            [
                Cell(label, header=True),
                _number_cell(cycle.count, url),
                Cell(count(cycle.median), number=True),
                Cell(count(cycle.p25), number=True),
                Cell(count(cycle.p75), number=True),
                Cell(count(cycle.p10), number=True),
                Cell(count(cycle.p90), number=True),
            ]
        )
    title = _("Stage cycle times")
    if period:
        summary = _(
            "Days from entering a stage to passing its gate (for the last stage: to going into operation), "
            "for gates passed in %(quarter)s. The bar is the middle half, the line 10th to 90th percentile, "
            "the number the median."
        ) % {"quarter": period.label}
    else:
        summary = _(
            "Days from entering a stage to passing its gate (for the last stage: to going into operation), "
            "for every gate passed. The bar is the middle half, the line 10th to 90th percentile, "
            "the number the median."
        )
    return Chart(
        id="cycle-times",
        title=title,
        summary=summary,
        svg=charts.spread_chart(
            "cycle-times", rows=rows, axis_label=_("Days in stage"), empty_label=_("No gate passed")
        ),
        table=Table(
            caption=title,
            columns=[
                _("Stage"),
                _("Gates passed"),
                _("Median days"),
                _("25th percentile"),
                _("75th percentile"),
                _("10th percentile"),
                _("90th percentile"),
            ],
            rows=table_rows,
        ),
    )


def stage_change_chart(figures: PortfolioFigures, link) -> Chart:
    quarters = figures.quarters
    labels = [row.quarter.chart_label for row in quarters]
    series = [
        charts.Series(
            label=_("Registered"),
            colour=REGISTERED_COLOUR,
            values=[row.registered for row in quarters],
            urls=[link(registered_in=str(row.quarter)) for row in quarters],
            titles=[f"{row.quarter.label} · {_('Registered')}: {row.registered}" for row in quarters],
        )
    ]
    for how in EXIT_COLOURS:
        label = StageExit(how).label
        values = [row.by_exit.get(how, 0) for row in quarters]
        series.append(
            charts.Series(
                label=str(label),
                colour=EXIT_COLOURS[how],
                values=values,
                urls=[link(moved=how, moved_in=str(row.quarter)) for row in quarters],
                titles=[f"{row.quarter.label} · {label}: {value}" for row, value in zip(quarters, values, strict=True)],
            )
        )
    columns = [_("Quarter"), _("Registered"), *(str(StageExit(how).label) for how in EXIT_COLOURS)]
    table_rows = [
        [
            Cell(row.quarter.label, header=True),
            _number_cell(row.registered, link(registered_in=str(row.quarter))),
            *(
                _number_cell(row.by_exit.get(how, 0), link(moved=how, moved_in=str(row.quarter)))
                for how in EXIT_COLOURS
            ),
        ]
        for row in quarters
    ]
    title = _("Stage changes per quarter")
    last = quarters[-1]
    summary = _(
        "In %(quarter)s: %(registered)s registered, %(passed)s gates passed, %(changes)s stage changes in all."
    ) % {
        "quarter": last.quarter.label,
        "registered": count(last.registered),
        "passed": count(last.by_exit.get(StageExit.ADVANCED, 0)),
        "changes": count(last.changes),
    }
    return Chart(
        id="stage-changes",
        title=title,
        summary=summary,
        svg=charts.bar_chart(
            "stage-changes", categories=labels, series=series, horizontal=False, axis_label=_("Projects and changes")
        ),
        table=Table(caption=title, columns=columns, rows=table_rows),
    )


def _wrapped(label: str) -> str:
    return label if wants_chinese() else textwrap.fill(label, 30)


def _mix_chart(chart_id: str, title: str, column: str, choices, counts: dict[str, int], link, param: str, order=None):
    values = list(order) if order else sorted(choices.values, key=lambda value: (-counts.get(value, 0), value))
    values = [value for value in values if counts.get(value, 0) or order]
    labels = [str(choices(value).label) for value in values]
    numbers = [counts.get(value, 0) for value in values]
    urls = [link(segment=Segment.ACTIVE, **{param: value}) for value in values]
    total = sum(numbers)
    rows = [
        [
            Cell(label, header=True),
            _number_cell(number, url),
            Cell(f"{number / total:.0%}" if total else "–", number=True),
        ]
        for label, number, url in zip(labels, numbers, urls, strict=True)
    ]
    summary = (
        _("%(total)s active projects; the most: %(first)s (%(count)s).")
        % {"total": count(total), "first": labels[numbers.index(max(numbers))], "count": count(max(numbers))}
        if total
        else _("No active projects.")
    )
    return Chart(
        id=chart_id,
        title=title,
        summary=summary,
        svg=charts.bar_chart(
            chart_id,
            categories=[_wrapped(label) for label in labels],
            series=[
                charts.Series(
                    label=title,
                    colour=MIX_COLOUR,
                    values=numbers,
                    urls=urls,
                    titles=[f"{label}: {number}" for label, number in zip(labels, numbers, strict=True)],
                )
            ],
            axis_label=_("Active projects"),
            legend=False,
        )
        if total
        else "",
        table=Table(caption=title, columns=[column, _("Active projects"), _("Share")], rows=rows),
    )


def mix_charts(figures: PortfolioFigures, link) -> list[Chart]:
    return [
        _mix_chart(
            "strategy",
            _("Adoption strategy"),
            _("Strategy"),
            AdoptionStrategy,
            figures.strategy_mix,
            link,
            "strategy",
            AdoptionStrategy.values,
        ),
        _mix_chart(
            "tier", _("Risk tier"), _("Tier"), RiskTier, figures.tier_mix, link, "risk_tier", [str(t) for t in TIERS]
        ),
        _mix_chart(
            "category", _("Solution category"), _("Category"), SolutionCategory, figures.category_mix, link, "category"
        ),
    ]


def dashboard_charts(figures: PortfolioFigures, link) -> list[Chart]:
    return [
        pipeline_chart(figures, link),
        cycle_time_chart(figures, link),
        stage_change_chart(figures, link),
        *mix_charts(figures, link),
    ]


def quarter_choices(now_quarter: Quarter | None = None, count: int = 12) -> list[tuple[str, str]]:
    """The quarters offered in the filter: the current one and the eleven before it."""
    current = now_quarter or Quarter.current()
    return [(str(quarter), quarter.label) for quarter in reversed(current.preceding(count))]


# The filter form.


@dataclass(frozen=True)
class FilterField:
    name: str
    label: str
    options: list[tuple[str, str]]
    value: str
    error: str = ""
    blank_label: str = ""


# Filters the dashboard's form offers; any other valid filter in the URL is kept and listed.
FORM_FILTERS = ("quarter", "bureau", "bd", "stage", "strategy", "category", "risk_tier", "genai", "personal_data")


def filter_fields(filterset, filters: dict, units: dict[int, Unit], user) -> list[FilterField]:
    """The dashboard's filter form: bureaux and B/Ds limited to the user's scope."""
    from adoption.scoping import unit_in_scope

    in_scope = [unit for unit in units.values() if unit_in_scope(user, unit)]
    errors = filterset.errors if filterset.is_bound else {}
    bureau_units = [unit for unit in in_scope if unit.kind == OrgUnitKind.BUREAU]
    options = {
        "quarter": quarter_choices(),
        "bureau": [(unit.code, f"{unit.code} {unit.name}") for unit in bureau_units],
        "bd": [(unit.code, f"{unit.code} {unit.name}") for unit in in_scope],
    }
    blank = {"quarter": pgettext("quarter", "Now")}
    fields = []
    for name in FORM_FILTERS:
        field = filterset.form.fields[name]
        choices = options.get(name)
        if choices is None:
            choices = [(str(value), str(label)) for value, label in field.choices if value != ""]
        if name == "bureau" and len(bureau_units) < 1:
            continue
        if name == "bd" and len(in_scope) < 2:
            continue
        value = filters.get(name, "")
        if isinstance(value, list):
            if len(value) > 1:
                continue  # listed with the other filters
            value = value[0]
        fields.append(
            FilterField(
                name=name,
                label=str(field.label),
                options=choices,
                value=value,
                error=" ".join(str(message) for message in errors.get(name, [])),
                blank_label=str(blank.get(name, pgettext("filter", "All"))),
            )
        )
    return fields


def other_filters(filterset, filters: dict, here: Links) -> list[dict]:
    """The valid filters the form does not show: kept in the form as hidden fields, listed with a
    link to this page without them."""
    from django.db.models import Model

    result = []
    for name, value in filters.items():
        if name in FORM_FILTERS and not (isinstance(value, list) and len(value) > 1):
            continue
        field = filterset.form.fields[name]
        cleaned = filterset.form.cleaned_data[name]
        if isinstance(cleaned, Model):
            text = str(cleaned)
        elif isinstance(cleaned, Quarter):
            text = cleaned.label
        else:
            choices = {str(key): str(label) for key, label in getattr(field, "choices", ())}
            text = ", ".join(choices.get(item, item) for item in (value if isinstance(value, list) else [value]))
        result.append(
            {
                "name": name,
                "values": value if isinstance(value, list) else [value],
                "label": str(field.label),
                "text": text,
                "remove_url": here(**{name: None}),
            }
        )
    return result


def scope_label(user) -> str:
    """Whose projects the user's figures cover, in words."""
    from adoption.choices import ScopeLevel

    if user.is_superuser or user.scope_level == ScopeLevel.ALL:
        return _("All B/Ds")
    if user.org_unit is None:
        return _("No B/D")
    if user.scope_level == ScopeLevel.UNIT_TREE:
        return _("%(unit)s and its departments") % {"unit": user.org_unit.name}
    return user.org_unit.name


def project_lines(lines, figures: PortfolioFigures) -> list[dict]:
    """The short lists' rows, with the days in stage and whether the gate date has passed."""
    today = figures.as_of.day
    return [
        {
            "id": line.id,
            "code": line.code,
            "title": line.title,
            "bd_code": line.bd_code,
            "stage": line.stage,
            "stage_label": SHORT_LABELS[line.stage],
            "days": count((figures.as_of.moment - line.since).days),
            "target": line.target,
            "overdue": line.target is not None and line.target < today,
        }
        for line in lines
    ]
