"""The officer's and approver's journey through the pages, with the Django test client."""

import pytest
from django.urls import reverse

from adoption.models import Project
from lifecycle.choices import ItemStatus, ReviewStatus
from lifecycle.models import ChecklistItem, Evidence, GateReview
from tests.factories import NO_RISK_ANSWERS, approver, officer, pdf_upload

pytestmark = pytest.mark.django_db


def project_form_data(user, **overrides):
    data = {
        "title_en": "Chatbot for visa enquiries",
        "title_zh_hant": "簽證查詢聊天機械人",
        "bd": str(user.org_unit.pk),
        "business_problem": "Too many phone enquiries",
        "business_owner": "Assistant Director (Visa)",
        "strategy": "off_the_shelf",
        "category": "chatbot",
        "spend_to_date_hkd": "0",
        "rag_status": "green",
    }
    for key, value in NO_RISK_ANSWERS.items():
        data[f"screening-{key}"] = "yes" if value else "no"
    data.update(overrides)
    return data


def test_officer_registers_works_checklist_and_approver_approves(client):
    author = officer()
    client.force_login(author)
    response = client.post(reverse("adoption:project_create"), project_form_data(author))
    assert response.status_code == 302, response.content.decode()[:3000]
    project = Project.objects.get(title_en="Chatbot for visa enquiries")
    assert project.risk_tier == "low"
    page = client.get(project.get_absolute_url())
    assert page.status_code == 200
    assert 'aria-current="step"' in page.content.decode()
    for item in ChecklistItem.objects.filter(project=project, status=ItemStatus.OPEN):
        url = reverse("lifecycle:item_evidence", args=[project.pk, item.pk])
        prefix = f"item{item.pk}"
        response = client.post(
            url, {f"{prefix}-note": "Minutes", f"{prefix}-file": pdf_upload(), f"{prefix}-intent": "done"}
        )
        assert response.status_code == 302
    assert Evidence.objects.filter(checklist_item__project=project, kind="file").exists()
    response = client.post(reverse("lifecycle:project_action", args=[project.pk, "request_review"]), {"reason": ""})
    assert response.status_code == 302, response.content.decode()[:3000]
    review = GateReview.objects.get(project=project)
    for name in ("lifecycle:review_queue",):
        assert client.get(reverse(name)).status_code == 200
    decider = approver()
    client.force_login(decider)
    queue = client.get(reverse("lifecycle:review_queue"))
    assert project.title_en in queue.content.decode()
    assert client.get(reverse("lifecycle:review", args=[review.pk])).status_code == 200
    response = client.post(reverse("lifecycle:review", args=[review.pk]), {"decision": "approve", "comment": "Good"})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == ReviewStatus.APPROVED
    project.refresh_from_db()
    assert project.stage == "search"
    for name in ("timeline", "documents", "project_gate_reviews", "periodic_reviews", "incidents"):
        assert client.get(reverse(f"lifecycle:{name}", args=[project.pk])).status_code == 200, name
    client.force_login(author)
    for name in ("adoption:project_edit", "adoption:project_screening", "adoption:project_detail"):
        assert client.get(reverse(name, args=[project.pk])).status_code == 200, name
    assert client.get(reverse("adoption:project_list")).status_code == 200
    evidence = Evidence.objects.filter(checklist_item__project=project, kind="file").first()
    download = client.get(reverse("lifecycle:evidence_download", args=[evidence.pk]))
    assert download.status_code == 200
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"] == 'attachment; filename="evidence.pdf"'


def test_an_approver_returns_a_gate_and_sends_the_project_back_for_rework(client):
    from lifecycle.services import request_gate_review
    from tests.factories import complete_stage, make_project, pass_gate

    author, decider = officer(), approver()
    project = make_project(by=author)
    pass_gate(project, officer_user=author, approver_user=decider)
    complete_stage(project, author)
    review = request_gate_review(project=project, by=author)
    client.force_login(decider)
    page = client.get(reverse("lifecycle:review", args=[review.pk])).content.decode()
    assert 'name="rework_to_stage"' in page
    response = client.post(
        reverse("lifecycle:review", args=[review.pk]),
        {
            "decision": "return",
            "comment": "The business case needs the owner's sign-off.",
            "rework_to_stage": "identify",
        },
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.stage == "identify"
    client.force_login(author)
    timeline = client.get(reverse("lifecycle:timeline", args=[project.pk])).content.decode()
    assert "sent the project back to Identify" in timeline
    assert "needs the owner&#x27;s sign-off" in timeline


def test_recording_periodic_reviews_and_handling_an_incident(client):
    from django.utils import timezone

    from lifecycle.models import Incident, PeriodicReview
    from tests.factories import make_project, pass_gate

    author, decider = officer(), approver()
    live = make_project(by=author)
    for _ in range(5):
        pass_gate(live, officer_user=author, approver_user=decider)
    client.force_login(author)
    response = client.post(
        reverse("lifecycle:periodic_reviews", args=[live.pk]),
        {
            "review_date": timezone.localdate().isoformat(),
            "kpi_results": "Waiting time down 30%",
            "outcome": "met",
            "decision": "continue",
            "realised_staff_hours_per_year": "1200",
        },
    )
    assert response.status_code == 302
    assert PeriodicReview.objects.get(project=live).realised_staff_hours_per_year == 1200
    response = client.post(
        reverse("lifecycle:incidents", args=[live.pk]),
        {
            "kind": "ethical_issue",
            "severity": "high",
            "title": "Biased answers",
            "description": "Answers differed by the caller's language.",
            "occurred_at": "2026-01-05T09:30",
        },
    )
    incident = Incident.objects.get(project=live)
    assert response.status_code == 302
    url = reverse("lifecycle:incident", args=[live.pk, incident.pk])
    client.post(url, {"form": "update", "update-severity": "medium", "update-actions_taken": "Answers reviewed"})
    client.post(url, {"form": "close", "close-resolution": "Prompt fixed; retested in both languages."})
    incident.refresh_from_db()
    assert (incident.status, incident.severity, incident.actions_taken) == ("closed", "medium", "Answers reviewed")
    page = client.get(reverse("lifecycle:incidents", args=[live.pk])).content.decode()
    assert "Biased answers" in page


def test_stage_actions_through_their_confirmation_pages(client):
    from lifecycle.models import GateReview
    from tests.factories import complete_stage, make_project

    author = officer()
    project = make_project(by=author)
    complete_stage(project, author)
    client.force_login(author)

    def act(name, reason=""):
        url = reverse("lifecycle:project_action", args=[project.pk, name])
        assert client.get(url).status_code == 200
        return client.post(url, {"reason": reason})

    assert act("request_review").status_code == 302
    assert act("withdraw", "Forgot an attachment").status_code == 302
    assert GateReview.objects.get(project=project).status == "withdrawn"
    assert act("hold", "Budget freeze").status_code == 302
    project.refresh_from_db()
    assert project.stage == "on_hold"
    page = client.get(project.get_absolute_url()).content.decode()
    assert "Resume" in page
    assert "Put on hold" not in page
    assert act("resume", "Budget approved").status_code == 302
    project.refresh_from_db()
    assert project.stage == "identify"


def test_cancelling_and_retiring_through_their_confirmation_pages(client):
    from tests.factories import make_project, pass_gate

    author, decider = officer(), approver()
    project = make_project(by=author)
    client.force_login(author)
    url = reverse("lifecycle:project_action", args=[project.pk, "cancel"])
    assert client.post(url, {"reason": "Replaced by a central platform"}).status_code == 302
    project.refresh_from_db()
    assert project.stage == "cancelled"
    assert "This project was cancelled." in client.get(project.get_absolute_url()).content.decode()

    live = make_project(by=author)
    for _ in range(5):
        pass_gate(live, officer_user=author, approver_user=decider)
    assert "Retire system" not in client.get(live.get_absolute_url()).content.decode()  # officers do not retire
    client.force_login(decider)
    url = reverse("lifecycle:project_action", args=[live.pk, "retire"])
    assert client.post(url, {"reason": "Superseded"}).status_code == 302
    live.refresh_from_db()
    assert live.stage == "retired"


def test_an_action_confirmed_on_a_stale_page_is_refused(client):
    from tests.factories import make_project

    author = officer()
    project = make_project(by=author)
    client.force_login(author)
    url = reverse("lifecycle:project_action", args=[project.pk, "hold"])
    client.post(url, {"reason": "First", "seen_stage": "identify"})
    resume = reverse("lifecycle:project_action", args=[project.pk, "resume"])
    client.post(resume, {"reason": "Back", "seen_stage": "on_hold"})
    # A second tab still showing the project on hold tries to resume it again.
    response = client.post(resume, {"reason": "Again", "seen_stage": "on_hold"})
    assert "Someone else changed this project" in response.content.decode()
    project.refresh_from_db()
    assert project.stage == "identify"
