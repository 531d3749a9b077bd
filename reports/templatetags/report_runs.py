from django import template

from adoption.roles import Permission, has_permission

register = template.Library()


@register.filter
def may_request_reports(user) -> bool:
    return has_permission(user, Permission.REQUEST_REPORT)
