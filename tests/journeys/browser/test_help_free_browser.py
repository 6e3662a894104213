"""Can I join for free? in a real browser: a newcomer reading Arabic finds the helper from the home
page, sends it with nothing chosen and is told what to answer, answers by clicking, and gets the
classes that are free for them, laid out right to left, without JavaScript errors and with no
accessibility violations (axe-core)."""

from __future__ import annotations

import pytest

from tests.chromium import CHROMIUM
from tests.journeys.browser.conftest import axe_violations

pytestmark = pytest.mark.browser

if not CHROMIUM.exists():
    pytest.skip("Debian's Chromium is not installed (esol-finder check installs it)", allow_module_level=True)


def test_a_newcomer_reading_arabic_finds_out_what_is_free(server, page):
    page.goto(server.url("/?lang=ar"))
    page.locator('a[href="/help/free"]').click()
    page.wait_for_url("**/help/free")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("fieldset").count() == 4

    # Sent with nothing chosen: every question is named, and the summary takes focus on a link.
    page.locator("form.questions button[type=submit]").click()
    summary = page.locator(".error-summary")
    assert summary.is_visible() and summary.locator("a").count() == 4
    summary.locator('a[href="#since"]').click()
    assert page.evaluate("location.hash") == "#since"

    # Answer by clicking the labels, as people do.
    page.locator('label:has(input[name=status][value="refugee"])').click()
    page.locator('label:has(input[name=since][value="under-6-months"])').click()
    page.locator('label:has(input[name=age][value="19-plus"])').click()
    page.locator('label:has(input[name=benefits][value="no"])').click()
    page.locator("form.questions button[type=submit]").click()
    page.wait_for_url("**/help/free?*status=refugee*")
    assert "benefits=no" in page.url
    free = page.locator("#free-list > li")
    assert free.count() >= 5  # the fixture catalogue's free classes
    assert page.locator("#ask-list > li").count() == 1  # its class that is free for some, without saying who
    # Right to left: the heading starts at the right edge, the list is indented from the right.
    width = page.viewport_size["width"]
    heading = page.locator("#free-title").bounding_box()
    assert heading["x"] + heading["width"] > width - 40
    item = page.locator("#free-list > li").first.bounding_box()
    assert width - (item["x"] + item["width"]) > item["x"]
    assert page.locator("#free-list").evaluate("element => getComputedStyle(element).direction") == "rtl"
    # The answers stay checked, ready to change.
    assert page.locator('input[name=status][value="refugee"]').is_checked()
    # The page with the errors answers 400, which Chromium notes in the console; nothing else may be there.
    assert [e for e in page.console_errors if "status of 400" not in e] == []


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_no_accessibility_violations(server, page, axe_script, lang):
    found = {}
    for query in ("", "asked=1&", "status=asylum&since=not-sure&age=19-plus&benefits=yes&"):
        page.goto(server.url(f"/help/free?{query}lang={lang}"))
        violations = axe_violations(page, axe_script)
        if violations:
            found[query] = violations
    assert found == {}
