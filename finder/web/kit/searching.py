"""One search, as every page that shows results needs it: the HTML results, /search.json,
and other views built on the same URL (signposting sheets, embeds)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from finder.evidence.counting import count_search
from finder.i18n import lazy_gettext as _l
from finder.search import engine
from finder.search.params import ParamProblem, SearchQuery, parse
from finder.web.kit.offloop import AtMost


@dataclass
class SearchPage:
    query: SearchQuery
    problems: list[ParamProblem]
    outcome: engine.SearchOutcome
    items: list = field(default_factory=list)  # [(Course, Hit)]
    place_label: str = ""
    place: engine.SearchArea | None = None


def resolve_place(services, query: SearchQuery, problems: list[ParamProblem]) -> tuple[SearchQuery, engine.SearchArea | None, str]:
    """Turn the postcode (or browser coordinates) into a place; a bad postcode is reported and dropped."""
    if query.lat is not None and query.lon is not None and not query.postcode:
        return query, engine.SearchArea(query.lat, query.lon, query.radius), str(_l("your location"))
    if not query.postcode:
        return query, None, ""
    from finder.geo.shapes import PostcodeError

    try:
        place = services.postcodes.lookup(query.postcode)
    except PostcodeError as exc:
        problems.append(ParamProblem("postcode", exc.message, exc.hint))
        return query.without("place"), None, ""
    return query, engine.SearchArea(place.latitude, place.longitude, query.radius), place.label


def perform(services, params, explain_empty: bool = True, views=None) -> SearchPage:
    """The search `params` ask for, its place resolved, with its page of courses (`views`: what the
    page will ask `kept` for of each course, `SearchService.search_records`)."""
    parsed = parse(params)
    problems = list(parsed.problems)
    query, place, label = resolve_place(services, parsed.query, problems)
    outcome, items = services.search.search_records(query, place, explain_empty=explain_empty, views=views)
    count_search(services, params, query, outcome.total)  # anonymous demand counts; never raises
    if items is None:
        with services.sessions() as db:
            items = services.search.load(db, outcome.hits)
    return SearchPage(query, problems, outcome, items, label, place)


# Searches are CPU work under one interpreter lock: more of them at once than there are cores only adds
# their working memory (score arrays, pages of cards, a malloc arena per thread) and evens out waits
# into uniformly slow answers. The others wait their turn without a thread.
SEARCHES_AT_ONCE = max(2, os.cpu_count() or 1)
_searches = AtMost(SEARCHES_AT_ONCE)


async def search_off_loop(func, *args):
    """`func(*args)`, a function that searches (suggestions for an empty page count several
    searches), on a worker thread with the searches' limit (`SEARCHES_AT_ONCE`)."""
    return await _searches.run(func, *args)


async def perform_off_loop(services, params, explain_empty: bool = True, views=None) -> SearchPage:
    """`perform` on a worker thread, so the event loop never waits for a search or its courses
    (the index is read under `IndexStore.reading`, safe beside the follower's writes),
    SEARCHES_AT_ONCE at a time."""
    return await _searches.run(perform, services, params, explain_empty, views)
