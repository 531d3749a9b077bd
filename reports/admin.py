"""Quarterly returns and imports (read-only), report runs (read-only), and the schedules editable by DPO officers.

django-celery-beat's admin checks Django's model permissions, which our roles do not use:
its classes are registered again here so that holders of SCHEDULE_REPORTS (DPO officers)
and superusers can edit the schedules.
"""

from django.contrib import admin
from django_celery_beat import admin as beat_admin
from django_celery_beat.models import ClockedSchedule, CrontabSchedule, IntervalSchedule, PeriodicTask
from import_export.admin import ExportActionMixin
from import_export.formats.base_formats import CSV, XLSX

from adoption.admin_base import ReadOnlyAdmin, ScopedReadOnlyAdmin
from adoption.roles import Permission, has_permission
from reports.models import (
    BDReturn,
    ImportBatch,
    LineRemark,
    ReportRun,
    ReturnEvent,
    ReturnLine,
    ReturnReminder,
    ReturnRound,
)
from reports.returns.export import return_line_resource


class ReturnsAdmin(ScopedReadOnlyAdmin):
    """Read-only: rounds open and B/D returns move only through the services."""

    scope_field = "bd"


@admin.register(ReturnRound)
class ReturnRoundAdmin(ScopedReadOnlyAdmin):
    list_display = ["quarter", "period_end", "due_date", "line_count", "opened_at", "opened_by"]
    list_select_related = ["opened_by"]

    def get_queryset(self, request):
        return ReturnRound.objects.select_related("opened_by")

    def has_module_permission(self, request):
        return has_permission(request.user, Permission.MANAGE_RETURN_ROUNDS) or request.user.is_superuser

    has_view_permission = has_module_permission


@admin.register(BDReturn)
class BDReturnAdmin(ReturnsAdmin):
    list_display = ["round", "bd_code", "line_count", "status", "submitted_at", "decided_at"]
    list_filter = ["round", "status"]
    list_select_related = ["round"]
    search_fields = ["bd_code", "bd_name_en", "bd_name_zh_hant"]


@admin.register(ReturnLine)
class ReturnLineAdmin(ExportActionMixin, ScopedReadOnlyAdmin):
    """The frozen lines; the export action writes them with the return's own columns."""

    scope_field = "bd_return__bd"
    list_display = ["code", "round", "bd_code", "stage", "rag_status", "is_new", "is_moved", "is_slipped", "is_closed"]
    list_filter = ["round", "stage", "is_new", "is_moved", "is_slipped", "is_closed"]
    list_select_related = ["round"]
    search_fields = ["code", "title_en", "title_zh_hant", "bd_code"]
    show_full_result_count = False
    formats = [XLSX, CSV]
    skip_export_form_from_action = True  # the selected lines, straight to the return's XLSX

    def get_export_resource_classes(self, request):
        return [type(return_line_resource())]

    def has_export_permission(self, request):
        return has_permission(request.user, Permission.EXPORT_RETURNS)

    def get_export_queryset(self, request):
        return super().get_export_queryset(request).select_related("remark").order_by("round", "bd_code", "code", "id")


@admin.register(LineRemark)
class LineRemarkAdmin(ScopedReadOnlyAdmin):
    scope_field = "line__bd_return__bd"
    list_display = ["line", "text", "updated_by", "updated_at"]
    list_select_related = ["line", "updated_by"]


@admin.register(ReturnEvent)
class ReturnEventAdmin(ScopedReadOnlyAdmin):
    scope_field = "bd_return__bd"
    list_display = ["bd_return", "action", "actor", "at"]
    list_select_related = ["bd_return__round", "actor"]


@admin.register(ReturnReminder)
class ReturnReminderAdmin(ScopedReadOnlyAdmin):
    scope_field = "bd_return__bd"
    list_display = ["bd_return", "kind", "recipient", "sent_at"]
    list_select_related = ["bd_return__round"]


@admin.register(ImportBatch)
class ImportBatchAdmin(ScopedReadOnlyAdmin):
    scope_field = "uploaded_by__org_unit"
    list_display = ["original_name", "uploaded_by", "uploaded_at", "status", "row_count", "imported_count"]
    list_filter = ["status"]
    list_select_related = ["uploaded_by"]
    exclude = ["file"]


def _may_schedule(request) -> bool:
    return request.user.is_active and (
        request.user.is_superuser or has_permission(request.user, Permission.SCHEDULE_REPORTS)
    )


class ScheduleAdminMixin:
    def has_module_permission(self, request):
        return _may_schedule(request)

    def has_view_permission(self, request, obj=None):
        return _may_schedule(request)

    def has_add_permission(self, request):
        return _may_schedule(request)

    def has_change_permission(self, request, obj=None):
        return _may_schedule(request)

    def has_delete_permission(self, request, obj=None):
        return _may_schedule(request)


for model, base in (
    (PeriodicTask, beat_admin.PeriodicTaskAdmin),
    (CrontabSchedule, beat_admin.CrontabScheduleAdmin),
    (IntervalSchedule, beat_admin.IntervalScheduleAdmin),
    (ClockedSchedule, beat_admin.ClockedScheduleAdmin),
):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, type(f"Scheduled{model.__name__}Admin", (ScheduleAdminMixin, base), {}))


@admin.register(ReportRun)
class ReportRunAdmin(ReadOnlyAdmin):
    """Runs whose scope the user's covers; read-only (runs change only through the services)."""

    list_display = [
        "pk",
        "requested_at",
        "requested_by",
        "scope_level",
        "scope_unit",
        "period_start",
        "format",
        "status",
    ]
    list_filter = ["status", "format", "language", "scope_level"]
    list_select_related = ["requested_by", "scope_unit"]
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).covered_by(request.user)

    def has_module_permission(self, request):
        return has_permission(request.user, Permission.REQUEST_REPORT) or request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)
