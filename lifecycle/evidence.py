"""Checks on evidence before anything is stored: size, type allow-list, real content."""

import hashlib
from dataclasses import dataclass
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from lifecycle.errors import ActionRefused

# Extension → the content type its bytes must show. Text types are checked separately.
BINARY_TYPES = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
TEXT_TYPES = {".txt": "text/plain", ".csv": "text/csv"}
ALLOWED_EXTENSIONS = tuple(sorted({*BINARY_TYPES, *TEXT_TYPES}))


@dataclass(frozen=True)
class CheckedUpload:
    content_type: str
    size: int
    sha256: str
    original_name: str


def _head(upload, length: int = 8192) -> bytes:
    upload.seek(0)
    data = upload.read(length)
    upload.seek(0)
    return data


def check_upload(upload) -> CheckedUpload:
    """Refuse anything too large, of a type not on the list, or whose bytes are not what its name says."""
    name = PurePath(upload.name or "").name
    extension = PurePath(name).suffix.lower()
    limit = settings.TRACKER_EVIDENCE_MAX_BYTES
    if upload.size is None or upload.size == 0:
        raise ActionRefused(_("The file is empty."), field="file")
    if upload.size > limit:
        raise ActionRefused(
            _("The file is %(size)s; files may be at most %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            field="file",
        )
    if extension not in BINARY_TYPES and extension not in TEXT_TYPES:
        raise ActionRefused(
            _("Files of this type cannot be attached. Allowed: %(types)s.") % {"types": ", ".join(ALLOWED_EXTENSIONS)},
            field="file",
        )
    head = _head(upload)
    if extension in BINARY_TYPES:
        kind = filetype.guess(head)
        expected = BINARY_TYPES[extension]
        if kind is None or kind.mime != expected:
            raise ActionRefused(
                _("The file's content does not match its name (%(name)s): it is not a real %(type)s file.")
                % {"name": name, "type": extension.lstrip(".").upper()},
                field="file",
            )
        content_type = expected
    else:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as error:
            # A multi-byte character cut at the end of the sample is fine.
            if error.start < len(head) - 4:
                raise ActionRefused(_("A text file must be UTF-8 text."), field="file") from None
        if b"\x00" in head:
            raise ActionRefused(_("A text file must be UTF-8 text."), field="file")
        content_type = TEXT_TYPES[extension]
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedUpload(content_type=content_type, size=upload.size, sha256=digest.hexdigest(), original_name=name)


def check_url(url: str) -> str:
    url = (url or "").strip()
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise ActionRefused(_("Enter a full web address starting with https:// or http://."), field="url") from None
    if len(url) > 500:
        raise ActionRefused(_("The web address is too long (at most 500 characters)."), field="url")
    return url
