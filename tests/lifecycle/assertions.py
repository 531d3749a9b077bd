"""What "nothing changed" means for a project: every lifecycle row that hangs off it, and its files."""

from pathlib import Path

from django.conf import settings
from django.db import connection

from adoption.models import Project
from lifecycle.models import (
    AuditEvent,
    ChecklistItem,
    Evidence,
    GateReview,
    Incident,
    PeriodicReview,
    RiskScreening,
    StagePeriod,
)

PROJECT_FIELDS = (
    "stage",
    "stage_entered_at",
    "held_from_stage",
    "in_operation_since",
    "closure_reason",
    "risk_tier",
    "uses_generative_ai",
    "processes_personal_data",
    "is_public_facing",
    "next_periodic_review_due",
    "checklist_template_version",
    "updated_at",
)


def stored_files(project=None) -> list[str]:
    """Evidence files on disk, under MEDIA_ROOT (for one project, or all)."""
    root = Path(settings.MEDIA_ROOT) / "evidence"
    if project is not None:
        root = root / str(project.pk)
    return sorted(str(path.relative_to(settings.MEDIA_ROOT)) for path in root.rglob("*") if path.is_file())


def rows_of(model, columns: tuple[str, ...], where: str, params) -> list[tuple]:
    """Rows of ``model`` as tuples. Plain SQL: the property test takes thousands of these."""
    quote = connection.ops.quote_name
    names = ", ".join(quote(model._meta.get_field(column).column) for column in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {names} FROM {quote(model._meta.db_table)} WHERE {where} ORDER BY id", params)
        return cursor.fetchall()


def project_state(project) -> dict:
    """A project's lifecycle as the database holds it, for before/after comparisons."""
    of_project = (f"{connection.ops.quote_name('project_id')} = %s", [project.pk])
    items_of_project = (
        f"checklist_item_id IN (SELECT id FROM {ChecklistItem._meta.db_table} WHERE project_id = %s)",
        [project.pk],
    )
    return {
        "project": rows_of(Project, PROJECT_FIELDS, "id = %s", [project.pk]),
        "items": rows_of(ChecklistItem, ("id", "status", "justification", "completed_by", "completed_at"), *of_project),
        "evidence": rows_of(Evidence, ("id", "removed_at"), *items_of_project),
        "reviews": rows_of(GateReview, ("id", "status", "decided_by", "decided_at", "rework_to_stage"), *of_project),
        "audit": rows_of(AuditEvent, ("id",), *of_project),
        "periods": rows_of(StagePeriod, ("id", "stage", "exited_at", "exit"), *of_project),
        "screenings": rows_of(RiskScreening, ("id",), *of_project),
        "periodic_reviews": rows_of(PeriodicReview, ("id",), *of_project),
        "incidents": rows_of(Incident, ("id", "status"), *of_project),
        "files": stored_files(project),
    }


def stage_changes(project) -> list[tuple[str, str]]:
    """The (from, to) of every stage_changed audit row, oldest first."""
    return list(
        AuditEvent.objects.filter(project=project, action="stage_changed")
        .order_by("at", "pk")
        .values_list("from_stage", "to_stage")
    )


def actions(project) -> list[str]:
    """Every audit action for the project, oldest first."""
    return list(AuditEvent.objects.filter(project=project).order_by("at", "pk").values_list("action", flat=True))
