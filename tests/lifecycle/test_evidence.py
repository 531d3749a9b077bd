"""Evidence files: size limit, type allow-list, real content, storage outside the web root."""

import hashlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from config.settings import base as base_settings
from lifecycle.errors import ActionRefused
from lifecycle.evidence import check_upload
from lifecycle.models import ChecklistItem, Evidence
from lifecycle.services import add_evidence, complete_item, remove_evidence
from tests.factories import docx_upload, exe_upload, large_upload, pdf_upload, png_upload, xlsx_upload
from tests.lifecycle.assertions import stored_files

pytestmark = pytest.mark.django_db

UPLOADS = {"pdf": pdf_upload, "png": png_upload, "docx": docx_upload, "xlsx": xlsx_upload}


def item(project, code="S1-01") -> ChecklistItem:
    return ChecklistItem.objects.get(project=project, template_item__code=code)


@pytest.mark.parametrize("kind", sorted(UPLOADS))
def test_a_real_document_is_accepted(project, po, kind):
    done = complete_item(item=item(project), by=po, upload=UPLOADS[kind]())
    assert done.evidence.get().content_type == check_upload(UPLOADS[kind]()).content_type


def test_a_utf8_text_file_is_accepted(project, po):
    upload = SimpleUploadedFile("notes.txt", "會議紀錄: agreed".encode())
    assert add_evidence(item=item(project), by=po, upload=upload)[0].content_type == "text/plain"


def test_a_stored_file_keeps_its_name_size_and_checksum(project, po):
    upload = pdf_upload("Business case v2.pdf")
    expected = (upload.name, upload.size, hashlib.sha256(upload.read()).hexdigest())
    evidence = add_evidence(item=item(project), by=po, upload=upload)[0]
    assert (evidence.original_name, evidence.size, evidence.sha256) == expected


def test_a_stored_file_gets_a_random_name_under_media_root(project, po):
    evidence = add_evidence(item=item(project), by=po, upload=pdf_upload("../../etc/passwd.pdf"))
    path = Path(evidence[0].file.path)
    assert (path.is_relative_to(settings.MEDIA_ROOT), path.parent.name, "passwd" in path.name) == (
        True,
        str(project.pk),
        False,
    )


def test_media_root_is_outside_the_web_root():
    web_roots = [Path(base_settings.STATIC_ROOT), *map(Path, base_settings.STATICFILES_DIRS)]
    media_root = Path(base_settings.MEDIA_ROOT)
    assert [media_root.is_relative_to(root) for root in web_roots] == [False] * len(web_roots)


def test_no_url_serves_a_stored_file(client, project, po):
    evidence = add_evidence(item=item(project), by=po, upload=pdf_upload())[0]
    client.force_login(po)
    assert client.get(f"{settings.MEDIA_URL or '/media/'}{evidence.file.name}").status_code == 404


def test_a_fifty_megabyte_file_is_refused_before_anything_is_written(project, po, tmp_path):
    upload = large_upload(tmp_path / "scan.pdf", 50 * 1024 * 1024)
    with upload, pytest.raises(ActionRefused, match=r"files may be at most 10\.0"):
        complete_item(item=item(project), by=po, upload=upload)
    assert stored_files() == []


@override_settings(TRACKER_EVIDENCE_MAX_BYTES=2048)
def test_the_size_limit_comes_from_the_settings(project, po):
    with pytest.raises(ActionRefused, match=r"files may be at most 2\.0"):
        add_evidence(item=item(project), by=po, upload=pdf_upload(size=4096))


@pytest.mark.parametrize("name", ["tool.exe", "page.html", "logo.svg", "macro.docm", "archive.zip", "noextension"])
def test_a_type_not_on_the_allow_list_is_refused(project, po, name):
    upload = SimpleUploadedFile(name, b"%PDF-1.4\n" + b"0" * 100)
    with pytest.raises(ActionRefused, match="Files of this type cannot be attached"):
        add_evidence(item=item(project), by=po, upload=upload)


def test_an_executable_renamed_pdf_is_refused(project, po):
    with pytest.raises(ActionRefused, match="it is not a real PDF file"):
        complete_item(item=item(project), by=po, upload=exe_upload("minutes.pdf"))


def test_a_png_renamed_docx_is_refused(project, po):
    with pytest.raises(ActionRefused, match="it is not a real DOCX file"):
        add_evidence(item=item(project), by=po, upload=png_upload("minutes.docx"))


def test_a_binary_file_named_txt_is_refused(project, po):
    upload = SimpleUploadedFile("notes.txt", b"MZ\x00\x00\x90binary")
    with pytest.raises(ActionRefused, match="A text file must be UTF-8 text"):
        add_evidence(item=item(project), by=po, upload=upload)


def test_an_empty_file_is_refused(project, po):
    with pytest.raises(ActionRefused, match="The file is empty"):
        add_evidence(item=item(project), by=po, upload=SimpleUploadedFile("empty.pdf", b""))


def test_a_refused_action_leaves_no_file_behind(project, po):
    with pytest.raises(ActionRefused):
        add_evidence(item=item(project), by=po, upload=pdf_upload(), url="javascript:alert(1)")
    assert stored_files() == []


def test_a_file_already_stored_is_removed_when_the_action_fails_later(project, po, monkeypatch):
    def refuse(**kwargs):
        raise ActionRefused("Refused after the file was stored")

    monkeypatch.setattr("lifecycle.services.checklist.record", refuse)
    with pytest.raises(ActionRefused):
        complete_item(item=item(project), by=po, upload=pdf_upload())
    assert (stored_files(), Evidence.objects.count()) == ([], 0)


def test_removed_evidence_is_kept_with_its_file_for_the_record(project, po):
    _note, second = add_evidence(item=item(project), by=po, note="Minutes", upload=pdf_upload())
    remove_evidence(evidence=second, by=po, reason="Wrong version")
    second.refresh_from_db()
    assert (second.removed_by, len(stored_files(project))) == (po, 1)


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "data:text/html,<script>", "ftp://files.example/x", "intranet/page", "https://"]
)
def test_a_link_must_be_a_web_address(project, po, url):
    with pytest.raises(ActionRefused, match="Enter a full web address"):
        add_evidence(item=item(project), by=po, url=url)
