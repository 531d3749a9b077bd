"""Scope: which B/Ds' projects a user may see or act on. One mechanism for everything.

``Project.objects.restrict(user, permission)`` is the only way views, exports, reports and
the admin fetch projects; related records go through ``restrict_related``. An object outside
the user's scope is simply not in the queryset, so fetching it gives a 404.
"""

from django.db.models import Q

from adoption.choices import ScopeLevel
from adoption.roles import Permission, has_permission

NOTHING = Q(pk__in=[])


def unit_scope_q(user, unit_field: str) -> Q:
    """Q limiting ``unit_field`` (a foreign key to OrgUnit) to the user's scope."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    if user.is_superuser or user.scope_level == ScopeLevel.ALL:
        return Q()
    if user.org_unit_id is None:
        return NOTHING
    if user.scope_level == ScopeLevel.UNIT_TREE:
        return Q(**{f"{unit_field}__path__startswith": user.org_unit.path})
    return Q(**{f"{unit_field}_id": user.org_unit_id})


def scope_q(user, permission: Permission, unit_field: str) -> Q:
    if not has_permission(user, permission):
        return NOTHING
    return unit_scope_q(user, unit_field)


def unit_in_scope(user, unit) -> bool:
    """The same rule as ``unit_scope_q`` for one organisation unit, without a query."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or unit is None:
        return False
    if user.is_superuser or user.scope_level == ScopeLevel.ALL:
        return True
    if user.org_unit_id is None:
        return False
    if user.scope_level == ScopeLevel.UNIT_TREE:
        return unit.path.startswith(user.org_unit.path)
    return unit.pk == user.org_unit_id


def can(user, permission: Permission, project) -> bool:
    """May ``user`` do ``permission`` on ``project``: the role allows it and the project is in scope."""
    return has_permission(user, permission) and unit_in_scope(user, project.bd)
