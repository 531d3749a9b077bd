"""Admin classes that follow the role matrix and the scoping rule, not Django's model permissions."""

from django.contrib import admin

from adoption.roles import Permission, has_permission
from adoption.scoping import scope_q


class ReferenceDataAdmin(admin.ModelAdmin):
    """B/Ds, catalogue, vendors, templates: DPO officers and administrators maintain them."""

    def has_module_permission(self, request):
        return has_permission(request.user, Permission.MANAGE_REFERENCE_DATA)

    def has_view_permission(self, request, obj=None):
        return has_permission(request.user, Permission.MANAGE_REFERENCE_DATA)

    def has_add_permission(self, request):
        return has_permission(request.user, Permission.MANAGE_REFERENCE_DATA)

    def has_change_permission(self, request, obj=None):
        return has_permission(request.user, Permission.MANAGE_REFERENCE_DATA)

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead: history refers to these rows


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records that change only through the services: the admin shows them, never edits them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ScopedReadOnlyAdmin(ReadOnlyAdmin):
    """Project records, read-only and limited to the user's scope. Changes go through the services."""

    scope_field = "project__bd"

    def get_queryset(self, request):
        return super().get_queryset(request).filter(scope_q(request.user, Permission.VIEW_PROJECT, self.scope_field))

    def has_module_permission(self, request):
        return has_permission(request.user, Permission.VIEW_PROJECT)

    def has_view_permission(self, request, obj=None):
        return has_permission(request.user, Permission.VIEW_PROJECT)
