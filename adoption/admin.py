from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from adoption.admin_base import ReferenceDataAdmin, ScopedReadOnlyAdmin
from adoption.models import CatalogueSolution, OrgUnit, Project, User, Vendor


@admin.register(OrgUnit)
class OrgUnitAdmin(ReferenceDataAdmin):
    list_display = ["code", "name_en", "name_zh_hant", "kind", "parent", "is_confirmed", "is_active"]
    list_filter = ["kind", "is_confirmed", "is_active"]
    search_fields = ["code", "name_en", "name_zh_hant"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["path"]


@admin.register(Vendor)
class VendorAdmin(ReferenceDataAdmin):
    list_display = ["name_en", "name_zh_hant", "is_soa_qps_contractor", "is_active"]
    list_filter = ["is_soa_qps_contractor", "is_active"]
    search_fields = ["name_en", "name_zh_hant", "business_registration_no"]


@admin.register(CatalogueSolution)
class CatalogueSolutionAdmin(ReferenceDataAdmin):
    list_display = ["code", "name_en", "name_zh_hant", "provider", "category", "is_active"]
    list_filter = ["provider", "category", "is_active"]
    search_fields = ["code", "name_en", "name_zh_hant"]
    autocomplete_fields = ["vendor"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Users, their role and scope: the system administrator's job."""

    list_display = ["username", "first_name", "last_name", "role", "org_unit", "scope_level", "is_active"]
    list_filter = ["role", "scope_level", "is_active", "is_staff"]
    list_select_related = ["org_unit"]
    autocomplete_fields = ["org_unit"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (
            _("Role and scope"),
            {"fields": ("role", "org_unit", "scope_level", "post_title", "ai_training_completed_on", "language")},
        ),
    )

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead: the audit trail names people


@admin.register(Project)
class ProjectAdmin(ScopedReadOnlyAdmin):
    scope_field = "bd"
    list_display = ["code", "title_en", "bd", "stage", "risk_tier", "strategy", "updated_at"]
    list_filter = ["stage", "risk_tier", "strategy", "category", "uses_generative_ai"]
    search_fields = ["code", "title_en", "title_zh_hant"]
    list_select_related = ["bd"]
    show_full_result_count = False
