"""Importing an inventory: every problem by row and column, nothing written unless all is well."""

import csv
import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from adoption.models import Project, Vendor
from lifecycle.models import AuditEvent, ChecklistItem, StagePeriod
from reports.inventory.columns import BY_NAME, COLUMNS
from reports.inventory.files import write_inventory_export_xlsx, write_inventory_xlsx
from reports.inventory.importer import check_file, import_rows
from tests.factories import approver, dpo_officer, make_project, officer

pytestmark = pytest.mark.django_db

HEADINGS = [
    "Project code",
    "B/D code",
    "Title (English)",
    "業務負責人",
    "Business problem / 業務問題",
    "Adoption strategy",
    "方案類別",
    "Approved budget (HK$)",
    "Start date",
    "Stage",
]
GOOD = [
    "ImmD-2026-0500",
    "ImmD",
    "=cmd|' /C calc'!A0",
    "AD(Visa)",
    "Backlog",
    "Develop a bespoke AI application",
    "文件處理及光學字符識別（OCR）",
    "1,200,000.50",
    "2026-04-01",
    "",
]


def heading(name):
    return BY_NAME[name].heading


def csv_file(rows, headings=HEADINGS):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headings)
    writer.writerows(rows)
    return io.BytesIO(("\ufeff" + buffer.getvalue()).encode("utf-8"))


def check(rows, user, headings=HEADINGS, name="inventory.csv"):
    return check_file(csv_file(rows, headings), name, user)


def problems(checked):
    return [(p.row, p.column, p.message) for p in checked.problems]


def row(**changes):
    values = dict(zip(HEADINGS, GOOD, strict=True))
    values.update({key.replace("_", " "): value for key, value in changes.items()})
    return [values[h] for h in HEADINGS]


def test_a_good_file_imports_every_row_with_its_history_checklist_and_audit():
    po = officer("ImmD", username="po.immd")
    checked = check([GOOD, row(**{"Project code": "", "Stage": "Search / 搜尋方案"})], po)
    assert problems(checked) == []
    assert checked.ok
    projects = import_rows(checked, by=po, file_name="inventory.csv", sha256="abc")
    first, second = (Project.objects.get(pk=p.pk) for p in projects)
    assert first.title_en == "=cmd|' /C calc'!A0"
    assert first.strategy == "bespoke"
    assert first.category == "document_processing"
    assert str(first.budget_hkd) == "1200000.50"
    assert first.stage == "identify"
    assert second.stage == "search"
    assert second.code.startswith("ImmD-20")
    assert first.created_by == po
    for project in (first, second):
        assert StagePeriod.objects.filter(project=project, exited_at__isnull=True, stage=project.stage).exists()
        assert ChecklistItem.objects.filter(project=project, stage=project.stage).exists()
    created = AuditEvent.objects.get(project=second, action="project_created")
    assert created.actor == po
    assert created.details["file"] == "inventory.csv"
    assert created.details["row"] == 3
    assert created.details["imported_at_stage"] == "search"
    assert AuditEvent.objects.filter(project=first, action="checklist_created").exists()


BAD_CASES = {
    "unknown B/D": ({"B/D code": "NOPE"}, "B/D code", "There is no B/D with the code “NOPE”."),
    "B/D outside scope": ({"B/D code": "FEHD"}, "B/D code", "FEHD is outside your scope"),
    "bad enum": ({"Adoption strategy": "Buy it"}, "Adoption strategy", "“Buy it” is not one of the allowed values"),
    "date format": ({"Start date": "01/04/2026"}, "Start date", "“01/04/2026” is not a date written YYYY-MM-DD"),
    "not a date": ({"Start date": "2026-02-30"}, "Start date", "is not a real date"),
    "negative money": (
        {"Approved budget (HK$)": "-5"},
        "Approved budget (HK$)",
        "An amount of money cannot be negative.",
    ),
    "bad money": ({"Approved budget (HK$)": "lots"}, "Approved budget (HK$)", "is not an amount of money"),
    "code taken": (
        {"Project code": "ImmD-2026-0001"},
        "Project code",
        "A project with the code ImmD-2026-0001 is already registered.",
    ),
    "closed stage": ({"Stage": "Cancelled"}, "Stage", "is not one of the allowed values"),
    "empty required": ({"業務負責人": ""}, "Business owner", "This column must be filled in."),
}


@pytest.mark.parametrize("case", BAD_CASES)
def test_every_bad_cell_is_reported_with_its_row_and_column_and_nothing_is_written(case):
    po = officer("ImmD")
    make_project(by=po, code="ImmD-2026-0001")
    changes, column, message = BAD_CASES[case]
    before = Project.objects.count()
    checked = check([row(**{"Project code": "ImmD-2026-0600"}), row(**changes)], po)
    assert not checked.ok
    [(number, found_column, found_message)] = problems(checked)
    assert number == 3
    assert found_column == BY_NAME[next(c.name for c in COLUMNS if column in (c.heading_en, c.heading_zh))].heading
    assert message in found_message
    with pytest.raises(ValueError, match="without problems"):
        import_rows(checked, by=po, file_name="x.csv", sha256="x")
    assert Project.objects.count() == before


def test_a_code_twice_in_the_file_and_the_model_rules_are_reported():
    po = officer("ImmD")
    rows = [GOOD, GOOD, row(**{"Project code": "ImmD-2026-0700", "Start date": "2026-05-01"})]
    rows[2][HEADINGS.index("Start date")] = "2026-05-01"
    bad_dates = dict(zip(HEADINGS, rows[2], strict=True))
    checked = check(rows, po, headings=[*HEADINGS, "Target completion date / 目標完成日期"])
    assert (3, heading("code"), "The code ImmD-2026-0500 is also on row 2.") in problems(checked)
    assert bad_dates  # the third row is fine


def test_model_validation_applies_as_in_the_form():
    po = officer("ImmD")
    other = officer("FEHD", username="someone.fehd")
    checked = check(
        [[*GOOD, "2026-01-01", "someone.fehd", "nobody"]],
        po,
        headings=[*HEADINGS, "Target completion date", "Project officers (user names)", "負責人員（用戶名稱）"],
    )
    found = problems(checked)
    assert (
        2,
        heading("target_completion_date"),
        "The target completion date cannot be before the start date.",
    ) in found
    assert any(p[1] == heading("project_officers") and str(other) in p[2] for p in found)
    assert (2, heading("responsible_officer"), "There is no user “nobody”.") in found


def test_missing_and_unknown_columns_are_reported_on_the_heading_row():
    po = officer("ImmD")
    headings = [h for h in HEADINGS if h != "B/D code"] + ["Budjet"]
    checked = check([[*GOOD[:-1], "x"]], po, headings=headings)
    assert (1, heading("bd"), "This required column is missing.") in problems(checked)
    assert (1, "Budjet", "This column is not one of the template's.") in problems(checked)
    assert not checked.rows


def test_unreadable_files_and_roles_that_cannot_import_are_refused():
    assert problems(check_file(io.BytesIO(b"not a zip"), "x.xlsx", officer())) == [
        (0, "", "The file cannot be read: upload the XLSX template or a UTF-8 CSV file.")
    ]
    assert problems(check([GOOD], approver()))[0][2] == "Your role cannot import projects."


def test_the_round_trip_an_exported_inventory_reimports_unchanged(tmp_path):
    po, ap = officer("ImmD", username="po.roundtrip"), approver("ImmD", username="ap.roundtrip")
    vendor = Vendor.objects.create(name_en="Acme AI Ltd", name_zh_hant="艾克米人工智能")
    first_export = tmp_path / "first.xlsx"
    with transaction.atomic():
        make_project(
            by=po,
            code="ImmD-2026-0801",
            title_en="+Triage",
            title_zh_hant="分流",
            vendor=vendor,
            budget_hkd="1500000.25",
            start_date="2026-02-01",
            target_identify_date="2026-03-01",
            infrastructure=["gcip", "cdeg"],
            uses_generative_ai=True,
            rag_status="amber",
            responsible_officer=ap,
            project_officers=[po],
            strategy="off_the_shelf",
            expected_staff_hours_per_year=1200,
        )
        make_project(by=po, code="ImmD-2026-0802", title_zh_hant="只有中文標題", category="chatbot")
        write_inventory_export_xlsx(first_export, Project.objects.all())
        transaction.set_rollback(True)
    assert not Project.objects.exists()
    checked = check_file(first_export.open("rb"), "first.xlsx", po)
    assert problems(checked) == []
    import_rows(checked, by=po, file_name="first.xlsx", sha256="x")
    second_export = tmp_path / "second.xlsx"
    write_inventory_export_xlsx(second_export, Project.objects.all())

    def cells(path):
        sheet = openpyxl.load_workbook(path)["Projects 項目"]
        return [[cell.value for cell in line] for line in sheet.iter_rows()]

    assert cells(second_export) == cells(first_export)
    assert len(cells(first_export)) == 3


def test_the_template_has_bilingual_headings_instructions_and_lists(tmp_path):
    path = tmp_path / "template.xlsx"
    write_inventory_xlsx(path)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Projects 項目", "Instructions 說明", "Lists 選項"]
    assert [c.value for c in book["Projects 項目"][1]] == [c.heading for c in COLUMNS]
    assert book["Projects 項目"].data_validations.dataValidation
    lists = book["Lists 選項"]
    assert lists["A1"].value == "Stage / 階段"
    assert lists["A3"].value == "Search / 搜尋方案"
    assert "Yes / 是" in [cell.value for line in lists.iter_rows() for cell in line]
    # The blank template itself is a file with no projects.
    assert (
        problems(check_file(path.open("rb"), "template.xlsx", officer()))[0][2]
        == "The file has no projects under its headings."
    )


@pytest.mark.postgres  # SQLite caps the rows of one INSERT at 999 parameters, so batches grow there
def test_import_queries_do_not_grow_with_the_rows():
    po = officer("ImmD")

    def queries(count):
        rows = [row(**{"Project code": f"ImmD-2026-{count}{n:04d}"}) for n in range(count)]
        with CaptureQueriesContext(connection) as context:
            checked = check(rows, po)
            import_rows(checked, by=po, file_name="x.csv", sha256="x")
        return len(context.captured_queries)

    assert queries(3) == queries(40)


def test_the_command_dry_runs_then_imports(tmp_path, capsys):
    po = officer("ImmD", username="po.command")
    path = tmp_path / "inventory.csv"
    path.write_bytes(csv_file([GOOD]).getvalue())
    call_command("import_projects", str(path), "--as", "po.command", "--dry-run")
    assert not Project.objects.exists()
    call_command("import_projects", str(path), "--as", "po.command")
    assert Project.objects.get().created_by == po
    with pytest.raises(CommandError, match="1 problems: nothing was imported"):
        call_command("import_projects", str(path), "--as", "po.command")
    assert "already registered" in capsys.readouterr().err
    with pytest.raises(CommandError, match="No active user"):
        call_command("import_projects", str(path), "--as", "nobody")


def test_dpo_may_import_for_any_bd():
    checked = check([row(**{"B/D code": "FEHD", "Project code": "FEHD-2026-0900"})], dpo_officer())
    assert problems(checked) == []


def test_an_xlsx_saved_by_another_program_with_real_dates_and_numbers_imports(tmp_path):
    from datetime import date

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    sheet.append(
        [
            "項目代碼",
            "局／部門代碼",
            "標題（中文）",
            "業務負責人",
            "業務問題",
            "採用策略",
            "方案類別",
            "開始日期",
            "核准預算（港元）",
            "Generative AI",
        ]
    )
    sheet.append(
        [
            "ImmD-2026-0950",
            "immd",
            "智能客服",
            "助理處長",
            "查詢量大",
            "開發專屬的人工智能應用",
            "chatbot",
            date(2026, 4, 1),
            2500000.5,
            True,
        ]
    )
    path = tmp_path / "from-excel.xlsx"
    book.save(path)
    po = officer("ImmD")
    checked = check_file(path.open("rb"), "from-excel.xlsx", po)
    assert problems(checked) == []
    [project] = import_rows(checked, by=po, file_name="from-excel.xlsx", sha256="x")
    project.refresh_from_db()
    assert (project.title_zh_hant, project.bd.code, project.strategy) == ("智能客服", "ImmD", "bespoke")
    assert str(project.start_date) == "2026-04-01"
    assert str(project.budget_hkd) == "2500000.50"
    assert project.uses_generative_ai is True
