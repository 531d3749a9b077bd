"""Registering and editing projects. Stage changes live in ``lifecycle.services``."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from adoption.choices import Role
from adoption.models import Project
from adoption.portfolio import portfolio_changed
from adoption.roles import Permission, has_permission
from adoption.scoping import unit_in_scope
from lifecycle.audit import record
from lifecycle.choices import AuditAction
from lifecycle.errors import ActionRefused
from lifecycle.models import StagePeriod
from lifecycle.services import current_template, ensure_checklist
from lifecycle.services.common import lock, require, require_in_lifecycle, require_no_pending_review

PROFILE_FIELDS = ("uses_generative_ai", "processes_personal_data", "is_public_facing")
# What the project form and imports may set. Stage, tier and the lifecycle dates are not here:
# transitions and the risk screening own them.
EDITABLE_FIELDS = frozenset(
    {
        "title_en",
        "title_zh_hant",
        "bd",
        "business_owner",
        "responsible_officer",
        "business_problem",
        "objectives",
        "strategy",
        "category",
        "catalogue_solution",
        "infrastructure",
        "data_sources",
        "vendor",
        "procurement_route",
        *PROFILE_FIELDS,
        "funding_source",
        "budget_hkd",
        "spend_to_date_hkd",
        "start_date",
        "target_completion_date",
        "target_identify_date",
        "target_search_date",
        "target_vendor_selection_date",
        "target_test_validate_date",
        "target_deploy_improve_date",
        "success_criteria",
        "expected_staff_hours_per_year",
        "expected_cost_saving_hkd_per_year",
        "expected_service_improvement",
        "realised_staff_hours_per_year",
        "realised_cost_saving_hkd_per_year",
        "realised_service_improvement",
        "rag_status",
        "next_milestone",
    }
)


def _plain(value):
    """A value as it can stand in the audit trail's JSON."""
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def next_project_code(bd, year: int | None = None) -> str:
    year = year or timezone.localdate().year
    prefix = f"{bd.code}-{year}-"
    taken = Project.objects.filter(code__startswith=prefix).values_list("code", flat=True)
    numbers = [int(code[len(prefix) :]) for code in taken if code[len(prefix) :].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:04d}"


def _check_officers(officers, bd) -> None:
    wrong = [
        str(officer) for officer in officers if officer.org_unit_id != bd.pk or officer.role != Role.PROJECT_OFFICER
    ]
    if wrong:
        raise ValidationError(
            {
                "project_officers": _("Project officers must be project officers of the project's B/D: %(names)s.")
                % {"names": ", ".join(wrong)}
            }
        )


def _check_fields(fields: dict) -> None:
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ActionRefused(_("These fields cannot be set here: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})


def create_project(*, by, bd, project_officers=(), code: str = "", **fields) -> Project:
    """Register a project in ``bd`` at the identify stage, with its first checklist."""
    _check_fields({"bd": bd, **fields})
    if not has_permission(by, Permission.ADD_PROJECT):
        raise ActionRefused(_("Your role cannot register projects."))
    if not unit_in_scope(by, bd):
        raise ActionRefused(_("You can register projects only for a B/D in your scope."), field="bd")
    _check_officers(project_officers, bd)
    for attempt in range(5):
        try:
            with transaction.atomic():
                project = Project(
                    bd=bd,
                    created_by=by,
                    checklist_template_version=current_template().version,
                    code=code or next_project_code(bd),
                    **fields,
                )
                project.full_clean()
                project.save()
                project.project_officers.set(project_officers)
                StagePeriod.objects.create(project=project, stage=project.stage, entered_at=project.stage_entered_at)
                record(
                    project=project,
                    actor=by,
                    action=AuditAction.PROJECT_CREATED,
                    to_stage=project.stage,
                    at=project.stage_entered_at,
                    code=project.code,
                )
                ensure_checklist(project=project, stage=project.stage, by=by)
                portfolio_changed()
                return project
        except IntegrityError:
            if code or attempt == 4:
                raise ValidationError({"code": _("A project with this code already exists.")}) from None
    raise AssertionError("unreachable")


def update_project(*, project, by, changes: dict, project_officers=None) -> Project:
    """Change a project's details. A profile change adds the checklist items it makes apply."""
    _check_fields(changes)
    with transaction.atomic():
        project = lock(project)
        require(by, Permission.CHANGE_PROJECT, project)
        require_in_lifecycle(project)
        changed = {
            field: [_plain(getattr(project, field)), _plain(value)]
            for field, value in changes.items()
            if _plain(getattr(project, field)) != _plain(value)
        }
        profile_changed = [field for field in PROFILE_FIELDS if field in changed]
        if profile_changed or "bd" in changed:
            require_no_pending_review(project)
        if "bd" in changed and not unit_in_scope(by, changes["bd"]):
            raise ActionRefused(_("You can move a project only to a B/D in your scope."), field="bd")
        for field, value in changes.items():
            setattr(project, field, value)
        project.full_clean()
        officers_before = set(project.project_officers.values_list("pk", flat=True))
        if project_officers is not None:
            _check_officers(project_officers, project.bd)
            officers_after = {officer.pk for officer in project_officers}
            if officers_after != officers_before:
                changed["project_officers"] = [sorted(officers_before), sorted(officers_after)]
        if not changed:
            return project
        project.save()
        if project_officers is not None:
            project.project_officers.set(project_officers)
        # The project must still be one this user may change: no moving it out of reach.
        if not Project.objects.restrict(by, Permission.CHANGE_PROJECT).filter(pk=project.pk).exists():
            raise ActionRefused(_("You can move a project only to a B/D in your scope."), field="bd")
        record(project=project, actor=by, action=AuditAction.PROJECT_UPDATED, changed=changed)
        if profile_changed:
            added = ensure_checklist(project=project, stage=project.stage, by=by)
            record(
                project=project,
                actor=by,
                action=AuditAction.PROFILE_CHANGED,
                changed={field: changed[field] for field in profile_changed},
                items_added=[item.template_item.code for item in added],
            )
        portfolio_changed()
    return project
