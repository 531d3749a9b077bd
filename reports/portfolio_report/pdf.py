"""The PDF: cover, contents and sections laid out by WeasyPrint from an HTML template, then the
appendix of every project drawn straight into the same file (see ``fastpdf``)."""

import re

import weasyprint.pdf.metadata  # noqa: F401 - imported first, see below
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from reports.portfolio_report.content import PDF_LIST_LIMIT, PortfolioReport
from reports.portfolio_report.fastpdf import FastColumn, append_table_pages
from reports.portfolio_report.values import as_text

# Column widths of the appendix, in points (A4 landscape leaves about 770).
APPENDIX_WIDTHS = (88, 300, 48, 100, 62, 48, 62, 62)


VIEW_BOX = re.compile(r'viewBox="0 0 ([\d.]+) ([\d.]+)"')


def _chart_width(svg: str) -> float | None:
    """The chart's natural width in points (matplotlib draws in points): it is printed at that size."""
    match = VIEW_BOX.search(svg)
    return float(match[1]) if match else None


def _preview(section):
    """The section's tables with their rows as text, at most PDF_LIST_LIMIT of each."""
    tables = []
    for table in section.tables:
        rows = []
        for row in (table.preview or table.rows)():
            rows.append(
                [
                    {"text": as_text(value, column.kind), "kind": column.kind}
                    for value, column in zip(row, table.columns, strict=True)
                ]
            )
            if len(rows) == PDF_LIST_LIMIT:
                break
        tables.append({"table": table, "rows": rows})
    return {"section": section, "tables": tables, "chart_width": _chart_width(section.chart_svg)}


def render_pdf(report: PortfolioReport, target, *, progress) -> None:
    """Write the report's PDF to ``target`` (a path or binary file). ``progress(fraction, note)``."""
    from weasyprint import HTML

    sections = []
    for index, section in enumerate(report.sections()):
        sections.append(_preview(section))
        progress((index + 1) / (report.SECTION_COUNT + 3), section.title)
    total = report.project_count()
    page_before, _number, page_after = _("Page %(number)s").partition("%(number)s")
    context = {
        "report": report,
        "sections": sections,
        "total": total,
        "page_before": page_before,
        "page_after": page_after,
    }
    html = render_to_string("reports/pdf/report.html", context)
    document = HTML(string=html).render()
    progress((report.SECTION_COUNT + 1) / (report.SECTION_COUNT + 3), _("Appendix"))

    columns = [
        FastColumn(column.label, width, column.kind in ("int", "decimal", "money"))
        for column, width in zip(report.appendix_columns(), APPENDIX_WIDTHS, strict=True)
    ]
    kinds = [column.kind for column in report.appendix_columns()]

    def rows():
        for row in report.appendix_rows():
            yield tuple(as_text(value, kind) for value, kind in zip(row, kinds, strict=True))

    def appendix(document, pdf):
        share = 1 / (report.SECTION_COUNT + 3)
        start = (report.SECTION_COUNT + 1) * share

        def appendix_progress(done):
            progress(start + share * done / max(total, 1), _("Appendix"))

        append_table_pages(
            pdf,
            title=_("Appendix: every project in scope"),
            columns=columns,
            rows=rows(),
            first_page_number=len(document.pages) + 1,
            page_label=_("Page %(number)s"),
            progress=appendix_progress,
        )

    document.write_pdf(target, finisher=appendix)
