from django import template

from adoption.roles import Permission, has_permission

register = template.Library()


@register.filter
def may(user, permission: str) -> bool:
    """``{% if user|may:"import_projects" %}``: the role matrix, for links and buttons."""
    return has_permission(user, Permission(permission))
