"""Accounts straight through finder.operations.accounts: how passwords are kept, how a lock ends,
which new accounts are refused. (Logging in over HTTP: tests/journeys/backoffice/test_auth.py.)"""

from __future__ import annotations

import pytest

from finder.operations.accounts import Accounts, password_matches
from tests.accounts import PASSWORD, make_user

pytestmark = pytest.mark.postgres


def test_password_is_stored_as_argon2_hash(services):
    user = make_user(services)
    assert user.password_hash.startswith("$argon2")
    assert PASSWORD not in user.password_hash
    assert password_matches(user.password_hash, PASSWORD)


def test_lock_ends_after_fifteen_minutes(services, coordinator):
    import datetime as dt

    accounts = Accounts(services.sessions)
    start = dt.datetime(2026, 1, 5, 9, 0)
    for _ in range(5):
        accounts.authenticate("coordinator@example.org", "wrong", now=start)
    assert accounts.authenticate("coordinator@example.org", PASSWORD, now=start + dt.timedelta(minutes=14)).outcome == "locked"
    assert accounts.authenticate("coordinator@example.org", PASSWORD, now=start + dt.timedelta(minutes=16)).outcome == "ok"


def test_create_user_rejects_duplicates_and_weak_passwords(services, coordinator):
    from finder.domain import ValidationErrors

    with pytest.raises(ValidationErrors) as caught:
        Accounts(services.sessions).create_user(email="coordinator@example.org", name="Again", role="coordinator",
                                                password="short")
    assert set(caught.value.errors) == {"email", "password"}
    with pytest.raises(ValidationErrors) as caught:
        Accounts(services.sessions).create_user(email="p@example.org", name="P", role="partner", password=PASSWORD)
    assert "organisation" in caught.value.errors
