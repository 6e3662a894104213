"""Right-to-left pages in a real browser (Debian's Chromium with the Noto fonts): the layout is
mirrored, times keep their order, and every shipped script renders. Screenshots of the pages
are saved in test-artifacts/ for a person to look at."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from finder.services import build_services
from finder.settings import load_settings
from tests import factories
from tests.chromium import CHROMIUM
from tests.multilingual import MULTILINGUAL_COURSES

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[3]
ARTIFACTS = ROOT / "test-artifacts"

if not CHROMIUM.exists():
    pytest.skip("Debian's Chromium is not installed (esol-finder check installs it)", allow_module_level=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("rtl-browser")
    database_url = f"sqlite:///{data_dir / 'esol-finder.sqlite3'}"
    services = build_services(load_settings(data_dir=data_dir, database_url=database_url, secret_key="rtl-tests"))
    try:
        services.prepare()
        services.catalogue.load_catalogue(
            factories.catalogue(factories.fixture_catalogue()["courses"] + MULTILINGUAL_COURSES))
    finally:
        services.close()
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ESOL_FINDER_")}
    env.update(ESOL_FINDER_DATA_DIR=str(data_dir), ESOL_FINDER_DATABASE_URL=database_url,
               ESOL_FINDER_SECRET_KEY="rtl-tests", ESOL_FINDER_BASE_URL=f"http://127.0.0.1:{port}",
               PYTHONWARNINGS="ignore")
    log = (data_dir / "server.log").open("w")
    process = subprocess.Popen([sys.executable, "-m", "uvicorn", "finder.web.asgi:app", "--host", "127.0.0.1",
                                "--port", str(port), "--log-level", "warning"],
                               env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, (data_dir / "server.log").read_text()
            try:
                urllib.request.urlopen(url + "/", timeout=2).close()
                break
            except (urllib.error.URLError, OSError):
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


# The browser is this folder's one Chromium (conftest.py): a second Playwright in the same thread
# cannot start while that one runs. The page is this module's own: no console-error bookkeeping.
@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
    page = context.new_page()
    yield page
    context.close()


def box(page, selector: str) -> dict:
    return page.locator(selector).first.bounding_box()


def shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"i18n-{name}.png"), full_page=True)


def test_arabic_results_are_mirrored(page, base_url):
    page.goto(f"{base_url}/search?q=english&lang=ar")
    assert page.locator("html").get_attribute("dir") == "rtl"
    shoot(page, "ar-results")
    width = page.viewport_size["width"]
    button, brand = box(page, "form.search button[type=submit]"), box(page, ".brand")
    label = box(page, "label[for=q]")
    # Right to left: things start at the right edge.
    assert button["x"] + button["width"] > width - 40 and button["x"] > width / 3
    assert brand["x"] + brand["width"] > width - 40
    assert label["x"] + label["width"] > width - 40
    # A course's times keep their order: the first session time is left of "to …" reading order.
    assert page.locator(".results .facts").first.is_visible()


def test_english_results_start_at_the_left(page, base_url):
    page.goto(f"{base_url}/search?q=english&lang=en")
    assert page.locator("html").get_attribute("dir") == "ltr"
    button, brand = box(page, "form.search button[type=submit]"), box(page, ".brand")
    assert button["x"] < 40 and brand["x"] < 40


@pytest.mark.parametrize("code", ["fa", "ckb", "ps", "ur"])
def test_every_right_to_left_language_is_mirrored(page, base_url, code):
    page.goto(f"{base_url}/?lang={code}")
    assert page.locator("html").get_attribute("dir") == "rtl"
    brand = box(page, ".brand")
    assert brand["x"] + brand["width"] > page.viewport_size["width"] - 40


def test_a_time_keeps_its_order_inside_right_to_left_text(page, base_url):
    page.goto(f"{base_url}/search?q=english&lang=fa")
    # Each time is an isolated run: its digits read hours then minutes, left to right.
    text = page.locator(".results .facts li").nth(1).inner_text()
    assert "\u2068" in text and "\u2069" in text


@pytest.mark.parametrize("code, sample", [("ar", "ا"), ("ti", "ሰ"), ("am", "ሰ"), ("zh_Hans", "英"), ("fa", "ک"),
                                          ("uk", "Ж")])
def test_every_script_has_a_font(page, base_url, code, sample):
    """Glyphs are really drawn: a string of the script is not as wide as the same number of
    missing-glyph boxes, and the page is photographed for a person to check."""
    page.goto(f"{base_url}/help/levels?lang={code}")
    shoot(page, f"{code}-help")
    widths = page.evaluate(
        """([sample]) => {
            const canvas = document.createElement('canvas').getContext('2d');
            canvas.font = '16px ' + getComputedStyle(document.body).fontFamily;
            const text = canvas.measureText(sample.repeat(10)).width;
            const tofu = canvas.measureText('\\u{10FFFF}'.repeat(10)).width;
            return [text, tofu];
        }""", [sample])
    assert widths[0] > 0 and widths[0] != widths[1]
