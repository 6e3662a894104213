"""What a search derives from one index commit (its page of hits, the page's course records, their
JSON) is kept with that commit: a repeated search gives the same answer, and any change to the index
(an edit, a rebuild) is seen by the very next search."""

from __future__ import annotations

import datetime as dt

import pytest

from finder.search import engine
from finder.search.params import SearchQuery
from tests import factories

pytestmark = pytest.mark.postgres

NOW = dt.datetime(2026, 12, 2, 10, 15, 30)


@pytest.fixture
def runs(monkeypatch):
    """How many times the engine really ranked (a kept page is not ranked again)."""
    counted: list[SearchQuery] = []
    real = engine.run

    def run(store, query, *args, **kwargs):
        counted.append(query)
        return real(store, query, *args, **kwargs)

    monkeypatch.setattr(engine, "run", run)
    return counted


def titles(services, query: SearchQuery, now=NOW) -> list[str]:
    outcome, records = services.search.search_records(query, now=now)
    assert records is not None, "the page's courses come from the index's cards"
    return [course.title for course, _ in records]


def test_a_repeated_search_gives_the_same_page_ranked_once(fixture_catalogue, runs):
    services = fixture_catalogue
    query = SearchQuery(q="english")
    first = titles(services, query)
    again = titles(services, query, now=NOW.replace(second=59))  # the same minute
    assert first == again and "Level 1 English" in first
    assert len(runs) == 1
    assert titles(services, SearchQuery(q="english", creche="1")) == ["English for Mums"]
    assert len(runs) == 2  # another search is ranked for itself


def test_a_page_changed_by_its_reader_does_not_change_the_kept_one(fixture_catalogue):
    services = fixture_catalogue
    query = SearchQuery(q="english")
    outcome = services.search.search(query, now=NOW)
    expected = [hit.course_id for hit in outcome.hits]
    outcome.hits.clear()
    outcome.relaxations["creche"] = 99
    again = services.search.search(query, now=NOW)
    assert [hit.course_id for hit in again.hits] == expected and "creche" not in again.relaxations


def test_the_next_minute_is_ranked_afresh(fixture_catalogue, runs):
    services = fixture_catalogue
    query = SearchQuery(q="english", sort="next")
    titles(services, query)
    titles(services, query, now=NOW + dt.timedelta(minutes=1))
    assert len(runs) == 2  # "next session" order moves with the clock


def test_a_page_in_another_order_is_kept_all_day(fixture_catalogue, runs):
    services = fixture_catalogue
    query = SearchQuery(q="english")
    titles(services, query)
    titles(services, query, now=NOW + dt.timedelta(hours=3))
    assert len(runs) == 1
    titles(services, query, now=NOW + dt.timedelta(days=1))
    assert len(runs) == 2  # tomorrow, stale listings and start dates may read differently


def test_an_edit_is_found_by_the_next_search(fixture_catalogue):
    services = fixture_catalogue
    query = SearchQuery(q="quiz")
    assert titles(services, query) == []
    services.catalogue.load_catalogue(factories.catalogue([factories.course("quiz-club", "Wednesday quiz club",
                                                                            "library")]))
    assert titles(services, query) == ["Wednesday quiz club"]
    services.catalogue.load_catalogue(factories.catalogue([factories.course("quiz-club", "Wednesday talk club",
                                                                            "library")]))
    assert titles(services, query) == []
    assert titles(services, SearchQuery(q="talk")) == ["Wednesday talk club"]


def test_a_rebuilt_index_is_searched_at_once(fixture_catalogue, runs):
    services = fixture_catalogue
    query = SearchQuery(q="english")
    before = titles(services, query)
    services.search.rebuild()
    assert titles(services, query) == before
    assert len(runs) == 2  # ranked again on the new index, not served from the old one


def test_the_json_of_a_result_follows_the_readers_language(client, fixture_catalogue):
    def shown(lang: str) -> list[str]:
        body = client.get(f"/search.json?q=level&lang={lang}").json()
        return [result["title"] for result in body["results"]]

    for _ in range(2):  # made once per language, then kept: each language keeps its own
        assert shown("ar") == ["اللغة الإنجليزية المستوى الأول"]
        assert shown("en") == ["Level 1 English"]


def test_the_json_of_a_result_follows_an_edit(client, fixture_catalogue):
    services = fixture_catalogue
    assert [r["title"] for r in client.get("/search.json?q=quiz").json()["results"]] == []
    services.catalogue.load_catalogue(factories.catalogue([factories.course("quiz-club", "Quiz club",
                                                                            "library", creche="on-site")]))
    first = client.get("/search.json?q=quiz").json()["results"]
    assert [(r["title"], r["creche"]) for r in first] == [("Quiz club", True)]
    services.catalogue.load_catalogue(factories.catalogue([factories.course("quiz-club", "Quiz club",
                                                                            "library", creche="none")]))
    again = client.get("/search.json?q=quiz").json()["results"]
    assert [(r["title"], r["creche"]) for r in again] == [("Quiz club", False)]


def test_the_html_of_a_result_follows_the_readers_language(client, fixture_catalogue):
    for _ in range(2):
        arabic = client.get("/search?q=level&lang=ar").text
        english = client.get("/search?q=level&lang=en").text
        assert "اللغة الإنجليزية المستوى الأول" in arabic and "Level 1 English" not in arabic
        assert "Level 1 English" in english and "اللغة الإنجليزية المستوى الأول" not in english


def test_what_is_kept_stays_within_its_budget(fixture_catalogue, monkeypatch):
    services = fixture_catalogue
    store = services.search.store
    monkeypatch.setattr(type(store), "KEPT_BYTES", 20_000)
    store.close()  # reopened with the smaller budget
    expected = {}
    for words in ("english", "club", "level", "entry", "conversation", "mums", "online", "welcome", "café"):
        expected[words] = titles(services, SearchQuery(q=words))
        assert store._kept.currsize <= 20_000
    for words, shown in expected.items():  # what was let go is made again, the same
        assert titles(services, SearchQuery(q=words)) == shown


def test_a_count_is_the_total_its_search_finds(fixture_catalogue):
    services = fixture_catalogue
    for query in (SearchQuery(), SearchQuery(q="english"), SearchQuery(q="english", creche="1"),
                  SearchQuery(levels=("entry-1",)), SearchQuery(q="nothing-like-this")):
        assert services.search.count(query, now=NOW) == services.search.search(query, now=NOW).total, query
