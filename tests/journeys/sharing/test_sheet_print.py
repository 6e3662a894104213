"""The signposting sheet fits on ONE A4 page when Chromium prints it (Playwright, Debian's Chromium)."""

from __future__ import annotations

import io
import socket
import threading
import time
from pathlib import Path

import pytest
import uvicorn
from pypdf import PdfReader

from finder.services import build_services
from finder.settings import load_settings
from finder.web.app import create_app
from tests import factories
from tests.chromium import CHROMIUM, launched_chromium

SCREENSHOT = Path(__file__).resolve().parents[3] / "test-artifacts" / "signpost-sheet-ar.png"

pytestmark = [pytest.mark.postgres, pytest.mark.browser,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's Chromium is not installed")]


def _busy_catalogue() -> dict:
    """Eight long-winded classes with a crèche near Dingle, so the sheet is as full as it gets."""
    courses = []
    for n in range(8):
        courses.append(factories.course(
            f"busy-{n}", f"English for parents and carers with a free crèche, group {n + 1}", "centre",
            [factories.session("mon", "09:15", "11:45", "centre-dingle"),
             factories.session("wed", "13:00", "15:00", "centre-dingle", frequency="fortnightly", term_time_only=True),
             factories.session("fri", "18:30", "20:30", "college-main")],
            creche="on-site", levels=["pre-entry", "entry-1", "entry-2", "entry-3"], audiences=["women", "parents"],
            join_method="assessment", cost="concessions", contact_phone="0151 233 0000",
            description="A long description that the sheet leaves out, to keep to one page."))
    return factories.catalogue(courses)


@pytest.fixture(scope="module")
def server(tmp_path_factory, shared_postcodes):
    data = tmp_path_factory.mktemp("sheet")
    settings = load_settings(data_dir=data, database_url=f"sqlite:///{data / 'db.sqlite3'}", secret_key="test")
    services = build_services(settings, postcodes=shared_postcodes)
    services.prepare()
    services.catalogue.load_catalogue(_busy_catalogue())
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(services=services, prepare=False), host="127.0.0.1", port=port,
                                           log_level="warning", ws="none", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the test server did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)
    services.close()


@pytest.fixture(scope="module")
def browser():
    with launched_chromium() as browser:
        yield browser


@pytest.mark.parametrize("lang", ["ar", "ti", "zh_Hans", "en"])
def test_a_full_sheet_prints_on_one_a4_page(server, browser, lang):
    page = browser.new_page()
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.goto(f"{server}/signpost?postcode=L8+6SQ&radius=10&creche=1&lang={lang}", wait_until="load")
    if lang == "ar":
        page.emulate_media(media="print")
        page.screenshot(path=str(SCREENSHOT), full_page=True)
    assert page.locator(".sheet-item").count() == 6
    assert page.locator(".sheet svg.qr").count() == 1
    pdf = page.pdf(format="A4", print_background=True)
    page.close()
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "English for parents and carers" in text and "L8 6SQ" in text
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert abs(width - 595.3) < 2 and abs(height - 841.9) < 2  # A4 (210 mm x 297 mm) in points
