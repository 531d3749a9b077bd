from django import template

from adoption.roles import Permission, has_permission

register = template.Library()


@register.filter
def may_view_dashboard(user) -> bool:
    """For the navigation: the dashboard link shows to the roles that may open it."""
    return has_permission(user, Permission.VIEW_DASHBOARD)
