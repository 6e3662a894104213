"""A partner submits a class and a coordinator approves it, then imports a file with errors:
the back office in a real browser, forms filled and buttons pressed as a person would."""

from __future__ import annotations

import pytest

from tests.accounts import PASSWORD
from tests.journeys.backoffice.test_journeys import FORM
from tests.spreadsheets import UNKNOWN_POSTCODE, csv_bytes, row

COORDINATOR = "journey-coordinator@example.org"


def fill_form(page, data: dict) -> None:
    """Fill a form the way a person does: type in boxes, pick from lists, tick boxes and radios."""
    for name, value in data.items():
        for one in (value if isinstance(value, list) else [value]):
            field = page.locator(f'main form [name="{name}"]').first
            # an optional group folded on the add-a-class form: open it, as a person would
            field.evaluate("e => { const d = e.closest('details'); if (d && !d.open) { d.querySelector('summary').click(); } }")
            kind = field.evaluate("e => e.tagName.toLowerCase() + ':' + (e.type || '')")
            if kind.startswith("select"):
                page.locator(f'main form select[name="{name}"]').select_option(one)
            elif kind in ("input:checkbox", "input:radio"):
                page.locator(f'main form input[name="{name}"][value="{one}"]').check()
            else:
                field.fill(one)


@pytest.fixture(scope="module")
def coordinator(server):
    server.cli("create-user", "--email", COORDINATOR, "--name", "Journey Coordinator", "--role", "coordinator",
               "--password-stdin", input=PASSWORD + "\n")
    return COORDINATOR


def log_in(page, server, email: str) -> None:
    page.goto(server.url("/backoffice/"))
    page.locator('[name="email"]').fill(email)
    page.locator('[name="password"]').fill(PASSWORD)
    with page.expect_navigation():
        page.locator('main button[type="submit"]').click()
    assert page.url.rstrip("/").endswith("/backoffice")


def test_partner_submits_a_class_and_a_coordinator_approves_it(server, page, coordinator):
    page.goto(server.url("/add-a-class"))
    # No crèche: the newcomer journeys share this server and count the classes with one.
    fill_form(page, {**{k: v for k, v in FORM.items() if not k.startswith("translation-")}, "creche": "none"})
    with page.expect_navigation():
        page.locator('main form button[type="submit"]').click()
    assert "Thank you, we have your class" in page.content()

    page.goto(server.url("/search?q=Zanzibar"))
    assert page.locator("li.result").count() == 0  # not live until a coordinator approves

    log_in(page, server, coordinator)
    with page.expect_navigation():
        page.locator("tr", has_text="Zanzibar Welcome English").get_by_role("link").first.click()
    page.locator('input[name="decision"][value="approve"]').check()
    with page.expect_navigation():
        page.get_by_role("button", name="Save decision").click()
    assert "Approved." in page.content()

    page.goto(server.url("/search?q=Zanzibar"))
    assert page.locator("li.result h3 a").all_inner_texts() == ["Zanzibar Welcome English"]


def test_coordinator_imports_a_file_with_errors_and_is_told_which_rows(server, page, coordinator, tmp_path):
    upload = tmp_path / "courses.csv"
    upload.write_bytes(csv_bytes([row("journey-good", "Journey good class"),
                                  row("journey-bad", "Journey bad class", venue_postcode=UNKNOWN_POSTCODE,
                                      session_1_start="25:00")]))
    log_in(page, server, coordinator)
    page.get_by_role("link", name="Import and export courses").click()
    page.locator('input[type="file"][name="file"]').set_input_files(str(upload))
    with page.expect_navigation():
        page.get_by_role("button", name="Check the file").click()
    text = page.locator("main").inner_text()
    assert "Some rows need fixing" in text
    assert f"The postcode “{UNKNOWN_POSTCODE}” does not exist" in text
    assert "“25:00” is not a time" in text
    # Nothing was imported: the good row waits for the file to be fixed.
    page.goto(server.url("/search?q=Journey"))
    assert page.locator("li.result").count() == 0


BACKOFFICE_PAGES = ["/backoffice/", "/backoffice/courses", "/backoffice/courses?needs=checking", "/backoffice/import",
                    "/backoffice/users", "/backoffice/outbox", "/backoffice/password", "/partners/courses/new"]


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_no_axe_violations_on_back_office_pages(server, page, coordinator, axe_script, lang):
    from tests.journeys.browser.conftest import axe_violations

    page.goto(server.url(f"/backoffice/login?lang={lang}"))
    found = {"/backoffice/login": axe_violations(page, axe_script)}
    log_in(page, server, coordinator)
    for path in BACKOFFICE_PAGES:
        page.goto(server.url(path + ("&" if "?" in path else "?") + f"lang={lang}"))
        found[path] = axe_violations(page, axe_script)
    found = {path: lines for path, lines in found.items() if lines}
    assert found == {}, "\n".join(f"{path}: {line}" for path, lines in found.items() for line in lines)
