"""The role → permission matrix, as data in code.

A user holds one business role. What the role may do is listed here; *where* it may do
it is the user's scope (see ``adoption.scoping``). Reviewable in a diff, tested as a matrix.
"""

from enum import StrEnum

from adoption.choices import Role


class Permission(StrEnum):
    VIEW_PROJECT = "view_project"
    ADD_PROJECT = "add_project"
    CHANGE_PROJECT = "change_project"
    WORK_CHECKLIST = "work_checklist"
    REQUEST_GATE_REVIEW = "request_gate_review"
    DECIDE_GATE_REVIEW = "decide_gate_review"
    HOLD_OR_RESUME = "hold_or_resume"
    CANCEL_PROJECT = "cancel_project"
    RETIRE_PROJECT = "retire_project"
    RECORD_PERIODIC_REVIEW = "record_periodic_review"
    RECORD_INCIDENT = "record_incident"
    VIEW_DASHBOARD = "view_dashboard"
    REQUEST_REPORT = "request_report"
    SCHEDULE_REPORTS = "schedule_reports"
    EDIT_RETURN_REMARKS = "edit_return_remarks"
    SUBMIT_RETURN = "submit_return"
    MANAGE_RETURN_ROUNDS = "manage_return_rounds"
    EXPORT_RETURNS = "export_returns"
    IMPORT_PROJECTS = "import_projects"
    MANAGE_REFERENCE_DATA = "manage_reference_data"


P = Permission

ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    Role.PROJECT_OFFICER: frozenset(
        {
            P.VIEW_PROJECT,
            P.ADD_PROJECT,
            P.CHANGE_PROJECT,
            P.WORK_CHECKLIST,
            P.REQUEST_GATE_REVIEW,
            P.HOLD_OR_RESUME,
            P.CANCEL_PROJECT,
            P.RECORD_PERIODIC_REVIEW,
            P.RECORD_INCIDENT,
            P.VIEW_DASHBOARD,
            P.REQUEST_REPORT,
            P.EDIT_RETURN_REMARKS,
            P.IMPORT_PROJECTS,
        }
    ),
    Role.GATE_APPROVER: frozenset(
        {
            P.VIEW_PROJECT,
            P.DECIDE_GATE_REVIEW,
            P.HOLD_OR_RESUME,
            P.CANCEL_PROJECT,
            P.RETIRE_PROJECT,
            P.RECORD_PERIODIC_REVIEW,
            P.RECORD_INCIDENT,
            P.VIEW_DASHBOARD,
            P.REQUEST_REPORT,
            P.EDIT_RETURN_REMARKS,
            P.SUBMIT_RETURN,
        }
    ),
    Role.MANAGEMENT: frozenset({P.VIEW_PROJECT, P.VIEW_DASHBOARD, P.REQUEST_REPORT}),
    Role.DPO_OFFICER: frozenset(
        {
            P.VIEW_PROJECT,
            P.VIEW_DASHBOARD,
            P.REQUEST_REPORT,
            P.SCHEDULE_REPORTS,
            P.MANAGE_RETURN_ROUNDS,
            P.EXPORT_RETURNS,
            P.IMPORT_PROJECTS,
            P.MANAGE_REFERENCE_DATA,
        }
    ),
}

# A system administrator without a business role reads everything (for the admin) but
# takes no part in the workflow: segregation of duties holds for administrators too.
SUPERUSER_PERMISSIONS = frozenset({P.VIEW_PROJECT, P.VIEW_DASHBOARD, P.MANAGE_REFERENCE_DATA})


def role_permissions(user) -> frozenset[Permission]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    granted = ROLE_PERMISSIONS.get(user.role, frozenset())
    if user.is_superuser:
        granted = granted | SUPERUSER_PERMISSIONS
    return granted


def has_permission(user, permission: Permission) -> bool:
    return permission in role_permissions(user)
