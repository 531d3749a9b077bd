"""Stage actions on the project page, each with a confirmation step that asks for its reason."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from adoption.views.common import add_errors, get_project
from lifecycle import selectors
from lifecycle.errors import CONCURRENT_CHANGE, ActionRefused
from lifecycle.forms import ActionForm
from lifecycle.services import (
    cancel_project,
    hold_project,
    request_gate_review,
    resume_project,
    retire_project,
    withdraw_gate_review,
)
from lifecycle.views.common import gate_context


def _perform(name: str, *, project, by, reason: str, pending) -> str:
    """Call the service for the action; return the message to show."""
    if name == "request_review":
        request_gate_review(project=project, by=by, note=reason)
        return _("The gate review was requested. An approver of your B/D will decide it.")
    if name == "withdraw":
        if pending is None:
            raise ActionRefused(_("No gate review is waiting for this project."))
        withdraw_gate_review(review=pending, by=by, reason=reason)
        return _("The gate review request was withdrawn; the checklist can be changed again.")
    if name == "hold":
        hold_project(project=project, by=by, reason=reason)
        return _("The project is on hold.")
    if name == "resume":
        resume_project(project=project, by=by, reason=reason)
        return _("The project has resumed.")
    if name == "cancel":
        cancel_project(project=project, by=by, reason=reason)
        return _("The project is cancelled.")
    retire_project(project=project, by=by, reason=reason)
    return _("The system is retired.")


@login_required
def project_action(request, pk: int, name: str):
    action = selectors.ACTIONS.get(name)
    if action is None:
        raise Http404
    project = get_project(request, pk, related=("bd", "responsible_officer"))
    context = gate_context(project, request.user)
    available = action in context["actions"]
    form = ActionForm(
        request.POST if request.method == "POST" else None, action=action, initial={"seen_stage": project.stage}
    )
    if request.method == "POST" and form.is_valid():
        seen = form.cleaned_data["seen_stage"]
        try:
            if seen and seen != project.stage:
                raise ActionRefused(CONCURRENT_CHANGE)
            message = _perform(
                name, project=project, by=request.user, reason=form.cleaned_data["reason"], pending=context["pending"]
            )
        except ActionRefused as error:
            add_errors(form, error)
        else:
            messages.success(request, message)
            return redirect(project.get_absolute_url())
    context.update(action=action, form=form, available=available, tab="checklist")
    return render(request, "lifecycle/action_confirm.html", context)
