"""The dashboard's figures, cached per scope, filters and portfolio version.

Every committed change to a project bumps ``adoption.portfolio.portfolio_version()``, which is
part of the key: a transition makes every cached figure stale at once. Figures that move with
the clock alone (e.g. "stalled") are at most ``TRACKER_DASHBOARD_CACHE_SECONDS`` old, the
entries' lifetime; 0 turns the cache off.
"""

import hashlib
import json

from django.conf import settings
from django.core.cache import cache
from django.db.models import Model
from django.http import QueryDict

from adoption.filters import ProjectFilter
from adoption.models import Project
from adoption.portfolio import portfolio_version
from adoption.roles import Permission
from adoption.scoping import scope_q
from reports.portfolio.compute import portfolio_figures
from reports.portfolio.figures import PortfolioFigures

# Part of the key: bump when PortfolioFigures changes shape, so old entries are never read back.
FIGURES_SCHEMA = 1


def canonical_filters(filterset) -> dict[str, str | list[str]]:
    """The valid filters as plain strings, in a stable order (for cache keys and links)."""
    if not filterset.is_bound:
        return {}
    filterset.errors  # noqa: B018 - validates the form once
    plain: dict[str, str | list[str]] = {}
    for name in filterset.filters:
        value = filterset.form.cleaned_data.get(name)
        if value in (None, "", [], ()):
            continue
        if isinstance(value, Model):
            field = filterset.filters[name].extra.get("to_field_name") or "pk"
            plain[name] = str(getattr(value, field))
        elif isinstance(value, list | tuple):
            plain[name] = sorted(str(item) for item in value)
        else:
            plain[name] = str(value)
    return plain


def figures_key(*, user, permission: Permission, filters: dict) -> str:
    """The cache key: the user's scope (the very filter ``restrict`` applies), the filters, the version."""
    scope = repr(scope_q(user, permission, "bd"))
    payload = json.dumps(
        [FIGURES_SCHEMA, scope, filters, settings.TRACKER_STALLED_AFTER_DAYS], sort_keys=True, ensure_ascii=True
    )
    digest = hashlib.sha256(payload.encode()).hexdigest()
    return f"portfolio-figures:{portfolio_version()}:{digest}"


def without_blanks(params: QueryDict) -> QueryDict:
    """The parameters without empty values (a GET form sends every field, chosen or not)."""
    cleaned = QueryDict(mutable=True)
    for name, values in params.lists():
        kept = [value for value in values if value.strip()]
        if kept:
            cleaned.setlist(name, kept)
    return cleaned


def portfolio_filter(*, user, params, permission: Permission = Permission.VIEW_DASHBOARD) -> ProjectFilter:
    """The shared project filters over the projects ``user`` may ``permission``: scope first, always."""
    params = without_blanks(params) if params is not None else QueryDict()
    return ProjectFilter(params or None, queryset=Project.objects.restrict(user, permission))


def figures_of(filterset, *, user, permission: Permission = Permission.VIEW_DASHBOARD) -> PortfolioFigures:
    """The figures of ``filterset.qs`` (made by ``portfolio_filter`` for ``user``), from the cache while fresh."""
    timeout = settings.TRACKER_DASHBOARD_CACHE_SECONDS

    def compute() -> PortfolioFigures:
        return portfolio_figures(filterset.qs, as_of=filterset.as_of, period=filterset.period)

    if timeout <= 0:
        return compute()
    key = figures_key(user=user, permission=permission, filters=canonical_filters(filterset))
    figures = cache.get(key)
    if figures is None:
        figures = compute()
        cache.set(key, figures, timeout)
    return figures


def dashboard_figures(
    *, user, params, permission: Permission = Permission.VIEW_DASHBOARD
) -> tuple[ProjectFilter, PortfolioFigures]:
    """The filters read from ``params`` and the figures of the projects they select within ``user``'s
    scope, from the cache while fresh."""
    filterset = portfolio_filter(user=user, params=params, permission=permission)
    return filterset, figures_of(filterset, user=user, permission=permission)
