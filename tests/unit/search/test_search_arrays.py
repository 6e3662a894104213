"""The array paths of search (document sets, vectorised scores, top-k, title order, rows) give
exactly what the one-document-at-a-time paths give, on a catalogue full of ties and spread over
several segments with deletions."""

from __future__ import annotations

import datetime as dt
import random
from types import SimpleNamespace

import numpy as np
import pytest
from whoosh import query as Q

from finder.search import engine, scoring
from finder.search.index import IndexStore, RowTable, course_document, document_row
from finder.search.params import parse

CENTRE = (53.4084, -2.9916)
TITLES = ["English conversation club", "ESOL beginners", "Conversation café", "English class", "Speaking practice"]


def tied_course(n: int, rng: random.Random):
    """Few distinct titles and descriptions, so that many courses score exactly the same."""
    venue = SimpleNamespace(name=f"Hall {n % 3}", address="1 Road", postcode="",
                            latitude=CENTRE[0] + rng.choice((0.0, 0.01, 0.02, 0.05)),
                            longitude=CENTRE[1] + rng.choice((0.0, 0.01, 0.03)))
    sessions = [SimpleNamespace(weekday=rng.choice(["mon", "wed"]), start_time=dt.time(rng.choice((9, 19))), venue=venue)
                for _ in range(rng.choice((0, 1, 2)))]
    return SimpleNamespace(
        id=n, title=rng.choice(TITLES), description=rng.choice(["Practise English", "Friendly club with tea", ""]),
        organisation=SimpleNamespace(name=rng.choice(["Welcome Trust", "Library"])),
        venues=[venue] if n % 11 else [], sessions=sessions, translations=[], levels=[rng.choice(["entry-1", "entry-2"])],
        kind="informal", creche=rng.choice(("none", "on-site")), free=True, women_only=False, mode="in-person",
        languages=["ar"], last_checked=dt.date.today() - dt.timedelta(days=n % 500), published_at=None, updated_at=None,
        availability=rng.choice(("places", "waiting-list", "next-intake")), wait_weeks=rng.choice((None, 4)),
        next_intake=dt.date.today() + dt.timedelta(days=n % 40), creche_places=rng.choice((None, "available")))


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    rng = random.Random(5)
    courses = [tied_course(n, rng) for n in range(1, 501)]
    store = IndexStore(tmp_path_factory.mktemp("index"))
    store.rebuild((course_document(c) for c in courses[:400]), version=1)
    store.update([course_document(c) for c in courses[400:]], [3, 4, 50, 51], version=2)
    store.update([course_document(c) for c in courses[10:30]], [], version=3)  # replaced: old copies deleted
    assert len(store.searcher().leaf_searchers()) > 1
    assert store.searcher().reader().has_deletions()
    yield store
    store.close()


QUERIES = ["q=english", "q=conversation+club", "q=esol&creche=1", "q=englsh", "q=tea", "q=library&level=entry-2", "q=zzzz"]


@pytest.mark.parametrize("query_string", QUERIES)
def test_document_sets_are_whooshs(store, query_string):
    parsed = parse(dict(p.split("=") for p in query_string.split("&"))).query
    searcher = store.searcher()
    queries = engine.word_queries(parsed.q, store.vocabulary()) + list(engine.filter_parts(parsed, None, 0).values())
    for query in queries:
        docs = store.filter_docs(query)
        assert docs.tolist() == sorted(searcher.docs_for_query(query))


@pytest.mark.parametrize("query_string", QUERIES)
@pytest.mark.parametrize("limit", [1, 3, 10, 25, 1000])
def test_top_k_is_the_head_of_the_full_ranking(store, query_string, limit):
    parsed = parse(dict(p.split("=") for p in query_string.split("&"))).query
    searcher = store.searcher()
    per_word = engine.word_queries(parsed.q, store.vocabulary())
    words = Q.And(per_word)
    matched = engine._matching(per_word + list(engine.filter_parts(parsed, None, 0).values()), store.filter_docs)
    scored = scoring.scores(searcher, words, set(matched.tolist()), scoring.TermPostings())
    full = sorted(matched.tolist(), key=lambda d: (-scored.get(d, 0.0), d))
    if query_string != "q=zzzz":
        assert len(set(scored.values())) < len(scored)  # ties there are, and many
    assert engine._by_relevance(store, searcher, words, matched, limit=limit).tolist() == full[:limit]
    assert engine._by_relevance(store, searcher, words, matched).tolist() == full


@pytest.mark.parametrize("query_string", ["", "creche=1", "level=entry-1&creche=1"])
def test_searches_with_no_words_are_in_whooshs_title_order(store, query_string):
    params = dict(p.split("=") for p in query_string.split("&") if p)
    searcher = store.searcher()
    parsed = parse(params).query
    filters = list(engine.filter_parts(parsed, None, 0).values())
    expected = [int(hit["id"]) for hit in searcher.search(Q.And(filters) if filters else Q.Every(), limit=None,
                                                          sortedby="title_sort", scored=False)]
    found = []
    for page in range(1, 30):
        outcome = engine.run(store, parse({**params, "per_page": "25", "page": str(page)}).query, None,
                             visible_since=0, explain_empty=False)
        found += [hit.course_id for hit in outcome.hits]
    assert found == expected


@pytest.mark.parametrize("query", [
    Q.NumericRange("checked", dt.date.today().toordinal() - 365, None),  # the freshness cut-off
    Q.NumericRange("checked", dt.date.today().toordinal() - 30, dt.date.today().toordinal() - 10, startexcl=True),
    Q.NumericRange("intake", dt.date.today().toordinal(), dt.date.today().toordinal() + 28),  # starts=4w
    Q.NumericRange("intake", None, dt.date.today().toordinal() + 3, endexcl=True),
    Q.Or([Q.Term("facets", "avail:places"), Q.NumericRange("intake", dt.date.today().toordinal(), None)]),
])
def test_day_ranges_from_arrays_are_whooshs(store, query):
    """The freshness cut-off and the intake window are worked out from the rows' arrays, not by
    Whoosh walking every document: the same documents (deletions left out)."""
    searcher = store.searcher()
    expected = sorted(searcher.docs_for_query(query))
    assert 0 < len(expected) < searcher.doc_count()
    assert store.filter_docs(query).tolist() == expected


def test_rows_as_arrays_are_the_stored_rows(store):
    searcher = store.searcher()
    table = store.rows()
    assert len(table) == searcher.reader().doc_count_all()
    expected = [document_row(searcher.stored_fields(n)) for n in range(len(table))]
    assert list(table) == expected
    again = RowTable.joined([RowTable.from_rows(expected[:7]), RowTable.from_rows([]), RowTable.from_rows(expected[7:])])
    assert list(again) == expected
    assert table.nbytes < 100 * len(table)


def test_next_session_order_is_the_one_document_at_a_time_order(store):
    now = dt.datetime(2026, 12, 2, 12, 0)  # a Wednesday, midday
    parsed = parse({"q": "english", "sort": "next", "per_page": "100"}).query
    searcher = store.searcher()
    words = Q.And(engine.word_queries("english", store.vocabulary()))
    matched = store.filter_docs(words.subqueries[0]) if len(words.subqueries) == 1 else None
    assert matched is not None
    ranked = engine._by_relevance(store, searcher, words, matched).tolist()
    table = store.rows()
    minute = engine._week_minute(now)
    def upcoming(p):
        found = engine.next_in_minutes(table[ranked[p]].week_minutes, minute)
        return found if found is not None else 10**9
    expected = sorted(range(len(ranked)), key=lambda p: (upcoming(p), p))
    outcome = engine.run(store, parsed, None, now=now, visible_since=0, explain_empty=False)
    assert [h.course_id for h in outcome.hits] == [table[ranked[p]].course_id for p in expected[:100]]
    assert [h.next_in_minutes for h in outcome.hits] == [
        engine.next_in_minutes(table[ranked[p]].week_minutes, minute) for p in expected[:100]]


def test_quick_distances_over_arrays_are_the_quick_distances(store):
    from finder.geo.shapes import approximate_miles

    table = store.rows()
    origin = (CENTRE[0] + 0.004, CENTRE[1] - 0.002)
    docnums = np.arange(len(table))
    quick = engine._approximate_nearest(table, docnums, origin)
    for n in range(len(table)):
        points = table[n].points
        if points:
            assert quick[n] == pytest.approx(min(approximate_miles(origin, tuple(p)) for p in points), rel=1e-12)
        else:
            assert quick[n] == np.inf


@pytest.mark.parametrize("parallel", [False, True])
def test_a_large_update_finds_what_a_fresh_build_finds(tmp_path, monkeypatch, parallel):
    """A large import's update (written by several processes from `PARALLEL_FROM` documents on)
    replaces the courses it changes and adds the new ones."""
    from finder.search import index

    rng = random.Random(9)
    courses = [tied_course(n, rng) for n in range(1, 301)]
    monkeypatch.setattr(index, "PARALLEL_FROM", 100 if parallel else 10**6)
    monkeypatch.setattr(index, "_cores", lambda: 2)
    updated = IndexStore(tmp_path / "updated")
    updated.rebuild((course_document(c) for c in courses[:60]), version=1)
    for course in courses[:30]:
        course.title = "Evening conversation café"
    updated.update([course_document(c) for c in courses[:250]], [55, 56], version=2)
    fresh = IndexStore(tmp_path / "fresh")
    fresh.rebuild((course_document(c) for c in courses[:250] if c.id not in (55, 56)), version=1)
    fresh.update([course_document(c) for c in courses[54:56]], [], version=2)  # back again, as upserts win
    for query_string in QUERIES + ["q=evening", "creche=1", ""]:
        params = dict(p.split("=") for p in query_string.split("&") if p)
        found = []
        for store in (updated, fresh):
            ids: set[int] = set()
            for page in (1, 2, 3):
                parsed = parse({**params, "per_page": "100", "page": str(page)}).query
                outcome = engine.run(store, parsed, None, visible_since=0, explain_empty=False)
                ids |= {h.course_id for h in outcome.hits}
            found.append((outcome.total, ids))
        assert found[0] == found[1]
    assert updated.searcher().doc_count() == 250
    updated.close()
    fresh.close()


def test_a_typo_is_corrected_from_words_added_since_it_was_last_corrected(tmp_path):
    rng = random.Random(2)
    courses = [tied_course(n, rng) for n in range(1, 41)]
    store = IndexStore(tmp_path / "index")
    store.rebuild((course_document(c) for c in courses), version=1)
    store.warm()
    typo = parse({"q": "zumbba"}).query
    assert engine.run(store, typo, None, visible_since=0).total == 0
    courses[0].title = "Zumba and English"
    store.update([course_document(courses[0])], [], version=2)
    assert [h.course_id for h in engine.run(store, typo, None, visible_since=0).hits] == [courses[0].id]
    store.close()
