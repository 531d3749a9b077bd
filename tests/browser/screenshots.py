"""Screenshots of the key pages in both languages, desktop and narrow: ``python -m tests.browser.screenshots``.

Runs as a pytest session (live server, Debian's Chromium, the browser fixtures) on a fresh test
database with a small portfolio, and writes PNGs into ``docs/screenshots/``.
"""

import sys
from pathlib import Path

import pytest

OUTPUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
WIDTHS = {"desktop": 1280, "mobile": 390}


def _shoot(page, name: str, language: str, width: str, full_page=True):
    page.set_viewport_size({"width": WIDTHS[width], "height": 900})
    page.wait_for_load_state("networkidle")
    suffix = "" if width == "desktop" else "-mobile"
    page.screenshot(path=str(OUTPUT / f"{name}-{language}{suffix}.png"), full_page=full_page)


@pytest.mark.django_db(transaction=True)
def test_screenshots(page):
    from lifecycle.models import GateReview
    from tests.browser import scenario
    from tests.browser.conftest import sign_in, switch_language

    OUTPUT.mkdir(parents=True, exist_ok=True)
    data = scenario.build()
    chatbot = data["chatbot"]
    review = GateReview.objects.get(project=data["ocr"], status="pending")
    officer_pages = [
        ("project-list", "/projects/"),
        ("project-page", chatbot.get_absolute_url()),
        ("new-project", "/projects/new/"),
    ]
    sign_in(page, data["officer"])
    for language in ("en", "zh-hant"):
        page.goto("/projects/")
        if language == "zh-hant":
            switch_language(page, "zh-hant")
        for name, url in officer_pages:
            page.goto(url)
            for width in WIDTHS:
                _shoot(page, name, language, width)
        page.goto(chatbot.get_absolute_url())
        page.set_viewport_size({"width": 1280, "height": 900})
        item = page.locator(".checklist-item").nth(2)
        item.locator("summary").first.click()
        item.locator("details.item-work summary").first.click()
        item.screenshot(path=str(OUTPUT / f"checklist-item-{language}.png"))
        page.goto("/projects/")
        switch_language(page, "en")
    page.context.clear_cookies()
    sign_in(page, data["approver"])
    for language in ("en", "zh-hant"):
        if language == "zh-hant":
            switch_language(page, "zh-hant")
        page.goto("/reviews/")
        for width in WIDTHS:
            _shoot(page, "approver-queue", language, width)
        page.goto(f"/reviews/{review.pk}/")
        _shoot(page, "gate-review", language, "desktop")
    switch_language(page, "en")


def main() -> int:
    return pytest.main([__file__, "-q", "-p", "no:cacheprovider", "-o", "python_files=screenshots.py", "-n", "0"])


if __name__ == "__main__":
    sys.exit(main())
