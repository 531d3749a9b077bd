"""The web shell in a real browser, in both languages, checked with axe-core."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in, switch_language
from tests.factories import make_project, officer

pytestmark = pytest.mark.django_db(transaction=True)


def test_sign_in_page_is_accessible_in_both_languages(page):
    page.goto("/accounts/login/")
    assert_accessible(page)
    switch_language(page, "zh-hant")
    assert page.locator("html").get_attribute("lang") == "zh-Hant-HK"
    assert_accessible(page)


def test_an_officer_signs_in_and_sees_their_projects(page):
    user = officer()
    project = make_project(by=user)
    sign_in(page, user)
    expect(page.get_by_role("link", name=project.title_en)).to_be_visible()
    assert_accessible(page)
    switch_language(page, "zh-hant")
    expect(page.get_by_role("link", name=project.title_zh_hant)).to_be_visible()
    assert_accessible(page)
    user.refresh_from_db()
    assert user.language == "zh-hant"
