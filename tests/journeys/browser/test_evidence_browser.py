"""The evidence dashboard and the quarterly report in a real browser, in English and in Arabic
(right to left): the SVG charts show, each beside its table, and the results page marks its own
address as counted."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.accounts import PASSWORD

COORDINATOR = "evidence-coordinator@example.org"


@pytest.fixture(scope="module")
def coordinator(server):
    server.cli("create-user", "--email", COORDINATOR, "--name", "Evidence Coordinator", "--role", "coordinator",
               "--password-stdin", input=PASSWORD + "\n")
    return COORDINATOR


def log_in(page, server) -> None:
    page.goto(server.url("/backoffice/"))
    page.locator('[name="email"]').fill(COORDINATOR)
    page.locator('[name="password"]').fill(PASSWORD)
    with page.expect_navigation():
        page.locator('main button[type="submit"]').click()


def test_the_results_page_marks_its_address_as_counted(server, page):
    page.goto(server.url("/search?creche=1&kind=formal&postcode=L8+1ST"))
    expect(page).to_have_url(re.compile(r"counted=1"))  # polled from outside: the CSP forbids eval
    assert page.get_by_role("heading", name="Tell us what you need").is_visible()
    assert not page.console_errors


@pytest.mark.parametrize("lang, direction", [("en", "ltr"), ("ar", "rtl")])
@pytest.mark.parametrize("path", ["/backoffice/evidence", "/backoffice/evidence/report?quarter=2026-Q4"])
def test_the_evidence_charts_render_beside_their_tables(server, page, coordinator, lang, direction, path):
    page.goto(server.url("/search?creche=1&kind=formal&postcode=L8+1ST"))
    log_in(page, server)
    page.goto(server.url(path + ("&" if "?" in path else "?") + f"lang={lang}"))
    assert page.locator("html").get_attribute("dir") == direction
    charts = page.locator('svg[role="img"]')
    assert charts.count() >= 3
    for index in range(charts.count()):
        chart = charts.nth(index)
        box = chart.bounding_box()
        assert box and box["width"] > 200 and box["height"] > 10
        assert chart.locator("title").count() == 1 and chart.locator("desc").count() == 1
        figure = chart.locator("xpath=ancestor::section[1]")
        assert figure.locator("table").count() == 1 and figure.locator("p.summary").inner_text().strip()
    first = page.locator('svg[role="img"]').first
    label = first.locator("text").first.bounding_box()
    middle = first.bounding_box()["x"] + first.bounding_box()["width"] / 2
    assert (label["x"] > middle) == (direction == "rtl")  # labels on the reading side
    assert not page.console_errors


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_quarterly_report_prints_on_at_most_two_a4_pages(server, page, coordinator, lang, tmp_path):
    import io

    from pypdf import PdfReader

    log_in(page, server)
    page.goto(server.url(f"/backoffice/evidence/report?quarter=2026-Q4&lang={lang}"))
    pdf = PdfReader(io.BytesIO(page.pdf(format="A4")))
    assert 1 <= len(pdf.pages) <= 2
    width, height = float(pdf.pages[0].mediabox.width), float(pdf.pages[0].mediabox.height)
    assert abs(width - 595) < 2 and abs(height - 842) < 2  # A4 (210 × 297 mm) in points
    text = pdf.pages[0].extract_text()
    assert "2026-Q4" in text
    if lang == "en":  # the suppressed counts say so (in Arabic, in its translation)
        assert "fewer than 5" in text


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_no_axe_violations_on_the_evidence_pages(server, page, coordinator, axe_script, lang):
    from tests.journeys.browser.conftest import axe_violations

    found = {}
    for path in ("/statistics", "/privacy", "/need", "/search?creche=1&kind=formal&postcode=L8+1ST"):
        page.goto(server.url(path + ("&" if "?" in path else "?") + f"lang={lang}"))
        found[path] = axe_violations(page, axe_script)
    log_in(page, server)
    for path in ("/backoffice/evidence", "/backoffice/evidence/report?quarter=2026-Q4"):
        page.goto(server.url(path + ("&" if "?" in path else "?") + f"lang={lang}"))
        found[path] = axe_violations(page, axe_script)
    assert not {path: lines for path, lines in found.items() if lines}
