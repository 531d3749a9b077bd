"""Working the checklist with htmx (fragments swapped in place) and without JavaScript (full pages)."""

import pytest
from django.urls import reverse

from lifecycle.models import ChecklistItem, Evidence
from tests.factories import NO_RISK_ANSWERS, make_project, officer, pdf_upload, screen

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def setup(db):
    user = officer()
    project = make_project(by=user)
    screen(project, user)
    items = list(
        ChecklistItem.objects.filter(project=project, status="open")
        .select_related("template_item")
        .order_by("template_item__order")
    )
    return user, project, items


def test_marking_done_with_htmx_returns_the_item_and_the_gate_panel(client, setup):
    user, project, items = setup
    client.force_login(user)
    item = items[0]
    response = client.post(
        reverse("lifecycle:item_evidence", args=[project.pk, item.pk]),
        {f"item{item.pk}-file": pdf_upload("minutes.pdf"), f"item{item.pk}-intent": "done"},
        **HTMX,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert f'id="item-{item.pk}"' in html
    assert "checklist-item--done" in html
    assert 'id="gate-panel"' in html
    assert 'hx-swap-oob="true"' in html
    assert "minutes.pdf" in html
    item.refresh_from_db()
    assert item.status == "done"


def test_without_javascript_the_browser_goes_back_to_the_item_on_the_project_page(client, setup):
    user, project, items = setup
    client.force_login(user)
    item = items[0]
    url = reverse("lifecycle:item_evidence", args=[project.pk, item.pk])
    response = client.post(url, {f"item{item.pk}-note": "Endorsed", f"item{item.pk}-intent": "add"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#item-{item.pk}")
    assert Evidence.objects.filter(checklist_item=item, note="Endorsed").exists()
    item.refresh_from_db()
    assert item.status == "open"


def test_not_applicable_reopen_and_remove_evidence(client, setup):
    user, project, items = setup
    client.force_login(user)
    item = next(item for item in items if item.template_item.na_allowed)
    url = reverse("lifecycle:item_not_applicable", args=[project.pk, item.pk])
    response = client.post(url, {f"na{item.pk}-justification": "Covered by the central platform"}, **HTMX)
    assert "Covered by the central platform" in response.content.decode()
    item.refresh_from_db()
    assert item.status == "not_applicable"
    client.post(reverse("lifecycle:item_reopen", args=[project.pk, item.pk]), {f"reopen{item.pk}-reason": "x"}, **HTMX)
    item.refresh_from_db()
    assert item.status == "open"
    client.post(
        reverse("lifecycle:item_evidence", args=[project.pk, item.pk]),
        {f"item{item.pk}-note": "First", f"item{item.pk}-intent": "add"},
    )
    evidence = Evidence.objects.get(checklist_item=item, note="First")
    response = client.post(reverse("lifecycle:evidence_remove", args=[project.pk, evidence.pk]), {}, **HTMX)
    assert response.status_code == 200
    evidence.refresh_from_db()
    assert evidence.removed_at is not None
    # The documents tab keeps it, marked as removed.
    assert "Removed by" in client.get(reverse("lifecycle:documents", args=[project.pk])).content.decode()


def test_project_page_marks_blocking_items_in_words_and_shows_guidance(client, setup):
    user, project, _items = setup
    client.force_login(user)
    html = client.get(project.get_absolute_url()).content.decode()
    assert "Required – blocks the gate" in html
    assert "Why it matters:" in html
    assert 'aria-current="step"' in html
    assert "Request gate review" not in html  # required items are still open
    assert "Before you can request the gate review" in html


def test_the_profile_preview_is_a_fragment_with_htmx_and_a_full_page_without(client, setup):
    user, project, _items = setup
    client.force_login(user)
    url = reverse("adoption:project_edit", args=[project.pk])
    data = {"_preview": "1", "processes_personal_data": "on"}
    fragment = client.post(url, data, **HTMX).content.decode()
    assert "<html" not in fragment
    assert "What this changes on the checklist" in fragment
    page = client.post(url, data).content.decode()
    assert "<html" in page
    assert "What this changes on the checklist" in page
    assert project.checklist_items.count() == ChecklistItem.objects.filter(project=project).count()
    screening = reverse("adoption:project_screening", args=[project.pk])
    answers = {f"screening-{key}": "no" for key in NO_RISK_ANSWERS} | {"screening-decides_on_individuals": "yes"}
    fragment = client.post(screening, {**answers, "_preview": "1"}, **HTMX).content.decode()
    assert "High" in fragment
    project.refresh_from_db()
    assert project.risk_tier == "low"  # a preview saves nothing
