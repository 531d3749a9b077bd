"""The permission matrix extended to every address of issue 4: each role × inside / outside its scope
× read / write. Inside: 200 (or a redirect with a message). Outside: 404, never 403, and a write
outside scope or by a role that may not write changes nothing."""

import pytest
from django.urls import reverse
from django.utils import timezone

from adoption.models import Project
from lifecycle.models import AuditEvent, ChecklistItem, Evidence, GateReview, Incident, PeriodicReview
from lifecycle.services import add_evidence, open_incident, reopen_item, request_gate_review
from tests.factories import (
    NO_RISK_ANSWERS,
    approver,
    complete_stage,
    dpo_officer,
    make_project,
    management,
    officer,
    pass_gate,
    pdf_upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    author, decider = officer(), approver()
    project = make_project(by=author)
    complete_stage(project, author)
    items = list(ChecklistItem.objects.filter(project=project).select_related("template_item"))
    done = items[0]
    na_item = next(item for item in items if item.template_item.na_allowed)
    reopen_item(item=na_item, by=author)
    evidence = add_evidence(item=na_item, by=author, upload=pdf_upload())[0]
    live = make_project(by=author, title_en="Live system")
    for _ in range(5):
        pass_gate(live, officer_user=author, approver_user=decider)
    incident = open_incident(
        project=live,
        by=author,
        kind="anomaly",
        severity="low",
        title="Odd output",
        description="It said something odd.",
        occurred_at=timezone.now(),
    )
    waiting = make_project(by=author, title_en="Waiting")
    complete_stage(waiting, author)
    review = request_gate_review(project=waiting, by=author)
    return {
        "author": author,
        "decider": decider,
        "project": project,
        "done": done,
        "na_item": na_item,
        "evidence": evidence,
        "live": live,
        "incident": incident,
        "review": review,
    }


def read_urls(w):
    p, live = w["project"].pk, w["live"].pk
    return [
        reverse("adoption:project_detail", args=[p]),
        reverse("adoption:project_edit", args=[p]),
        reverse("adoption:project_screening", args=[p]),
        reverse("lifecycle:item", args=[p, w["na_item"].pk]),
        reverse("lifecycle:project_action", args=[p, "hold"]),
        reverse("lifecycle:project_action", args=[p, "request_review"]),
        reverse("lifecycle:project_gate_reviews", args=[p]),
        reverse("lifecycle:periodic_reviews", args=[live]),
        reverse("lifecycle:incidents", args=[live]),
        reverse("lifecycle:incident", args=[live, w["incident"].pk]),
        reverse("lifecycle:documents", args=[p]),
        reverse("lifecycle:timeline", args=[p]),
        reverse("lifecycle:evidence_download", args=[w["evidence"].pk]),
        reverse("lifecycle:review", args=[w["review"].pk]),
    ]


def write_requests(w):
    p, live = w["project"], w["live"]
    form = {
        "title_en": "Renamed",
        "bd": str(p.bd_id),
        "business_problem": "x",
        "business_owner": "y",
        "strategy": "bespoke",
        "category": "other",
        "spend_to_date_hkd": "0",
        "rag_status": "red",
    }
    screening = {f"screening-{key}": "no" for key in NO_RISK_ANSWERS}
    na = w["na_item"]
    return [
        (reverse("adoption:project_edit", args=[p.pk]), form),
        (reverse("adoption:project_screening", args=[p.pk]), screening),
        (
            reverse("lifecycle:item_evidence", args=[p.pk, na.pk]),
            {f"item{na.pk}-note": "n", f"item{na.pk}-intent": "done"},
        ),
        (reverse("lifecycle:item_not_applicable", args=[p.pk, na.pk]), {f"na{na.pk}-justification": "Not needed"}),
        (reverse("lifecycle:item_reopen", args=[p.pk, w["done"].pk]), {}),
        (reverse("lifecycle:evidence_remove", args=[p.pk, w["evidence"].pk]), {"reason": "wrong file"}),
        (reverse("lifecycle:project_action", args=[p.pk, "hold"]), {"reason": "Budget freeze"}),
        (reverse("lifecycle:project_action", args=[p.pk, "cancel"]), {"reason": "No longer needed"}),
        (
            reverse("lifecycle:periodic_reviews", args=[live.pk]),
            {
                "review_date": timezone.localdate().isoformat(),
                "kpi_results": "ok",
                "outcome": "met",
                "decision": "continue",
            },
        ),
        (
            reverse("lifecycle:incidents", args=[live.pk]),
            {
                "kind": "anomaly",
                "severity": "low",
                "title": "t",
                "description": "d",
                "occurred_at": "2024-01-01T10:00",
            },
        ),
        (
            reverse("lifecycle:incident", args=[live.pk, w["incident"].pk]),
            {"form": "close", "close-resolution": "Fixed"},
        ),
        (reverse("lifecycle:review", args=[w["review"].pk]), {"decision": "approve", "comment": "ok"}),
    ]


def state():
    """Everything a write could change."""
    return (
        AuditEvent.objects.count(),
        Evidence.objects.filter(removed_at__isnull=True).count(),
        GateReview.objects.filter(status="pending").count(),
        Incident.objects.filter(status="open").count(),
        PeriodicReview.objects.count(),
        sorted(Project.objects.values_list("pk", "stage", "title_en", "updated_at")),
    )


def test_every_address_is_404_outside_scope_and_readable_inside(client, world):
    outsiders = [officer("FEHD"), approver("FEHD"), management("EEB")]
    before = state()
    for user in outsiders:
        client.force_login(user)
        for url in read_urls(world):
            assert client.get(url).status_code == 404, (user.role, url)
        for url, data in write_requests(world):
            assert client.post(url, data).status_code == 404, (user.role, url)
    assert state() == before
    # The same addresses, inside scope, for every role.
    for user in (world["author"], world["decider"], management("SB"), dpo_officer()):
        client.force_login(user)
        for url in read_urls(world):
            response = client.get(url)
            # The edit forms send a role that may not edit back to the project, with a message.
            allowed = (200, 302) if url.endswith(("/edit/", "/screening/")) else (200,)
            assert response.status_code in allowed, (user.role, url, response.status_code)


def test_writes_by_roles_that_may_not_do_them_change_nothing(client, world):
    before = state()
    for user in (management("SB"), dpo_officer()):
        client.force_login(user)
        for url, data in write_requests(world):
            response = client.post(url, data)
            assert response.status_code in (200, 302), (user.role, url, response.status_code)
        response = client.post(reverse("adoption:project_create"), {"title_en": "Sneaky"})
        assert response.status_code == 302
    assert state() == before
    assert not Project.objects.filter(title_en="Sneaky").exists()

    # Nor can a role do what belongs to another: an approver working the checklist, an officer deciding.
    client.force_login(world["decider"])
    na = world["na_item"]
    url = reverse("lifecycle:item_evidence", args=[world["project"].pk, na.pk])
    response = client.post(url, {f"item{na.pk}-note": "n", f"item{na.pk}-intent": "done"})
    assert response.status_code == 200
    assert "Your role cannot work on this project" in response.content.decode()
    client.force_login(world["author"])
    response = client.post(reverse("lifecycle:review", args=[world["review"].pk]), {"decision": "approve"})
    assert response.status_code == 200
    assert state() == before


def test_the_requester_cannot_decide_their_own_review(client, world):
    review = world["review"]
    requester = approver()
    review.requested_by = requester
    review.save(update_fields=["requested_by"])
    client.force_login(requester)
    queue = client.get(reverse("lifecycle:review_queue")).content.decode()
    assert "Your requests, waiting for another approver" in queue
    response = client.post(reverse("lifecycle:review", args=[review.pk]), {"decision": "approve"})
    assert "another approver must decide it" in response.content.decode()
    review.refresh_from_db()
    assert review.status == "pending"
