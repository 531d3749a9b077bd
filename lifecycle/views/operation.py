"""Life after deployment on the project's tabs: periodic reviews and incidents."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from adoption.roles import Permission
from adoption.scoping import can
from adoption.views.common import add_errors, get_project
from lifecycle.choices import IncidentStatus
from lifecycle.errors import ActionRefused
from lifecycle.forms import IncidentCloseForm, IncidentForm, IncidentUpdateForm, PeriodicReviewForm
from lifecycle.models import Incident, PeriodicReview
from lifecycle.services import close_incident, open_incident, record_periodic_review, update_incident
from lifecycle.stages import LIFECYCLE_STAGES, Stage


@login_required
def periodic_reviews(request, pk: int):
    project = get_project(request, pk)
    in_operation = project.stage == Stage.DEPLOY_IMPROVE and project.in_operation_since is not None
    may_record = in_operation and can(request.user, Permission.RECORD_PERIODIC_REVIEW, project)
    form = PeriodicReviewForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not can(request.user, Permission.RECORD_PERIODIC_REVIEW, project):
            messages.error(request, _("Your role cannot record periodic reviews."))
            return redirect("lifecycle:periodic_reviews", pk=project.pk)
        if form.is_valid():
            try:
                record_periodic_review(project=project, by=request.user, **form.cleaned_data)
            except ActionRefused as error:
                add_errors(form, error)
            else:
                messages.success(request, _("The periodic review was recorded."))
                return redirect("lifecycle:periodic_reviews", pk=project.pk)
    reviews = PeriodicReview.objects.filter(project=project).select_related("recorded_by")
    context = {
        "project": project,
        "reviews": reviews,
        "form": form,
        "may_record": may_record,
        "in_operation": in_operation,
        "tab": "periodic_reviews",
    }
    return render(request, "lifecycle/periodic_reviews.html", context)


@login_required
def incidents(request, pk: int):
    project = get_project(request, pk)
    open_allowed = project.stage in (*LIFECYCLE_STAGES, Stage.ON_HOLD)
    may_record = open_allowed and can(request.user, Permission.RECORD_INCIDENT, project)
    form = IncidentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not can(request.user, Permission.RECORD_INCIDENT, project):
            messages.error(request, _("Your role cannot record incidents."))
            return redirect("lifecycle:incidents", pk=project.pk)
        if form.is_valid():
            try:
                incident = open_incident(project=project, by=request.user, **form.cleaned_data)
            except ActionRefused as error:
                add_errors(form, error)
            else:
                messages.success(request, _("The incident was recorded."))
                return redirect("lifecycle:incident", pk=project.pk, incident_pk=incident.pk)
    records = Incident.objects.filter(project=project).select_related("opened_by", "closed_by")
    context = {"project": project, "incidents": records, "form": form, "may_record": may_record, "tab": "incidents"}
    return render(request, "lifecycle/incidents.html", context)


@login_required
def incident_detail(request, pk: int, incident_pk: int):
    project = get_project(request, pk)
    incident = get_object_or_404(
        Incident.objects.select_related("opened_by", "closed_by"), project=project, pk=incident_pk
    )
    may_record = incident.status == IncidentStatus.OPEN and can(request.user, Permission.RECORD_INCIDENT, project)
    update_form = IncidentUpdateForm(
        request.POST if request.POST.get("form") == "update" else None,
        initial={"severity": incident.severity, "actions_taken": incident.actions_taken},
        prefix="update",
    )
    close_form = IncidentCloseForm(request.POST if request.POST.get("form") == "close" else None, prefix="close")
    if request.method == "POST":
        if not can(request.user, Permission.RECORD_INCIDENT, project):
            messages.error(request, _("Your role cannot record incidents."))
            return redirect("lifecycle:incident", pk=project.pk, incident_pk=incident.pk)
        form = close_form if request.POST.get("form") == "close" else update_form
        if form.is_valid():
            try:
                if form is close_form:
                    close_incident(incident=incident, by=request.user, resolution=form.cleaned_data["resolution"])
                    message = _("The incident is closed.")
                else:
                    update_incident(incident=incident, by=request.user, **form.cleaned_data)
                    message = _("The incident was updated.")
            except ActionRefused as error:
                if error.field == "reason":
                    error.field = "resolution" if form is close_form else "actions_taken"
                add_errors(form, error)
            else:
                messages.success(request, message)
                return redirect("lifecycle:incident", pk=project.pk, incident_pk=incident.pk)
    context = {
        "project": project,
        "incident": incident,
        "update_form": update_form,
        "close_form": close_form,
        "may_record": may_record,
        "tab": "incidents",
    }
    return render(request, "lifecycle/incident_detail.html", context)
