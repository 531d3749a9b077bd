"""Working a gate checklist: evidence, done, not applicable, reopen.

Each action is a plain form POST. With htmx the response is the item's own fragment (and the
gate panel, swapped out of band); without JavaScript the browser goes back to the project page,
or to the item's own page when there is an error to show.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from adoption.views.common import add_errors, get_project
from lifecycle import selectors
from lifecycle.errors import ActionRefused
from lifecycle.forms import EvidenceForm, JustificationForm, RemoveEvidenceForm, ReopenForm
from lifecycle.models import ChecklistItem, Evidence
from lifecycle.reference_data import genai_dos_and_donts
from lifecycle.services import add_evidence, complete_item, mark_not_applicable, remove_evidence, reopen_item
from lifecycle.views.common import attach_forms, gate_context, may_work


def _item(project, item_pk: int):
    try:
        return selectors.checklist_item(project, item_pk)
    except ChecklistItem.DoesNotExist:
        raise Http404 from None


def _item_context(request, project, item, *, bound=None, status_message="") -> dict:
    pending = selectors.pending_review(project)
    can_work = may_work(project, request.user, pending) and item.stage == project.stage
    if can_work:
        attach_forms(item, bound=bound)
    return {"project": project, "item": item, "can_work": can_work, "status_message": status_message}


@login_required
def item_page(request, pk: int, item_pk: int):
    """One item on a page of its own: the no-JavaScript way to work it, and where its errors show."""
    project = get_project(request, pk)
    item = _item(project, item_pk)
    context = _item_context(request, project, item)
    context["dos_and_donts"] = genai_dos_and_donts() if project.uses_generative_ai else None
    return render(request, "lifecycle/item.html", context)


def _respond(request, project, item_pk, *, ok_message="", bound=None):
    item = _item(project, item_pk)
    if bound is None:
        if request.htmx:
            context = _item_context(request, project, item, status_message=ok_message)
            context["gate"] = gate_context(project, request.user)
            context["oob"] = True
            return render(request, "lifecycle/partials/item_response.html", context)
        messages.success(request, ok_message)
        return redirect(f"{project.get_absolute_url()}#item-{item.pk}")
    context = _item_context(request, project, item, bound=bound)
    if not context["can_work"]:
        # The user may not work this item (any more): its forms are gone, so say why in words.
        errors = [str(error) for form in bound.values() for error in form.non_field_errors()]
        context["item_error"] = " ".join(errors) or _("This checklist item cannot be changed now.")
    if request.htmx:
        return render(request, "lifecycle/partials/checklist_item.html", context)
    context["dos_and_donts"] = genai_dos_and_donts() if project.uses_generative_ai else None
    return render(request, "lifecycle/item.html", context)


@login_required
@require_POST
def item_evidence(request, pk: int, item_pk: int):
    project = get_project(request, pk)
    item = _item(project, item_pk)
    form = EvidenceForm(request.POST, request.FILES, item=item)
    if form.is_valid():
        data = form.cleaned_data
        done = data.get("intent") == "done"
        try:
            if done:
                complete_item(item=item, by=request.user, note=data["note"], url=data["url"], upload=data["file"])
            else:
                add_evidence(item=item, by=request.user, note=data["note"], url=data["url"], upload=data["file"])
        except ActionRefused as error:
            add_errors(form, error)
        else:
            code = item.template_item.code
            message = (
                _("%(code)s is done.") % {"code": code} if done else _("Evidence added to %(code)s.") % {"code": code}
            )
            return _respond(request, project, item_pk, ok_message=message)
    return _respond(request, project, item_pk, bound={"evidence": form})


@login_required
@require_POST
def item_not_applicable(request, pk: int, item_pk: int):
    project = get_project(request, pk)
    item = _item(project, item_pk)
    form = JustificationForm(request.POST, item=item)
    if form.is_valid():
        try:
            mark_not_applicable(item=item, by=request.user, justification=form.cleaned_data["justification"])
        except ActionRefused as error:
            error.field = "justification" if error.field == "reason" else error.field
            add_errors(form, error)
        else:
            message = _("%(code)s is marked not applicable.") % {"code": item.template_item.code}
            return _respond(request, project, item_pk, ok_message=message)
    return _respond(request, project, item_pk, bound={"na": form})


@login_required
@require_POST
def item_reopen(request, pk: int, item_pk: int):
    project = get_project(request, pk)
    item = _item(project, item_pk)
    form = ReopenForm(request.POST, item=item)
    if form.is_valid():
        try:
            reopen_item(item=item, by=request.user, reason=form.cleaned_data["reason"])
        except ActionRefused as error:
            add_errors(form, error)
        else:
            message = _("%(code)s is open again.") % {"code": item.template_item.code}
            return _respond(request, project, item_pk, ok_message=message)
    return _respond(request, project, item_pk, bound={"reopen": form})


@login_required
@require_POST
def evidence_remove(request, pk: int, evidence_pk: int):
    project = get_project(request, pk)
    evidence = get_object_or_404(
        Evidence.objects.select_related("checklist_item"), checklist_item__project=project, pk=evidence_pk
    )
    item_pk = evidence.checklist_item_id
    form = RemoveEvidenceForm(request.POST)
    form.is_valid()
    try:
        remove_evidence(evidence=evidence, by=request.user, reason=form.cleaned_data.get("reason", ""))
    except ActionRefused as error:
        if request.htmx:
            item = _item(project, item_pk)
            context = _item_context(request, project, item)
            context["item_error"] = error.message
            return render(request, "lifecycle/partials/checklist_item.html", context)
        messages.error(request, str(error.message))
        return redirect(f"{project.get_absolute_url()}#item-{item_pk}")
    return _respond(request, project, item_pk, ok_message=_("The evidence was removed."))
