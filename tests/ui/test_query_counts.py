"""Every page of issue 4 runs a fixed number of queries, whatever the number of projects, checklist
items, evidence, reviews, incidents and audit events: measured on a small and a three times larger
portfolio, pinned to the same count."""

import pytest
from django.urls import reverse

from lifecycle.models import ChecklistItem, Evidence, GateReview, Incident
from tests.factories import dpo_officer
from tests.ui.conftest import grow_portfolio

pytestmark = pytest.mark.django_db

# Every signed-in page starts with 2 queries: the session and the user (with their B/D).
OFFICER_PAGES = {
    # + count of matching projects, + one page of them with "gate review waiting" as a subquery
    "list": 4,
    # the same with filters, search and sort applied in the SQL
    "list_filtered": 4,
    # + B/D choices (count and list), people of the B/D (officers, responsible officers),
    # catalogue solutions, vendors, current checklist template
    "create": 9,
    # + project, checklist items with template items and who completed them, their evidence,
    # the pending review, the state machine's conditions (gate approved / returned for rework,
    # no pending review: one small query each, per available transition), officers, recent timeline
    "detail": 11,
    "detail_live": 12,
    # + project, the form's choices and the project's current officers
    "edit": 11,
    # + project, the latest screening
    "screening": 4,
    # + project, the item, its evidence, the pending review
    "item": 6,
    # + project and the gate panel (items, evidence, pending review, state machine conditions)
    "action": 9,
    # + project, its gate reviews
    "gate_reviews": 4,
    # + project, its periodic reviews
    "periodic": 4,
    # + project, its incidents
    "incidents": 4,
    # + project, the incident
    "incident": 4,
    # + project, all its evidence
    "documents": 4,
    # + project, count of audit events, one page of them with their actors
    "timeline": 5,
    # + the evidence, fetched through the user's scope
    "download": 3,
    # + the user's own pending requests (an officer decides nothing: no queue query)
    "queue_officer": 3,
}
APPROVER_PAGES = {
    # + navigation count, reviews waiting for this approver, the approver's own requests
    "queue": 5,
    # + navigation count, the review with its project and people
    "review": 4,
}
# + count, one page, and the bureau and B/D choices of the wider-scope filters (count and list each)
DPO_LIST = 8


def _urls(projects):
    first, live = projects[0], projects[-1]
    item = ChecklistItem.objects.filter(project=first).first()
    evidence = Evidence.objects.filter(kind="file", checklist_item__project=first).first()
    incident = Incident.objects.filter(project=live).first()
    return {
        "list": reverse("adoption:project_list"),
        "list_filtered": reverse("adoption:project_list") + "?q=Project&stage=identify&genai=yes&sort=code",
        "create": reverse("adoption:project_create"),
        "detail": first.get_absolute_url(),
        "detail_live": live.get_absolute_url(),
        "edit": reverse("adoption:project_edit", args=[first.pk]),
        "screening": reverse("adoption:project_screening", args=[first.pk]),
        "item": reverse("lifecycle:item", args=[first.pk, item.pk]),
        "action": reverse("lifecycle:project_action", args=[first.pk, "hold"]),
        "gate_reviews": reverse("lifecycle:project_gate_reviews", args=[live.pk]),
        "periodic": reverse("lifecycle:periodic_reviews", args=[live.pk]),
        "incidents": reverse("lifecycle:incidents", args=[live.pk]),
        "incident": reverse("lifecycle:incident", args=[live.pk, incident.pk]),
        "documents": reverse("lifecycle:documents", args=[first.pk]),
        "timeline": reverse("lifecycle:timeline", args=[live.pk]),
        "download": reverse("lifecycle:evidence_download", args=[evidence.pk]),
        "queue_officer": reverse("lifecycle:review_queue"),
    }


@pytest.mark.parametrize("size", [2, 6])
def test_page_query_counts_do_not_grow(client, people, size, django_assert_num_queries):
    projects = grow_portfolio(people, size)
    client.force_login(people["officer"])
    for name, url in _urls(projects).items():
        with django_assert_num_queries(OFFICER_PAGES[name]):
            response = client.get(url)
        assert response.status_code == 200, name
    review = GateReview.objects.filter(status="pending").order_by("id").first()
    client.force_login(people["approver"])
    pages = {"queue": reverse("lifecycle:review_queue"), "review": reverse("lifecycle:review", args=[review.pk])}
    for name, url in pages.items():
        with django_assert_num_queries(APPROVER_PAGES[name]):
            response = client.get(url)
        assert response.status_code == 200, name
    client.force_login(dpo_officer())
    with django_assert_num_queries(DPO_LIST):
        assert client.get(reverse("adoption:project_list")).status_code == 200
