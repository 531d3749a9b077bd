from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from adoption.models import Project
from adoption.roles import Permission, has_permission
from adoption.segments import Segment
from lifecycle.stages import SHORT_LABELS, Stage
from reports import dashboard as presenter
from reports.forms import OVERVIEW_ROWS, OVERVIEW_TITLES, ReuseForm
from reports.portfolio.cache import canonical_filters, figures_key, figures_of, portfolio_filter, without_blanks
from reports.reuse import CATEGORY, PAGE_PROJECTS, SOLUTION, VENDOR, overview, reuse_for_project, reuse_of


def _require_dashboard(user) -> None:
    if not has_permission(user, Permission.VIEW_DASHBOARD):
        raise PermissionDenied


@login_required
def dashboard(request):
    """The portfolio in the user's scope: key figures, charts and lists, each drilling down to the projects.

    The page's body is kept in the cache beside the figures, per language, under the same key
    (scope, filters, portfolio version), so a fresh view costs two cache reads.
    """
    _require_dashboard(request.user)
    cleaned = without_blanks(request.GET)
    if cleaned.urlencode() != request.GET.urlencode():
        # A submitted form sends every field: keep the address short, shareable and bookmarkable.
        query = cleaned.urlencode()
        return redirect(f"{reverse('reports:dashboard')}?{query}" if query else reverse("reports:dashboard"))
    filterset = portfolio_filter(user=request.user, params=request.GET)
    filters = canonical_filters(filterset)
    timeout = settings.TRACKER_DASHBOARD_CACHE_SECONDS
    key = None
    if timeout > 0 and not filterset.errors:
        base_key = figures_key(user=request.user, permission=Permission.VIEW_DASHBOARD, filters=filters)
        key = f"dashboard-page:{translation.get_language()}:{base_key}"
    body = cache.get(key) if key else None
    if body is None:
        figures = figures_of(filterset, user=request.user)
        body = render_to_string(
            "reports/includes/dashboard_body.html",
            _dashboard_context(request, filterset, filters, figures),
            request=request,
        )
        if key:
            cache.set(key, body, timeout)
    return render(request, "reports/dashboard.html", {"body": body})


def _dashboard_context(request, filterset, filters, figures) -> dict:
    link = presenter.Links(filters)
    here = presenter.Links(filters, base=reverse("reports:dashboard"))
    return {
        "figures": figures,
        "errors": filterset.errors if filterset.is_bound else {},
        "fields": presenter.filter_fields(filterset, filters, figures.units, request.user),
        "other_filters": presenter.other_filters(filterset, filters, here),
        "filtered": bool(filters),
        "cards": presenter.key_figures(figures, link),
        "stages": presenter.stage_counts(figures, link),
        "severities": presenter.incidents_by_severity(figures, link),
        "benefits": presenter.benefits_table(figures, link),
        "charts": presenter.dashboard_charts(figures, link),
        "stalled_lines": presenter.project_lines(figures.stalled_list, figures),
        "gates_due_lines": presenter.project_lines(figures.gates_due_list, figures),
        "stalled_url": link(segment=Segment.STALLED),
        "gates_due_url": link(segment=Segment.GATE_DUE),
        "stalled_days": settings.TRACKER_STALLED_AFTER_DAYS,
        "scope": presenter.scope_label(request.user),
        "form_filters": presenter.FORM_FILTERS,
    }


@login_required
def reuse(request):
    """Who uses a catalogue solution, category or vendor, and how far they got; or an overview of all."""
    _require_dashboard(request.user)
    form = ReuseForm(request.GET or None)
    subject = form.subject() if form.is_valid() else None
    context = {"form": form, "subject": subject, "options": form.options()}
    if subject is not None:
        context["reuse"] = reuse_of(user=request.user, subject=subject, limit=PAGE_PROJECTS)
        context["stages"] = [(stage, SHORT_LABELS[stage]) for stage in Stage.values]
    else:
        context["overviews"] = [
            (kind, OVERVIEW_TITLES[kind], overview(kind=kind, limit=OVERVIEW_ROWS))
            for kind in (SOLUTION, CATEGORY, VENDOR)
        ]
    return render(request, "reports/reuse.html", context)


@login_required
def reuse_panel(request, pk: int):
    """The panel "Other B/Ds doing this" of a project the user may see (a 404 otherwise)."""
    projects = Project.objects.restrict(request.user, Permission.VIEW_PROJECT).select_related(
        "catalogue_solution", "vendor"
    )
    project = get_object_or_404(projects, pk=pk)
    reuses = reuse_for_project(user=request.user, project=project)
    return render(request, "reports/includes/reuse_panel.html", {"project": project, "reuses": reuses})
