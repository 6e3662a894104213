"""finder.operations.accounts under attack, without HTTP: the login back-off (per e-mail address and
client together, and per client), one argon2 check whatever the answer, server-side sessions and
one-time reset tokens."""

from __future__ import annotations

import datetime as dt
import statistics
import time

import pytest

from finder.operations.accounts import (
    RESET_LINK_LIFETIME,
    SESSION_LIFETIME,
    Accounts,
    LoginThrottle,
)
from tests.accounts import PASSWORD, make_user

pytestmark = pytest.mark.postgres

START = dt.datetime(2026, 1, 5, 9, 0)
EMAIL = "coordinator@example.org"


def at(minutes: float) -> dt.datetime:
    return START + dt.timedelta(minutes=minutes)


# -- the back-off, on its own ----------------------------------------------------------------------

def test_the_wait_grows_with_each_failure_and_never_becomes_a_lock():
    throttle = LoginThrottle()
    waits = []
    now = START
    for _ in range(12):
        now = now + throttle.wait(EMAIL, "198.51.100.7", now)
        throttle.failed(EMAIL, "198.51.100.7", now)
        waits.append(throttle.wait(EMAIL, "198.51.100.7", now))
    minutes = [w.total_seconds() / 60 for w in waits]
    assert minutes[:4] == [0, 0, 0, 0]
    assert minutes[4:9] == [15, 30, 60, 120, 240]
    assert max(minutes) == 24 * 60  # it grows to a day at most, and always ends
    assert throttle.wait(EMAIL, "198.51.100.7", now + dt.timedelta(days=1)) == dt.timedelta(0)


def test_the_wait_is_for_that_address_from_that_client_only():
    throttle = LoginThrottle()
    for _ in range(8):
        throttle.failed(EMAIL, "198.51.100.7", START)
    assert throttle.wait(EMAIL, "198.51.100.7", START) > dt.timedelta(0)
    assert throttle.wait(EMAIL, "203.0.113.20", START) == dt.timedelta(0)  # the owner, elsewhere
    assert throttle.wait("other@example.org", "198.51.100.7", START) == dt.timedelta(0)


def test_one_client_trying_many_addresses_is_slowed_down_too():
    throttle = LoginThrottle()
    for n in range(LoginThrottle.CLIENT_ALLOWED_FAILURES):
        assert throttle.wait(f"n{n}@example.org", "198.51.100.7", START) == dt.timedelta(0)
        throttle.failed(f"n{n}@example.org", "198.51.100.7", START)
    assert throttle.wait("fresh@example.org", "198.51.100.7", START) == dt.timedelta(minutes=15)
    assert throttle.wait("fresh@example.org", "203.0.113.20", START) == dt.timedelta(0)


def test_success_forgets_that_addresss_failures_from_that_client():
    throttle = LoginThrottle()
    for _ in range(4):
        throttle.failed(EMAIL, "203.0.113.20", START)
    throttle.succeeded(EMAIL, "203.0.113.20")
    for _ in range(4):
        throttle.failed(EMAIL, "203.0.113.20", START)
    assert throttle.wait(EMAIL, "203.0.113.20", START) == dt.timedelta(0)


def test_the_throttle_holds_a_bounded_number_of_entries(services):
    throttle = LoginThrottle(max_entries=100)
    for n in range(300):
        throttle.failed(f"n{n}@example.org", f"192.0.2.{n % 250}", START + dt.timedelta(minutes=n))
        assert len(throttle) <= 100
    assert throttle.wait("n299@example.org", "192.0.2.49", at(299)) == dt.timedelta(0)  # the newest are kept


# -- authenticate ----------------------------------------------------------------------------------

def test_the_owner_logs_in_from_home_while_an_attacker_guesses(services, coordinator):
    accounts = Accounts(services.sessions)
    for n in range(6):
        assert accounts.authenticate(EMAIL, f"guess {n}", client="198.51.100.7", now=at(n)).outcome in ("wrong", "locked")
    assert accounts.authenticate(EMAIL, PASSWORD, client="198.51.100.7", now=at(7)).outcome == "locked"
    assert accounts.authenticate(EMAIL, PASSWORD, client="203.0.113.20", now=at(7)).outcome == "ok"


def test_known_and_unknown_addresses_are_held_back_alike(services, coordinator):
    accounts = Accounts(services.sessions)
    results = {}
    for email in (EMAIL, "nobody@example.org"):
        results[email] = [(r.outcome, r.retry_after) for r in
                          (accounts.authenticate(email, "wrong", client=email, now=START) for _ in range(6))]
    assert results[EMAIL] == results["nobody@example.org"]
    assert results[EMAIL][-1] == ("locked", dt.timedelta(minutes=15))


def test_every_answer_costs_one_password_check(services, coordinator, monkeypatch):
    from finder.operations import accounts as module

    checks = []
    real = module.password_matches
    monkeypatch.setattr(module, "password_matches", lambda h, p: checks.append(h) or real(h, p))
    accounts = Accounts(services.sessions)
    accounts.authenticate("nobody@example.org", "x", client="a")
    accounts.authenticate(EMAIL, "wrong", client="b")
    accounts.authenticate(EMAIL, PASSWORD, client="c")
    for _ in range(6):
        accounts.authenticate(EMAIL, "wrong", client="d")
    assert len(checks) == 9


def test_known_and_unknown_addresses_take_comparable_time(services, coordinator):
    """A wrong password, an unknown address and a held-back attempt all cost one argon2 check."""
    accounts = Accounts(services.sessions)
    for _ in range(6):
        accounts.authenticate(EMAIL, "wrong", client="held back")

    def median(email, client):
        times = []
        for _ in range(3):
            start = time.perf_counter()
            accounts.authenticate(email, "wrong", client=client)
            times.append(time.perf_counter() - start)
        return statistics.median(times)

    known, unknown, held = median(EMAIL, "k"), median("nobody@example.org", "u"), median(EMAIL, "held back")
    for one, other in ((known, unknown), (known, held)):
        assert 0.5 < one / other < 2, (known, unknown, held)


def test_a_disabled_account_does_not_log_in_even_with_the_right_password(services, coordinator):
    accounts = Accounts(services.sessions)
    accounts.set_disabled(coordinator.id, True, actor="test")
    assert accounts.authenticate(EMAIL, PASSWORD).outcome == "wrong"
    accounts.set_disabled(coordinator.id, False, actor="test")
    assert accounts.authenticate(EMAIL, PASSWORD).outcome == "ok"


# -- sessions --------------------------------------------------------------------------------------

def test_a_session_lasts_twelve_hours_from_logging_in(services, coordinator):
    accounts = Accounts(services.sessions)
    token = accounts.start_session(coordinator.id, now=START)
    assert SESSION_LIFETIME == dt.timedelta(hours=12)
    for minutes in (0, 60, 6 * 60, 12 * 60 - 1):
        assert accounts.session_user(token, now=at(minutes)).id == coordinator.id
    assert accounts.session_user(token, now=at(12 * 60)) is None
    assert accounts.session_user("made-up", now=START) is None


def test_ending_sessions(services, coordinator):
    accounts = Accounts(services.sessions)
    other = make_user(services, email="other@example.org")
    mine = [accounts.start_session(coordinator.id) for _ in range(3)]
    theirs = accounts.start_session(other.id)
    accounts.end_session(mine[0])
    assert accounts.session_user(mine[0]) is None and accounts.session_user(mine[1]) is not None
    assert accounts.end_sessions(coordinator.id) == 2
    assert [accounts.session_user(t) for t in mine] == [None, None, None]
    assert accounts.session_user(theirs) is not None


def test_a_password_change_ends_the_accounts_sessions(services, coordinator):
    accounts = Accounts(services.sessions)
    token = accounts.start_session(coordinator.id)
    accounts.change_password(coordinator.id, PASSWORD, "a much better passphrase", "a much better passphrase")
    assert accounts.session_user(token) is None


def test_disabling_ends_the_accounts_sessions(services, coordinator):
    accounts = Accounts(services.sessions)
    token = accounts.start_session(coordinator.id)
    accounts.set_disabled(coordinator.id, True, actor="test")
    assert accounts.session_user(token) is None
    with pytest.raises(LookupError):
        accounts.start_session(coordinator.id)


# -- reset links -----------------------------------------------------------------------------------

def test_a_reset_link_works_once_within_an_hour(services, coordinator):
    accounts = Accounts(services.sessions)
    assert RESET_LINK_LIFETIME == dt.timedelta(hours=1)
    session = accounts.start_session(coordinator.id)
    _, token = accounts.request_password_reset(EMAIL, now=utc_now())
    assert accounts.reset_link_user(token) is not None
    user = accounts.reset_password(token, "a brand new passphrase", "a brand new passphrase")
    assert user.id == coordinator.id
    assert accounts.session_user(session) is None
    with pytest.raises(LookupError):
        accounts.reset_password(token, "another new passphrase", "another new passphrase")
    assert accounts.authenticate(EMAIL, "a brand new passphrase").outcome == "ok"


def test_a_reset_link_expires(services, coordinator):
    accounts = Accounts(services.sessions)
    _, token = accounts.request_password_reset(EMAIL, now=START)
    assert accounts.reset_link_user(token, now=at(59)) is not None
    assert accounts.reset_link_user(token, now=at(60)) is None
    with pytest.raises(LookupError):
        accounts.reset_password(token, "a brand new passphrase", "a brand new passphrase", now=at(61))


def test_reset_links_go_only_to_active_coordinators(services, fixture_catalogue, coordinator):
    accounts = Accounts(services.sessions)
    make_user(services, email="editor@library.example.org", role="partner", organisation_key="library")
    assert accounts.request_password_reset("editor@library.example.org") is None
    assert accounts.request_password_reset("nobody@example.org") is None
    accounts.set_disabled(coordinator.id, True, actor="test")
    assert accounts.request_password_reset(EMAIL) is None


def test_a_reset_keeps_the_password_rules(services, coordinator):
    from finder.domain import ValidationErrors

    accounts = Accounts(services.sessions)
    _, token = accounts.request_password_reset(EMAIL)
    with pytest.raises(ValidationErrors) as caught:
        accounts.reset_password(token, "short", "other")
    assert set(caught.value.errors) == {"new_password"}
    assert accounts.reset_link_user(token) is not None  # a refused password does not use the link up


def utc_now() -> dt.datetime:
    from finder.models import utcnow

    return utcnow()
