"""Issue 15 in a real browser on a cheap phone's screen (360×740): the results come first in every
script, mixed-direction text reads in the right order on an Arabic page (read from where the
browser drew each word, not from the markup), the error summary takes the focus, and the small
enhancements (Change search, Copy, Listen) behave."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

PHONE = {"width": 360, "height": 740}

# Where the browser drew each of `words` (the first time each appears inside `selector`).
WHERE = """([selector, words]) => {
  const root = document.querySelector(selector);
  if (!root) { return null; }
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const out = {};
  let node;
  while ((node = walker.nextNode())) {
    for (const word of words) {
      if (out[word] !== undefined) { continue; }
      const at = node.data.indexOf(word);
      if (at >= 0) {
        const range = document.createRange();
        range.setStart(node, at);
        range.setEnd(node, at + word.length);
        const rect = range.getBoundingClientRect();
        out[word] = {left: rect.left, right: rect.right, top: rect.top, bottom: rect.bottom};
      }
    }
  }
  return out;
}"""


@pytest.fixture
def phone(browser):
    context = browser.new_context(locale="en-GB", viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    context.set_default_timeout(15_000)
    yield context
    context.close()


@pytest.mark.parametrize("lang", ["en", "ar", "ti", "am"])
def test_after_find_classes_the_count_and_the_first_class_are_on_the_first_screen(server, phone, lang):
    page = phone.new_page()
    page.goto(server.url(f"/?lang={lang}"))
    page.fill("#q", "english")
    page.click("form.search button[type=submit]")
    page.wait_for_selector("#results-heading")
    page.evaluate("document.fonts.ready.then(() => true)")
    heading = page.locator("#results-heading").bounding_box()
    first = page.locator("ol.results > li.result h3").first.bounding_box()
    assert heading["y"] + heading["height"] <= PHONE["height"], heading
    assert first["y"] + first["height"] <= PHONE["height"], f"the first class is below the fold: {first}"
    # the search is one line that opens again
    assert page.locator("details.search-summary").evaluate("d => d.open") is False
    page.click("details.search-summary > summary")
    assert page.locator("#q").is_visible()
    # The focus moves on the details' toggle event, which fires just after the click: wait for it.
    expect(page.locator("#q"), "Change search puts the cursor in the search").to_be_focused()


def test_without_javascript_change_search_still_opens_the_form(server, browser):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(server.url("/search?q=english&creche=1"))
        assert not page.locator("#q").is_visible()
        page.click("details.search-summary > summary")
        assert page.locator("#q").is_visible() and page.locator("#q").input_value() == "english"
    finally:
        context.close()


def test_on_an_arabic_page_english_addresses_and_distances_read_in_their_own_order(server, phone):
    page = phone.new_page()
    page.goto(server.url("/search?postcode=L8+6SQ&radius=5&lang=ar"))
    # A result line: the area, then "·", then the distance, read right to left on an Arabic page.
    line = page.evaluate("""() => {
      const li = [...document.querySelectorAll('.result .facts li')].find(li => li.querySelector('.num'));
      const area = li.querySelector('bdi').getBoundingClientRect();
      const distance = li.querySelector('.num').getBoundingClientRect();
      return {area: [area.left, area.right], distance: [distance.left, distance.right], text: li.innerText};
    }""")
    assert line["area"][0] > line["distance"][1], f"the area comes first (on the right): {line}"
    # A course page: the English address reads left to right inside a right-aligned block.
    page.goto(server.url("/search?q=ESOL+Entry+1&lang=ar"))
    page.click("ol.results > li.result h3 a")
    page.wait_for_selector("address")
    street = page.evaluate(WHERE, ["address bdi:nth-of-type(2)", ["1 ", "Clarence", "Liverpool"]])
    assert street["1 "]["left"] < street["Clarence"]["left"] < street["Liverpool"]["left"], street
    postcode = page.evaluate(WHERE, ["address bdi:nth-of-type(3)", ["L3", "5TR"]])
    assert postcode["L3"]["left"] < postcode["5TR"]["left"], postcode
    box = page.evaluate("""() => { const a = document.querySelector('address');
      const r = a.getBoundingClientRect(); const line = a.querySelector('bdi').getBoundingClientRect();
      return {direction: getComputedStyle(a).direction, right: r.right, lineRight: line.right, left: r.left, lineLeft: line.left}; }""")
    assert box["direction"] == "rtl"
    assert abs(box["right"] - box["lineRight"]) < 2 and box["lineLeft"] - box["left"] > 20, \
        f"the address sits on the right of a right-to-left page: {box}"
    # "Who can come", levels and kind are in Arabic on an Arabic page.
    kind = page.locator(".details dd").nth(1).inner_text()
    assert any("\u0600" <= ch <= "\u06ff" for ch in kind), kind


def test_the_error_summary_takes_the_focus_and_names_the_fields(server, phone):
    page = phone.new_page()
    page.goto(server.url("/add-a-class"))
    page.click("form.listing-form button[type=submit]")
    page.wait_for_selector(".error-summary")
    assert page.title().startswith("Error: ")
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    first = page.locator(".error-summary li a").first
    assert first.inner_text().startswith("Name of the class:")
    first.click()
    assert page.evaluate("location.hash") == "#title"


def test_the_share_box_copies_the_whole_link(server, phone):
    phone.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.base_url)
    page = phone.new_page()
    page.goto(server.url("/search?q=ESOL+Entry+1"))
    page.click("ol.results > li.result h3 a")
    link = page.locator(".whole-link a").inner_text()
    box = page.locator(".whole-link a").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], "the whole link is on the screen"
    page.click("button.copy")
    # (a locator's wait, not wait_for_function: the page's CSP forbids the eval that would need)
    expect(page.locator(".copy-status")).to_have_text(re.compile(r"\S"))
    assert page.evaluate("navigator.clipboard.readText()") == link


VOICE = """Object.defineProperty(window.speechSynthesis, 'getVoices', {value: () => [
  {lang: 'ar-SA', name: 'Arabic', default: false, localService: true, voiceURI: 'ar'}]});"""


def test_listen_shows_only_where_the_browser_has_a_voice_for_the_page(server, browser):
    context = browser.new_context(viewport=PHONE)
    try:
        context.add_init_script(VOICE)
        page = context.new_page()
        page.goto(server.url("/search?q=ESOL+Entry+1&lang=ar"))
        page.click("ol.results > li.result h3 a")
        assert page.locator("button.listen").is_visible(), "an Arabic voice: Listen is offered"
        page.goto(server.url("/search?q=ESOL+Entry+1&lang=ti"))
        page.click("ol.results > li.result h3 a")
        assert not page.locator("button.listen").is_visible(), "no Tigrinya voice: no Listen button"
    finally:
        context.close()
