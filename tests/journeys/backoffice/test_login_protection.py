"""Logging in under attack, over HTTP: someone else's wrong passwords do not lock the owner out, the
answers do not tell which e-mail addresses have accounts, the hashing does not stall other visitors,
and X-Forwarded-For counts only from a trusted proxy. (The back-off itself: tests/unit/operations.)"""

from __future__ import annotations

import asyncio
import re
import time

import httpx2
import pytest
from starlette.testclient import TestClient

from finder.operations.accounts import Accounts
from finder.web.app import create_app
from tests.accounts import PASSWORD, csrf, csrf_from, try_log_in
from tests.concurrency import AtOnce

pytestmark = pytest.mark.postgres

KNOWN, UNKNOWN = "coordinator@example.org", "nobody-here@example.org"
ATTACKER, OWNER = ("198.51.100.7", 40000), ("203.0.113.20", 40000)


def app_for(services, **settings):
    if settings:
        services.settings = services.settings.with_(**settings)
    return create_app(services=services, prepare=False)


def test_an_attackers_wrong_passwords_do_not_lock_the_owner_out(services, coordinator):
    app = app_for(services)
    with TestClient(app, client=ATTACKER) as attacker, TestClient(app, client=OWNER) as owner:
        token = csrf(attacker)
        answers = [try_log_in(attacker, KNOWN, f"guess {n}", token).status_code for n in range(7)]
        assert answers[:4] == [400] * 4
        assert answers[-1] == 429  # the attacker is held back...
        response = try_log_in(owner)  # ...the owner, from their own connection, is not
        assert response.status_code == 303
        assert owner.get("/backoffice/", follow_redirects=False).status_code == 200


def test_the_owners_own_mistakes_slow_only_the_owner_and_say_for_how_long(services, coordinator):
    app = app_for(services)
    with TestClient(app, client=OWNER) as owner:
        token = csrf(owner)
        for n in range(5):
            response = try_log_in(owner, KNOWN, f"typo {n}", token)
        assert response.status_code == 429
        assert "Try again in 15 minutes" in response.text
        assert "locked" not in response.text.lower()
        response = try_log_in(owner, KNOWN, PASSWORD, token)  # even the right password waits
        assert response.status_code == 429
        assert "Try again in 15 minutes" in response.text
        assert response.headers["retry-after"] == "900"


def normalised(response, email: str) -> tuple:
    """Status, page and headers with the only parts that may differ taken out: the CSRF token,
    the e-mail typed into the form (the form keeps it), and the cookie, date, length and request id."""
    text = re.sub(r'name="csrf_token" value="[^"]+"', 'name="csrf_token" value="-"', response.text)
    text = text.replace(email, "EMAIL")
    headers = {k: v for k, v in response.headers.items() if k not in ("set-cookie", "date", "content-length",
                                                                              "x-request-id")}
    return response.status_code, text, headers


@pytest.mark.parametrize("attempts", [1, 6])
def test_known_and_unknown_addresses_get_identical_answers(services, coordinator, attempts):
    app = app_for(services)
    answers = {}
    for email in (KNOWN, UNKNOWN):
        with TestClient(app, client=(f"192.0.2.{len(answers) + 1}", 1000)) as client:
            token = csrf(client)
            for n in range(attempts):
                response = try_log_in(client, email, f"wrong {n}", token)
            answers[email] = normalised(response, email)
    assert answers[KNOWN] == answers[UNKNOWN]
    assert answers[KNOWN][0] == (400 if attempts == 1 else 429)


def test_a_disabled_account_answers_as_a_wrong_password(services, coordinator):
    Accounts(services.sessions).set_disabled(coordinator.id, True, actor="test")
    app = app_for(services)
    with TestClient(app, client=OWNER) as owner:
        right = normalised(try_log_in(owner, KNOWN, PASSWORD), KNOWN)
    with TestClient(app, client=ATTACKER) as other:
        unknown = normalised(try_log_in(other, UNKNOWN, PASSWORD), UNKNOWN)
    assert right == unknown
    assert "The email address or password is not right." in right[1]


def test_password_hashing_runs_in_a_worker_thread(client, services, coordinator, monkeypatch):
    """authenticate, change_password, create_user and reset_password are handed to the threadpool."""
    where: dict[str, list[str]] = {}

    def spy(name):
        real = getattr(services.accounts, name)

        def wrapped(*args, **kwargs):
            try:
                asyncio.get_running_loop()
                where.setdefault(name, []).append("event loop")
            except RuntimeError:
                where.setdefault(name, []).append("worker thread")
            return real(*args, **kwargs)

        monkeypatch.setattr(services.accounts, name, wrapped)

    for name in ("authenticate", "change_password", "create_user", "reset_password"):
        spy(name)
    try_log_in(client, KNOWN, "wrong")
    try_log_in(client)
    token = csrf(client, "/backoffice/users")
    client.post("/backoffice/users", data={"csrf_token": token, "name": "P", "email": "p@example.org",
                                           "role": "coordinator", "password": PASSWORD, "confirm_password": PASSWORD})
    client.post("/backoffice/password", data={"csrf_token": token, "current_password": PASSWORD,
                                              "new_password": "another long passphrase",
                                              "confirm_password": "another long passphrase"})
    client.post("/password-reset/not-a-real-token", data={"csrf_token": csrf(client),
                                                          "new_password": "x", "confirm_password": "x"})
    assert where == {"authenticate": ["worker thread"] * 2, "create_user": ["worker thread"],
                     "change_password": ["worker thread"], "reset_password": ["worker thread"]}


def test_the_event_loop_answers_while_passwords_are_checked(services, coordinator):
    """Other visitors are not kept waiting behind argon2: the event loop's lag stays well under the
    time of one password check while several logins are being checked."""
    app = app_for(services, rate_limit_logins=100)
    start = time.perf_counter()
    Accounts(services.sessions).authenticate(UNKNOWN, "timing")
    one_check = time.perf_counter() - start

    async def scenario() -> float:
        loop = asyncio.get_running_loop()
        transport = httpx2.ASGITransport(app=app, client=("192.0.2.9", 1000))
        async with httpx2.AsyncClient(transport=transport, base_url="http://testserver") as http:
            token = csrf_from((await http.get("/backoffice/login")).text)
            lags: list[float] = []
            done = asyncio.Event()

            async def ticker():
                while not done.is_set():
                    before = loop.time()
                    await asyncio.sleep(0.005)
                    lags.append(loop.time() - before - 0.005)

            tick = asyncio.create_task(ticker())
            await asyncio.gather(*[http.post("/backoffice/login", data={
                "email": f"user{n}@example.org", "password": "wrong", "csrf_token": token}) for n in range(4)])
            done.set()
            await tick
            return max(lags)

    assert asyncio.run(scenario()) < one_check / 2


def test_only_a_few_passwords_are_checked_at_once(services, coordinator, monkeypatch):
    """A burst of logins queues for the CPU (HASHING_AT_ONCE at a time) instead of all hashing together."""
    from finder.web.kit import auth

    app = app_for(services, rate_limit_logins=100)
    counting = AtOnce(services.accounts.authenticate)
    monkeypatch.setattr(services.accounts, "authenticate", counting)

    async def burst():
        transport = httpx2.ASGITransport(app=app, client=("192.0.2.10", 1000))
        async with httpx2.AsyncClient(transport=transport, base_url="http://testserver") as http:
            token = csrf_from((await http.get("/backoffice/login")).text)
            answers = await asyncio.gather(*[http.post("/backoffice/login", data={
                "email": f"user{n}@example.org", "password": "wrong", "csrf_token": token}) for n in range(6)])
        return [a.status_code for a in answers]

    assert asyncio.run(burst()) == [400] * 6
    assert 1 <= counting.most <= auth.HASHING_AT_ONCE


# -- X-Forwarded-For -------------------------------------------------------------------------------

def attempts_until_refused(app, peer, forwarded_for) -> list[int]:
    with TestClient(app, client=peer) as client:
        token = csrf(client)
        return [client.post("/backoffice/login", headers={"x-forwarded-for": forwarded_for(n)},
                            data={"email": f"n{n}@example.org", "password": "x", "csrf_token": token}).status_code
                for n in range(4)]


def test_a_changing_x_forwarded_for_is_ignored_by_default(services, coordinator):
    app = app_for(services, rate_limit_logins=3)
    codes = attempts_until_refused(app, ("10.0.0.2", 1000), lambda n: f"203.0.113.{n}")
    assert codes == [400, 400, 400, 429]


def test_x_forwarded_for_counts_only_from_a_trusted_proxy(services, coordinator):
    app = app_for(services, rate_limit_logins=3, trusted_proxies=("10.0.0.0/8",))
    # Through the trusted proxy, each visitor is counted by their own address...
    assert attempts_until_refused(app, ("10.0.0.2", 1000), lambda n: f"203.0.113.{n}") == [400] * 4
    # ...but what the visitor writes in the header before the proxy adds theirs changes nothing...
    assert attempts_until_refused(app, ("10.0.0.2", 1000),
                                  lambda n: f"198.51.100.{n}, 203.0.113.50") == [400, 400, 400, 429]
    # ...and the header from anyone else is ignored.
    assert attempts_until_refused(app, ("192.0.2.77", 1000), lambda n: f"203.0.113.{100 + n}") == \
        [400, 400, 400, 429]


@pytest.mark.parametrize(("peer", "header", "expected"), [
    ("203.0.113.9", ["198.51.100.1"], "203.0.113.9"),                   # not a proxy: header ignored
    ("10.0.0.2", [], "10.0.0.2"),                                       # a proxy that said nothing
    ("10.0.0.2", ["198.51.100.1"], "198.51.100.1"),
    ("10.0.0.2", ["1.2.3.4, 198.51.100.1"], "198.51.100.1"),            # the client's own entry is skipped
    ("10.0.0.2", ["198.51.100.1, 10.0.0.3"], "198.51.100.1"),           # two proxies of ours
    ("10.0.0.2", ["1.2.3.4", "198.51.100.1:5555"], "198.51.100.1"),     # two headers, a port
    ("10.0.0.2", ["[2001:db8::1]:443"], "2001:db8::1"),
    ("::ffff:10.0.0.2", ["198.51.100.1"], "198.51.100.1"),              # IPv4 written as IPv6
    ("10.0.0.2", ["10.0.0.7, 10.0.0.3"], "10.0.0.7"),                   # all ours: as far back as known
    ("testclient", ["198.51.100.1"], "testclient"),                     # not an address: never trusted
])
def test_the_client_address(peer, header, expected):
    from finder.web.kit.ratelimit import client_address

    assert client_address(peer, header, ("10.0.0.0/8",)) == expected
    assert client_address(peer, header, ()) == client_address(peer, [], ())  # nobody trusted by default


def test_trusted_proxies_setting(monkeypatch, tmp_path):
    from finder.settings import load_settings

    assert load_settings(data_dir=tmp_path).trusted_proxies == ()
    monkeypatch.setenv("ESOL_FINDER_TRUSTED_PROXIES", " 10.0.0.0/8, 192.0.2.1 ,2001:db8::/32")
    assert load_settings(data_dir=tmp_path).trusted_proxies == ("10.0.0.0/8", "192.0.2.1/32", "2001:db8::/32")
    monkeypatch.setenv("ESOL_FINDER_TRUSTED_PROXIES", "10.0.0.0/8, proxy.example")
    with pytest.raises(ValueError, match="proxy.example"):
        load_settings(data_dir=tmp_path)


@pytest.mark.parametrize(("trusted", "expected"), [((), []), (("10.0.0.0/8",), ["10.0.0.0/8"])])
def test_serve_has_uvicorn_trust_the_same_proxies(services, monkeypatch, trusted, expected):
    import uvicorn
    from click.testing import CliRunner

    from finder.cli import catalogue

    services.settings = services.settings.with_(trusted_proxies=trusted)
    seen = {}
    monkeypatch.setattr(catalogue, "open_services", lambda: services)
    monkeypatch.setattr(catalogue, "ensure_postcodes", lambda services: None)
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: seen.update(kwargs))
    result = CliRunner().invoke(catalogue.serve, [])
    assert result.exit_code == 0, result.output
    assert seen["forwarded_allow_ips"] == expected  # never uvicorn's default, 127.0.0.1


def test_behind_uvicorn_a_local_peer_cannot_rewrite_its_address(services, coordinator):
    """What `serve` runs: uvicorn's proxy middleware with the trusted proxies (none), so a changing
    X-Forwarded-For from 127.0.0.1 (trusted by uvicorn's own default) no longer escapes the limit."""
    from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

    app = ProxyHeadersMiddleware(app_for(services, rate_limit_logins=3), trusted_hosts=list(services.settings.trusted_proxies))
    assert attempts_until_refused(app, ("127.0.0.1", 1000), lambda n: f"203.0.113.{n}") == [400, 400, 400, 429]
