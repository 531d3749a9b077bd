"""The return's files: frozen content, deterministic bytes, escaping, BOM, constant queries."""

import csv
import io
import zipfile
from datetime import UTC, datetime

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from adoption.services import update_project
from reports.returns.export import return_csv_chunks, write_return_xlsx
from reports.returns.services import open_round
from tests.factories import make_project, pass_gate
from tests.returns.conftest import at

pytestmark = pytest.mark.django_db

EXPORTED = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)


@pytest.fixture
def round_(portfolio):
    with at(2026, 10, 20, 9):
        return open_round(quarter="2026Q3")


def xlsx_bytes(tmp_path, round_, bd_return=None, exported_at=EXPORTED, name="return.xlsx") -> bytes:
    path = tmp_path / name
    write_return_xlsx(path, round_, bd_return, exported_at=exported_at)
    return path.read_bytes()


def csv_text(round_, bd_return=None) -> str:
    return "".join(return_csv_chunks(round_, bd_return))


def test_the_export_does_not_change_when_the_projects_do(tmp_path, people, portfolio, round_):
    before_xlsx, before_csv = xlsx_bytes(tmp_path, round_), csv_text(round_)
    with at(2026, 11, 2, 9):
        pass_gate(portfolio["moved"], officer_user=people["officer"], approver_user=people["approver"])
        update_project(project=portfolio["new"], by=people["officer"], changes={"title_en": "Renamed", "budget_hkd": 5})
        make_project(by=people["officer"], code="ImmD-2026-0099")
    assert xlsx_bytes(tmp_path, round_, name="again.xlsx") == before_xlsx
    assert csv_text(round_) == before_csv


def test_only_the_timestamp_differs_between_two_exports(tmp_path, round_):
    first = zipfile.ZipFile(io.BytesIO(xlsx_bytes(tmp_path, round_)))
    later = zipfile.ZipFile(io.BytesIO(xlsx_bytes(tmp_path, round_, exported_at=datetime(2031, 1, 1, tzinfo=UTC))))
    assert first.namelist() == later.namelist()
    differing = [name for name in first.namelist() if first.read(name) != later.read(name)]
    assert differing == ["xl/worksheets/sheet2.xml"]  # the About sheet, with "Exported at"
    about = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(tmp_path, round_)))["About 說明"]
    assert ["Exported at / 匯出時間", "2026-11-01 10:00:00 HKT (UTC+0800)"] in [
        [cell.value for cell in row] for row in about.iter_rows()
    ]


def test_xlsx_has_bilingual_headings_real_numbers_and_dates_and_escaped_formulas(tmp_path, round_):
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(tmp_path, round_)))["Return 申報表"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    headings = rows[0]
    assert "Stage at quarter end / 季度末階段" in headings
    assert headings[-1] == "B/D remarks / 局／部門備註"
    by_code = {
        row[headings.index("Project code / 項目代碼")]: dict(zip(headings, row, strict=True)) for row in rows[1:]
    }
    assert list(by_code) == ["FEHD-2026-0001", "ImmD-2026-0001", "ImmD-2026-0003", "ImmD-2026-0004"]
    moved = by_code["ImmD-2026-0001"]
    assert moved["Title (English) / 標題（英文）"] == '\'=HYPERLINK("http://x")'
    assert moved["Approved budget (HK$) / 核准預算（港元）"] == 1000
    assert moved["In this stage since / 進入此階段日期"] == datetime(2026, 8, 3)
    assert moved["Stage at quarter end / 季度末階段"] == "Search / 搜尋方案"
    assert moved["Moved stage / 階段有變"] == "Yes / 是"
    assert moved["Stage moves in the quarter / 本季度階段變動"] == "2026-08-03 Identify / 識別機遇 → Search / 搜尋方案"
    assert by_code["ImmD-2026-0004"]["Slippage / 延後詳情"] == "Gate 1 target: 2026-09-01 → 2026-11-30"


@pytest.mark.parametrize("title", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_every_formula_trigger_is_escaped_in_csv(people, title):
    with at(2026, 8, 1, 9):
        make_project(by=people["officer"], code="ImmD-2026-0042", title_en=title, budget_hkd=250)
    with at(2026, 10, 2, 9):
        round_ = open_round(quarter="2026Q3")
    rows = list(csv.reader(io.StringIO(csv_text(round_).removeprefix("\ufeff"))))
    line = dict(zip(rows[0], rows[1], strict=True))
    assert line["Title (English) / 標題（英文）"] == "'" + title
    assert line["Approved budget (HK$) / 核准預算（港元）"] == "250.00"  # numbers are not quoted


def test_csv_is_utf8_with_a_bom_and_one_bd_sees_only_its_lines(round_):
    immd = round_.returns.get(bd_code="ImmD")
    text = csv_text(round_, immd)
    assert text.encode("utf-8").startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[0][:2] == ["B/D code / 局／部門代碼", "B/D (English) / 局／部門（英文）"]
    assert {row[0] for row in rows[1:]} == {"ImmD"}
    assert len(rows) == 4
    assert "第三季新項目" in text


# The lines with their remarks, in one query; on PostgreSQL it runs on a server-side cursor
# inside its own transaction, a savepoint here (SAVEPOINT, the query, RELEASE).
EXPORT_QUERIES = 3 if connection.vendor == "postgresql" else 1


def test_export_queries_do_not_grow_with_the_lines(tmp_path, people, round_, django_assert_num_queries):
    with django_assert_num_queries(EXPORT_QUERIES):
        csv_text(round_)
    with django_assert_num_queries(EXPORT_QUERIES):
        write_return_xlsx(tmp_path / "a.xlsx", round_)
    with at(2026, 12, 1, 9):
        for number in range(20):
            make_project(by=people["officer"], code=f"ImmD-2026-{100 + number}")
    with at(2027, 1, 5, 9):
        bigger = open_round(quarter="2026Q4")
    assert bigger.line_count > round_.line_count + 15
    with django_assert_num_queries(EXPORT_QUERIES):
        csv_text(bigger)
    with django_assert_num_queries(EXPORT_QUERIES):
        write_return_xlsx(tmp_path / "b.xlsx", bigger)


def test_the_command_writes_either_format(tmp_path, round_):
    call_command("export_quarterly_return", quarter="2026Q3", format="csv", output=str(tmp_path / "r.csv"), bd="immd")
    assert (tmp_path / "r.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    call_command("export_quarterly_return", quarter="2026q3", format="xlsx", output=str(tmp_path / "r.xlsx"))
    assert openpyxl.load_workbook(tmp_path / "r.xlsx")["Return 申報表"].max_row == 5
    with pytest.raises(CommandError, match="No return round"):
        call_command("export_quarterly_return", quarter="2025Q1", output=str(tmp_path / "x.csv"))
    with pytest.raises(CommandError, match="not a quarter"):
        call_command("export_quarterly_return", quarter="Q3", output=str(tmp_path / "x.csv"))
    with pytest.raises(CommandError, match="has no return"):
        call_command("export_quarterly_return", quarter="2026Q3", bd="XYZ", output=str(tmp_path / "x.csv"))


def test_the_admin_export_action_writes_the_selected_lines_with_the_same_columns(client, round_):
    from tests.factories import PASSWORD, dpo_officer

    dpo = dpo_officer(is_staff=True)
    client.login(username=dpo.username, password=PASSWORD)
    lines = list(round_.lines.filter(bd_code="ImmD").values_list("pk", flat=True))
    response = client.post("/admin/reports/returnline/", {"action": "export_admin_action", "_selected_action": lines})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][6] == "Stage at quarter end / 季度末階段"
    assert sorted(row[3] for row in rows[1:]) == ["ImmD-2026-0001", "ImmD-2026-0003", "ImmD-2026-0004"]
    assert "'=HYPERLINK" in str(rows)
