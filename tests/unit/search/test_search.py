"""Search: exact result sets for words and filters on the small fixture catalogue."""

from __future__ import annotations

import datetime as dt

import pytest
from starlette.datastructures import QueryParams

from finder.search.params import parse
from tests import factories

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("fixture_catalogue")]


def keys(services, ids, query_string: str, now=None) -> list[str]:
    parsed = parse(QueryParams(query_string))
    outcome = services.search.search(parsed.query, now=now)
    by_id = {v: k for k, v in ids().items()}
    return [by_id[h.course_id] for h in outcome.hits]


def key_set(services, ids, query_string):
    return set(keys(services, ids, query_string))


ALL = {"entry-1-day", "entry-2-evening", "conversation-club", "mums-creche", "online-speaking", "level-1", "welcome-cafe"}


@pytest.mark.parametrize("query_string, expected", [
    ("", ALL),
    ("creche=1", {"mums-creche"}),
    ("level=entry-1", {"entry-1-day", "mums-creche", "welcome-cafe"}),
    ("level=entry-1&level=entry-2", {"entry-1-day", "mums-creche", "welcome-cafe", "entry-2-evening"}),
    ("kind=formal", {"entry-1-day", "entry-2-evening", "level-1"}),
    ("kind=informal", {"conversation-club", "mums-creche", "online-speaking", "welcome-cafe"}),
    ("day=mon", {"entry-1-day", "level-1"}),
    ("day=sat&day=sun", {"conversation-club"}),
    ("time=evening", {"entry-2-evening", "online-speaking", "level-1"}),
    ("time=afternoon", {"level-1", "welcome-cafe"}),
    ("day=mon&time=evening", {"level-1"}),
    ("day=wed&time=morning", {"mums-creche"}),
    ("day=mon&time=afternoon", set()),
    ("free=1", {"entry-2-evening", "conversation-club", "mums-creche", "online-speaking", "welcome-cafe"}),
    ("women=1", {"mums-creche"}),
    ("mode=online", {"online-speaking"}),
    ("mode=in-person", ALL - {"online-speaking"}),
    ("speaks=ar", {"entry-1-day", "welcome-cafe"}),
    ("speaks=uk", {"conversation-club"}),
    ("free=1&level=entry-1", {"mums-creche", "welcome-cafe"}),
    ("creche=1&free=1&women=1&level=entry-2", {"mums-creche"}),
])
def test_filters_mean_exactly_what_they_say(services, ids, query_string, expected):
    assert key_set(services, ids, query_string) == expected


@pytest.mark.parametrize("query_string, expected", [
    ("q=conversation", {"conversation-club"}),
    ("q=convrsation", {"conversation-club"}),          # typo
    ("q=club", {"conversation-club"}),
    ("q=classes", {"entry-2-evening", "mums-creche"}),  # stemming: "classes" finds "class"
    ("q=mums", {"mums-creche"}),
    ("q=library", {"conversation-club", "online-speaking"}),  # organisation name
    ("q=dingle", {"mums-creche"}),                       # venue
    ("q=tea", {"conversation-club", "welcome-cafe"}),      # description
    ("q=evening&kind=formal", {"entry-2-evening"}),
    ("q=crèche", {"mums-creche"}),
    ("q=zzzzqqq", set()),
    ("q=المستوى", {"level-1"}),                          # words in another language the course is listed in
])
def test_words(services, ids, query_string, expected):
    assert key_set(services, ids, query_string) == expected


def test_esol_eal_english_and_speaking_are_one_idea(services, ids):
    english = key_set(services, ids, "q=english")
    assert english == key_set(services, ids, "q=esol") == key_set(services, ids, "q=eal") == key_set(services, ids, "q=speaking")
    assert {"entry-1-day", "mums-creche", "level-1", "conversation-club", "online-speaking"} <= english
    assert key_set(services, ids, "q=englsh") == english


def test_title_outranks_description(services, ids):
    ranked = keys(services, ids, "q=evening")
    assert ranked[0] == "entry-2-evening"


def test_sort_by_next_session(services, ids):
    # Tuesday 12:00: next is Wednesday 10:00 (mums), then Wednesday 13:00 (level-1 second session)...
    tuesday_noon = dt.datetime(2026, 11, 24, 12, 0)
    assert keys(services, ids, "sort=next", now=tuesday_noon) == [
        "entry-2-evening", "mums-creche", "level-1", "online-speaking", "welcome-cafe", "conversation-club", "entry-1-day"]


def test_pagination_and_total(services, ids):
    first = parse(QueryParams("per_page=3")).query
    outcome = services.search.search(first)
    assert outcome.total == 7 and outcome.pages == 3 and len(outcome.hits) == 3
    third = services.search.search(first.with_page(3))
    assert len(third.hits) == 1
    seen = {h.course_id for p in (1, 2, 3) for h in services.search.search(first.with_page(p)).hits}
    assert len(seen) == 7


def test_search_syntax_is_just_words(services, ids):
    for text in ['AND ( "*', "title:foo", "club*", "a OR", "NOT", "[a TO z]", ")))", "~~~"]:
        keys(services, ids, "q=" + text)  # must not raise
    assert key_set(services, ids, "q=club*") == {"conversation-club"}


def test_empty_result_names_the_filter_that_emptied_it(services):
    outcome = services.search.search(parse(QueryParams("creche=1&day=sat")).query)
    assert outcome.total == 0
    assert outcome.relaxations == {"creche": 1, "day": 1}


def test_publishing_editing_and_archiving_update_the_index_at_once(services, ids):
    course_id = ids()["conversation-club"]
    services.catalogue.set_status(course_id, "archived")
    assert "conversation-club" not in key_set(services, ids, "")
    services.catalogue.set_status(course_id, "published")
    assert "conversation-club" in key_set(services, ids, "q=conversation")
    data = factories.catalogue([factories.course("conversation-club", "Natter morning", "library",
                                                 [factories.session("sat", "10:00", "12:00", "library-central")])])
    services.catalogue.load_catalogue(data)
    assert key_set(services, ids, "q=conversation") == set()
    assert key_set(services, ids, "q=natter") == {"conversation-club"}


def test_drafts_never_show(services, ids):
    data = factories.catalogue([factories.course("draft-one", "Secret draft class", "library")])
    services.catalogue.load_catalogue(data, status="draft")
    assert key_set(services, ids, "q=secret") == set()


def test_stale_listings_are_hidden_from_search_but_kept(services, ids):
    data = factories.catalogue([factories.course("old-one", "Forgotten class", "library", last_checked="2020-01-01")])
    services.catalogue.load_catalogue(data)
    assert key_set(services, ids, "q=forgotten") == set()
    assert "old-one" in ids()


def test_missing_or_stale_index_is_rebuilt(services, ids):
    import shutil

    shutil.rmtree(services.settings.index_dir)
    services.search.store.close()
    assert services.search.ensure_current() is True
    assert key_set(services, ids, "") == ALL
    # An index left behind at an older catalogue version is rebuilt too.
    services.search.store.update([], [ids()["welcome-cafe"]], version=0)
    assert "welcome-cafe" not in key_set(services, ids, "")
    assert services.search.ensure_current() is True
    assert "welcome-cafe" in key_set(services, ids, "")


def test_words_with_narrow_filters_stay_exact_across_segments(services, ids):
    """Words plus a narrow filter: results stay exact after updates have split the index into
    several segments (document sets, kept postings and rows are per segment)."""
    many = [factories.course(f"club-{n}", f"Chat club {n}", "library",
                             [factories.session("tue", "10:00", "11:00", "library-central")],
                             creche="on-site" if n % 6 == 0 else "none")
            for n in range(36)]
    services.catalogue.load_catalogue(factories.catalogue(many))
    expected = {f"club-{n}" for n in range(0, 36, 6)}
    assert key_set(services, ids, "q=chat+club&creche=1") == expected
    # Incremental updates add segments; archive one and bring it back, edit another.
    services.catalogue.set_status(ids()["club-6"], "archived")
    assert key_set(services, ids, "q=chat+club&creche=1") == expected - {"club-6"}
    services.catalogue.set_status(ids()["club-6"], "published")
    assert services.search.store.searcher().reader().is_atomic() is False
    assert key_set(services, ids, "q=chat+club&creche=1") == expected
    outcome = services.search.search(parse(QueryParams("q=chat&creche=1&per_page=2")).query)
    assert outcome.total == 6 and len(outcome.hits) == 2
