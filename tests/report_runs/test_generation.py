"""Both formats, both languages, generated for the known portfolio and read back."""

import os
import shutil
import subprocess
from datetime import date

import pytest
import time_machine
from django.core.files.storage import default_storage
from openpyxl import load_workbook

from reports.models import ReportRun, RunStatus
from reports.periods import Period
from reports.scopes import ReportScope
from reports.services import generate_report
from tests.factories import unit
from tests.report_runs.conftest import at

Q1_2026 = Period.quarter(2026, 1)


def make_run(by, scope, *, format, language, period=Q1_2026) -> ReportRun:
    """A queued run, as ``request_report`` leaves it (without queueing a task)."""
    return ReportRun.objects.create(
        requested_by=by,
        scope_level=scope.level,
        scope_unit=scope.unit,
        period_start=period.first_day,
        period_end=period.last_day,
        format=format,
        language=language,
    )


def generated(run) -> ReportRun:
    with time_machine.travel(at(2026, 4, 2), tick=False):
        generate_report(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED, run.error_message
    assert run.progress == 100
    return run


@pytest.fixture
def poppler():
    """pdftotext and pdffonts (poppler-utils), which `make test` installs."""
    if not (shutil.which("pdftotext") and shutil.which("pdffonts")):
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("poppler-utils (pdftotext, pdffonts) is required in CI; `make test` installs it.")
        pytest.skip("needs poppler-utils (apt-get install poppler-utils)")


def pdf_text(run, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    with default_storage.open(run.file.name, "rb") as stored:
        path.write_bytes(stored.read())
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def pdf_fonts(run, tmp_path) -> str:
    path = tmp_path / "fonts.pdf"
    with default_storage.open(run.file.name, "rb") as stored:
        path.write_bytes(stored.read())
    return subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout


def workbook(run):
    with default_storage.open(run.file.name, "rb") as stored:
        return load_workbook(stored, read_only=False)


def rows_of(sheet) -> list[tuple]:
    return [tuple(cell for cell in row) for row in sheet.iter_rows(values_only=True)]


def find_row(sheet, first_cell) -> tuple:
    for row in sheet.iter_rows(values_only=True):
        if row and row[0] == first_cell:
            return row
    raise AssertionError(f"no row starting with {first_cell!r} in {sheet.title}")


def test_pdf_in_english_for_a_bureau(portfolio, tmp_path, poppler):
    sb = ReportScope.tree(unit("SB"))
    run = generated(make_run(portfolio["people"]["management_sb"], sb, format="pdf", language="en"))
    text = pdf_text(run, tmp_path)
    assert "AI adoption portfolio report" in text
    assert "Security Bureau and its departments" in text
    assert "2026 Q1" in text
    for heading in (
        "Contents",
        "Executive summary",
        "Pipeline by stage and B/D",
        "Cycle times",
        "Stalled projects",
        "Gate reviews decided in the period",
        "Risk tiers, generative AI and safeguards",
        "Incidents",
        "Periodic reviews due and overdue",
        "Expected and realised benefits",
        "Appendix: every project in scope",
    ):
        assert heading in text, heading
    # The appendix lists the bureau's three projects and not the other bureau's.
    for project in ("visa", "passport", "patrol"):
        assert portfolio[project].code in text
    assert portfolio["hygiene"].code not in text
    assert "Hygiene inspection imagery" not in text
    assert "Wrong language in draft replies" in text
    assert "Page 3" in text
    assert run.project_count == 3


def test_pdf_in_chinese_shows_chinese_glyphs(portfolio, tmp_path, poppler):
    run = generated(make_run(portfolio["people"]["dpo"], ReportScope.all(), format="pdf", language="zh-hant"))
    text = pdf_text(run, tmp_path)
    assert "人工智能" in text
    assert "簽證申請分流" in text  # a project title, from the appendix
    assert "衞生巡查影像" in text
    assert "附錄" in text
    assert "\ufffd" not in text
    fonts = pdf_fonts(run, tmp_path)
    assert "NotoSansCJK" in fonts.replace("-", "").replace(" ", "") or "Noto-Sans-CJK" in fonts
    assert run.project_count == 4


def test_xlsx_in_english(portfolio):
    sb = ReportScope.tree(unit("SB"))
    run = generated(make_run(portfolio["people"]["management_sb"], sb, format="xlsx", language="en"))
    book = workbook(run)
    assert book.sheetnames == [
        "Summary",
        "Pipeline",
        "Cycle times",
        "Stalled",
        "Gate reviews",
        "Tiers and safeguards",
        "Incidents",
        "Periodic reviews",
        "Benefits",
        "Projects",
    ]
    summary = book["Summary"]
    active = find_row(summary, "Active projects")
    assert active[1:4] == (3, 1, 2)  # 3 at the end of Q1; 1 (patrol) at the end of 2025 Q4
    assert summary.freeze_panes is not None
    projects = book["Projects"]
    codes = {row[0] for row in rows_of(projects)}
    assert {portfolio[name].code for name in ("visa", "passport", "patrol")} <= codes
    assert portfolio["hygiene"].code not in codes
    patrol = find_row(projects, portfolio["patrol"].code)
    assert patrol[1] == "Patrol scheduling"
    assert patrol[6].date() == date(2025, 6, 2)  # a real date cell
    stalled = book["Stalled"]
    row = find_row(stalled, portfolio["patrol"].code)
    assert isinstance(row[5], int | float)
    assert row[5] > 120
    reviews = find_row(book["Gate reviews"], portfolio["visa"].code)
    assert reviews[4] == "Approved"


def test_xlsx_in_chinese(portfolio):
    run = generated(make_run(portfolio["people"]["dpo"], ReportScope.all(), format="xlsx", language="zh-hant"))
    book = workbook(run)
    assert book.sheetnames[0] == "摘要"
    projects = book["項目"]
    row = find_row(projects, portfolio["visa"].code)
    assert row[1] == "簽證申請分流"
    assert row[5] == "是"


def test_charts_keep_the_svg_namespace_after_weasyprint_has_loaded():
    """WeasyPrint rebinds ElementTree's empty prefix; a chart drawn afterwards must still be <svg>."""
    import weasyprint  # noqa: F401

    from reports.charts import Series, bar_chart

    svg = bar_chart(
        "namespace-check", categories=["A", "B"], series=[Series(label="n", colour="#1f5f8b", values=[1, 2])]
    )
    assert "<svg" in svg
    assert "ns0:" not in svg
