"""The journey of issue 4 in a real browser, in English and in Traditional Chinese, checked with axe-core:
an officer registers a project, completes the identify checklist with an uploaded file and requests
the gate review; an approver approves it; the project shows stage 2 and the timeline shows both; an
officer of another B/D gets a 404 for the project's address."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in, switch_language
from tests.factories import approver, officer

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n% minutes of the business owner's endorsement\n" + b"0" * 200


def _sign_in(page, user, language):
    page.context.clear_cookies()
    sign_in(page, user)
    if language == "zh-hant":
        switch_language(page, "zh-hant")


@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_officer_and_approver_take_a_project_through_gate_1(page, language, tmp_path):
    author = officer(first_name="Tai Man", last_name="Chan")
    decider = approver(first_name="Siu Ming", last_name="Wong")
    outsider = officer("FEHD")
    evidence = tmp_path / "endorsement.pdf"
    evidence.write_bytes(PDF)

    _sign_in(page, author, language)
    assert_accessible(page)
    page.click("a[href='/projects/new/']")
    # Submitting the empty form shows the error summary, linked to the fields.
    page.click(".project-form > .actions button[type=submit]")
    summary = page.locator("#error-summary")  # expect() waits for the response to the post
    expect(summary).to_be_visible()
    assert page.locator("#id_business_problem[aria-invalid=true]").count() == 1
    assert_accessible(page)

    page.fill("#id_title_en", "Visa enquiry chatbot")
    page.fill("#id_title_zh_hant", "簽證查詢聊天機械人")
    page.fill("#id_business_problem", "Phone lines are busy with routine enquiries.")
    page.fill("#id_business_owner", "Assistant Director (Visa)")
    page.check("#id_strategy_0")
    page.select_option("#id_category", "chatbot")
    # A follow-up question appears only after a "yes" to its parent.
    follow_up = page.locator("[data-shown-if=personal_data]")
    expect(follow_up).to_be_hidden()
    page.check("#id_screening-personal_data_0")
    expect(follow_up).to_be_visible()
    page.check("#id_screening-personal_data_1")
    expect(follow_up).to_be_hidden()
    for key in (
        "unacceptable_use",
        "decides_on_individuals",
        "acts_autonomously",
        "critical_infrastructure",
        "generative_ai",
        "public_facing",
        "decision_support",
    ):
        page.check(f"#id_screening-{key}_1")
    page.click(".project-form > .actions button[type=submit]")
    page.wait_for_selector(".stage-progress")
    project_url = page.url
    assert "/projects/" in project_url
    assert_accessible(page)

    # Complete every blocking item without leaving the page: the first with an uploaded file.
    first = True
    while page.locator(".checklist-item--blocking").count():
        item = page.locator(".checklist-item--blocking").first
        item_id = item.get_attribute("id")
        item.locator("details.item-work summary").first.click()
        if first:
            item.locator("input[type=file]").set_input_files(str(evidence))
            first = False
        else:
            item.locator("textarea[name$='-note']").fill("Recorded in the project file.")
        item.locator("button[value=done]").click()
        page.wait_for_selector(f"#{item_id}.checklist-item--done")
    assert page.locator(".evidence__list a", has_text="endorsement.pdf").count() == 1
    assert_accessible(page)

    page.click("a[href$='/actions/request_review/']")
    assert_accessible(page)
    page.fill("#id_reason", "Ready for gate 1.")
    page.click("main form button[type=submit]")
    page.wait_for_selector("#gate-panel .alert--warning")

    _sign_in(page, decider, language)
    assert page.locator(".site-nav .count").inner_text().startswith("1")
    page.goto("/reviews/")
    assert_accessible(page)
    page.click("table a")
    expect(page.locator(".evidence__list a", has_text="endorsement.pdf")).to_have_count(1)
    assert_accessible(page)
    page.check("#id_decision_0")
    page.fill("#id_comment", "Well prepared.")
    page.click(".decision-form button[type=submit]")
    page.wait_for_load_state()

    page.goto(project_url)
    current = page.locator(".stage-progress [aria-current=step]")
    assert current.locator(".stage-progress__number").inner_text() == "2"
    timeline = page.locator(".timeline")
    assert timeline.locator(".timeline__entry--gate_requested", has_text="Tai Man Chan").count() == 1
    assert timeline.locator(".timeline__entry--gate_approved", has_text="Siu Ming Wong").count() == 1
    assert_accessible(page)

    _sign_in(page, outsider, language)
    response = page.goto(project_url)
    assert response.status == 404


def test_changing_the_profile_previews_the_checklist_items_it_adds(page):
    from tests.factories import make_project, screen

    author = officer()
    project = make_project(by=author)
    screen(project, author)
    sign_in(page, author)
    page.goto(f"/projects/{project.pk}/edit/")
    page.check("#id_processes_personal_data")
    preview = page.locator("#profile-preview")
    preview.locator(".preview").wait_for()
    assert "It adds" in preview.inner_text() or "become required" in preview.inner_text()
    assert_accessible(page)
    project.refresh_from_db()
    assert project.processes_personal_data is False  # nothing saved by the preview


def test_the_checklist_and_the_screening_work_without_javascript(browser, live_server):
    from tests.factories import make_project

    author = officer()
    project = make_project(by=author)
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False, bypass_csp=True)
    page = context.new_page()
    try:
        sign_in(page, author)
        page.goto(f"/projects/{project.pk}/screening/")
        # Without JavaScript every follow-up question shows, saying when to answer it.
        expect(page.locator("[data-shown-if=personal_data]")).to_be_visible()
        for key in (
            "unacceptable_use",
            "decides_on_individuals",
            "acts_autonomously",
            "critical_infrastructure",
            "personal_data",
            "generative_ai",
            "public_facing",
            "decision_support",
        ):
            page.check(f"#id_screening-{key}_1")
        page.click("main form > .actions button[type=submit]")
        page.wait_for_selector(".stage-progress")
        item = page.locator(".checklist-item--blocking").first
        item_id = item.get_attribute("id")
        item.locator("details.item-work summary").first.click()
        item.locator("textarea[name$='-note']").fill("Endorsed at the directorate meeting.")
        item.locator("button[value=done]").click()
        page.wait_for_load_state()
        assert page.url.endswith(f"#{item_id}")
        assert page.locator(f"#{item_id}.checklist-item--done").count() == 1
    finally:
        context.close()
