"""Import page: upload, dry-run results by row and column, confirm. Template and inventory downloads."""

import os

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from adoption.models import Project
from adoption.roles import Permission, has_permission
from lifecycle.errors import ActionRefused
from reports.inventory.files import inventory_csv_chunks, write_inventory_export_xlsx, write_inventory_xlsx
from reports.inventory.forms import UploadForm
from reports.inventory.services import check_upload, import_checked_batch
from reports.models import ImportBatch
from reports.spreadsheets import XLSX_CONTENT_TYPE, csv_response, file_response, temporary_path

TEMPLATE_FILENAME = "項目清單範本 project-inventory-template.xlsx"


def _require_importer(user) -> None:
    if not has_permission(user, Permission.IMPORT_PROJECTS):
        raise Http404


@login_required
def upload(request):
    _require_importer(request.user)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = check_upload(upload=form.cleaned_data["file"], by=request.user)
        except ActionRefused as refusal:
            form.add_error("file", str(refusal.message))
        else:
            return redirect("imports:batch", pk=batch.pk)
    recent = ImportBatch.objects.filter(uploaded_by=request.user).order_by("-uploaded_at", "-id")[:10]
    return render(request, "reports/inventory/upload.html", {"form": form, "recent": recent})


@login_required
def batch(request, pk: int):
    _require_importer(request.user)
    batch = get_object_or_404(ImportBatch, pk=pk, uploaded_by=request.user)
    return render(request, "reports/inventory/batch.html", {"batch": batch})


@require_POST
@login_required
def confirm(request, pk: int):
    _require_importer(request.user)
    batch = get_object_or_404(ImportBatch, pk=pk, uploaded_by=request.user)
    try:
        batch = import_checked_batch(batch=batch, by=request.user)
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
    else:
        if batch.status == "imported":
            messages.success(request, _("%(count)s projects imported.") % {"count": batch.imported_count})
        else:
            messages.error(
                request, _("The register changed since the dry run: nothing was imported. See the problems below.")
            )
    return redirect("imports:batch", pk=batch.pk)


def _xlsx(write, filename: str, *args):
    path = temporary_path(".xlsx")
    try:
        write(path, *args)
    except BaseException:
        os.unlink(path)
        raise
    return file_response(path, filename, XLSX_CONTENT_TYPE)


@require_GET
@login_required
def template(request):
    _require_importer(request.user)
    return _xlsx(write_inventory_xlsx, TEMPLATE_FILENAME)


@require_GET
@login_required
def inventory(request, file_format: str):
    """The projects in the user's scope, in the template's form: it re-imports as it is."""
    projects = Project.objects.restrict(request.user)
    if file_format == "csv":
        return csv_response(inventory_csv_chunks(projects), "project-inventory.csv")
    return _xlsx(write_inventory_export_xlsx, "project-inventory.xlsx", projects)
