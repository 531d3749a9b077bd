"""An uploaded inventory spreadsheet: checked in a dry run, then imported all at once or not at all."""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ImportStatus(models.TextChoices):
    CHECKED = "checked", pgettext_lazy("import status", "Checked, ready to import")
    FAILED = "failed", pgettext_lazy("import status", "Has problems")
    IMPORTED = "imported", pgettext_lazy("import status", "Imported")


def import_upload_to(instance, filename: str) -> str:
    return f"imports/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class ImportBatch(models.Model):
    file = models.FileField(_("file"), upload_to=import_upload_to, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    status = models.CharField(_("status"), max_length=10, choices=ImportStatus.choices)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    problems = models.JSONField(_("problems"), default=list, blank=True)
    imported_at = models.DateTimeField(_("imported"), null=True, blank=True)
    imported_count = models.PositiveIntegerField(_("projects imported"), default=0)

    class Meta:
        verbose_name = _("inventory import")
        verbose_name_plural = _("inventory imports")
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.original_name
