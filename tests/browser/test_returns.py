"""The returns and import pages in a real browser, in both languages, checked with axe-core."""

import pytest
from playwright.sync_api import expect

from reports.returns.services import open_round
from tests.browser.conftest import assert_accessible, sign_in, switch_language
from tests.factories import approver, dpo_officer, officer
from tests.returns.conftest import at, build_portfolio

pytestmark = pytest.mark.django_db(transaction=True)


def test_dpo_and_bd_pages_are_accessible_in_both_languages(page):
    people = {
        "officer": officer("ImmD"),
        "approver": approver("ImmD"),
        "second_approver": approver("ImmD"),
        "fehd_officer": officer("FEHD"),
        "fehd_approver": approver("FEHD"),
    }
    build_portfolio(people)
    with at(2026, 10, 2, 9):
        open_round(quarter="2026Q3")
    sign_in(page, dpo_officer())
    for url in ("/returns/", "/returns/2026Q3/", "/returns/2026Q3/ImmD/", "/import/"):
        page.goto(url)
        assert_accessible(page)
    switch_language(page, "zh-hant")
    assert page.get_by_role("heading", level=1).inner_text().startswith("從試算表匯入項目")
    page.goto("/returns/2026Q3/")
    assert_accessible(page)

    page.context.clear_cookies()
    sign_in(page, people["officer"])
    page.goto("/returns/2026Q3/ImmD/")
    page.get_by_label("Remarks on ImmD-2026-0001").fill("Vendor shortlist due in October.")
    page.get_by_role("button", name="Save the remarks on this page").click()
    page.wait_for_load_state()
    assert page.get_by_role("status").first.inner_text().startswith("Remarks saved")
    assert_accessible(page)
    page.goto("/import/")
    page.set_input_files("#id_file", files=[{"name": "bad.csv", "mimeType": "text/csv", "buffer": b"Title\nx\n"}])
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_load_state()
    expect(page.get_by_role("alert").first).to_be_visible()
    assert_accessible(page)
