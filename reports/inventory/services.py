"""Upload, dry run and import of an inventory file, for the web page and the command."""

from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from adoption.roles import Permission, has_permission
from lifecycle.errors import ActionRefused
from reports.inventory.importer import check_file, file_digest, import_rows
from reports.models import ImportBatch, ImportStatus

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
ACCEPTED = (".xlsx", ".csv")


def check_upload(*, upload, by) -> ImportBatch:
    """Keep the file and dry-run it: the batch lists every problem, or is ready to import."""
    if not has_permission(by, Permission.IMPORT_PROJECTS):
        raise ActionRefused(_("Your role cannot import projects."))
    name = upload.name or ""
    if not name.lower().endswith(ACCEPTED):
        raise ActionRefused(_("Upload the XLSX template or a CSV file."), field="file")
    if upload.size > MAX_UPLOAD_BYTES:
        raise ActionRefused(_("The file is larger than 20 MB: split it into several files."), field="file")
    sha256 = file_digest(upload)
    checked = check_file(upload, name, by)
    upload.seek(0)
    batch = ImportBatch(
        original_name=name[:255],
        sha256=sha256,
        uploaded_by=by,
        status=ImportStatus.CHECKED if checked.ok else ImportStatus.FAILED,
        row_count=len(checked.rows),
        problems=[problem.as_dict() for problem in checked.problems],
    )
    batch.file.save(name, File(upload), save=False)
    batch.save()
    return batch


def import_checked_batch(*, batch: ImportBatch, by) -> ImportBatch:
    """Check the kept file again (the register may have changed since) and import it, all or nothing."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.uploaded_by_id != by.pk:
            raise ActionRefused(_("Only the person who uploaded the file can import it."))
        if batch.status == ImportStatus.IMPORTED:
            raise ActionRefused(_("This file has already been imported."))
        if batch.status != ImportStatus.CHECKED:
            raise ActionRefused(_("This file has problems: correct them and upload it again."))
        with batch.file.open("rb") as file:
            checked = check_file(file, batch.original_name, by)
        if not checked.ok:
            batch.status = ImportStatus.FAILED
            batch.problems = [problem.as_dict() for problem in checked.problems]
            batch.save(update_fields=["status", "problems"])
            return batch
        projects = import_rows(checked, by=by, file_name=batch.original_name, sha256=batch.sha256, batch_id=batch.pk)
        batch.status = ImportStatus.IMPORTED
        batch.imported_at = timezone.now()
        batch.imported_count = len(projects)
        batch.save(update_fields=["status", "imported_at", "imported_count"])
    return batch
