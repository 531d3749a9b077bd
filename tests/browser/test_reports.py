"""Portfolio reports in a real browser: request, progress polling, download; both languages, axe-checked."""

import pytest
from playwright.sync_api import expect

from adoption.choices import ScopeLevel
from reports.models import ReportRun, RunStatus
from reports.scopes import ReportScope
from tests.browser.conftest import assert_accessible, sign_in, switch_language
from tests.factories import dpo_officer, make_project, management, officer, unit
from tests.report_runs.test_generation import Q1_2026, make_run

pytestmark = pytest.mark.django_db(transaction=True)


def test_management_requests_a_report_and_downloads_it(page, tmp_path):
    make_project(by=officer("ImmD"))
    user = management("SB", ScopeLevel.UNIT_TREE)
    sign_in(page, user)
    page.get_by_role("link", name="Reports").click()
    assert_accessible(page)
    page.get_by_role("link", name="Request a report").click()
    page.wait_for_selector("#id_scope")
    scopes = page.locator("#id_scope option").all_inner_texts()
    assert any("Security Bureau and its departments" in label for label in scopes)
    assert not any("Environment and Ecology Bureau" in label for label in scopes)
    assert_accessible(page)

    # A date range that ends before it starts: a clear error, tied to its field.
    page.check("#id_period_kind_1")
    page.fill("#id_period_start", "2026-03-01")
    page.fill("#id_period_end", "2026-02-01")
    page.get_by_role("button", name="Request the report").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert page.locator("#id_period_end").get_attribute("aria-invalid") == "true"
    assert_accessible(page)
    assert not ReportRun.objects.exists()

    page.check("#id_period_kind_0")
    page.select_option("#id_scope", "tree:SB")
    page.check("#id_format_1")  # the workbook: quicker to make in a test
    page.get_by_role("button", name="Request the report").click()
    page.get_by_role("link", name="Download the report").wait_for()  # made eagerly in tests
    expect(page.get_by_text("Ready").first).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the report").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.name.endswith(".xlsx")
    assert path.read_bytes()[:2] == b"PK"

    switch_language(page, "zh-hant")
    assert page.get_by_role("heading", level=1).inner_text().startswith("組合報告")
    assert_accessible(page)
    page.goto("/reports/new/")
    assert page.get_by_role("heading", level=1).inner_text() == "申請組合報告"
    assert_accessible(page)


def test_the_run_page_follows_progress_until_ready(page):
    user = dpo_officer()
    run = make_run(user, ReportScope.tree(unit("SB")), format="pdf", language="zh-hant", period=Q1_2026)
    ReportRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING, progress=35, stage_note="Cycle times", attempt=1
    )
    sign_in(page, user)
    page.goto(run.get_absolute_url())
    assert page.locator("#run-progress").get_attribute("value") == "35"
    assert_accessible(page)
    ReportRun.objects.filter(pk=run.pk).update(progress=80)
    page.wait_for_function(
        "document.querySelector('#run-progress') && document.querySelector('#run-progress').value == 80"
    )
    ReportRun.objects.filter(pk=run.pk).update(status=RunStatus.FAILED, error_message="The worker stopped.")
    page.get_by_text("The worker stopped.").wait_for()
    assert page.locator("[hx-trigger]").count() == 0  # polling has stopped
    switch_language(page, "zh-hant")
    expect(page.get_by_text("失敗").first).to_be_visible()
    assert_accessible(page)
