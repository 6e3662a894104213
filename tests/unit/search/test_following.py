"""Several instances on one database, each with its own data directory and index: each follows the
change feed, applies what changed, rebuilds beside its live index when too far behind, and says in its
readiness answer whether it can be trusted."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import delete, func, select

from finder.models import CatalogueChange, Course
from finder.search.params import SearchQuery
from finder.services import build_services
from tests import factories

pytestmark = pytest.mark.postgres


@pytest.fixture
def second(settings, services, shared_postcodes, tmp_path):
    """Another instance on the same database, with a data directory of its own (as on another machine)."""
    other = build_services(settings.with_(data_dir=tmp_path / "second"), postcodes=shared_postcodes)
    other.prepare()
    yield other
    other.close()


def titles(services, words: str = "") -> set[str]:
    outcome = services.search.search(SearchQuery(q=words, per_page=100))
    with services.sessions() as db:
        return {course.title for course, _ in services.search.load(db, outcome.hits)}


def publish(services, key: str, title: str) -> None:
    services.catalogue.load_catalogue(factories.catalogue([factories.course(key, title, "library")]))


def test_an_edit_on_one_instance_reaches_the_other_through_the_feed(services, second):
    publish(services, "chat-club", "Wednesday chat club")
    assert "Wednesday chat club" in titles(services, "chat")  # the instance that wrote it, at once
    assert titles(second, "chat") == set()  # the other has not looked yet
    assert second.search.sync() == "applied"
    assert titles(second, "chat") == {"Wednesday chat club"}
    assert second.search.sync() == "current"


def test_every_change_in_between_is_applied_not_only_the_newest(services, second):
    publish(services, "one", "Monday grammar")
    publish(services, "two", "Tuesday grammar")
    with services.sessions() as db:
        first_id = db.scalar(select(Course.id).where(Course.key == "one"))
    services.catalogue.set_status(first_id, "archived")
    assert second.search.sync() == "applied"
    assert titles(second, "grammar") == {"Tuesday grammar"}
    # The writing instance itself had missed nothing either, although it only heard of its own changes.
    assert titles(services, "grammar") == {"Tuesday grammar"}


def test_an_instance_far_behind_rebuilds_beside_its_live_index(services, second, monkeypatch):
    publish(services, "one", "Evening reading")
    publish(services, "two", "Evening writing")
    monkeypatch.setattr(second.search, "CATCH_UP_LIMIT", 1)
    old_dir = (second.settings.index_dir / "CURRENT").read_text()
    assert second.search.sync() == "rebuilt"
    assert (second.settings.index_dir / "CURRENT").read_text() != old_dir  # a new build, swapped in
    assert titles(second, "evening") == {"Evening reading", "Evening writing"}


def test_a_feed_trimmed_past_the_index_means_a_rebuild(services, second):
    publish(services, "one", "Saturday conversation")
    with services.sessions.begin() as db:
        db.execute(delete(CatalogueChange))
    assert second.search.sync() == "rebuilt"
    assert titles(second, "saturday") == {"Saturday conversation"}


def test_an_edit_made_while_a_large_change_is_applied_is_searchable_before_the_rest(services, second, monkeypatch):
    """A large import is written a chunk per commit; an edit committed meanwhile goes in the next
    commit, ahead of the import's remaining courses, and the index is stamped only when all are in."""
    services.catalogue.load_catalogue(factories.catalogue(
        [factories.course(f"import-{n}", f"Imported reading {n}", "college") for n in range(7)]))
    monkeypatch.setattr(second.search, "APPLY_CHUNK", 2)
    write = second.search._write_courses
    seen: list[tuple[set[str], set[str], int | None]] = []

    def observed(course_ids, version):
        write(course_ids, version)
        if not seen:
            publish(services, "late", "Late reading club")  # committed while the import is being applied
        seen.append((titles(second, "reading"), titles(second, "late"), second.search.store.version()))

    monkeypatch.setattr(second.search, "_write_courses", observed)
    before = second.search.store.version()
    assert second.search.sync() == "applied"
    imported_then, late_then, version_then = seen[1]
    assert late_then == {"Late reading club"}  # the edit is in the second commit (with one more import)...
    assert len(imported_then - late_then) == 3  # ...while 4 of the 7 imported courses are still to come
    assert version_then == before  # not stamped while changes before it are missing
    assert len(seen) == 4  # commits of 2, the edit + 1, 2, 2
    with services.sessions() as db:
        newest = db.scalar(select(func.max(CatalogueChange.version)))
    assert second.search.store.version() == newest
    assert titles(second, "reading") == {f"Imported reading {n}" for n in range(7)} | {"Late reading club"}


def test_the_follower_thread_keeps_an_instance_in_step(services, second):
    second.search.start_following(second.engine)
    try:
        assert second.search.following
        publish(services, "live", "Thursday listening practice")
        deadline = time.monotonic() + 20  # a generous bound; bench/bench_cluster.py measures the delay
        while "Thursday listening practice" not in titles(second, "listening") and time.monotonic() < deadline:
            time.sleep(0.05)
        assert titles(second, "listening") == {"Thursday listening practice"}
    finally:
        second.search.stop_following()
    assert not second.search.following


def test_an_instance_warming_its_index_keeps_applying_edits_and_is_ready_once_warm(services, second, monkeypatch):
    """Warming a large index takes seconds: meanwhile readiness says so (the proxy's health check waits)
    and the follower goes on applying edits, so the first edits after start are not held up."""
    import threading

    release, warming = threading.Event(), threading.Event()
    warm = second.search.store.warm

    def slow_warm():
        warming.set()
        release.wait(20)
        warm()

    monkeypatch.setattr(second.search.store, "warm", slow_warm)
    second.search.start_following(second.engine)
    try:
        assert warming.wait(20)
        state = second.search.readiness()
        assert not state.ready and state.detail == "warming the search index"
        publish(services, "early", "Early bird speaking club")
        deadline = time.monotonic() + 20
        while not titles(second, "bird") and time.monotonic() < deadline:
            time.sleep(0.05)
        assert titles(second, "bird") == {"Early bird speaking club"}  # applied while the warm waits
        release.set()
        deadline = time.monotonic() + 20
        while not second.search.readiness().ready and time.monotonic() < deadline:
            time.sleep(0.05)
        assert second.search.readiness().detail == "search index current"
    finally:
        release.set()
        second.search.stop_following()


def test_readiness_says_when_the_index_cannot_be_trusted(services, second, monkeypatch):
    assert second.search.readiness().ready
    publish(services, "new", "Friday pronunciation")
    state = second.search.readiness()
    assert state.ready and state.index_version == state.database_version - 1  # behind, within the budget
    monkeypatch.setattr(second.search, "lag_budget", 0.0)
    time.sleep(0.01)
    state = second.search.readiness()
    assert not state.ready and state.detail == "search index behind the database"
    second.search.sync()
    assert second.search.readiness().ready

    import shutil

    second.search.store.close()
    shutil.rmtree(second.settings.index_dir)
    state = second.search.readiness()
    assert not state.ready and state.index_version is None


def test_a_large_missing_index_answers_not_ready_instead_of_stalling(services, second, monkeypatch):
    """With a follower running, a search that finds no index does not rebuild a large catalogue in the
    request: it is told the index is not ready (a 503 the proxy retries elsewhere)."""
    import shutil

    from finder.search.service import IndexNotReady

    publish(services, "one", "Sunday family English")
    monkeypatch.setattr(second.search, "INLINE_REBUILD_MAX", 0)
    monkeypatch.setattr(second.search, "_follower", type("Alive", (), {"is_alive": lambda self: True})())
    second.search.store.close()
    shutil.rmtree(second.settings.index_dir)
    with pytest.raises(IndexNotReady):
        second.search.search(SearchQuery(q="family"))
    monkeypatch.setattr(second.search, "_follower", None)
    assert titles(second, "family") == {"Sunday family English"}  # no follower: rebuilt where it was found
