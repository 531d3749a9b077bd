"""Every page of issue 4, in both languages, has no serious or critical axe-core violation."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in, switch_language

pytestmark = pytest.mark.django_db(transaction=True)


def _urls_for(data):
    from django.urls import reverse

    from lifecycle.models import ChecklistItem, GateReview

    chatbot, transcribe = data["chatbot"], data["transcribe"]
    item = ChecklistItem.objects.filter(project=chatbot, status="open").first()
    review = GateReview.objects.filter(project=data["ocr"], status="pending").get()
    officer_urls = [
        reverse("adoption:project_list") + "?stage=identify&genai=yes&sort=code",
        reverse("adoption:project_create"),
        reverse("adoption:project_detail", args=[chatbot.pk]),
        reverse("adoption:project_edit", args=[chatbot.pk]),
        reverse("adoption:project_screening", args=[chatbot.pk]),
        reverse("lifecycle:item", args=[chatbot.pk, item.pk]),
        reverse("lifecycle:project_action", args=[chatbot.pk, "hold"]),
        reverse("lifecycle:project_gate_reviews", args=[transcribe.pk]),
        reverse("lifecycle:periodic_reviews", args=[transcribe.pk]),
        reverse("lifecycle:incidents", args=[transcribe.pk]),
        reverse("lifecycle:documents", args=[chatbot.pk]),
        reverse("lifecycle:timeline", args=[transcribe.pk]),
        reverse("lifecycle:review_queue"),
    ]
    approver_urls = [reverse("lifecycle:review_queue"), reverse("lifecycle:review", args=[review.pk])]
    return officer_urls, approver_urls


@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_every_page_is_accessible(page, language):
    from django.utils import timezone

    from lifecycle.services import open_incident
    from tests.browser import scenario

    data = scenario.build()
    incident = open_incident(
        project=data["transcribe"],
        by=data["officer"],
        kind="anomaly",
        severity="medium",
        title="Transcripts mix up speakers",
        description="Two counters' conversations were merged.",
        occurred_at=timezone.now(),
    )
    officer_urls, approver_urls = _urls_for(data)
    officer_urls.append(f"/projects/{data['transcribe'].pk}/incidents/{incident.pk}/")
    for user, urls in ((data["officer"], officer_urls), (data["approver"], approver_urls)):
        page.context.clear_cookies()
        sign_in(page, user)
        if language == "zh-hant":
            switch_language(page, "zh-hant")
        for url in urls:
            response = page.goto(url)
            assert response.status == 200, url
            assert_accessible(page)
    # A phone-sized screen: the tables scroll inside focusable regions.
    page.set_viewport_size({"width": 390, "height": 844})
    for url in (approver_urls[0], officer_urls[2]):
        page.goto(url)
        assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    # Forms with their errors shown.
    page.context.clear_cookies()
    sign_in(page, data["officer"])
    if language == "zh-hant":
        switch_language(page, "zh-hant")
    page.goto(f"/projects/{data['chatbot'].pk}/actions/hold/")
    page.click("main form button[type=submit]")
    expect(page.locator("#error-summary")).to_be_visible()
    assert_accessible(page)
    page.goto(f"/projects/{data['transcribe'].pk}/incidents/")
    page.click("main form.panel button[type=submit]")
    expect(page.locator("#error-summary")).to_be_visible()
    assert_accessible(page)
