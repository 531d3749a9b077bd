"""The inventory workbook: the blank template, and the register exported in the same form."""

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reports.inventory.columns import COLUMNS, KIND_HELP, choice_values, inventory_queryset, inventory_resource
from reports.resources import iter_csv_lines
from reports.spreadsheets import XlsxFile, bilingual, csv_line_chunks

DATA_SHEET = "Projects 項目"
INSTRUCTIONS_SHEET = "Instructions 說明"
LISTS_SHEET = "Lists 選項"
VALIDATED_ROWS = 20000
TEMPLATE_DATE = datetime(2026, 1, 1)

INSTRUCTIONS = (
    _("Fill in one project per row of the Projects sheet, from row 2. Keep the headings of row 1."),
    _("A heading may be in English, in Chinese, or both as here; columns may be in any order."),
    _("Columns marked required must be filled in on every row."),
    _(
        "Upload the file: a dry run lists every problem by row and column, and nothing is imported until the file has no problems."
    ),
    _(
        "Then all rows are imported together, or none. Projects start at the stage given (Identify when empty) with its checklist."
    ),
)


def _add_lists(workbook: XlsxFile) -> dict[int, str]:
    """One column per list on the Lists sheet; returns {column index on Projects: range}.

    Written row by row: the workbook is in constant-memory mode."""
    sheet = workbook.workbook.add_worksheet(LISTS_SHEET)
    lists = [(index, column) for index, column in enumerate(COLUMNS) if column.kind in ("choice", "stage", "bool")]
    labels = [[label for _value, label in choice_values(column)] for _index, column in lists]
    for number in range(len(lists)):
        sheet.set_column(number, number, 40)
    sheet.write_row(0, 0, [column.heading for _index, column in lists], workbook.heading_format)
    for row in range(max(len(values) for values in labels)):
        sheet.write_row(row + 1, 0, [values[row] if row < len(values) else None for values in labels])
    return {
        index: f"='{LISTS_SHEET}'!${_letter(number)}$2:${_letter(number)}${len(labels[number]) + 1}"
        for number, (index, _column) in enumerate(lists)
    }


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _add_instructions(workbook: XlsxFile) -> None:
    sheet = workbook.workbook.add_worksheet(INSTRUCTIONS_SHEET)
    for column, width in enumerate((44, 12, 50, 60)):
        sheet.set_column(column, column, width)
    row = 0
    for text in INSTRUCTIONS:
        sheet.write_string(row, 0, bilingual(text), workbook.wrap_format)
        row += 1
    row += 1
    sheet.write_row(
        row,
        0,
        ["Column / 欄目", "Required / 必填", "What to write / 填寫方法", "Allowed values / 可用數值"],
        workbook.heading_format,
    )
    for column in COLUMNS:
        row += 1
        allowed = "\n".join(label for _value, label in choice_values(column))
        what = bilingual(KIND_HELP[column.kind]) + (f" {column.help_en}" if column.help_en else "")
        sheet.write_row(
            row, 0, [column.heading, "Yes / 是" if column.required else "", what, allowed], workbook.wrap_format
        )


def write_inventory_xlsx(path, rows=(), *, created: datetime | None = None) -> int:
    """The template (no rows) or an inventory export: Projects, Instructions and Lists sheets."""
    workbook = XlsxFile(path, created=created or TEMPLATE_DATE, title="AI project inventory")
    sheet = workbook.workbook.add_worksheet(DATA_SHEET)
    required_format = workbook.workbook.add_format(
        {"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#FFF2CC"}
    )
    for index, column in enumerate(COLUMNS):
        sheet.set_column(index, index, column.width)
    sheet.freeze_panes(1, 0)
    for index, column in enumerate(COLUMNS):
        sheet.write_string(0, index, column.heading, required_format if column.required else workbook.heading_format)
    count = 0
    for count, row in enumerate(rows, start=1):
        sheet.write_row(count, 0, row)
    _add_instructions(workbook)
    for index, source in _add_lists(workbook).items():
        sheet.data_validation(
            1,
            index,
            max(VALIDATED_ROWS, count + 1000),
            index,
            {
                "validate": "list",
                "source": source,
                "error_type": "warning",
                "error_message": "Choose a value from the list. / 請從清單中選擇。",
            },
        )
    workbook.close()
    return count


def inventory_rows(projects, *, for_text: bool = False):
    return inventory_resource().iter_rows(inventory_queryset(projects), for_text=for_text)


def write_inventory_export_xlsx(path, projects) -> int:
    return write_inventory_xlsx(path, inventory_rows(projects), created=timezone.now())


def inventory_csv_chunks(projects):
    resource = inventory_resource()
    return csv_line_chunks(resource.headings(), iter_csv_lines(resource, inventory_queryset(projects)))
