from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from adoption.admin_base import ReferenceDataAdmin, ScopedReadOnlyAdmin
from lifecycle.choices import TemplateStatus
from lifecycle.errors import ActionRefused
from lifecycle.models import (
    AuditEvent,
    ChecklistItem,
    ChecklistTemplate,
    ChecklistTemplateItem,
    Evidence,
    GateReview,
    Incident,
    PeriodicReview,
    ReminderLog,
    RiskScreening,
    StagePeriod,
)
from lifecycle.services.templates import draft_new_template_version, publish_template


class ChecklistTemplateItemInline(admin.StackedInline):
    model = ChecklistTemplateItem
    extra = 0
    ordering = ["stage", "order"]

    def _is_draft(self, obj) -> bool:
        return obj is not None and obj.status == TemplateStatus.DRAFT

    def has_add_permission(self, request, obj=None):
        return self._is_draft(obj)

    def has_change_permission(self, request, obj=None):
        return self._is_draft(obj)

    def has_delete_permission(self, request, obj=None):
        return self._is_draft(obj)


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(ReferenceDataAdmin):
    list_display = ["version", "title_en", "status", "published_at", "published_by"]
    inlines = [ChecklistTemplateItemInline]
    actions = ["draft_new_version", "publish"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status == TemplateStatus.PUBLISHED:
            return ["version", "title_en", "title_zh_hant", "status", "notes", "published_at", "published_by"]
        return ["status", "published_at", "published_by"]

    def has_add_permission(self, request):
        return False  # new versions are drafted from a published one

    @admin.action(description=_("Draft a new version from the selected template"))
    def draft_new_version(self, request, queryset):
        for template in queryset:
            draft = draft_new_template_version(source=template, by=request.user)
            self.message_user(request, _("Draft version %(version)s created.") % {"version": draft.version})

    @admin.action(description=_("Publish the selected draft"))
    def publish(self, request, queryset):
        for template in queryset:
            try:
                publish_template(template=template, by=request.user)
            except ActionRefused as refusal:
                self.message_user(request, refusal.message, level=messages.ERROR)
            else:
                self.message_user(request, _("Version %(version)s published.") % {"version": template.version})


@admin.register(ChecklistItem)
class ChecklistItemAdmin(ScopedReadOnlyAdmin):
    list_display = ["project", "template_item", "stage", "status", "completed_by", "completed_at"]
    list_filter = ["stage", "status"]
    list_select_related = ["project", "template_item", "completed_by"]
    search_fields = ["project__code", "template_item__code"]
    show_full_result_count = False


@admin.register(Evidence)
class EvidenceAdmin(ScopedReadOnlyAdmin):
    scope_field = "checklist_item__project__bd"
    list_display = ["checklist_item", "kind", "original_name", "added_by", "added_at", "removed_at"]
    list_filter = ["kind"]
    list_select_related = ["checklist_item__project", "checklist_item__template_item", "added_by"]
    exclude = ["file"]  # files are served only through the scoped download view
    show_full_result_count = False


@admin.register(RiskScreening)
class RiskScreeningAdmin(ScopedReadOnlyAdmin):
    list_display = ["project", "tier", "screened_by", "screened_at"]
    list_filter = ["tier"]
    list_select_related = ["project", "screened_by"]
    show_full_result_count = False


@admin.register(GateReview)
class GateReviewAdmin(ScopedReadOnlyAdmin):
    list_display = ["project", "stage", "status", "requested_by", "requested_at", "decided_by", "decided_at"]
    list_filter = ["stage", "status"]
    list_select_related = ["project", "requested_by", "decided_by"]
    search_fields = ["project__code"]
    show_full_result_count = False


@admin.register(AuditEvent)
class AuditEventAdmin(ScopedReadOnlyAdmin):
    list_display = ["at", "project", "action", "from_stage", "to_stage", "actor"]
    list_filter = ["action"]
    list_select_related = ["project", "actor"]
    search_fields = ["project__code"]
    show_full_result_count = False


@admin.register(StagePeriod)
class StagePeriodAdmin(ScopedReadOnlyAdmin):
    list_display = ["project", "stage", "entered_at", "exited_at", "exit", "days"]
    list_filter = ["stage", "exit"]
    list_select_related = ["project"]
    show_full_result_count = False


@admin.register(PeriodicReview)
class PeriodicReviewAdmin(ScopedReadOnlyAdmin):
    list_display = ["project", "review_date", "outcome", "decision", "recorded_by"]
    list_filter = ["outcome", "decision"]
    list_select_related = ["project", "recorded_by"]
    show_full_result_count = False


@admin.register(Incident)
class IncidentAdmin(ScopedReadOnlyAdmin):
    list_display = ["title", "project", "kind", "severity", "status", "opened_at"]
    list_filter = ["kind", "severity", "status"]
    list_select_related = ["project"]
    show_full_result_count = False


@admin.register(ReminderLog)
class ReminderLogAdmin(ScopedReadOnlyAdmin):
    list_display = ["project", "kind", "reference", "recipient", "sent_at"]
    list_filter = ["kind"]
    list_select_related = ["project"]
    show_full_result_count = False
