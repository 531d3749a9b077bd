"""The quarterly return as XLSX or CSV: consolidated (every B/D) or one B/D's.

The file depends only on the frozen lines and remarks (ordered by B/D code and project code)
and on the round's opening time, which is the workbook's creation date. The one thing that
changes between two exports of the same return is the "Exported at" cell.
"""

import json
from datetime import datetime

from django.utils import timezone

from adoption.choices import AdoptionStrategy, FundingSource, ProcurementRoute, RagStatus, RiskTier, SolutionCategory
from lifecycle.stages import SHORT_LABELS
from reports.models import BDReturn, ReturnLine, ReturnRound
from reports.resources import CellField, FastExportResource, choice, iter_csv_lines, resource_class, text, yes_no
from reports.spreadsheets import XlsxFile, bilingual, bilingual_choices, csv_line_chunks

DATE_FIELD_LABELS_EN = {
    "target_identify_date": "Gate 1 target",
    "target_search_date": "Gate 2 target",
    "target_vendor_selection_date": "Gate 3 target",
    "target_test_validate_date": "Gate 4 target",
    "target_deploy_improve_date": "Go-live target",
    "target_completion_date": "Completion target",
}


def _stage_labels() -> dict[str, str]:
    return {stage: bilingual(label) for stage, label in SHORT_LABELS.items()}


def _moves(stage_labels):
    def convert(moves):
        if isinstance(moves, str):  # JSON text from the fast path
            if moves == "[]":
                return ""
            moves = json.loads(moves)
        return "; ".join(
            f"{day} {stage_labels.get(old, old)} → {stage_labels.get(new, new)}" for day, old, new in moves
        )

    return convert


def _slippage(changes) -> str:
    if isinstance(changes, str):
        if changes == "{}":
            return ""
        changes = json.loads(changes)
    return "; ".join(
        f"{DATE_FIELD_LABELS_EN.get(field, field)}: {before} → {after}"
        for field, (before, after) in sorted(changes.items())
    )


def return_line_fields() -> list[tuple[str, CellField]]:
    """The columns of the quarterly return, in order. Labels are rendered in both languages."""
    stages = _stage_labels()
    yes, no = bilingual_yes_no()
    flag = yes_no(yes, no)
    return [
        ("bd_code", CellField("bd_code", "B/D code", "局／部門代碼", text, width=10)),
        ("bd_name_en", CellField("bd_name_en", "B/D (English)", "局／部門（英文）", text, width=30)),
        ("bd_name_zh_hant", CellField("bd_name_zh_hant", "B/D (Chinese)", "局／部門（中文）", text, width=16)),
        ("code", CellField("code", "Project code", "項目代碼", text, width=18)),
        ("title_en", CellField("title_en", "Title (English)", "標題（英文）", text, width=40)),
        ("title_zh_hant", CellField("title_zh_hant", "Title (Chinese)", "標題（中文）", text, width=24)),
        ("stage", CellField("stage", "Stage at quarter end", "季度末階段", choice(stages), width=22)),
        ("stage_entered_on", CellField("stage_entered_on", "In this stage since", "進入此階段日期", width=12)),
        (
            "stage_at_quarter_start",
            CellField("stage_at_quarter_start", "Stage at quarter start", "季度初階段", choice(stages)),
        ),
        (
            "stage_moves",
            CellField("stage_moves", "Stage moves in the quarter", "本季度階段變動", _moves(stages), width=40),
        ),
        ("is_new", CellField("is_new", "New this quarter", "本季度新增", flag, width=10)),
        ("is_moved", CellField("is_moved", "Moved stage", "階段有變", flag, width=10)),
        ("is_slipped", CellField("is_slipped", "Target dates slipped", "目標日期延後", flag, width=10)),
        ("is_closed", CellField("is_closed", "Closed this quarter", "本季度結束", flag, width=10)),
        ("slipped_dates", CellField("slipped_dates", "Slippage", "延後詳情", _slippage, width=30)),
        ("rag_status", CellField("rag_status", "Status", "狀況", choice(bilingual_choices(RagStatus)))),
        ("risk_tier", CellField("risk_tier", "Risk tier", "風險級別", choice(bilingual_choices(RiskTier)))),
        ("uses_generative_ai", CellField("uses_generative_ai", "Generative AI", "生成式人工智能", flag, width=10)),
        ("processes_personal_data", CellField("processes_personal_data", "Personal data", "個人資料", flag, width=10)),
        ("is_public_facing", CellField("is_public_facing", "Public-facing", "面向公眾", flag, width=10)),
        (
            "strategy",
            CellField("strategy", "Adoption strategy", "採用策略", choice(bilingual_choices(AdoptionStrategy))),
        ),
        (
            "category",
            CellField("category", "Solution category", "方案類別", choice(bilingual_choices(SolutionCategory))),
        ),
        ("catalogue_solution", CellField("catalogue_solution", "Catalogue solution", "目錄方案", text)),
        ("vendor", CellField("vendor", "Vendor", "供應商", text, width=24)),
        (
            "procurement_route",
            CellField(
                "procurement_route", "Procurement route", "採購途徑", choice(bilingual_choices(ProcurementRoute))
            ),
        ),
        (
            "funding_source",
            CellField("funding_source", "Funding source", "撥款來源", choice(bilingual_choices(FundingSource))),
        ),
        ("budget_hkd", CellField("budget_hkd", "Approved budget (HK$)", "核准預算（港元）")),
        ("spend_to_date_hkd", CellField("spend_to_date_hkd", "Spend to date (HK$)", "累計開支（港元）")),
        ("start_date", CellField("start_date", "Start date", "開始日期", width=12)),
        ("target_identify_date", CellField("target_identify_date", "Gate 1 target date", "關卡一目標日期", width=12)),
        ("target_search_date", CellField("target_search_date", "Gate 2 target date", "關卡二目標日期", width=12)),
        (
            "target_vendor_selection_date",
            CellField("target_vendor_selection_date", "Gate 3 target date", "關卡三目標日期", width=12),
        ),
        (
            "target_test_validate_date",
            CellField("target_test_validate_date", "Gate 4 target date", "關卡四目標日期", width=12),
        ),
        (
            "target_deploy_improve_date",
            CellField("target_deploy_improve_date", "Go-live target date", "投入運作目標日期"),
        ),
        (
            "target_completion_date",
            CellField("target_completion_date", "Target completion date", "目標完成日期", width=12),
        ),
        ("current_target_date", CellField("current_target_date", "Current gate target date", "現階段關卡目標日期")),
        ("in_operation_since", CellField("in_operation_since", "In operation since", "投入營運日期", width=12)),
        (
            "expected_staff_hours_per_year",
            CellField("expected_staff_hours_per_year", "Expected staff hours saved a year", "預期每年節省人手時數"),
        ),
        (
            "expected_cost_saving_hkd_per_year",
            CellField(
                "expected_cost_saving_hkd_per_year", "Expected cost saved a year (HK$)", "預期每年節省成本（港元）"
            ),
        ),
        (
            "realised_staff_hours_per_year",
            CellField("realised_staff_hours_per_year", "Realised staff hours saved a year", "實際每年節省人手時數"),
        ),
        (
            "realised_cost_saving_hkd_per_year",
            CellField(
                "realised_cost_saving_hkd_per_year", "Realised cost saved a year (HK$)", "實際每年節省成本（港元）"
            ),
        ),
        ("next_milestone", CellField("next_milestone", "Next milestone", "下一個里程碑", text, width=30)),
        ("business_owner", CellField("business_owner", "Business owner", "業務負責人", text, width=24)),
        ("responsible_officer", CellField("responsible_officer", "Responsible officer", "負責人員", text, width=20)),
        ("remark", CellField("remark__text", "B/D remarks", "局／部門備註", text, width=40)),
    ]


def bilingual_yes_no() -> tuple[str, str]:
    return "Yes / 是", "No / 否"


class _ReturnLineResourceBase(FastExportResource):
    def get_queryset(self):
        return ReturnLine.objects.select_related("remark").order_by("round", "bd_code", "code", "id")


def return_line_resource() -> FastExportResource:
    """A resource instance with labels rendered now (the catalogue is loaded by then)."""
    cls = resource_class("ReturnLineResource", _ReturnLineResourceBase, return_line_fields(), model=ReturnLine)
    return cls()


def return_lines(round_: ReturnRound, bd_return: BDReturn | None = None):
    lines = ReturnLine.objects.filter(round=round_)
    if bd_return is not None:
        lines = lines.filter(bd_return=bd_return)
    return lines.order_by("bd_code", "code", "id")


def export_filename(round_: ReturnRound, bd_return: BDReturn | None, extension: str) -> str:
    scope = bd_return.bd_code if bd_return else "all-BDs"
    return f"quarterly-return-{round_.quarter}-{scope}.{extension}"


def return_csv_chunks(round_: ReturnRound, bd_return: BDReturn | None = None):
    """The CSV, streamed: no timestamp inside, so the same return always gives the same bytes."""
    resource = return_line_resource()
    return csv_line_chunks(resource.headings(), iter_csv_lines(resource, return_lines(round_, bd_return)))


def _hong_kong(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S %Z (UTC%z)")


def write_return_xlsx(path, round_: ReturnRound, bd_return: BDReturn | None = None, *, exported_at=None) -> int:
    """Write the return to ``path``; returns the number of lines."""
    resource = return_line_resource()
    exported_at = exported_at or timezone.now()
    scope = (
        f"{bd_return.bd_code} {bd_return.bd_name_en} / {bd_return.bd_name_zh_hant}"
        if bd_return
        else "All B/Ds / 所有局／部門"
    )
    workbook = XlsxFile(path, created=round_.opened_at, title=f"Quarterly return {round_.quarter}")
    count = workbook.add_table_sheet(
        "Return 申報表",
        resource.headings(),
        resource.iter_rows(return_lines(round_, bd_return)),
        resource.widths(),
    )
    workbook.add_notes_sheet(
        "About 說明",
        [
            ("Quarterly return of AI projects / 人工智能項目季度申報表", None),
            ("Quarter / 季度", round_.quarter),
            ("Period / 期間", f"{round_.period_start.isoformat()} – {round_.period_end.isoformat()}"),
            ("B/Ds / 局／部門", scope),
            ("Lines / 項目數目", count),
            ("Values as at / 數值截至", f"{round_.period_end.isoformat()} (quarter end / 季度末)"),
            ("Frozen at / 凍結時間", _hong_kong(round_.opened_at)),
            ("Exported at / 匯出時間", _hong_kong(exported_at)),
        ],
    )
    workbook.close()
    return count
