"""Spreadsheet plumbing shared by returns and inventory files: escaping, bilingual labels,
streaming CSV and XLSX writers, a fast XLSX reader, and download responses.

Writers take rows as plain lists (already converted by a resource's fields) and never hold the
whole file in memory: CSV is yielded in chunks, XLSX is written by xlsxwriter in constant-memory
mode to a temporary file.
"""

import csv
import functools
import io
import os
import tempfile
import zipfile
from datetime import date, datetime, timedelta
from xml.etree.ElementTree import iterparse

import xlsxwriter
from django.http import FileResponse, StreamingHttpResponse
from django.utils import translation
from django.utils.http import content_disposition_header

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOM = "\ufeff"
CSV_CHUNK_ROWS = 1000


def escape_formula(text: str) -> str:
    """A text cell that a spreadsheet would run as a formula gets a leading single quote (OWASP)."""
    if text and text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def unescape_formula(text: str) -> str:
    """The inverse of ``escape_formula``, for files we exported and get back."""
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_TRIGGERS:
        return text[1:]
    return text


def bilingual(label) -> str:
    """'English / 中文' for a lazily translated label (just one when both read the same)."""
    with translation.override("en"):
        english = str(label)
    with translation.override("zh-hant"):
        chinese = str(label)
    return english if english == chinese else f"{english} / {chinese}"


def bilingual_choices(choices) -> dict[str, str]:
    return {value: bilingual(label) for value, label in choices.choices}


# CSV


def csv_chunks(headings: list[str], rows):
    """The CSV as text chunks: BOM and headings first, then ``CSV_CHUNK_ROWS`` rows at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write(BOM)
    writer.writerow(headings)
    pending = 0
    for row in rows:
        writer.writerow(row)
        pending += 1
        if pending == CSV_CHUNK_ROWS:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    yield buffer.getvalue()


def csv_line_chunks(headings: list[str], lines):
    """Like ``csv_chunks``, for lines already written as CSV."""
    buffer = io.StringIO()
    buffer.write(BOM)
    csv.writer(buffer, lineterminator="\r\n").writerow(headings)
    pending = [buffer.getvalue()]
    for line in lines:
        pending.append(line)
        if len(pending) > CSV_CHUNK_ROWS:
            yield "".join(pending)
            pending = []
    yield "".join(pending)


def write_csv(path, headings, rows) -> None:
    with open(path, "w", encoding="utf-8", newline="") as file:
        for chunk in csv_chunks(headings, rows):
            file.write(chunk)


# XLSX

XLSX_OPTIONS = {
    "constant_memory": True,
    "default_date_format": "yyyy-mm-dd",
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}


class XlsxFile:
    """An XLSX file written row by row in constant memory, with fixed document properties so the
    same content gives the same bytes (xlsxwriter already fixes the zip entries' dates)."""

    def __init__(self, path, *, created: datetime, title: str):
        self.workbook = xlsxwriter.Workbook(str(path), XLSX_OPTIONS)
        if created.tzinfo is not None:
            created = created.astimezone(tz=None).replace(tzinfo=None)
        self.workbook.set_properties(
            {
                "title": title,
                "author": "AI Adoption Lifecycle Tracker",
                "company": "HKSAR Government",
                "created": created,
            }
        )
        self.heading_format = self.workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"})
        self.wrap_format = self.workbook.add_format({"text_wrap": True, "valign": "top"})

    def add_table_sheet(self, name: str, headings: list[str], rows, widths: list[int] | None = None) -> int:
        sheet = self.workbook.add_worksheet(name)
        for column, width in enumerate(widths or []):
            sheet.set_column(column, column, width)
        sheet.write_row(0, 0, headings, self.heading_format)
        sheet.freeze_panes(1, 0)
        count = 0
        write_row = sheet.write_row
        for count, row in enumerate(rows, start=1):
            write_row(count, 0, row)
        if count:
            sheet.autofilter(0, 0, count, len(headings) - 1)
        return count

    def add_notes_sheet(self, name: str, pairs: list[tuple[str, object]]) -> None:
        sheet = self.workbook.add_worksheet(name)
        sheet.set_column(0, 0, 40)
        sheet.set_column(1, 1, 90)
        for row, (label, value) in enumerate(pairs):
            sheet.write_string(row, 0, label, self.heading_format)
            if value is not None:
                sheet.write(row, 1, value, self.wrap_format)
        return sheet

    def close(self) -> None:
        self.workbook.close()


def temporary_path(suffix: str) -> str:
    handle, path = tempfile.mkstemp(suffix=suffix, prefix="tracker-export-")
    os.close(handle)
    return path


# Downloads


def csv_response(chunks, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse((chunk.encode("utf-8") for chunk in chunks), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def file_response(path: str, filename: str, content_type: str) -> FileResponse:
    """Stream a finished temporary file; it is unlinked at once and vanishes when closed."""
    handle = open(path, "rb")  # noqa: SIM115 - FileResponse closes it
    os.unlink(path)
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


# Reading XLSX

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
EXCEL_EPOCH = date(1899, 12, 30)


class BadSpreadsheet(ValueError):
    pass


def excel_serial_to_date(value: float) -> date:
    return EXCEL_EPOCH + timedelta(days=int(value))


@functools.lru_cache(maxsize=4096)
def _letters_index(letters: str) -> int:
    index = 0
    for char in letters.upper():
        index = index * 26 + (ord(char) - 64)
    return index - 1


def _column_index(reference: str) -> int:
    """0 for "A7", 27 for "AB12"."""
    return _letters_index(reference.rstrip("0123456789"))


def _text_of(element) -> str:
    first = element.find(f"{NS}t")
    if first is not None and len(element) == 1:  # plain text, the usual case
        return first.text or ""
    return "".join(node.text or "" for node in element.iter(f"{NS}t"))


def _sheet_path(archive: zipfile.ZipFile, preferred: tuple[str, ...]) -> str:
    with archive.open("xl/workbook.xml") as file:
        sheets = [
            (element.get("name"), element.get(f"{REL_NS}id"))
            for _, element in iterparse(file)
            if element.tag == f"{NS}sheet"
        ]
    with archive.open("xl/_rels/workbook.xml.rels") as file:
        targets = {
            element.get("Id"): element.get("Target")
            for _, element in iterparse(file)
            if element.tag == f"{PKG_REL_NS}Relationship"
        }
    if not sheets:
        raise BadSpreadsheet("no worksheet")
    chosen = next((rid for name, rid in sheets if name in preferred), sheets[0][1])
    target = targets[chosen].lstrip("/")
    return target if target.startswith("xl/") else f"xl/{target}"


def read_xlsx_rows(file, preferred_sheets: tuple[str, ...] = ()):
    """Yield (row number, [cell values]) of one worksheet: text as str, numbers as float,
    booleans as bool. Much faster than openpyxl for plain data; dates stay serial numbers
    (the caller knows which columns hold dates)."""
    try:
        archive = zipfile.ZipFile(file)
        sheet = _sheet_path(archive, preferred_sheets)
        shared: list[str] = []
        if "xl/sharedStrings.xml" in archive.namelist():
            with archive.open("xl/sharedStrings.xml") as strings:
                for _, element in iterparse(strings):
                    if element.tag == f"{NS}si":
                        shared.append(_text_of(element))
                        element.clear()
        with archive.open(sheet) as stream:
            cells: dict[int, object] = {}
            for _, element in iterparse(stream):
                tag = element.tag
                if tag == f"{NS}c":
                    kind = element.get("t")
                    if kind == "inlineStr":
                        value = _text_of(element[0]) if len(element) else ""
                    else:
                        node = element.find(f"{NS}v")
                        raw = node.text if node is not None else None
                        if raw is None:
                            value = None
                        elif kind == "s":
                            value = shared[int(raw)]
                        elif kind in ("str", "e"):
                            value = raw
                        elif kind == "b":
                            value = raw == "1"
                        else:
                            value = float(raw)
                    if value is not None and value != "":
                        cells[_column_index(element.get("r", ""))] = value
                    element.clear()
                elif tag == f"{NS}row":
                    number = int(element.get("r"))
                    if cells:
                        width = max(cells) + 1
                        yield number, [cells.get(index) for index in range(width)]
                    cells = {}
                    element.clear()
    except (zipfile.BadZipFile, KeyError, ValueError, SyntaxError) as error:
        raise BadSpreadsheet(str(error)) from error


def read_csv_rows(file):
    """Yield (row number, [cell values]) of a UTF-8 CSV file (with or without a BOM)."""
    text = io.TextIOWrapper(file, encoding="utf-8-sig", newline="")
    try:
        for number, row in enumerate(csv.reader(text), start=1):
            if any(cell.strip() for cell in row):
                yield number, row
    except (UnicodeDecodeError, csv.Error) as error:
        raise BadSpreadsheet(str(error)) from error
    finally:
        text.detach()  # leave the caller's file open
