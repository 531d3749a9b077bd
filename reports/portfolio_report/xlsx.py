"""The workbook: one sheet per section, headings frozen, numbers and dates as real cells.

Written with xlsxwriter in constant-memory mode: rows go to disk as they are written, so a
sheet of 100,000 projects takes no more memory than a sheet of ten.
"""

import re
from datetime import date, datetime
from decimal import Decimal

import xlsxwriter
from django.utils import timezone
from django.utils.translation import gettext as _

from reports.portfolio_report.content import PortfolioReport, Section, Table

SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
# Text cells starting with these would be read as formulas by a spreadsheet (OWASP CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def sheet_name(title: str, used: set[str]) -> str:
    name = SHEET_NAME_FORBIDDEN.sub(" ", title)[:31].strip() or "Sheet"
    candidate, number = name, 2
    while candidate.lower() in used:
        suffix = f" ({number})"
        candidate = name[: 31 - len(suffix)] + suffix
        number += 1
    used.add(candidate.lower())
    return candidate


class WorkbookWriter:
    def __init__(self, target):
        self.book = xlsxwriter.Workbook(target, {"constant_memory": True, "strings_to_numbers": False})
        self.used_names: set[str] = set()
        add = self.book.add_format
        self.formats = {
            "title": add({"bold": True, "font_size": 14, "font_color": "#1b3a57"}),
            "caption": add({"bold": True, "font_size": 11, "font_color": "#1b3a57"}),
            "note": add({"italic": True, "font_color": "#4a545e", "text_wrap": False}),
            "header": add({"bold": True, "bg_color": "#e8edf1", "bottom": 1, "text_wrap": True, "valign": "top"}),
            "text": add({}),
            "int": add({"num_format": "#,##0"}),
            "decimal": add({"num_format": "#,##0.0"}),
            "money": add({"num_format": "#,##0"}),
            "percent": add({"num_format": "0%"}),
            "change": add({"num_format": "+#,##0;-#,##0;0"}),
            "date": add({"num_format": "yyyy-mm-dd"}),
        }

    def close(self) -> None:
        self.book.close()

    def add_sheet(self, name: str, title: str, paragraphs: list[str], tables: list[Table], *, header_lines=()) -> None:
        sheet = self.book.add_worksheet(sheet_name(name, self.used_names))
        row = 0
        sheet.write_string(row, 0, title, self.formats["title"])
        row += 1
        for line in [*header_lines, *paragraphs]:
            sheet.write_string(row, 0, line, self.formats["note"])
            row += 1
        widths: dict[int, int] = {}
        for index, table in enumerate(tables):
            row += 1
            sheet.write_string(row, 0, table.title, self.formats["caption"])
            row += 1
            for col, column in enumerate(table.columns):
                widths[col] = max(widths.get(col, 0), column.width)
                sheet.write_string(row, col, column.label, self.formats["header"])
            if index == 0:
                sheet.freeze_panes(row + 1, 0)
            row += 1
            written = 0
            writers = [self._writer(sheet, column.kind) for column in table.columns]
            for values in table.rows():
                for col, (value, write) in enumerate(zip(values, writers, strict=True)):
                    if value is not None and value != "":
                        write(row, col, value)
                row += 1
                written += 1
            if not written and table.empty:
                sheet.write_string(row, 0, table.empty, self.formats["note"])
                row += 1
        for col, width in widths.items():
            sheet.set_column(col, col, width)

    def _writer(self, sheet, kind: str):
        """A function writing one value of a column of this kind as a real cell (looked up once per column)."""
        number_format = self.formats.get(kind, self.formats["decimal"])
        date_format = self.formats["date"]
        text_format = self.formats["text"]

        def write(row: int, col: int, value) -> None:
            if isinstance(value, str):
                if value.startswith(FORMULA_STARTS):
                    value = "'" + value
                sheet.write_string(row, col, value, text_format)
            elif isinstance(value, bool):
                sheet.write_boolean(row, col, value)
            elif isinstance(value, datetime):
                sheet.write_datetime(row, col, timezone.localtime(value).replace(tzinfo=None), date_format)
            elif isinstance(value, date):
                sheet.write_datetime(row, col, datetime(value.year, value.month, value.day), date_format)
            elif isinstance(value, int | float | Decimal):
                sheet.write_number(row, col, float(value), number_format)
            else:
                sheet.write_string(row, col, str(value), text_format)

        return write


def render_xlsx(report: PortfolioReport, target, *, progress) -> None:
    """Write the report's workbook to ``target`` (a path). ``progress(fraction, note)``."""
    writer = WorkbookWriter(target)
    steps = report.SECTION_COUNT + 2
    cover = [
        f"{_('Scope')}: {report.scope_label}",
        f"{_('Period')}: {report.period_label}",
        f"{_('Figures as at')}: {report.as_of_label}",
        f"{_('Requested by')}: {report.requested_by}",
        f"{_('Generated')}: {report.generated_label}",
    ]
    section: Section
    for index, section in enumerate(report.sections()):
        writer.add_sheet(
            section.sheet, section.title, section.paragraphs, section.tables, header_lines=cover if index == 0 else ()
        )
        progress((index + 1) / steps, section.title)
    appendix = Table(_("Every project in scope"), report.appendix_columns(), report.appendix_rows)
    writer.add_sheet(_("Projects"), _("Appendix: every project in scope"), [], [appendix])
    progress((steps - 1) / steps, _("Appendix"))
    writer.close()
