"""A coordinator who forgot their password, in a real browser: the link on the login page, the form,
the e-mailed link (read from the outbox table), a new password, logging in with it; and axe-core
on each of the pages on the way."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from tests.accounts import PASSWORD
from tests.journeys.browser.conftest import database_url

COORDINATOR = "forgetful-coordinator@example.org"
NEW = "a fresh browser passphrase"


@pytest.fixture(scope="module")
def forgetful(server):
    server.cli("create-user", "--email", COORDINATOR, "--name", "Forgetful Coordinator", "--role", "coordinator",
               "--password-stdin", input=PASSWORD + "\n")
    return COORDINATOR


def emailed_link(server) -> str:
    from finder.models import OutboxMessage

    engine = sa.create_engine(database_url(server.data_dir))
    try:
        with engine.connect() as connection:
            body = connection.execute(sa.select(OutboxMessage.body).where(OutboxMessage.to == COORDINATOR)
                                      .order_by(OutboxMessage.id.desc())).scalars().first()
    finally:
        engine.dispose()
    match = re.search(r"https?://\S+/password-reset/[A-Za-z0-9_-]+", body or "")
    assert match, body
    return match.group(0)


def test_a_coordinator_sets_a_new_password_from_the_emailed_link(server, page, forgetful):
    page.goto(server.url("/backoffice/login"))
    with page.expect_navigation():
        page.get_by_role("link", name="Forgot your password?").click()
    page.locator('main [name="email"]').fill(COORDINATOR)
    with page.expect_navigation():
        page.get_by_role("button", name="Send the link").click()
    assert "If there is an account with that email address" in page.content()

    page.goto(emailed_link(server))
    page.locator('main [name="new_password"]').fill(NEW)
    page.locator('main [name="confirm_password"]').fill(NEW)
    with page.expect_navigation():
        page.get_by_role("button", name="Change password").click()
    assert "Your new password is set. Log in with it." in page.content()

    page.locator('main [name="email"]').fill(COORDINATOR)
    page.locator('main [name="password"]').fill(NEW)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
    assert page.url.rstrip("/").endswith("/backoffice")
    assert page.console_errors == []


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_no_axe_violations_on_the_reset_pages(server, page, forgetful, axe_script, lang):
    from tests.journeys.browser.conftest import axe_violations

    found = {}
    page.goto(server.url(f"/password-reset?lang={lang}"))
    found["/password-reset"] = axe_violations(page, axe_script)
    page.locator('main [name="email"]').fill(COORDINATOR)
    with page.expect_navigation():
        page.locator('main button[type="submit"]').click()
    page.goto(emailed_link(server) + f"?lang={lang}")
    found["/password-reset/{token}"] = axe_violations(page, axe_script)
    page.locator('main [name="new_password"]').fill("short")
    with page.expect_navigation():
        page.locator('main button[type="submit"]').click()
    found["/password-reset/{token} with errors"] = axe_violations(page, axe_script)
    page.goto(server.url(f"/password-reset/made-up?lang={lang}"))
    found["/password-reset/made-up"] = axe_violations(page, axe_script)
    found = {path: lines for path, lines in found.items() if lines}
    assert found == {}, "\n".join(f"{path}: {line}" for path, lines in found.items() for line in lines)
