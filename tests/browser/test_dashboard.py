"""The dashboard in Chromium: charts drawn, data tables reachable by keyboard, drill-down links
working, no serious or critical axe-core violation, in both languages."""

import pytest
from playwright.sync_api import expect

from adoption.choices import ScopeLevel
from tests.browser.conftest import assert_accessible, sign_in, switch_language
from tests.factories import approver, make_project, management, officer, pass_gate

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def portfolio():
    people = {code: (officer(code), approver(code)) for code in ("ImmD", "HKPF")}
    for index, (code, gates) in enumerate((("ImmD", 2), ("ImmD", 0), ("HKPF", 1), ("HKPF", 3))):
        author, decider = people[code]
        project = make_project(by=author, title_en=f"Project {index}", expected_staff_hours_per_year=100 * index)
        for _ in range(gates):
            project = pass_gate(project, officer_user=author, approver_user=decider)


def test_the_dashboard_in_both_languages(page, portfolio):
    # The first view draws every chart with matplotlib (later views of the same data do not).
    page.set_default_timeout(180_000)
    sign_in(page, management("SB", ScopeLevel.UNIT_TREE))
    assert page.get_by_role("link", name="Dashboard").get_attribute("href") == "/dashboard/"
    page.goto("/dashboard/")
    assert page.get_by_role("heading", level=1).inner_text() == "Portfolio dashboard"

    charts = page.locator("svg.chart__svg")
    assert charts.count() == 6
    for index in range(charts.count()):
        expect(charts.nth(index)).to_be_visible()
        assert charts.nth(index).bounding_box()["height"] > 100
    assert page.locator(".card__link").first.inner_text().startswith("4")

    # The data table behind a chart, opened from the keyboard.
    summary = page.locator("#pipeline-title ~ details summary")
    summary.focus()
    page.keyboard.press("Enter")
    table = page.get_by_role("table", name="Pipeline by stage and B/D")
    expect(table).to_be_visible()
    assert_accessible(page)

    # A bar of the chart drills down to the project list.
    page.locator("svg.chart__svg a").first.click()
    page.wait_for_load_state()
    assert "/projects/?" in page.url

    page.go_back()
    switch_language(page, "zh-hant")
    assert page.get_by_role("heading", level=1).inner_text() == "項目組合儀表板"
    assert "識別機遇" in page.locator("#pipeline-title ~ figure svg").inner_html()
    assert page.locator("svg.chart__svg").count() == 6
    assert_accessible(page)


def test_the_reuse_view_and_panel_are_accessible(page, portfolio):
    sign_in(page, management("SB", ScopeLevel.UNIT_TREE))
    page.goto("/dashboard/reuse/")
    page.select_option("#id_category", "document_processing")
    page.get_by_role("button", name="Look up").click()
    page.wait_for_load_state()
    expect(page.get_by_role("table", name="By B/D, furthest first")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Project 0").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Other B/Ds doing this")).to_be_visible()
    page.get_by_text("Other B/Ds: 1. Projects: 2.").wait_for()  # the panel, loaded after the page
    assert_accessible(page)
    switch_language(page, "zh-hant")
    expect(page.get_by_role("heading", name="其他局／部門的同類項目")).to_be_visible()
    assert_accessible(page)
