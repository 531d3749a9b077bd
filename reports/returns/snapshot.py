"""Freezing a quarter: one line per project that was active in it, as it stood at quarter end.

The stage at quarter end (and at its start) comes from the projects' stage history
(``StagePeriod``), not from today's stage, so a round opened late still shows the quarter.
Changes since the previous quarter are decided here, once, and stored on the line:

- new: the project did not exist at the start of the quarter;
- moved: its stage at quarter end differs from its stage at the start;
- slipped: a gate or completion target date was moved later during the quarter (from the
  audit trail's record of each change);
- closed: it was cancelled or retired during the quarter.
"""

from collections import defaultdict
from datetime import date

from django.db.models import Q
from django.utils import timezone

from adoption.models import STAGE_TARGET_FIELDS, Project
from adoption.quarters import Quarter
from lifecycle.choices import AuditAction
from lifecycle.models import AuditEvent, StagePeriod
from lifecycle.stages import TERMINAL_STAGES, Stage

TARGET_DATE_FIELDS = (*STAGE_TARGET_FIELDS.values(), "target_completion_date")
COPIED_FIELDS = (
    "code",
    "title_en",
    "title_zh_hant",
    "business_owner",
    "rag_status",
    "risk_tier",
    "uses_generative_ai",
    "processes_personal_data",
    "is_public_facing",
    "strategy",
    "category",
    "procurement_route",
    "funding_source",
    "budget_hkd",
    "spend_to_date_hkd",
    "start_date",
    *TARGET_DATE_FIELDS,
    "expected_staff_hours_per_year",
    "expected_cost_saving_hkd_per_year",
    "realised_staff_hours_per_year",
    "realised_cost_saving_hkd_per_year",
    "next_milestone",
)
PROJECT_VALUES = (
    "id",
    *COPIED_FIELDS,
    "in_operation_since",
    "bd_id",
    "bd__code",
    "bd__name_en",
    "bd__name_zh_hant",
    "catalogue_solution__code",
    "vendor__name_en",
    "responsible_officer__username",
    "responsible_officer__first_name",
    "responsible_officer__last_name",
)


def _stage_history(quarter: Quarter) -> dict[int, dict]:
    """Per project: the stage period current at quarter end, the one at its start, and the moves."""
    start, end = quarter.start, quarter.end
    periods = (
        StagePeriod.objects.filter(entered_at__lt=end)
        .filter(Q(exited_at__isnull=True) | Q(exited_at__gte=start))
        .order_by("project_id", "entered_at", "id")
        .values_list("project_id", "stage", "entered_at")
    )
    history: dict[int, dict] = {}
    for project_id, stage, entered_at in periods.iterator(chunk_size=5000):
        entry = history.get(project_id)
        if entry is None:
            entry = history[project_id] = {"start": None, "end": None, "moves": []}
        if entered_at < start:
            entry["start"] = (stage, entered_at)
        elif entry["end"] is not None:
            entry["moves"].append([timezone.localdate(entered_at).isoformat(), entry["end"][0], stage])
        entry["end"] = (stage, entered_at)
    return history


def _slippage(quarter: Quarter) -> dict[int, dict]:
    """Per project: the target dates moved later during the quarter, as {field: [before, after]}."""
    first_old: dict[int, dict] = defaultdict(dict)
    last_new: dict[int, dict] = defaultdict(dict)
    events = (
        AuditEvent.objects.filter(action=AuditAction.PROJECT_UPDATED, at__gte=quarter.start, at__lt=quarter.end)
        .order_by("at", "id")
        .values_list("project_id", "details")
    )
    for project_id, details in events.iterator(chunk_size=5000):
        for field, change in (details or {}).get("changed", {}).items():
            if field in TARGET_DATE_FIELDS and isinstance(change, list) and len(change) == 2:
                first_old[project_id].setdefault(field, change[0])
                last_new[project_id][field] = change[1]
    slipped: dict[int, dict] = {}
    for project_id, olds in first_old.items():
        moved = {
            field: [old, last_new[project_id][field]]
            for field, old in olds.items()
            if old and last_new[project_id][field] and last_new[project_id][field] > old
        }
        if moved:
            slipped[project_id] = moved
    return slipped


def _officer_name(row: dict) -> str:
    name = f"{row['responsible_officer__first_name'] or ''} {row['responsible_officer__last_name'] or ''}".strip()
    return name or row["responsible_officer__username"] or ""


def quarter_lines(quarter: Quarter):
    """Yield (B/D values, line values) for every project active in the quarter, as at its end."""
    history = _stage_history(quarter)
    slipped = _slippage(quarter)
    if not history:
        return
    last_day: date = quarter.last_day
    for row in Project.objects.order_by("bd__code", "code").values(*PROJECT_VALUES).iterator(chunk_size=2000):
        entry = history.get(row["id"])
        if entry is None or entry["end"] is None:
            continue  # did not exist yet at quarter end
        stage, entered_at = entry["end"]
        if stage in TERMINAL_STAGES and entered_at < quarter.start:
            continue  # closed before the quarter began
        start_stage = entry["start"][0] if entry["start"] else ""
        in_operation = row["in_operation_since"]
        if stage not in (Stage.DEPLOY_IMPROVE, Stage.RETIRED) or (in_operation and in_operation > last_day):
            in_operation = None
        target_field = STAGE_TARGET_FIELDS.get(stage)
        moved_dates = slipped.get(row["id"], {})
        line = {field: row[field] for field in COPIED_FIELDS}
        line.update(
            project_id=row["id"],
            bd_code=row["bd__code"],
            bd_name_en=row["bd__name_en"],
            bd_name_zh_hant=row["bd__name_zh_hant"],
            responsible_officer=_officer_name(row),
            stage=stage,
            stage_entered_on=timezone.localdate(entered_at),
            stage_at_quarter_start=start_stage,
            stage_moves=entry["moves"],
            in_operation_since=in_operation,
            catalogue_solution=row["catalogue_solution__code"] or "",
            vendor=row["vendor__name_en"] or "",
            procurement_route=row["procurement_route"] or "",
            funding_source=row["funding_source"] or "",
            current_target_date=row[target_field] if target_field else None,
            is_new=entry["start"] is None,
            is_moved=entry["start"] is not None and start_stage != stage,
            is_slipped=bool(moved_dates),
            is_closed=stage in TERMINAL_STAGES,
            slipped_dates=moved_dates,
        )
        yield row["bd_id"], line
