"""Help for an empty result: other searches to try, each with the number of classes it finds.

Every count is the count of the search its link opens: the suggestion's exact `SearchQuery` is
run (the place resolved again from what the link keeps) and its total shown. Only suggestions
that would find classes are offered.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from finder.geo.shapes import RADIUS_CHOICES
from finder.search.params import SearchQuery
from finder.web.kit.searching import SearchPage, resolve_place

# The order they are offered in: the gentlest change first.
_ORDER = ("radius", "when", "time", "day", "level", "kind", "starts", "places", "creche_places", "creche", "free", "women", "mode", "speaks", "q", "place")


@dataclass
class Suggestion:
    name: str  # a filter name (as SearchQuery.without takes), "when" (any day and time) or "radius"
    query: SearchQuery
    total: int
    radius: int = 0


def count(services, query: SearchQuery) -> int:
    """How many classes the search `query` finds, exactly as /search?{query} would."""
    query, place, _label = resolve_place(services, query, [])
    return services.search.count(query, place)


def candidates(query: SearchQuery) -> list[tuple[str, SearchQuery, int]]:
    found: list[tuple[str, SearchQuery, int]] = []
    if query.has_place:
        wider = [r for r in RADIUS_CHOICES if r > query.radius]
        for radius in wider:
            found.append(("radius", replace(query, radius=radius, page=1), radius))
    if query.days and query.times:
        found.append(("when", query.without("day").without("time"), 0))
    for name in query.active_filters():
        found.append((name, query.without(name), 0))
    if query.q:
        found.append(("q", query.without("q"), 0))
    return sorted(found, key=lambda item: (_ORDER.index(item[0]), item[2]))


def for_empty(services, page: SearchPage) -> list[Suggestion]:
    """Searches to try instead of an empty one (nothing when the search found classes)."""
    if page.outcome.total:
        return []
    out: list[Suggestion] = []
    tried_radius = False
    for name, query, radius in candidates(page.query):
        if name == "radius":
            if tried_radius:
                continue
            total = count(services, query)
            if total:  # the nearest wider circle that finds classes
                tried_radius = True
                out.append(Suggestion(name, query, total, radius))
            continue
        total = count(services, query)
        if total:
            out.append(Suggestion(name, query, total))
    if not out and page.query != SearchQuery():
        everything = SearchQuery()
        total = count(services, everything)
        if total:
            out.append(Suggestion("all", everything, total))
    return out


def postcode_suggestion(services, typed: str) -> str:
    """A postcode the reader probably meant ("L8 1ST" for "L8 IST", "L8" for a retired "L8 9ZZ"), or ""."""
    from finder.geo.shapes import PostcodeError, confusable_fix, district_of, normalise_postcode

    directory = services.postcodes.directory
    fix = confusable_fix(typed, accept=directory.__contains__)
    if fix is not None:
        return fix[0]
    try:
        code = normalise_postcode(typed)
    except PostcodeError:
        return ""
    district = district_of(code)
    return district if district != code and district in directory else ""
