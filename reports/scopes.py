"""What a report covers: all B/Ds, a bureau (or other unit) with the units under it, or one B/D.

A report's scope uses the same three levels as a user's scope. A user may ask for a report
whose scope lies within their own: management of the Security Bureau may ask for the bureau
and its departments or for one of them, not for another bureau; DPO for anything.
"""

from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from adoption.choices import OrgUnitKind, ScopeLevel
from adoption.models import OrgUnit

ALL_VALUE = "all"


@dataclass(frozen=True)
class ReportScope:
    level: str
    unit: OrgUnit | None = None

    @classmethod
    def all(cls) -> "ReportScope":
        return cls(ScopeLevel.ALL)

    @classmethod
    def tree(cls, unit: OrgUnit) -> "ReportScope":
        return cls(ScopeLevel.UNIT_TREE, unit)

    @classmethod
    def single(cls, unit: OrgUnit) -> "ReportScope":
        return cls(ScopeLevel.OWN_UNIT, unit)

    @property
    def value(self) -> str:
        """How a form or a schedule names it: ``all``, ``tree:SB`` or ``unit:ImmD``."""
        if self.level == ScopeLevel.ALL:
            return ALL_VALUE
        prefix = "tree" if self.level == ScopeLevel.UNIT_TREE else "unit"
        return f"{prefix}:{self.unit.code}"

    @classmethod
    def parse(cls, value: str) -> "ReportScope":
        """The inverse of ``value``; ``ValueError`` for anything else."""
        value = (value or "").strip()
        if value == ALL_VALUE:
            return cls.all()
        prefix, _sep, code = value.partition(":")
        if prefix not in ("tree", "unit") or not code:
            raise ValueError(value)
        unit = OrgUnit.objects.filter(code=code, is_active=True).first()
        if unit is None:
            raise ValueError(value)
        return cls.tree(unit) if prefix == "tree" else cls.single(unit)

    @property
    def label(self) -> str:
        if self.level == ScopeLevel.ALL:
            return _("All B/Ds")
        if self.level == ScopeLevel.UNIT_TREE:
            return _("%(unit)s and its departments") % {"unit": self.unit.name}
        return self.unit.name

    def project_q(self, unit_field: str = "bd") -> Q:
        if self.level == ScopeLevel.ALL:
            return Q()
        if self.level == ScopeLevel.UNIT_TREE:
            return Q(**{f"{unit_field}__path__startswith": self.unit.path})
        return Q(**{unit_field: self.unit})


def within_user_scope(scope: ReportScope, user) -> bool:
    """Does ``scope`` lie within ``user``'s own scope."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser or user.scope_level == ScopeLevel.ALL:
        return True
    if scope.level == ScopeLevel.ALL or user.org_unit_id is None:
        return False
    if user.scope_level == ScopeLevel.UNIT_TREE:
        return scope.unit.path.startswith(user.org_unit.path)
    return scope.level == ScopeLevel.OWN_UNIT and scope.unit.pk == user.org_unit_id


def scope_choices(user) -> list[tuple[str, str]]:
    """The scopes ``user`` may ask for, widest first, for the request form's picker."""
    units = OrgUnit.objects.filter(is_active=True)
    if not (user.is_superuser or user.scope_level == ScopeLevel.ALL):
        if user.org_unit_id is None:
            return []
        if user.scope_level == ScopeLevel.UNIT_TREE:
            units = units.filter(path__startswith=user.org_unit.path)
        else:
            units = units.filter(pk=user.org_unit_id)
    units = list(units.order_by("path"))
    parents = {unit.parent_id for unit in units if unit.parent_id}
    choices = []
    if user.is_superuser or user.scope_level == ScopeLevel.ALL:
        choices.append((ALL_VALUE, _("All B/Ds")))
    bureaux = [unit for unit in units if unit.pk in parents or unit.kind == OrgUnitKind.BUREAU]
    for unit in sorted(bureaux, key=lambda unit: unit.code):
        scope = ReportScope.tree(unit)
        if within_user_scope(scope, user):
            choices.append((scope.value, f"{unit.code} – {scope.label}"))
    for unit in sorted(units, key=lambda unit: unit.code):
        scope = ReportScope.single(unit)
        if within_user_scope(scope, user):
            choices.append((scope.value, f"{unit.code} – {unit.name}"))
    return choices
