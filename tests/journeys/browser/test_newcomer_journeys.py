"""A newcomer's journeys in a real browser: search, open a class, read it in Arabic, by mouse and by keyboard."""

from __future__ import annotations

import importlib.util
import json
import urllib.request
from urllib.parse import parse_qs, urlsplit

import pytest

HAS_POSTCODES = importlib.util.find_spec("finder.geo.postcodes") is not None


def course_id(server, title: str) -> int:
    with urllib.request.urlopen(server.url("/search.json?per_page=100"), timeout=10) as response:
        results = json.load(response)["results"]
    return next(r["id"] for r in results if r["title"] == title)


def brand_side(page) -> str:
    box = page.locator(".brand").bounding_box()
    width = page.viewport_size["width"]
    return "right" if box["x"] + box["width"] / 2 > width / 2 else "left"


def choose_language(page, code: str) -> None:
    page.select_option("#lang-picker", code)
    with page.expect_navigation():
        page.locator("form.language button[type=submit]").click()


def test_newcomer_finds_a_class_with_a_creche_near_home_and_reads_it_in_arabic(server, page):
    page.goto(server.url("/"))
    page.get_by_label("Crèche for my children").check()
    if HAS_POSTCODES:
        page.get_by_label("Your postcode (optional)").fill("l1 8jq")
    with page.expect_navigation():
        page.get_by_role("button", name="Find classes").click()

    query = parse_qs(urlsplit(page.url).query)
    assert query["creche"] == ["1"]
    results = page.locator("li.result h3 a")
    assert results.all_inner_texts() == ["English for Mums"]  # the only class with a crèche
    if HAS_POSTCODES:
        assert query["postcode"] == ["l1 8jq"]
        assert "mile" in page.locator("li.result").inner_text()  # the distance from home is shown
        assert not page.locator(".problems").count()  # the postcode was understood

    results.first.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "English for Mums"
    assert "1 to 4 years" in page.locator(".details").inner_text()
    course_url = page.url
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert brand_side(page) == "left"

    choose_language(page, "ar")
    assert page.url.split("?")[0] == course_url.split("?")[0]  # the same course, now in Arabic
    assert page.locator("html").get_attribute("lang") == "ar"
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert brand_side(page) == "right"  # the layout is mirrored, not just the text
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    page.reload()
    assert page.locator("html").get_attribute("dir") == "rtl"  # the choice sticks

    choose_language(page, "en")
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert page.locator("h1").inner_text() == "English for Mums"
    assert brand_side(page) == "left"
    assert page.console_errors == []  # no script errors, no Content-Security-Policy violations


def test_a_course_with_a_translation_is_shown_in_arabic(server, page):
    page.goto(server.url(f"/courses/{course_id(server, 'Level 1 English')}?lang=ar"))
    assert page.locator("h1").inner_text() == "اللغة الإنجليزية المستوى الأول"
    assert page.locator("html").get_attribute("dir") == "rtl"


def focus_is_visible(page) -> bool:
    return page.evaluate("""() => {
        const el = document.activeElement;
        if (!el || el === document.body) return false;
        const style = getComputedStyle(el);
        const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
        const ring = style.boxShadow && style.boxShadow !== 'none';
        return outline || ring;
    }""")


def tab_to(page, predicate_js: str, limit: int = 80) -> list[str]:
    """Press Tab until the focused element matches; check focus is visible at every stop."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        described = page.evaluate("""() => { const el = document.activeElement;
            return el.tagName + (el.id ? '#' + el.id : '') + ':' + (el.innerText || el.value || el.name || '').slice(0, 30); }""")
        seen.append(described)
        assert focus_is_visible(page), f"focus is not visible on {described}"
        if page.evaluate(predicate_js):
            return seen
    raise AssertionError(f"never reached the element by Tab: {seen}")


def test_keyboard_only_search_to_a_course_with_focus_always_visible(server, page):
    page.goto(server.url("/"))
    tab_to(page, "document.activeElement.classList.contains('skip')")
    assert page.locator(".skip").is_visible()  # the skip link appears when focused
    page.keyboard.press("Enter")
    tab_to(page, "document.activeElement.id === 'q'")
    page.keyboard.type("conversation")
    tab_to(page, "document.activeElement.name === 'creche'")
    tab_to(page, "document.activeElement.tagName === 'SUMMARY'")
    page.keyboard.press("Enter")  # opens the "more choices" section
    assert page.locator("details.filters").evaluate("d => d.open")
    tab_to(page, "document.activeElement.name === 'level' && document.activeElement.value === 'mixed'")
    page.keyboard.press("Space")
    tab_to(page, "document.activeElement.type === 'submit' && document.activeElement.closest('form.search')")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    query = parse_qs(urlsplit(page.url).query)
    assert query["q"] == ["conversation"] and query["level"] == ["mixed"]
    tab_to(page, "document.activeElement.innerText === 'Conversation Club'")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == "Conversation Club"
    tab_to(page, "document.activeElement.id === 'lang-picker'")  # the language picker is reachable too


PAGES = ["/", "/search?creche=1", "/search?q=zzzzqqq&creche=1", "/about", "/help/levels", "/no-such-page"]


@pytest.mark.parametrize("width,height", [(320, 640), (640, 400)], ids=["320px-phone", "200pc-zoom"])
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_pages_fit_narrow_screens_and_200_percent_zoom_without_sideways_scrolling(server, browser, width, height, lang):
    """320 CSS px is a small phone; a 1280 px window at 200% zoom is 640 CSS px wide."""
    context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=2)
    try:
        page = context.new_page()
        ids = {title: course_id(server, title) for title in ("English for Mums", "Level 1 English")}
        paths = PAGES + [f"/courses/{cid}" for cid in ids.values()]
        page.goto(server.url(f"/courses/{ids['English for Mums']}"))
        paths.append(page.locator(".org a").get_attribute("href"))
        too_wide = []
        for path in paths:
            page.goto(server.url(path + ("&" if "?" in path else "?") + f"lang={lang}"))
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            if scroll_width > width:
                too_wide.append(f"{path}: {scroll_width}px")
        assert too_wide == []
        page.goto(server.url(f"/?lang={lang}"))
        button = page.locator("form.search button[type=submit]").bounding_box()
        assert button["x"] >= 0 and button["x"] + button["width"] <= width  # the main action is reachable
    finally:
        context.close()
