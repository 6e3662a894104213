"""Running a search: words to a Whoosh query, filters to a filter query, ranking and paging.

Words are never parsed as query syntax: they are split into terms and each term must match
(stemmed in title, organisation, venue or description; fuzzily for typos; in any language a
listing is given in). ESOL, EAL, English and speaking are one idea. Filters never change
scores, they only narrow the set.
"""

from __future__ import annotations

import datetime as dt
import bisect
import difflib
import math
from dataclasses import dataclass, field

from whoosh import query as Q
from whoosh.matching import ListMatcher, NullMatcher
from whoosh.spelling import ListCorrector
from whoosh.analysis import StandardAnalyzer

from finder import domain
from finder.search.index import CJK_BIGRAMS, ENGLISH_IDEA, cells_within, stemmed
from finder.search.params import SearchQuery

_WORDS = StandardAnalyzer()  # lowercases, drops English stop words such as "and", "for"
_ANY_WORD = StandardAnalyzer(stoplist=None, minsize=1)
_STEM = stemmed()

FIELD_BOOSTS = (("title", 3.0), ("organisation", 2.0), ("venue", 1.5), ("description", 1.0))
MAX_TERMS = 12


@dataclass
class Place:
    latitude: float
    longitude: float
    radius_miles: float


@dataclass
class Hit:
    course_id: int
    distance_miles: float | None = None
    next_in_minutes: int | None = None


@dataclass
class SearchOutcome:
    total: int
    hits: list[Hit]
    page: int
    per_page: int
    # For an empty result: filter name -> how many results there would be without it.
    relaxations: dict[str, int] = field(default_factory=dict)

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


def _word_query(word: str, vocabulary: list[str] | None = None) -> Q.Query:
    """Every way a typed word may match: stemmed in each field, in other languages, and,
    when the catalogue does not contain the word as typed, its near spellings (typos)."""
    if _is_english(word):  # the index holds all of these as one word
        return Q.Or(_variant_parts(ENGLISH_IDEA))
    parts = _variant_parts(word)
    if vocabulary and not _known(vocabulary, word):
        for correction in _corrections(vocabulary, word):
            parts += _variant_parts(correction, boost=0.5)
    return Q.Or(parts)


def words_query(text: str, vocabulary: list[str] | None = None) -> Q.Query | None:
    """All words must match. With the catalogue's vocabulary, typos are corrected from its own words."""
    words = words_of(text)
    if not words:
        return None
    return Q.And([_word_query(w, vocabulary) for w in words])


def _any(field_name: str, values) -> Q.Query:
    terms = [Q.Term(field_name, v) for v in values]
    return terms[0] if len(terms) == 1 else Q.Or(terms)


def filter_parts(query: SearchQuery, place: Place | None, visible_since: int | None) -> dict[str, Q.Query]:
    """One Whoosh query per active filter, keyed by the filter's name in the URL."""
    parts: dict[str, Q.Query] = {}
    if query.creche:
        parts["creche"] = Q.Term("creche", "on-site")
    if query.levels:
        parts["level"] = _any("levels", query.levels)
    if query.kind:
        parts["kind"] = Q.Term("kind", query.kind)
    # A session on that day at that time: not one on Monday and another in the evening.
    days = query.days or tuple(domain.WEEKDAYS)
    times = query.times or tuple(domain.TIMES_OF_DAY)
    if query.days or query.times:
        parts["day" if query.days else "time"] = _any("slots", [f"{d}-{t}" for d in days for t in times])
    if query.free:
        parts["free"] = Q.Term("free", "1")
    if query.women:
        parts["women"] = Q.Term("women", "1")
    if query.mode:
        parts["mode"] = Q.Term("modes", query.mode)
    if query.speaks:
        parts["speaks"] = _any("speaks", query.speaks)
    if place is not None:
        from finder.geo import bounding_box

        min_lat, max_lat, min_lon, max_lon = bounding_box(place.latitude, place.longitude, place.radius_miles)
        parts["place"] = _any("cells", cells_within(min_lat, max_lat, min_lon, max_lon))
    if visible_since is not None:
        parts["_fresh"] = Q.NumericRange("checked", visible_since, None)
    return parts


class AllowedDocs(Q.Query):
    """Matches a set of document numbers the filters already worked out.

    Required beside the words (`Require(words, AllowedDocs(...))`), it lets Whoosh leapfrog
    through the words' postings to the allowed documents instead of scoring every match.
    """

    def __init__(self, top_searcher, docnums):
        self.top_searcher = top_searcher
        self.docnums = docnums

    def __repr__(self):
        return f"AllowedDocs({len(self.docnums)} documents)"

    def __eq__(self, other):
        return isinstance(other, AllowedDocs) and other.docnums is self.docnums

    def __hash__(self):
        return id(self.docnums)

    def estimate_size(self, ixreader):
        return len(self.docnums)

    def matcher(self, searcher, context=None):
        offset = next((off for leaf, off in self.top_searcher.leaf_searchers() if leaf is searcher), 0)
        end = offset + searcher.doc_count_all()
        ids = sorted(d - offset for d in self.docnums if offset <= d < end)
        return ListMatcher(ids) if ids else NullMatcher()


def _filter_docs(parts: dict[str, Q.Query], docs_for, skip: str | None = None) -> set | None:
    """The documents every active filter allows, as a set (smallest first, so it stays cheap)."""
    sets = sorted((docs_for(q) for name, q in parts.items() if name != skip), key=len)
    if not sets:
        return None
    allowed = set(sets[0])
    for other in sets[1:]:
        allowed &= other
    return allowed


def _week_minute(now: dt.datetime) -> int:
    return now.weekday() * 1440 + now.hour * 60 + now.minute


def next_in_minutes(week_minutes: list[int], now_minute: int) -> int | None:
    if not week_minutes:
        return None
    return min((m - now_minute) % 10080 for m in week_minutes)


def _nearest(points, place: Place) -> float | None:
    from finder.geo import distance_miles

    distances = [distance_miles((place.latitude, place.longitude), (lat, lon)) for lat, lon in points]
    return min(distances) if distances else None


def run(searcher, query: SearchQuery, place: Place | None = None, now: dt.datetime | None = None,
        visible_since: int | None = None, explain_empty: bool = True, docs_for=None,
        vocabulary: list[str] | None = None) -> SearchOutcome:
    """Run `query` on an open Whoosh searcher and return one page of hits.

    `docs_for(query) -> set of docnums` may cache filter document sets between searches.
    """
    docs_for = docs_for or (lambda q: frozenset(searcher.docs_for_query(q)))
    words = words_query(query.q, vocabulary)
    parts = filter_parts(query, place, visible_since)
    outcome = _run(searcher, words, _filter_docs(parts, docs_for), query, place, now)
    if outcome.total == 0 and explain_empty:
        for name in list(parts):
            if name.startswith("_"):
                continue
            relaxed = _run(searcher, words, _filter_docs(parts, docs_for, skip=name), query.without(name),
                           place if name != "place" else None, now, count_only=True)
            outcome.relaxations[name] = relaxed.total
        if words is not None:
            outcome.relaxations["q"] = _run(searcher, None, _filter_docs(parts, docs_for), query, place, now,
                                            count_only=True).total
    return outcome


def _run(searcher, words, allowed: set | None, query: SearchQuery, place, now, count_only: bool = False) -> SearchOutcome:
    if allowed is not None and not allowed:
        return SearchOutcome(0, [], query.page, query.per_page)
    sort = query.effective_sort
    start = (query.page - 1) * query.per_page
    needs_all = place is not None or sort in ("next", "distance")

    if not needs_all:
        if words is None:
            if count_only:
                total = len(allowed) if allowed is not None else searcher.doc_count()
                return SearchOutcome(total, [], query.page, query.per_page)
            results = searcher.search(Q.Every(), filter=allowed, limit=start + query.per_page,
                                      sortedby="title_sort", scored=False)
        else:
            if allowed is not None and len(allowed) * 4 < searcher.doc_count_all():
                # Narrow filters: score the words only where the filters allow.
                words, allowed = Q.Require(words, AllowedDocs(searcher, allowed)), None
            # optimize=False: count every match while collecting (no second pass for the total).
            results = searcher.search(words, filter=allowed, limit=1 if count_only else start + query.per_page,
                                      optimize=False)
        total = len(results)
        if count_only:
            return SearchOutcome(total, [], query.page, query.per_page)
        hits = [Hit(int(hit["id"])) for hit in results[start:start + query.per_page]]
        return SearchOutcome(total, hits, query.page, query.per_page)

    # Distance or next-session order, or an exact radius: look at every match once.
    base = words if words is not None else Q.Every()
    if words is not None and allowed is not None and len(allowed) * 4 < searcher.doc_count_all():
        base, allowed = Q.Require(words, AllowedDocs(searcher, allowed)), None
    results = searcher.search(base, filter=allowed, limit=None, scored=words is not None)
    now_minute = _week_minute(now or dt.datetime.now())
    ranked = []
    for position, hit in enumerate(results):
        stored = hit.fields()
        distance = None
        if place is not None:
            distance = _nearest(stored.get("points") or [], place)
            if distance is None or distance > place.radius_miles:
                continue
        upcoming = next_in_minutes(stored.get("week_minutes") or [], now_minute)
        ranked.append((position, distance, upcoming, int(stored["id"])))
    if sort == "distance" and place is not None:
        ranked.sort(key=lambda r: (r[1], r[0]))
    elif sort == "next":
        ranked.sort(key=lambda r: (r[2] if r[2] is not None else 10**9, r[0]))
    total = len(ranked)
    if count_only:
        return SearchOutcome(total, [], query.page, query.per_page)
    page = ranked[start:start + query.per_page]
    hits = [Hit(course_id, distance, upcoming) for _, distance, upcoming, course_id in page]
    return SearchOutcome(total, hits, query.page, query.per_page)
