"""Pages of the quarterly returns: DPO's rounds, a round's B/D statuses, a B/D's return."""

import os

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from adoption.roles import Permission, has_permission
from adoption.scoping import unit_in_scope
from lifecycle.errors import ActionRefused
from reports.models import ReturnLine, ReturnRound
from reports.returns import services
from reports.returns.export import export_filename, return_csv_chunks, write_return_xlsx
from reports.returns.forms import CHANGE_FILTERS, DecisionForm, DueDateForm, LineFilterForm, OpenRoundForm, SubmitForm
from reports.returns.selectors import round_summaries, round_summary, visible_returns
from reports.spreadsheets import XLSX_CONTENT_TYPE, csv_response, file_response, temporary_path

LINES_PER_PAGE = 50


def _is_dpo(user) -> bool:
    return has_permission(user, Permission.MANAGE_RETURN_ROUNDS) or has_permission(user, Permission.EXPORT_RETURNS)


def _refused(form, refusal: ActionRefused) -> None:
    if refusal.field and refusal.field in form.fields:
        form.add_error(refusal.field, str(refusal.message))
    else:
        form.add_error(None, str(refusal.message))


@login_required
def round_list(request):
    if not has_permission(request.user, Permission.VIEW_PROJECT):
        raise Http404
    is_dpo = _is_dpo(request.user)
    form = None
    if has_permission(request.user, Permission.MANAGE_RETURN_ROUNDS):
        form = OpenRoundForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                round_ = services.open_round(
                    quarter=form.cleaned_data["quarter"], by=request.user, due_date=form.cleaned_data["due_date"]
                )
            except ActionRefused as refusal:
                _refused(form, refusal)
            else:
                messages.success(
                    request,
                    _("The round for %(quarter)s is open: %(count)s lines frozen.")
                    % {"quarter": round_.quarter, "count": round_.line_count},
                )
                return redirect("returns:round_detail", quarter=round_.quarter)
    elif request.method == "POST":
        raise Http404  # only DPO posts here
    rounds = list(ReturnRound.objects.order_by("-period_end"))
    own_returns = {}
    if not is_dpo:
        for bd_return in (
            visible_returns(request.user).select_related("round").order_by("-round__period_end", "bd_code")
        ):
            own_returns.setdefault(bd_return.round_id, []).append(bd_return)
    today = timezone.localdate()
    summaries = round_summaries(rounds, today=today) if is_dpo else {}
    return render(
        request,
        "reports/returns/round_list.html",
        {
            "rounds": [(r, summaries.get(r.pk), own_returns.get(r.pk, [])) for r in rounds],
            "form": form,
            "is_dpo": is_dpo,
            "today": today,
        },
    )


def _dpo_round(request, quarter: str) -> ReturnRound:
    if not _is_dpo(request.user):
        raise Http404
    return get_object_or_404(ReturnRound, quarter=quarter.upper())


@login_required
def round_detail(request, quarter: str):
    round_ = _dpo_round(request, quarter)
    due_form = DueDateForm(request.POST or None, initial={"due_date": round_.due_date})
    if request.method == "POST" and due_form.is_valid():
        try:
            services.change_due_date(round_=round_, by=request.user, due_date=due_form.cleaned_data["due_date"])
        except ActionRefused as refusal:
            _refused(due_form, refusal)
        else:
            messages.success(request, _("The due date is changed."))
            return redirect("returns:round_detail", quarter=round_.quarter)
    today = timezone.localdate()
    returns = list(round_.returns.select_related("submitted_by", "decided_by").order_by("bd_code"))
    for each in returns:
        each.overdue = each.is_overdue(today)
    only_overdue = request.GET.get("show") == "overdue"
    if only_overdue:
        returns = [each for each in returns if each.overdue]
    return render(
        request,
        "reports/returns/round_detail.html",
        {
            "round": round_,
            "returns": returns,
            "summary": round_summary(round_, today=today),
            "today": today,
            "only_overdue": only_overdue,
            "due_form": due_form,
            "may_manage": has_permission(request.user, Permission.MANAGE_RETURN_ROUNDS),
            "may_export": has_permission(request.user, Permission.EXPORT_RETURNS),
        },
    )


def _download(round_, bd_return, file_format: str):
    if file_format == "csv":
        return csv_response(return_csv_chunks(round_, bd_return), export_filename(round_, bd_return, "csv"))
    path = temporary_path(".xlsx")
    try:
        write_return_xlsx(path, round_, bd_return)
    except BaseException:
        os.unlink(path)
        raise
    return file_response(path, export_filename(round_, bd_return, "xlsx"), XLSX_CONTENT_TYPE)


@require_GET
@login_required
def round_download(request, quarter: str, file_format: str):
    if not has_permission(request.user, Permission.EXPORT_RETURNS):
        raise Http404
    round_ = get_object_or_404(ReturnRound, quarter=quarter.upper())
    return _download(round_, None, file_format)


def _visible_return(request, quarter: str, bd_code: str):
    return get_object_or_404(
        visible_returns(request.user).select_related("round", "bd", "submitted_by", "decided_by"),
        round__quarter=quarter.upper(),
        bd_code=bd_code,
    )


@login_required
def bd_return(request, quarter: str, bd_code: str):
    bd_return = _visible_return(request, quarter, bd_code)
    user = request.user
    may_remark = (
        bd_return.is_open_for_changes
        and has_permission(user, Permission.EDIT_RETURN_REMARKS)
        and unit_in_scope(user, bd_return.bd)
    )
    may_submit = (
        bd_return.is_open_for_changes
        and has_permission(user, Permission.SUBMIT_RETURN)
        and user.org_unit_id == bd_return.bd_id
    )
    may_decide = bd_return.status == "submitted" and has_permission(user, Permission.MANAGE_RETURN_ROUNDS)
    filter_form = LineFilterForm(request.GET or None)
    lines = ReturnLine.objects.filter(bd_return=bd_return).select_related("remark").order_by("code", "id")
    change = ""
    if filter_form.is_valid() and filter_form.cleaned_data["changes"]:
        change = filter_form.cleaned_data["changes"]
        lines = lines.filter(**{CHANGE_FILTERS[change]: True})
    page = Paginator(lines, LINES_PER_PAGE).get_page(request.GET.get("page"))
    submit_form = SubmitForm(prefix="submit")
    decision_form = DecisionForm(prefix="decision")
    remark_errors = {}
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "remarks" and may_remark:
                remarks = {
                    int(key.removeprefix("remark-")): value
                    for key, value in request.POST.items()
                    if key.startswith("remark-") and key.removeprefix("remark-").isdigit()
                }
                changed = services.save_remarks(bd_return=bd_return, by=user, remarks=remarks)
                messages.success(request, _("Remarks saved (%(count)s changed).") % {"count": changed})
                return redirect(request.get_full_path())
            if action == "submit" and may_submit:
                submit_form = SubmitForm(request.POST, prefix="submit")
                if submit_form.is_valid():
                    services.submit_return(bd_return=bd_return, by=user, comment=submit_form.cleaned_data["comment"])
                    messages.success(request, _("The return is submitted to DPO."))
                    return redirect(request.get_full_path())
            elif action == "decide" and may_decide:
                decision_form = DecisionForm(request.POST, prefix="decision")
                if decision_form.is_valid():
                    data = decision_form.cleaned_data
                    if data["decision"] == "accept":
                        services.accept_return(bd_return=bd_return, by=user, comment=data["comment"])
                        messages.success(request, _("The return is accepted."))
                    else:
                        services.return_for_changes(bd_return=bd_return, by=user, comment=data["comment"])
                        messages.success(request, _("The return is sent back to the B/D with your comments."))
                    return redirect(request.get_full_path())
            elif action not in ("submit", "decide"):
                raise Http404
        except ActionRefused as refusal:
            if action == "remarks":
                remark_errors[refusal.field or ""] = str(refusal.message)
                messages.error(request, refusal.message)
            else:
                _refused(decision_form if action == "decide" else submit_form, refusal)
    return render(
        request,
        "reports/returns/bd_return.html",
        {
            "bd_return": bd_return,
            "round": bd_return.round,
            "page": page,
            "query": f"changes={change}" if change else "",
            "filter_form": filter_form,
            "submit_form": submit_form,
            "decision_form": decision_form,
            "may_remark": may_remark,
            "may_submit": may_submit,
            "may_decide": may_decide,
            "is_overdue": bd_return.is_overdue(),
            "events": bd_return.events.select_related("actor").order_by("at", "id"),
            "remark_errors": remark_errors,
        },
    )


@require_GET
@login_required
def bd_return_download(request, quarter: str, bd_code: str, file_format: str):
    bd_return = _visible_return(request, quarter, bd_code)
    return _download(bd_return.round, bd_return, file_format)
