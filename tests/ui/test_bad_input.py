"""Bad input on every form and endpoint of the project pages: a clear error, tied to its field, and
nothing changed."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from adoption.models import Project
from lifecycle.models import AuditEvent, ChecklistItem, Evidence, GateReview, Incident, PeriodicReview
from lifecycle.services import open_incident, request_gate_review
from tests.factories import approver, complete_stage, make_project, officer, pass_gate, screen
from tests.ui.test_journey import project_form_data

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        Project.objects.count(),
        AuditEvent.objects.count(),
        Evidence.objects.count(),
        GateReview.objects.count(),
        Incident.objects.filter(status="open").count(),
        PeriodicReview.objects.count(),
        sorted(Project.objects.values_list("pk", "stage", "title_en", "risk_tier", "updated_at")),
    )


def invalid(response, field_id):
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="error-summary"' in html or "alert--error" in html
    if field_id:
        assert f'id="{field_id}"' in html
        assert f'href="#{field_id}' in html or "aria-invalid" in html
    return html


def test_bad_filters_are_reported_or_ignored_never_an_error(client):
    user = officer()
    make_project(by=user)
    client.force_login(user)
    response = client.get(
        reverse("adoption:project_list"),
        {"stage": "nonsense", "bd": "NOPE", "genai": "maybe", "sort": "bogus", "page": "abc", "q": "x" * 300},
    )
    assert response.status_code == 200
    assert "Some filters were not understood and are ignored" in response.content.decode()
    assert client.get(reverse("adoption:project_list"), {"page": "999"}).status_code == 200


def test_registering_with_bad_input_shows_errors_and_creates_nothing(client):
    user = officer()
    client.force_login(user)
    before = snapshot()
    html = invalid(client.post(reverse("adoption:project_create"), {}), "id_business_problem")
    assert 'aria-invalid="true"' in html
    data = project_form_data(
        user,
        budget_hkd="-5",
        start_date="2026-05-01",
        target_identify_date="2026-01-01",
        **{"screening-generative_ai": "yes"},  # its follow-up question left unanswered
    )
    html = invalid(client.post(reverse("adoption:project_create"), data), "id_budget_hkd")
    assert "cannot be negative" in html
    assert "cannot be before the start date" in html
    assert "id_screening-genai_output_to_public_error" in html
    assert snapshot() == before


def test_editing_with_bad_input_changes_nothing(client):
    user = officer()
    project = make_project(by=user)
    client.force_login(user)
    before = snapshot()
    data = project_form_data(user, title_en="", title_zh_hant="", strategy="telepathy", bd="999999")
    html = invalid(client.post(reverse("adoption:project_edit", args=[project.pk]), data), "id_title_en")
    assert "Select a valid choice" in html
    assert snapshot() == before


def test_screening_with_unanswered_questions_changes_nothing(client):
    user = officer()
    project = make_project(by=user)
    client.force_login(user)
    before = snapshot()
    response = client.post(reverse("adoption:project_screening", args=[project.pk]), {"screening-personal_data": "x"})
    invalid(response, "id_screening-unacceptable_use_group")
    assert snapshot() == before


@pytest.fixture
def open_item(db):
    user = officer()
    project = make_project(by=user)
    screen(project, user)
    item = ChecklistItem.objects.filter(project=project, status="open").select_related("template_item").first()
    return user, project, item


@pytest.mark.parametrize("htmx", [False, True])
def test_checklist_evidence_with_bad_input_changes_nothing(client, open_item, htmx):
    user, project, item = open_item
    client.force_login(user)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    url = reverse("lifecycle:item_evidence", args=[project.pk, item.pk])
    prefix = f"item{item.pk}"
    before = snapshot()
    cases = [
        ({f"{prefix}-intent": "done"}, "Add evidence to mark the item done"),
        ({f"{prefix}-url": "javascript:alert(1)", f"{prefix}-intent": "add"}, "Enter a full web address"),
        (
            {
                f"{prefix}-file": SimpleUploadedFile("report.pdf", b"MZ\x90\x00 not a pdf", "application/pdf"),
                f"{prefix}-intent": "done",
            },
            "does not match its name",
        ),
        (
            {f"{prefix}-file": SimpleUploadedFile("virus.exe", b"MZ\x90\x00", "application/octet-stream")},
            "cannot be attached",
        ),
    ]
    for data, message in cases:
        response = client.post(url, data, **headers)
        html = response.content.decode()
        assert response.status_code == 200
        assert message in html, message
        assert "aria-invalid" in html
        if htmx:
            assert "<html" not in html  # only the item's fragment
    assert snapshot() == before


def test_not_applicable_needs_a_justification_and_permission_of_the_item(client, open_item):
    user, project, item = open_item
    client.force_login(user)
    before = snapshot()
    url = reverse("lifecycle:item_not_applicable", args=[project.pk, item.pk])
    html = client.post(url, {f"na{item.pk}-justification": "   "}).content.decode()
    assert "Say why this item does not apply" in html
    mandatory = ChecklistItem.objects.filter(project=project, template_item__na_allowed=False, status="open").first()
    url = reverse("lifecycle:item_not_applicable", args=[project.pk, mandatory.pk])
    html = client.post(url, {f"na{mandatory.pk}-justification": "Not for us"}).content.decode()
    assert "cannot be marked not applicable" in html
    assert snapshot() == before


def test_actions_need_their_reason_and_unknown_actions_do_not_exist(client, open_item):
    user, project, _item = open_item
    client.force_login(user)
    before = snapshot()
    html = invalid(
        client.post(reverse("lifecycle:project_action", args=[project.pk, "hold"]), {"reason": " "}), "id_reason"
    )
    assert "Give the reason" in html
    assert client.get(reverse("lifecycle:project_action", args=[project.pk, "explode"])).status_code == 404
    # Requesting a review with required items still open is refused with the codes.
    response = client.post(reverse("lifecycle:project_action", args=[project.pk, "request_review"]), {"reason": ""})
    assert "still open" in response.content.decode()
    assert snapshot() == before


def test_gate_decisions_with_bad_input_change_nothing(client):
    author, decider = officer(), approver()
    project = make_project(by=author)
    pass_gate(project, officer_user=author, approver_user=decider)
    complete_stage(project, author)
    review = request_gate_review(project=project, by=author)
    client.force_login(decider)
    url = reverse("lifecycle:review", args=[review.pk])
    before = snapshot()
    invalid(client.post(url, {}), "id_decision_group")
    html = invalid(client.post(url, {"decision": "return", "comment": ""}), "id_comment")
    assert "Say what needs to change" in html
    invalid(
        client.post(url, {"decision": "return", "comment": "x", "rework_to_stage": "deploy_improve"}),
        "id_rework_to_stage",
    )
    invalid(client.post(url, {"decision": "approve", "rework_to_stage": "identify"}), "id_rework_to_stage")
    assert snapshot() == before


def test_operation_forms_with_bad_input_change_nothing(client):
    author, decider = officer(), approver()
    live = make_project(by=author)
    for _ in range(5):
        pass_gate(live, officer_user=author, approver_user=decider)
    incident = open_incident(
        project=live, by=author, kind="anomaly", severity="low", title="t", description="d", occurred_at=timezone.now()
    )
    client.force_login(author)
    before = snapshot()
    tomorrow = (timezone.localdate() + timezone.timedelta(days=1)).isoformat()
    url = reverse("lifecycle:periodic_reviews", args=[live.pk])
    data = {"review_date": tomorrow, "kpi_results": "ok", "outcome": "met", "decision": "continue"}
    assert "cannot be in the future" in invalid(client.post(url, data), "id_review_date")
    invalid(client.post(url, {**data, "review_date": "not a date", "outcome": "great"}), "id_review_date")
    url = reverse("lifecycle:incidents", args=[live.pk])
    data = {"kind": "anomaly", "severity": "low", "title": "t", "description": "d", "occurred_at": "2999-01-01T10:00"}
    assert "in the future" in invalid(client.post(url, data), "id_occurred_at")
    url = reverse("lifecycle:incident", args=[live.pk, incident.pk])
    invalid(client.post(url, {"form": "close", "close-resolution": ""}), "id_close-resolution")
    assert snapshot() == before


def test_evidence_download_of_a_note_or_a_missing_row_is_404(client, open_item):
    user, project, _item = open_item
    client.force_login(user)
    note = Evidence.objects.filter(checklist_item__project=project, kind="note").first()
    assert client.get(reverse("lifecycle:evidence_download", args=[note.pk])).status_code == 404
    assert client.get("/evidence/999999999/download/").status_code == 404
    assert client.get(reverse("lifecycle:item", args=[project.pk, 999999999])).status_code == 404
