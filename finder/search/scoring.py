"""Ranking the documents a search matched, with Whoosh's own scorer, from postings kept in memory.

Which documents match is worked out with sets (see `engine`). Scoring them by walking Whoosh's
matchers costs about 20 µs a document in pure Python, so a common word over 100,000 courses
(2,000 matches after the filters) took 40 ms. Here each term's postings (document -> term
frequency) are read once per segment and kept, and a document's score is Whoosh's weighting
(BM25F) applied to those frequencies and the field lengths, summed the way Whoosh's matchers sum
them: an Or adds what matched, an And what all matched, and each Term or compound query
multiplies by its boost. `tests/unit/search/test_search_ranking.py` checks the scores equal Whoosh's.
"""

from __future__ import annotations

import contextlib
import threading
from collections import defaultdict

from cachetools import LRUCache
from whoosh import query as Q


class _Cursor:
    """The current posting, in the shape Whoosh's scorers read it (a matcher's id and weight)."""

    __slots__ = ("docnum", "frequency")
    docnum: int
    frequency: float

    def id(self) -> int:
        return self.docnum

    def weight(self) -> float:
        return self.frequency


class TermPostings:
    """Each term's postings per segment (document number -> term frequency), least recently used
    dropped first once more than `budget` postings are kept. Segments never change once written,
    so what is kept stays true until the segment is merged away."""

    def __init__(self, budget: int = 2_000_000):
        self._kept: LRUCache = LRUCache(maxsize=budget, getsizeof=lambda postings: len(postings) + 1)
        self._lock = threading.Lock()

    def get(self, leaf, fieldname: str, text: str) -> dict[int, float]:
        key = (leaf.reader().segment().segment_id(), fieldname, text)
        with self._lock:
            postings = self._kept.get(key)
        if postings is not None:
            return postings
        postings = {}
        field = leaf.schema[fieldname] if fieldname in leaf.schema else None
        if field is not None:
            btext = field.to_bytes(text)
            if (fieldname, btext) in leaf.reader():
                matcher = leaf.reader().postings(fieldname, btext)
                while matcher.is_active():
                    postings[matcher.id()] = matcher.weight()
                    matcher.next()
        with self._lock, contextlib.suppress(ValueError):  # larger than the whole budget: not kept
            self._kept[key] = postings
        return postings

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()


def scores(searcher, query: Q.Query, matched, postings: TermPostings) -> dict[int, float]:
    """The score of each matched document (top-level document numbers) for `query`."""
    totals: dict[int, float] = {}
    for leaf, offset in searcher.leaf_searchers():
        end = offset + leaf.doc_count_all()
        local = {docnum - offset for docnum in matched if offset <= docnum < end}
        if local:
            for docnum, score in _scores(leaf, query, local, postings).items():
                totals[docnum + offset] = score
    return totals


def _scores(leaf, query: Q.Query, docs: set[int], postings: TermPostings) -> dict[int, float]:
    if isinstance(query, Q.Term):
        frequencies = postings.get(leaf, query.fieldname, query.text)
        present = docs.intersection(frequencies)
        if not present:
            return {}
        scorer = leaf.weighting.scorer(leaf, query.fieldname, query.text)
        cursor = _Cursor()
        found = {}
        for docnum in present:
            cursor.docnum, cursor.frequency = docnum, frequencies[docnum]
            found[docnum] = scorer.score(cursor) * query.boost
        return found
    if isinstance(query, (Q.Or, Q.And)):
        subqueries = query.subqueries
        if len(subqueries) == 1:  # as Whoosh does: one subquery stands for the whole (boost unused)
            return _scores(leaf, subqueries[0], docs, postings)
        parts = [_scores(leaf, sub, docs, postings) for sub in subqueries]
        if isinstance(query, Q.And):
            common = set.intersection(*(set(part) for part in parts)) if all(parts) else set()
            parts = [{docnum: part[docnum] for docnum in common} for part in parts]
        summed: dict[int, float] = defaultdict(float)
        for part in parts:
            for docnum, score in part.items():
                summed[docnum] += score
        if query.boost != 1.0:
            return {docnum: score * query.boost for docnum, score in summed.items()}
        return dict(summed)
    raise TypeError(f"cannot score {query!r}")
