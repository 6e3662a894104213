"""Running a search: words and filters to the set of matching documents, then ranking and paging.

Words are never parsed as query syntax: they are split into terms and each term must match
(stemmed in title, organisation, venue or description; corrected from the catalogue's own
words for typos; in any language a listing is given in). ESOL, EAL, English and speaking are
one idea. Each word and each filter is a Whoosh query whose documents the `IndexStore` keeps;
a search intersects those sets. Filters never change scores, they only narrow the set; the
words rank what matched (`scoring`), unless distance or the next session orders it.
"""

from __future__ import annotations

import bisect
import datetime as dt
import difflib
import math
from dataclasses import dataclass, field

import numpy as np
from whoosh import query as Q
from whoosh.analysis import StandardAnalyzer
from whoosh.spelling import ListCorrector

from finder import domain
from finder.domain import availability
from finder.geo.shapes import APPROXIMATION_ERROR, EARTH_RADIUS_MILES, bounding_box, distance_miles
from finder.search import scoring
from finder.search.index import CJK_BIGRAMS, ENGLISH_IDEA, Row, cells_within, facet, stemmed
from finder.search.params import SearchQuery
from finder.search.scoring import DOCS

_WORDS = StandardAnalyzer()  # lowercases, drops English stop words such as "and", "for"
_ANY_WORD = StandardAnalyzer(stoplist=None, minsize=1)
_STEM = stemmed()

FIELD_BOOSTS = (("title", 3.0), ("organisation", 2.0), ("venue", 1.5), ("description", 1.0))
MAX_TERMS = 12
KEPT_CORRECTIONS = 20_000


@dataclass
class SearchArea:
    """Where to look: a centre (a resolved postcode or the browser's location) and a radius."""

    latitude: float
    longitude: float
    radius_miles: float


@dataclass
class Hit:
    course_id: int
    distance_miles: float | None = None
    # Minutes from the search's moment to the course's next session. A page in any order but "next
    # class first" is kept and reused all day (`SearchService.search`): read it only in that order.
    next_in_minutes: int | None = None
    docnum: int | None = None  # its document in the index commit that found it (where its card is: `cards`)


@dataclass
class SearchOutcome:
    total: int
    hits: list[Hit]
    page: int
    per_page: int
    # For an empty result: filter name -> how many results there would be without it.
    relaxations: dict[str, int] = field(default_factory=dict)
    # The index commit it was found in (`IndexStore.commit`): what derives from its hits is kept with it.
    commit: int = 0

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


def words_of(text: str) -> list[str]:
    words = [t.text for t in _WORDS(text)]
    if not words:  # only stop words ("and", "the"): keep them rather than ignore the search
        words = [t.text for t in _ANY_WORD(text) if len(t.text) > 1]
    return list(dict.fromkeys(words))[:MAX_TERMS]


def _fuzz(word: str) -> int:
    if len(word) < 4 or not word.isascii():
        return 0
    return 1 if len(word) < 7 else 2


def _is_english(word: str) -> bool:
    """ESOL, EAL, English, speaking… and near misses of the longer ones ("englsh")."""
    if word in domain.ENGLISH_SYNONYMS:
        return True
    return len(word) >= 5 and bool(difflib.get_close_matches(word, domain.ENGLISH_SYNONYMS, n=1, cutoff=0.8))


def _known(vocabulary: list[str], word: str) -> bool:
    position = bisect.bisect_left(vocabulary, word)
    return position < len(vocabulary) and vocabulary[position] == word


def _corrections(vocabulary: list[str], word: str) -> list[str]:
    """Words in the catalogue within a small edit distance of a word it does not contain (a typo)."""
    distance = _fuzz(word)
    if not vocabulary or not distance:
        return []
    return ListCorrector(vocabulary).suggest(word, limit=8, maxdist=distance, prefix=1)


def _variant_parts(variant: str, boost: float = 1.0) -> list[Q.Query]:
    stems = [t.text for t in _STEM(variant)] or [variant]
    parts: list[Q.Query] = []
    for name, field_boost in FIELD_BOOSTS:
        parts += [Q.Term(name, stem, boost=field_boost * boost) for stem in stems]
    parts.append(Q.Term("translated", variant, boost=1.5 * boost))
    pairs = [t.text for t in CJK_BIGRAMS(variant)]
    if pairs:
        parts.append(Q.And([Q.Term("translated_cjk", pair) for pair in pairs], boost=1.5 * boost))
    return parts


def _word_query(word: str, vocabulary: list[str] | None = None, corrections=None) -> Q.Query:
    """Every way a typed word may match: stemmed in each field, in other languages, and,
    when the catalogue does not contain the word as typed, its near spellings (typos)."""
    if _is_english(word):  # the index holds all of these as one word
        return Q.Or(_variant_parts(ENGLISH_IDEA))
    parts = _variant_parts(word)
    if vocabulary and not _known(vocabulary, word):
        found = corrections.get(word) if corrections is not None else None
        if found is None:
            found = _corrections(vocabulary, word)
            if corrections is not None:
                if len(corrections) >= KEPT_CORRECTIONS:
                    corrections.clear()
                corrections[word] = found
        for correction in found:
            parts += _variant_parts(correction, boost=0.5)
    return Q.Or(parts)


def word_queries(text: str, vocabulary: list[str] | None = None, corrections=None) -> list[Q.Query]:
    """One query per word; all must match. With the catalogue's vocabulary, typos are corrected
    from its own words."""
    return [_word_query(w, vocabulary, corrections) for w in words_of(text)]



def _facets(name: str, values) -> Q.Query:
    """Any of these values of one exact-match facet."""
    terms = [Q.Term("facets", facet(name, v)) for v in values]
    return terms[0] if len(terms) == 1 else Q.Or(terms)


def filter_parts(query: SearchQuery, place: SearchArea | None, visible_since: int | None,
                 today: dt.date | None = None) -> dict[str, Q.Query]:
    """One Whoosh query per active filter, keyed by the filter's name in the URL."""
    parts: dict[str, Q.Query] = {}
    if query.creche:
        parts["creche"] = _facets("creche", ["on-site"])
    if query.levels:
        parts["level"] = _facets("level", query.levels)
    if query.kind:
        parts["kind"] = _facets("kind", [query.kind])
    # A session on that day at that time: not one on Monday and another in the evening.
    days = query.days or tuple(domain.WEEKDAYS)
    times = query.times or tuple(domain.TIMES_OF_DAY)
    if query.days or query.times:
        parts["day" if query.days else "time"] = _facets("slot", [f"{d}-{t}" for d in days for t in times])
    if query.free:
        parts["free"] = _facets("free", ["1"])
    if query.women:
        parts["women"] = _facets("women", ["1"])
    if query.mode:
        parts["mode"] = _facets("mode", [query.mode])
    if query.speaks:
        parts["speaks"] = _facets("speaks", query.speaks)
    if query.places:
        parts["places"] = _facets("avail", availability.NOW)
    if query.starts_weeks is not None:
        # domain.availability.starts_within: places now, rolling intake, or an intake from today to then.
        first = (today or dt.date.today()).toordinal()
        parts["starts"] = Q.Or([_facets("avail", availability.NOW),
                                Q.NumericRange("intake", first, first + 7 * query.starts_weeks)])
    if query.creche_places:
        parts["creche_places"] = _facets("creche-places", query.creche_places)
    if place is not None:
        min_lat, max_lat, min_lon, max_lon = bounding_box(place.latitude, place.longitude, place.radius_miles)
        parts["place"] = _facets("cell", cells_within(min_lat, max_lat, min_lon, max_lon))
    if visible_since is not None:
        parts["_fresh"] = Q.NumericRange("checked", visible_since, None)
    return parts


def _intersect(smaller: np.ndarray, larger: np.ndarray) -> np.ndarray:
    """The numbers in both of two sorted arrays of distinct document numbers."""
    if not len(smaller) or not len(larger):
        return smaller[:0]
    at = np.searchsorted(larger, smaller)
    inside = at < len(larger)
    inside[inside] = larger[at[inside]] == smaller[inside]
    return smaller[inside]


def _matching(queries: list[Q.Query], docs_for) -> np.ndarray | None:
    """The documents every query matches, as a sorted array (smallest first, so it stays cheap),
    or None when nothing narrows the search."""
    sets = sorted((docs_for(q) for q in queries), key=len)
    if not sets:
        return None
    matched = sets[0]
    for other in sets[1:]:
        matched = _intersect(matched, other)
    return matched


def _week_minute(now: dt.datetime) -> int:
    return now.weekday() * 1440 + now.hour * 60 + now.minute


def next_in_minutes(week_minutes: list[int], now_minute: int) -> int | None:
    if not week_minutes:
        return None
    return min((m - now_minute) % 10080 for m in week_minutes)


def _nearest(points, origin: tuple[float, float], measure) -> float | None:
    return min((measure(origin, (lat, lon)) for lat, lon in points), default=None)


def run(store, query: SearchQuery, place: SearchArea | None = None, now: dt.datetime | None = None,
        visible_since: int | None = None, explain_empty: bool = True, count_only: bool = False) -> SearchOutcome:
    """Run `query` on an `IndexStore`'s current index and return one page of hits (with `count_only`,
    only how many there are: nothing is ranked).

    Which documents match is worked out with sets, each word's and each filter's kept by the
    store between searches (`IndexStore.filter_docs`); only those are then ranked, by Whoosh's
    scorer on postings the store keeps (`scoring`), by distance or by next session.
    """
    searcher = store.searcher()
    per_word = word_queries(query.q, store.vocabulary(), getattr(store, "corrections", None))
    words = Q.And(per_word) if per_word else None
    parts = filter_parts(query, place, visible_since, (now or dt.datetime.now()).date())

    def matching(skip: str | None = None, with_words: bool = True):
        return _matching([q for name, q in parts.items() if name != skip] + (per_word if with_words else []),
                         store.filter_docs)

    outcome = _run(store, searcher, words, matching(), query, place, now, count_only=count_only)
    if outcome.total == 0 and explain_empty:
        for name in list(parts):
            if name.startswith("_"):
                continue
            relaxed = _run(store, searcher, words, matching(skip=name), query.without(name),
                           place if name != "place" else None, now, count_only=True)
            outcome.relaxations[name] = relaxed.total
        if words is not None:
            outcome.relaxations["q"] = _run(store, searcher, None, matching(with_words=False), query, place, now,
                                            count_only=True).total
    return outcome


def _by_relevance(store, searcher, words: Q.Query, matched: np.ndarray, limit: int | None = None) -> np.ndarray:
    """Matched document numbers, best first (ties in index order, as Whoosh orders them).

    Scored all at once over arrays (`scoring.score_array`); with a `limit`, only the documents
    that can be among the first `limit` (a score at least the limit-th best) are sorted."""
    _, scored = scoring.score_array(searcher, words, matched, store.postings)
    negative = -scored
    if limit is not None and limit < len(matched):
        if limit <= 0:
            return matched[:0]
        cut = np.partition(negative, limit - 1)[limit - 1]
        candidates = np.flatnonzero(negative <= cut)  # ascending, so ties stay in index order
        order = candidates[np.lexsort((candidates, negative[candidates]))][:limit]
        return matched[order]
    return matched[np.lexsort((np.arange(len(matched)), negative))]


def _by_title(store, matched: np.ndarray, limit: int) -> np.ndarray:
    """The first `limit` of the matched document numbers in title order (a search with no words)."""
    ranks = store.title_ranks()[matched]
    if limit < len(matched):
        if limit <= 0:
            return matched[:0]
        first = np.argpartition(ranks, limit - 1)[:limit]
        return matched[first[np.argsort(ranks[first], kind="stable")]]
    return matched[np.argsort(ranks, kind="stable")]


def _gather(starts: np.ndarray, docnums: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each document, its slice of a `RowTable` array: (indices of every element, where each
    document's elements begin among them, how many each has)."""
    first = starts[docnums]
    counts = starts[docnums + 1] - first
    begins = np.cumsum(counts) - counts
    indices = np.arange(int(counts.sum()), dtype=np.int64) - np.repeat(begins, counts) + np.repeat(first, counts)
    return indices, begins, counts


def _approximate_nearest(table, docnums: np.ndarray, origin: tuple[float, float]) -> np.ndarray:
    """`approximate_miles` to each document's nearest point, over arrays (inf for no point)."""
    indices, begins, counts = _gather(table.point_starts, docnums)
    nearest = np.full(len(docnums), np.inf)
    if not len(indices):
        return nearest
    lat, lon = table.latitudes[indices], table.longitudes[indices]
    # shapes.approximate_miles, operation for operation.
    across = np.radians(lon - origin[1]) * np.cos(np.radians((origin[0] + lat) / 2))
    along = np.radians(lat - origin[0])
    miles = EARTH_RADIUS_MILES * np.hypot(across, along)
    some = counts > 0
    nearest[some] = np.minimum.reduceat(miles, begins[some])
    return nearest


def _upcoming_minutes(table, docnums: np.ndarray, now_minute: int) -> np.ndarray:
    """Minutes until each document's next session (10**9 for none), over arrays."""
    indices, begins, counts = _gather(table.minute_starts, docnums)
    upcoming = np.full(len(docnums), 10**9, dtype=np.int64)
    if len(indices):
        until = (table.minutes[indices].astype(np.int64) - now_minute) % 10080
        some = counts > 0
        upcoming[some] = np.minimum.reduceat(until, begins[some])
    return upcoming


def _run(store, searcher, words, matched: np.ndarray | None, query: SearchQuery, place, now,
         count_only: bool = False) -> SearchOutcome:
    """One page of `matched` (None: every document), ranked. `words`, when given, scores them."""
    if matched is not None and not len(matched):
        return SearchOutcome(0, [], query.page, query.per_page)
    sort = query.effective_sort
    start = (query.page - 1) * query.per_page
    end = start + query.per_page
    if place is None and sort not in ("next", "distance", "start"):
        total = len(matched) if matched is not None else searcher.doc_count()
        if count_only:
            return SearchOutcome(total, [], query.page, query.per_page)
        if words is None:
            every = matched if matched is not None else np.flatnonzero(store.live()).astype(DOCS)
            docnums = _by_title(store, every, end)[start:end]
        else:
            assert matched is not None, "words always come with the set they matched"
            docnums = _by_relevance(store, searcher, words, matched, limit=end)[start:end]
        numbers = docnums.tolist()
        ids = store.rows().course_ids[docnums].tolist() if numbers else []
        hits = [Hit(int(course_id), docnum=docnum) for course_id, docnum in zip(ids, numbers, strict=True)]
        return SearchOutcome(total, hits, query.page, query.per_page)

    # Distance or next-session order, or an exact radius: every match is looked at, over arrays.
    if words is None:
        ordered = matched if matched is not None else np.flatnonzero(store.live()).astype(DOCS)
    else:
        # Relevance only breaks ties here (courses at one venue, sessions at one time).
        assert matched is not None, "words always come with the set they matched"
        ordered = _by_relevance(store, searcher, words, matched)
    table = store.rows()
    now_minute = _week_minute(now or dt.datetime.now())
    origin = (place.latitude, place.longitude) if place is not None else None
    positions = np.arange(len(ordered))  # place in relevance (or index) order
    approximate: np.ndarray | None = None
    if origin is not None:
        radius = place.radius_miles
        sure, unsure = radius * (1 - APPROXIMATION_ERROR), radius * (1 + APPROXIMATION_ERROR)
        approximate = _approximate_nearest(table, ordered, origin)
        keep = approximate <= unsure
        for at in np.flatnonzero(keep & (approximate > sure)).tolist():
            # Too near the edge to call quickly: measured exactly.
            if (_nearest(table[int(ordered[at])].points, origin, distance_miles) or 0.0) > radius:
                keep[at] = False
        ordered, positions, approximate = ordered[keep], positions[keep], approximate[keep]
    total = len(ordered)
    if count_only:
        return SearchOutcome(total, [], query.page, query.per_page)
    page: list[tuple[int, Row, float | None]]
    if sort == "distance" and origin is not None and approximate is not None:
        matches: list[tuple] = []
        if len(approximate) and end > 0:
            cut = np.partition(approximate, min(end, len(approximate)) - 1)[min(end, len(approximate)) - 1]
            near = np.flatnonzero(approximate <= cut * (1 + APPROXIMATION_ERROR) / (1 - APPROXIMATION_ERROR))
            near = near[np.lexsort((positions[near], approximate[near]))]
            matches = list(zip(approximate[near].tolist(), positions[near].tolist(), ordered[near].tolist(), strict=True))
        page = _nearest_first(matches, table, origin, end)[start:end]
    else:
        if sort in ("next", "start"):
            if sort == "next":
                keys = _upcoming_minutes(table, ordered, now_minute)
            else:  # soonest start, then the next session, then relevance
                today = (now or dt.datetime.now()).date()
                keys = start_keys(table.starts[ordered], today.toordinal()) * 10080 + _upcoming_minutes(
                    table, ordered, now_minute)
            chosen = _first_by(keys, positions, ordered, end)
            docs = [int(n) for _, _, n in chosen][start:end]
        else:
            docs = ordered[start:end].tolist()
        page = [(n, table[n], _nearest(table[n].points, origin, distance_miles) if origin else None) for n in docs]
    hits = [Hit(row.course_id, distance, next_in_minutes(row.week_minutes, now_minute), docnum=n)
            for n, row, distance in page]
    return SearchOutcome(total, hits, query.page, query.per_page)


START_GROUP = 10**5  # days: more than any known start (a wait is at most 104 weeks; intakes a few years ahead)


def start_keys(starts: np.ndarray, today: int) -> np.ndarray:
    """`domain.availability.start_key` over arrays, as one number each (group * START_GROUP + days),
    from `RowTable.starts` rows (availability code, usual wait or -1, next intake ordinal or 0)."""
    code, wait, intake = starts[:, 0].astype(np.int64), starts[:, 1].astype(np.int64), starts[:, 2].astype(np.int64)
    codes = availability.CODES
    keys = np.full(len(starts), availability.CLOSED * START_GROUP, dtype=np.int64)
    keys[(code == codes["places"]) | (code == codes["rolling"])] = 0
    waiting = code == codes["waiting-list"]
    keys[waiting & (wait >= 0)] = np.minimum(wait[waiting & (wait >= 0)] * 7, START_GROUP - 1)
    keys[waiting & (wait < 0)] = availability.UNKNOWN * START_GROUP
    intakes = code == codes["next-intake"]
    coming = intakes & (intake >= today)
    keys[coming] = np.minimum(intake[coming] - today, START_GROUP - 1)
    keys[intakes & ~coming] = availability.UNKNOWN * START_GROUP
    return keys


def _first_by(keys: np.ndarray, positions: np.ndarray, docnums: np.ndarray, end: int) -> list[tuple]:
    """(key, position, docnum) of the documents with the `end` smallest (key, position), in order."""
    if not len(keys) or end <= 0:
        return []
    if end < len(keys):
        cut = np.partition(keys, end - 1)[end - 1]
        some = np.flatnonzero(keys <= cut)
        keys, positions, docnums = keys[some], positions[some], docnums[some]
    order = np.lexsort((positions, keys))[:end]
    return list(zip(keys[order].tolist(), positions[order].tolist(), docnums[order].tolist(), strict=True))


def _nearest_first(matches: list, table, origin: tuple[float, float], end: int) -> list[tuple[int, Row, float | None]]:
    """The first `end` matches by geodesic distance (then relevance), with their distances.

    `matches` are (quick distance, position, docnum), sorted, holding at least the `end` nearest
    by quick distance; only the matches that could be among the first `end` are measured
    exactly. Any match quicker-measured beyond (1 + e) / (1 - e) times the end-th one is truly
    farther than all of the first `end`, so it can be left unmeasured.
    """
    if not matches or end <= 0:
        return []
    reach = matches[min(end, len(matches)) - 1][0] * (1 + APPROXIMATION_ERROR) / (1 - APPROXIMATION_ERROR)
    measured = []
    for approximate, position, docnum in matches:
        if approximate > reach:
            break
        row = table[docnum]
        measured.append((_nearest(row.points, origin, distance_miles), position, docnum, row))
    measured.sort(key=lambda m: (m[0], m[1]))
    return [(docnum, row, distance) for distance, _, docnum, row in measured[:end]]
