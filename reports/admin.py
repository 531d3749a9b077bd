"""Report runs in the admin (read-only), and the schedules editable by DPO officers.

django-celery-beat's admin checks Django's model permissions, which our roles do not use:
its classes are registered again here so that holders of SCHEDULE_REPORTS (DPO officers)
and superusers can edit the schedules.
"""

from django.contrib import admin
from django_celery_beat import admin as beat_admin
from django_celery_beat.models import ClockedSchedule, CrontabSchedule, IntervalSchedule, PeriodicTask

from adoption.roles import Permission, has_permission
from reports.models import ReportRun


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
class ReportRunAdmin(admin.ModelAdmin):
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

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
