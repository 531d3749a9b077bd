from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from adoption.roles import Permission, has_permission
from lifecycle.errors import ActionRefused
from reports.models import ReportRun, RunStatus
from reports.runs.forms import ReportRequestForm
from reports.services import ReportNotQueued, request_report


def _require_reports(user) -> None:
    if not has_permission(user, Permission.REQUEST_REPORT):
        raise Http404


def visible_runs(user):
    """Runs a user may open: their scope covers the run's (the same rule for the file)."""
    _require_reports(user)
    return ReportRun.objects.covered_by(user).select_related("requested_by", "scope_unit")


@login_required
def run_list(request):
    runs = visible_runs(request.user)
    if not has_permission(request.user, Permission.SCHEDULE_REPORTS):
        # Their own runs, and the scheduled ones for their scope; DPO sees every run.
        runs = runs.filter(Q(requested_by=request.user) | ~Q(schedule_name=""))
    page = Paginator(runs.order_by("-requested_at", "-id"), 25).get_page(request.GET.get("page"))
    return render(request, "reports/run_list.html", {"page": page})


@login_required
def run_request(request):
    _require_reports(request.user)
    form = ReportRequestForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            run = request_report(
                by=request.user,
                scope=data["scope"],
                period=data["period"],
                format=data["format"],
                language=data["language"],
            )
        except ActionRefused as refusal:
            form.add_error(refusal.field if refusal.field in form.fields else None, str(refusal.message))
        except ReportNotQueued as error:
            form.add_error(None, str(error))
            status = 503
        else:
            messages.success(request, _("Your report is queued. This page shows its progress."))
            return redirect(run)
    return render(request, "reports/run_request.html", {"form": form}, status=status)


@login_required
def run_detail(request, pk: int):
    run = get_object_or_404(visible_runs(request.user), pk=pk)
    return render(request, "reports/run_detail.html", {"run": run})


@login_required
def run_status(request, pk: int):
    """The small partial that the run page and the list poll while the run is unfinished."""
    run = get_object_or_404(visible_runs(request.user), pk=pk)
    template = (
        "reports/includes/run_status_cell.html" if request.GET.get("compact") else "reports/includes/run_status.html"
    )
    return render(request, template, {"run": run})


@login_required
def run_download(request, pk: int):
    run = get_object_or_404(visible_runs(request.user), pk=pk, status=RunStatus.SUCCEEDED)
    if not run.file or not default_storage.exists(run.file.name):
        raise Http404
    return FileResponse(
        default_storage.open(run.file.name, "rb"),
        as_attachment=True,
        filename=run.download_name,
        content_type=run.content_type,
    )
