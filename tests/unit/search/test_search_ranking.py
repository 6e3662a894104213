"""The quick search paths give exactly what Whoosh and geopy would: same matches, same scores,
same distances, on a generated catalogue spread over several index segments."""

from __future__ import annotations

import datetime as dt
import random
from types import SimpleNamespace

import pytest
from whoosh import query as Q

from finder.geo.shapes import APPROXIMATION_ERROR, approximate_miles, distance_miles
from finder.search import engine, scoring
from finder.search.index import IndexStore, course_document
from finder.search.params import parse

WORDS = ("english esol conversation club class beginners women parents evening weekend community café "
         "reading writing speaking practice skills welcome library church mosque college 英语 课程").split()
LEVELS = ["pre-entry", "entry-1", "entry-2", "entry-3", "level-1", "level-2"]
CENTRE = (53.4084, -2.9916)


def generated_course(n: int, rng: random.Random):
    venue = SimpleNamespace(name=f"Hall {n % 40}", address=f"{n} Road", postcode="",
                            latitude=CENTRE[0] + rng.uniform(-0.12, 0.12), longitude=CENTRE[1] + rng.uniform(-0.2, 0.2))
    session = SimpleNamespace(weekday=rng.choice(["mon", "wed", "sat"]), start_time=dt.time(rng.choice((9, 14, 19))),
                              venue=venue)
    translations = [SimpleNamespace(title="英语课程", description="")] if n % 17 == 0 else []
    return SimpleNamespace(
        id=n, title=" ".join(rng.sample(WORDS[:-2], 3)), description=" ".join(rng.choices(WORDS[:-2], k=12)),
        organisation=SimpleNamespace(name=f"{rng.choice(WORDS[:-2]).title()} Trust"), venues=[venue],
        sessions=[session], translations=translations, levels=rng.sample(LEVELS, 2), kind="informal",
        creche=rng.choice(("none", "on-site")), free=True, women_only=False, mode="in-person", languages=["ar"],
        last_checked=dt.date.today(), published_at=None, updated_at=None,
        availability="places", wait_weeks=None, next_intake=None, creche_places=None)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """400 courses: 300 in a rebuild, 100 more (and 20 changed, 10 removed) in three later commits."""
    rng = random.Random(7)
    courses = [generated_course(n, rng) for n in range(1, 401)]
    store = IndexStore(tmp_path_factory.mktemp("index"))
    store.rebuild((course_document(c) for c in courses[:300]), version=1)
    store.update([course_document(c) for c in courses[300:350]], [], version=2)
    store.update([course_document(c) for c in courses[350:]], [5, 6, 7, 8, 9, 10, 11, 12, 13, 14], version=3)
    for course in courses[100:120]:
        course.title = "Evening conversation café"
    store.update([course_document(c) for c in courses[100:120]], [], version=4)
    assert len(store.searcher().leaf_searchers()) > 1
    yield store
    store.close()


SEARCHES = ["q=english", "q=conversation+club", "q=englsh&creche=1", "q=convrsation+cafe", "q=women+evening&level=entry-1",
            "q=英语", "q=library&creche=1&level=entry-2&level=entry-3", "q=the", "q=zzzz"]


@pytest.mark.parametrize("query_string", SEARCHES)
def test_matches_and_ranking_are_whooshs_own(store, query_string):
    parsed = parse(dict(p.split("=") for p in query_string.split("&"))).query
    searcher = store.searcher()
    words = Q.And(engine.word_queries(parsed.q, store.vocabulary()))
    filters = list(engine.filter_parts(parsed, None, 0).values())
    plain = searcher.search(words, filter=Q.And(filters) if filters else None, limit=None, optimize=False)
    whoosh_scores = {hit.docnum: hit.score for hit in plain}

    outcome = engine.run(store, parsed, None, visible_since=0, explain_empty=False)
    assert outcome.total == len(whoosh_scores)

    ours = scoring.scores(searcher, words, set(whoosh_scores), scoring.TermPostings())
    assert ours.keys() == whoosh_scores.keys()
    # Kept postings past their budget are dropped or not kept at all, never wrong.
    assert scoring.scores(searcher, words, set(whoosh_scores), scoring.TermPostings(budget=20)) == ours
    for docnum, score in whoosh_scores.items():
        assert ours[docnum] == pytest.approx(score, rel=1e-9)
    best_first = sorted(whoosh_scores, key=lambda d: (-whoosh_scores[d], d))[:parsed.per_page]
    assert [h.course_id for h in outcome.hits] == [int(searcher.stored_fields(d)["id"]) for d in best_first]


@pytest.mark.parametrize("radius, page", [(1, 1), (2, 1), (2, 2), (5, 1), (5, 3)])
def test_near_me_order_and_distances_are_geodesic(store, radius, page):
    origin = (CENTRE[0] + 0.01, CENTRE[1] - 0.02)
    parsed = parse({"q": "club", "lat": str(origin[0]), "lon": str(origin[1]), "radius": str(radius),
                    "sort": "distance", "per_page": "10", "page": str(page)}).query
    assert parsed.effective_sort == "distance"
    outcome = engine.run(store, parsed, engine.SearchArea(*origin, radius), visible_since=0, explain_empty=False)

    searcher = store.searcher()
    within = []
    for docnum in searcher.docs_for_query(Q.And(engine.word_queries("club", store.vocabulary()))):
        stored = searcher.stored_fields(docnum)
        miles = min(distance_miles(origin, tuple(p)) for p in stored["points"])
        if miles <= radius:
            within.append((miles, int(stored["id"])))
    within.sort()
    assert outcome.total == len(within) > 0
    expected = within[(page - 1) * 10:page * 10]
    assert [h.course_id for h in outcome.hits] == [course_id for _, course_id in expected]
    assert [h.distance_miles for h in outcome.hits] == pytest.approx([miles for miles, _ in expected], abs=1e-9)


def test_quick_distance_stays_within_its_stated_error():
    rng = random.Random(3)
    for _ in range(3000):
        a = (rng.uniform(49.8, 60.9), rng.uniform(-8.2, 1.8))  # Great Britain and round about
        b = (a[0] + rng.uniform(-0.3, 0.3), a[1] + rng.uniform(-0.5, 0.5))
        exact = distance_miles(a, b)
        assert abs(approximate_miles(a, b) - exact) <= APPROXIMATION_ERROR * exact + 1e-9


def test_a_parallel_build_finds_what_a_single_process_build_finds(tmp_path, monkeypatch):
    """Large catalogues are built by several processes, each writing a segment."""
    from finder.search import index

    rng = random.Random(11)
    courses = [generated_course(n, rng) for n in range(1, 301)]
    single = IndexStore(tmp_path / "single")
    single.rebuild((course_document(c) for c in courses), version=1, expected=len(courses))
    monkeypatch.setattr(index, "PARALLEL_FROM", 100)
    monkeypatch.setattr(index, "_cores", lambda: 2)
    shared = IndexStore(tmp_path / "shared")
    assert shared.rebuild((course_document(c) for c in courses), version=1, expected=len(courses)) == 300
    assert len(shared.searcher().leaf_searchers()) >= 2
    for query_string in SEARCHES + ["creche=1&level=entry-1", ""]:
        params = dict(p.split("=") for p in query_string.split("&") if p)
        found = []
        for store in (single, shared):
            ids = set()
            for page in (1, 2, 3):
                parsed = parse({**params, "per_page": "100", "page": str(page)}).query
                ids |= {h.course_id for h in engine.run(store, parsed, None, visible_since=0, explain_empty=False).hits}
            found.append(ids)
        assert found[0] == found[1]
    single.close()
    shared.close()
