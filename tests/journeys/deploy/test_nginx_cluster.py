"""Two instances, each with its own data directory, on one PostgreSQL database, behind Debian's nginx
with the shipped deploy/nginx/esol-finder.conf: an edit through one is found through the other within a
second; killing an instance loses no request nginx can retry; an instance rebuilding its index from
scratch says so on /readyz (and nginx sends its searches to the other) until it is ready."""

from __future__ import annotations

import threading
import time

import httpx2
import pytest
from sqlalchemy import select

from finder.models import Course
from tests import factories
from tests.accounts import csrf, log_in, make_user
from tests.cluster import Instance, Proxy, nginx_binary

pytestmark = pytest.mark.postgres

# Enough courses that building an index from nothing takes a moment (and more than
# SearchService.INLINE_REBUILD_MAX, so an instance without an index answers searches with 503).
GENERATED = 2200


@pytest.fixture
def cluster(settings, services, shared_postcodes, tmp_path):
    if not settings.database_url.startswith("postgresql"):
        pytest.skip("runs in the PostgreSQL run (esol-finder check --postgres-only)")
    if nginx_binary() is None:
        pytest.skip("nginx is not installed (esol-finder check installs it)")
    courses = [factories.course(f"generated-{n}", f"Generated class {n}", "library") for n in range(GENERATED)]
    services.catalogue.load_catalogue(factories.catalogue(factories.fixture_catalogue()["courses"] + courses))
    services.catalogue.load_catalogue(factories.catalogue([factories.course("zebra", "Zebra crossing chat", "library")]),
                                      status="draft")
    make_user(services)
    postcodes = shared_postcodes.path if shared_postcodes is not None else None
    a = Instance(settings.database_url, tmp_path / "a", postcodes).start()
    b = Instance(settings.database_url, tmp_path / "b", postcodes).start()
    proxy = None
    try:
        a.wait_ready()
        b.wait_ready()
        proxy = Proxy(tmp_path / "nginx", [a, b]).start()
        yield services, a, b, proxy
    finally:
        if proxy is not None:
            proxy.stop()
        for instance in (a, b):
            instance.stop()


def found(base: str, words: str) -> set[str]:
    response = httpx2.get(f"{base}/search.json", params={"q": words}, timeout=10)
    assert response.status_code == 200, response.text[:300]
    return {r["title"] for r in response.json()["results"]}


def an_edit_through_one_instance_is_found_through_the_other_within_a_second(cluster):
    services, a, b, proxy = cluster
    with services.sessions() as db:
        zebra = db.scalar(select(Course.id).where(Course.key == "zebra"))
    assert found(b.url, "zebra") == set()
    with httpx2.Client(base_url=a.url) as coordinator:
        log_in(coordinator)
        token = csrf(coordinator, "/backoffice/")
        response = coordinator.post(f"/backoffice/courses/{zebra}/status", data={"action": "publish",
                                                                                "csrf_token": token})
        assert response.status_code == 303
    published = time.monotonic()
    while "Zebra crossing chat" not in found(b.url, "zebra") and time.monotonic() - published < 5:
        time.sleep(0.01)
    delay = time.monotonic() - published
    assert "Zebra crossing chat" in found(b.url, "zebra")
    assert delay < 1.0, f"the other instance found the edit after {delay:.2f} s"
    assert found(proxy.url, "zebra") == {"Zebra crossing chat"}


def the_proxy_serves_static_files_compressed_with_a_long_cache(cluster):
    _, _, _, proxy = cluster
    page = httpx2.get(proxy.url + "/", headers={"accept-encoding": "gzip"}, timeout=10)
    assert page.status_code == 200 and page.headers.get("content-encoding") == "gzip"
    assert page.headers.get("x-request-id")
    stylesheet = next(part.split('"')[0] for part in page.text.split('href="')[1:] if part.startswith("/static/"))
    response = httpx2.get(proxy.url + stylesheet, headers={"accept-encoding": "gzip"}, timeout=10)
    assert response.status_code == 200
    assert "max-age=31536000" in response.headers["cache-control"]
    assert response.headers.get("content-encoding") == "gzip"


def killing_an_instance_loses_no_request_the_proxy_can_retry(cluster):
    _, a, b, proxy = cluster
    statuses: list[int] = []
    done = threading.Event()

    def searcher():
        with httpx2.Client(base_url=proxy.url, timeout=30) as client:
            while not done.is_set():
                try:
                    statuses.append(client.get("/search.json", params={"q": "class"}).status_code)
                except httpx2.TransportError:
                    statuses.append(-1)

    threads = [threading.Thread(target=searcher) for _ in range(4)]
    for thread in threads:
        thread.start()
    while len(statuses) < 40:
        time.sleep(0.01)
    b.kill()
    killed_at = len(statuses)
    while len(statuses) < killed_at + 80:
        time.sleep(0.01)
    done.set()
    for thread in threads:
        thread.join()
    assert set(statuses) == {200}, {s: statuses.count(s) for s in set(statuses)}
    assert a.ready()


def readyz_is_red_while_an_instance_rebuilds_from_scratch_and_green_after(cluster, tmp_path):
    services, a, b, proxy = cluster
    b.stop()
    fresh = Instance(b.database_url, tmp_path / "b-fresh", b.postcodes, port=b.port).start()
    try:
        fresh.wait_listening()
        answers, searches = [], []
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            response = httpx2.get(fresh.url + "/readyz", timeout=5)
            answers.append(response.status_code)
            if response.status_code == 503:
                index = response.json()["index"]
                # building from nothing (no index yet), or built and reading it into memory before its
                # first searches
                assert index["index_version"] is None or (
                    index["detail"] == "warming the search index"
                    and index["index_version"] == index["database_version"]), index
                searches.append(httpx2.get(proxy.url + "/search.json", params={"q": "class"}, timeout=30).status_code)
            if response.status_code == 200:
                break
            time.sleep(0.05)
        assert answers[0] == 503, answers[:5]  # red while it builds its index from nothing...
        assert answers[-1] == 200  # ...green once built
        assert searches and set(searches) == {200}  # and meanwhile nginx found searches another instance
        assert found(fresh.url, "generated") != set()
    finally:
        fresh.stop()


def test_two_instances_behind_nginx_on_one_database(cluster, tmp_path):
    """One cluster (building it takes a minute on a shared machine), four checks in turn."""
    an_edit_through_one_instance_is_found_through_the_other_within_a_second(cluster)
    the_proxy_serves_static_files_compressed_with_a_long_cache(cluster)
    killing_an_instance_loses_no_request_the_proxy_can_retry(cluster)
    readyz_is_red_while_an_instance_rebuilds_from_scratch_and_green_after(cluster, tmp_path)
