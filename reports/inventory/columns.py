"""The inventory's columns, declared once: heading in both languages, how a value is written
to a cell (export) and read back from one (import). The export of the register re-imports
as it is: same headings, same labels, same order.
"""

import json
from dataclasses import dataclass

from django.db.models import Aggregate, CharField, OuterRef, Subquery
from django.utils.translation import gettext_lazy as _

from adoption.choices import (
    AdoptionStrategy,
    DataSource,
    FundingSource,
    Infrastructure,
    ProcurementRoute,
    RagStatus,
    SolutionCategory,
)
from adoption.models import Project
from lifecycle.stages import LIFECYCLE_STAGES, SHORT_LABELS
from reports.resources import CellField, FastExportResource, choice, resource_class, text, yes_no
from reports.spreadsheets import bilingual, bilingual_choices

YES, NO = "Yes / 是", "No / 否"
MULTI_SEPARATOR = "; "


@dataclass(frozen=True)
class Column:
    name: str  # the model field it fills
    heading_en: str
    heading_zh: str
    kind: str  # text, choice, multi, bool, date, money, count, bd, vendor, solution, officers, officer
    required: bool = False
    choices: type | None = None
    attribute: str = ""  # what the export reads, when not the field itself
    width: int = 16
    help_en: str = ""

    @property
    def heading(self) -> str:
        return f"{self.heading_en} / {self.heading_zh}"


STAGE_CHOICES = [(stage, SHORT_LABELS[stage]) for stage in LIFECYCLE_STAGES]

C = Column
COLUMNS: tuple[Column, ...] = (
    C(
        "code",
        "Project code",
        "項目代碼",
        "text",
        width=18,
        help_en="Leave empty to have a code given (B/D-year-number).",
    ),
    C("bd", "B/D code", "局／部門代碼", "bd", required=True, attribute="bd__code", width=10),
    C("title_en", "Title (English)", "標題（英文）", "text", width=40, help_en="English, Chinese or both."),
    C("title_zh_hant", "Title (Chinese)", "標題（中文）", "text", width=24),
    C("stage", "Stage", "階段", "stage", width=20, help_en="Empty means Identify. Only the five stages."),
    C("business_owner", "Business owner", "業務負責人", "text", required=True, width=24),
    C("business_problem", "Business problem", "業務問題", "text", required=True, width=40),
    C("objectives", "Objectives", "目標", "text", width=30),
    C("strategy", "Adoption strategy", "採用策略", "choice", required=True, choices=AdoptionStrategy, width=24),
    C("category", "Solution category", "方案類別", "choice", required=True, choices=SolutionCategory, width=24),
    C(
        "catalogue_solution",
        "Catalogue solution code",
        "目錄方案代碼",
        "solution",
        attribute="catalogue_solution__code",
    ),
    C("infrastructure", "Infrastructure", "基礎設施", "multi", choices=Infrastructure, width=30),
    C("data_sources", "Data sources", "數據來源", "multi", choices=DataSource, width=30),
    C("vendor", "Vendor", "供應商", "vendor", attribute="vendor__name_en", width=24),
    C("procurement_route", "Procurement route", "採購途徑", "choice", choices=ProcurementRoute, width=24),
    C("uses_generative_ai", "Generative AI", "生成式人工智能", "bool", width=10),
    C("processes_personal_data", "Personal data", "個人資料", "bool", width=10),
    C("is_public_facing", "Public-facing", "面向公眾", "bool", width=10),
    C("funding_source", "Funding source", "撥款來源", "choice", choices=FundingSource, width=24),
    C("budget_hkd", "Approved budget (HK$)", "核准預算（港元）", "money"),
    C("spend_to_date_hkd", "Spend to date (HK$)", "累計開支（港元）", "money"),
    C("start_date", "Start date", "開始日期", "date", width=12),
    C("target_identify_date", "Gate 1 target date", "關卡一目標日期", "date", width=12),
    C("target_search_date", "Gate 2 target date", "關卡二目標日期", "date", width=12),
    C("target_vendor_selection_date", "Gate 3 target date", "關卡三目標日期", "date", width=12),
    C("target_test_validate_date", "Gate 4 target date", "關卡四目標日期", "date", width=12),
    C("target_deploy_improve_date", "Go-live target date", "投入運作目標日期", "date", width=12),
    C("target_completion_date", "Target completion date", "目標完成日期", "date", width=12),
    C("success_criteria", "Success criteria", "成功準則", "text", width=30),
    C("expected_staff_hours_per_year", "Expected staff hours saved a year", "預期每年節省人手時數", "count"),
    C("expected_cost_saving_hkd_per_year", "Expected cost saved a year (HK$)", "預期每年節省成本（港元）", "money"),
    C("expected_service_improvement", "Expected service improvement", "預期服務改善", "text", width=30),
    C("realised_staff_hours_per_year", "Realised staff hours saved a year", "實際每年節省人手時數", "count"),
    C("realised_cost_saving_hkd_per_year", "Realised cost saved a year (HK$)", "實際每年節省成本（港元）", "money"),
    C("realised_service_improvement", "Realised service improvement", "實際服務改善", "text", width=30),
    C("rag_status", "Status", "狀況", "choice", choices=RagStatus, width=16, help_en="Empty means On track."),
    C("next_milestone", "Next milestone", "下一個里程碑", "text", width=30),
    C(
        "project_officers",
        "Project officers (user names)",
        "項目主任（用戶名稱）",
        "officers",
        attribute="officer_names",
        width=24,
        help_en="User names separated by semicolons; project officers of the B/D.",
    ),
    C(
        "responsible_officer",
        "Responsible officer (user name)",
        "負責人員（用戶名稱）",
        "officer",
        attribute="responsible_officer__username",
        width=20,
        help_en="A gate approver of the B/D.",
    ),
)
BY_NAME = {column.name: column for column in COLUMNS}

KIND_HELP = {
    "text": _("Text."),
    "choice": _("One value from the list."),
    "stage": _("One value from the list."),
    "multi": _("Values from the list, separated by semicolons."),
    "bool": _("Yes or No."),
    "date": _("A date, written YYYY-MM-DD (e.g. 2026-09-30)."),
    "money": _("An amount in Hong Kong dollars, not negative (e.g. 1200000.50)."),
    "count": _("A whole number, not negative."),
    "bd": _("The B/D's code, e.g. ImmD."),
    "vendor": _("The vendor's name as registered (English or Chinese)."),
    "solution": _("The code of an AI+ catalogue solution."),
    "officers": _("User names separated by semicolons."),
    "officer": _("A user name."),
}


def choice_values(column: Column) -> list[tuple[str, str]]:
    """(value, bilingual label) pairs a column accepts from a list."""
    if column.kind == "stage":
        return [(stage, bilingual(label)) for stage, label in STAGE_CHOICES]
    if column.kind == "bool":
        return [("yes", YES), ("no", NO)]
    if column.choices is not None:
        return list(bilingual_choices(column.choices).items())
    return []


class _Usernames(Aggregate):
    """The project officers' user names in one cell (sorted when written)."""

    function = "STRING_AGG"
    template = "%(function)s(%(expressions)s, ';')"
    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, function="GROUP_CONCAT", **extra)


def _officer_names():
    through = Project.project_officers.through
    return Subquery(
        through.objects.filter(project_id=OuterRef("pk"))
        .values("project_id")
        .annotate(names=_Usernames("user__username"))
        .values("names")
    )


def _sorted_names(value):
    return MULTI_SEPARATOR.join(sorted(value.split(";"))) if value else ""


def _multi(labels: dict[str, str]):
    def convert(values):
        if isinstance(values, str):  # JSON text from the fast path
            values = json.loads(values)
        return MULTI_SEPARATOR.join(labels.get(value, value) for value in values or [])

    return convert


def _converter(column: Column):
    if column.kind in ("choice", "stage"):
        return choice(dict(choice_values(column)))
    if column.kind == "multi":
        return _multi(bilingual_choices(column.choices))
    if column.kind == "bool":
        return yes_no(YES, NO)
    if column.kind == "officers":
        return _sorted_names
    if column.kind in ("date", "money", "count"):
        return None
    return text


class _InventoryResourceBase(FastExportResource):
    def get_queryset(self):
        return inventory_queryset(Project.objects.all())


def inventory_queryset(projects):
    return projects.annotate(officer_names=_officer_names()).order_by("bd__code", "code", "id")


def inventory_resource() -> FastExportResource:
    fields = [
        (
            column.name,
            CellField(
                column.attribute or column.name,
                column.heading_en,
                column.heading_zh,
                _converter(column),
                width=column.width,
            ),
        )
        for column in COLUMNS
    ]
    return resource_class("ProjectInventoryResource", _InventoryResourceBase, fields, model=Project)()
