"""My projects, the new and edit forms, the risk screening, and the project page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from adoption.choices import RiskTier, ScopeLevel
from adoption.filters import ProjectFilter
from adoption.forms import ProjectForm
from adoption.models import OrgUnit, Project
from adoption.roles import Permission, has_permission
from adoption.services import create_project, update_project
from adoption.views.common import add_errors, get_project, refuse_unless
from lifecycle import screening
from lifecycle.checklists import Profile
from lifecycle.choices import ReviewStatus
from lifecycle.errors import ActionRefused
from lifecycle.forms import ScreeningForm
from lifecycle.models import GateReview, RiskScreening
from lifecycle.reference_data import genai_dos_and_donts
from lifecycle.selectors import profile_changes
from lifecycle.services import current_template, screen_risk
from lifecycle.timeline import timeline
from lifecycle.views.common import gate_context

PAGE_SIZE = 25
# What a row of the list shows: a narrow row sorts and transfers fast on a large portfolio.
LIST_COLUMNS = (
    "id",
    "code",
    "title_en",
    "title_zh_hant",
    "stage",
    "risk_tier",
    "updated_at",
    "bd__id",
    "bd__code",
    "bd__name_en",
    "bd__name_zh_hant",
)
SORTS = (
    ("-updated", gettext_lazy("Recently updated first")),
    ("updated", gettext_lazy("Least recently updated first")),
    ("code", gettext_lazy("Project code")),
    ("-code", gettext_lazy("Project code, descending")),
    ("in_stage_since", gettext_lazy("Longest in stage first")),
    ("-in_stage_since", gettext_lazy("Newest in stage first")),
)


@login_required
def project_list(request):
    user = request.user
    filterset = ProjectFilter(request.GET or None, queryset=Project.objects.restrict(user), request=request)
    wide_scope = user.is_superuser or user.scope_level != ScopeLevel.OWN_UNIT
    if user.scope_level == ScopeLevel.UNIT_TREE and user.org_unit_id:
        filterset.filters["bd"].queryset = OrgUnit.objects.filter(path__startswith=user.org_unit.path)
    # Stage is a column of the project, not a join: no DISTINCT needed (it would slow the list down).
    filterset.filters["stage"].distinct = False
    projects = filterset.qs
    sort = filterset.form.cleaned_data.get("sort") if filterset.is_bound else None
    if not sort:
        projects = projects.order_by("-updated_at", "-id")
    projects = (
        projects.select_related("bd")
        .only(*LIST_COLUMNS)
        .annotate(review_waiting=Exists(GateReview.objects.filter(project=OuterRef("pk"), status=ReviewStatus.PENDING)))
    )
    page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
    filters_used = filterset.is_bound and any(
        value for name, value in filterset.form.cleaned_data.items() if name != "sort"
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "adoption/project_list.html",
        {
            "page": page,
            "filter_query": query.urlencode(),
            "filter": filterset,
            "form": filterset.form,
            "wide_scope": wide_scope,
            "sorts": SORTS,
            "current_sort": (sort[0] if sort else "-updated"),
            "filters_used": filters_used,
            "may_add": has_permission(user, Permission.ADD_PROJECT),
        },
    )


@login_required
def project_detail(request, pk: int):
    project = get_project(request, pk, related=("bd", "responsible_officer"))
    context = gate_context(project, request.user)
    context.update(
        tab="checklist",
        timeline=timeline(project, limit=8),
        dos_and_donts=genai_dos_and_donts() if project.uses_generative_ai else None,
        officers=list(project.project_officers.all()),
        may_edit=has_permission(request.user, Permission.CHANGE_PROJECT),
    )
    return render(request, "adoption/project_detail.html", context)


def _preview_profile_for_screening(screening_form) -> Profile | None:
    if not screening_form.is_valid():
        return None
    answers = screening_form.answers()
    tier, _reasons = screening.score(answers)
    flags = screening.profile_flags(answers)
    return Profile(
        tier=tier,
        generative_ai=flags["uses_generative_ai"],
        personal_data=flags["processes_personal_data"],
        public_facing=flags["is_public_facing"],
    )


def _screening_preview(screening_form, project=None) -> dict:
    profile = _preview_profile_for_screening(screening_form)
    if profile is None:
        return {"preview_incomplete": True}
    answers = screening_form.answers()
    tier, reasons = screening.score(answers)
    version = None if project else current_template().version
    return {
        "changes": profile_changes(project=project, profile=profile, template_version=version),
        "preview_tier": RiskTier(tier).label,
        "preview_prohibited": tier == RiskTier.PROHIBITED,
        "preview_reasons": screening.reason_texts(reasons),
    }


@login_required
def project_create(request):
    user = request.user
    if not has_permission(user, Permission.ADD_PROJECT):
        messages.error(request, _("Your role cannot register projects."))
        return redirect("adoption:project_list")
    form = ProjectForm(request.POST if request.method == "POST" else None, user=user)
    screening_form = ScreeningForm(request.POST if request.method == "POST" else None)
    context = {"form": form, "screening_form": screening_form}
    if request.method == "POST":
        if "_preview" in request.POST:
            context["preview"] = _screening_preview(screening_form)
            if request.htmx:
                return render(request, "adoption/partials/profile_preview.html", context)
        else:
            project_ok, screening_ok = form.is_valid(), screening_form.is_valid()
            if project_ok and screening_ok:
                project = _register(request, form, screening_form)
                if project is not None:
                    messages.success(
                        request,
                        _("Project %(code)s registered, with its identify checklist.") % {"code": project.code},
                    )
                    return redirect(project.get_absolute_url())
    return render(request, "adoption/project_form.html", context)


def _register(request, form, screening_form):
    """Register the project and record its screening, both or neither."""
    answers = screening_form.answers()
    fields = form.service_fields()
    fields.update(screening.profile_flags(answers))
    try:
        with transaction.atomic():
            project = create_project(
                by=request.user,
                bd=fields.pop("bd"),
                project_officers=list(form.cleaned_data.get("project_officers") or []),
                **fields,
            )
            screen_risk(project=project, by=request.user, answers=answers)
    except (ActionRefused, ValidationError) as error:
        add_errors(form, error, fallback_form=screening_form)
        return None
    return project


@login_required
def project_edit(request, pk: int):
    project = get_project(request, pk)
    refused = refuse_unless(request, Permission.CHANGE_PROJECT, project, _("Your role cannot change this project."))
    if refused:
        return refused
    form = ProjectForm(request.POST if request.method == "POST" else None, instance=project, user=request.user)
    context = {"form": form, "project": project, "editing": True}
    if request.method == "POST":
        if "_preview" in request.POST:
            profile = Profile(
                tier=project.risk_tier,
                generative_ai=request.POST.get("uses_generative_ai") == "on",
                personal_data=request.POST.get("processes_personal_data") == "on",
                public_facing=request.POST.get("is_public_facing") == "on",
            )
            context["preview"] = {"changes": profile_changes(project=project, profile=profile)}
            if request.htmx:
                return render(request, "adoption/partials/profile_preview.html", context)
        elif form.is_valid():
            try:
                update_project(
                    project=project,
                    by=request.user,
                    changes=form.service_fields(),
                    project_officers=list(form.cleaned_data.get("project_officers") or []),
                )
            except (ActionRefused, ValidationError) as error:
                add_errors(form, error)
            else:
                messages.success(request, _("The project's details were saved."))
                return redirect(project.get_absolute_url())
    return render(request, "adoption/project_form.html", context)


@login_required
def project_screening(request, pk: int):
    project = get_project(request, pk)
    refused = refuse_unless(request, Permission.CHANGE_PROJECT, project, _("Your role cannot change this project."))
    if refused:
        return refused
    latest = (
        RiskScreening.objects.filter(project=project)
        .select_related("screened_by")
        .order_by("-screened_at", "-id")
        .first()
    )
    initial = ScreeningForm.initial_from(latest.answers) if latest else {}
    form = ScreeningForm(request.POST if request.method == "POST" else None, initial=initial)
    context = {"form": form, "project": project, "latest": latest}
    if request.method == "POST":
        if "_preview" in request.POST:
            context["preview"] = _screening_preview(form, project)
            if request.htmx:
                return render(request, "adoption/partials/profile_preview.html", context)
        elif form.is_valid():
            try:
                result = screen_risk(project=project, by=request.user, answers=form.answers())
            except ActionRefused as error:
                add_errors(form, error)
            else:
                messages.success(
                    request, _("Risk screening recorded: risk tier %(tier)s.") % {"tier": result.get_tier_display()}
                )
                return redirect(project.get_absolute_url())
    return render(request, "adoption/screening_form.html", context)
