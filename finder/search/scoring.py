"""Ranking the documents a search matched, with Whoosh's own scorer, over arrays kept in memory.

Which documents match is worked out with sorted arrays of document numbers (see `engine`).
Scoring them by walking Whoosh's matchers costs about 20 µs a document in pure Python, so a
broad word over 100,000 courses took 200-300 ms. Here each term's postings are read once per
segment, a block at a time, into two arrays (document numbers, term frequencies) and kept, and
each field's lengths once per segment; a document's score is then Whoosh's weighting (BM25F)
computed with numpy over every matched document at once, with the same arithmetic in the same
order as Whoosh's `bm25` (so the same floating-point result), summed the way Whoosh's matchers
sum them: an Or adds what matched, an And what all matched, and each Term or compound query
multiplies by its boost. `tests/unit/search/test_search_ranking.py` checks the scores equal Whoosh's.
"""

from __future__ import annotations

import contextlib
import threading

import numpy as np
from cachetools import LRUCache
from whoosh import query as Q
from whoosh.codec.whoosh3 import LENGTHS_COLUMN
from whoosh.scoring import BM25FScorer
from whoosh.util.numeric import byte_to_length

DOCS = np.int32  # document numbers (an index holds far fewer than 2**31 documents)
EMPTY = np.zeros(0, dtype=DOCS)
_EMPTY_WEIGHTS = np.zeros(0, dtype=np.float32)
# A length byte's field length, as `doc_field_length` decodes it (byte 0: no terms in the field).
_BYTE_LENGTHS = np.array([0] + [byte_to_length(b) for b in range(1, 256)], dtype=np.float64)


class _Cursor:
    """The current posting, in the shape Whoosh's scorers read it (a matcher's id and weight)."""

    __slots__ = ("docnum", "frequency")
    docnum: int
    frequency: float

    def id(self) -> int:
        return self.docnum

    def weight(self) -> float:
        return self.frequency


def _read_postings(reader, fieldname: str, btext: bytes) -> tuple[np.ndarray, np.ndarray]:
    """A term's postings in one segment as (document numbers, frequencies), a block at a time
    when the matcher is Whoosh 3's leaf matcher, one posting at a time otherwise."""
    matcher = reader.postings(fieldname, btext)
    ids: list = []
    weights: list = []
    blockwise = all(hasattr(matcher, name) for name in ("_read_ids", "_read_weights", "_next_block", "_blocklength"))
    if blockwise:
        while matcher.is_active():
            matcher._read_ids()
            matcher._read_weights()
            ids.append(np.asarray(matcher._ids, dtype=DOCS))
            weights.append(np.asarray(matcher._weights, dtype=np.float32))
            matcher._next_block()
    else:
        docs, frequencies = [], []
        while matcher.is_active():
            docs.append(matcher.id())
            frequencies.append(matcher.weight())
            matcher.next()
        ids, weights = [np.asarray(docs, dtype=DOCS)], [np.asarray(frequencies, dtype=np.float32)]
    if not ids:
        return EMPTY, _EMPTY_WEIGHTS
    return np.concatenate(ids), np.concatenate(weights)


class TermPostings:
    """Each term's postings per segment (sorted document numbers and their term frequencies, as
    arrays) and each field's lengths per segment, least recently used dropped first once more than
    `budget` postings are kept. Segments never change once written, so what is kept stays true
    until the segment is merged away. Frequencies are kept as float32, as Whoosh stores them."""

    def __init__(self, budget: int = 4_000_000):
        self.budget = budget
        self._kept: LRUCache = LRUCache(maxsize=budget, getsizeof=lambda postings: len(postings[0]) + 1)
        self._lengths: dict[tuple[str, str], np.ndarray] = {}
        self._lock = threading.Lock()

    def get(self, leaf, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        key = (leaf.reader().segment().segment_id(), fieldname, text)
        with self._lock:
            postings = self._kept.get(key)
        if postings is not None:
            return postings
        postings = (EMPTY, _EMPTY_WEIGHTS)
        field = leaf.schema[fieldname] if fieldname in leaf.schema else None
        if field is not None:
            btext = field.to_bytes(text)
            if (fieldname, btext) in leaf.reader():
                postings = _read_postings(leaf.reader(), fieldname, btext)
        with self._lock, contextlib.suppress(ValueError):  # larger than the whole budget: not kept
            self._kept[key] = postings
        return postings

    def lengths(self, leaf, fieldname: str) -> np.ndarray:
        """Every document's length of a field in one segment (float64), as `doc_field_length` reads it."""
        reader = leaf.reader()
        key = (reader.segment().segment_id(), fieldname)
        with self._lock:
            found = self._lengths.get(key)
        if found is not None:
            return found
        count = reader.doc_count_all()
        raw = None
        with contextlib.suppress(AttributeError, KeyError, TypeError):
            column = reader._perdoc._cached_reader(f"_{fieldname}_len", LENGTHS_COLUMN)
            if column is not None:
                stored = min(column._count, count)
                raw = np.zeros(count, dtype=np.uint8)
                raw[:stored] = np.frombuffer(bytes(column._dbfile.get(column._basepos, stored)), dtype=np.uint8)
        if raw is not None:
            found = _BYTE_LENGTHS[raw]
        else:  # another codec: ask for each document
            found = np.array([reader.doc_field_length(n, fieldname, 1) or 0 for n in range(count)], dtype=np.float64)
        with self._lock:
            self._lengths[key] = found
        return found

    def docs(self, searcher, query: Q.Query, numeric=None) -> np.ndarray | None:
        """The sorted top-level document numbers a query of terms (Term, Or, And) matches, deleted
        documents included, or None for any other kind of query. `numeric(query)` answers a
        NumericRange (or None when it cannot)."""
        if isinstance(query, Q.NumericRange) and numeric is not None:
            return numeric(query)
        if isinstance(query, Q.Term):
            parts = []
            for leaf, offset in searcher.leaf_searchers():
                if leaf.reader().segment() is None:
                    continue
                local = self.get(leaf, query.fieldname, query.text)[0]
                if len(local):
                    parts.append(local + DOCS(offset))
            return np.concatenate(parts) if parts else EMPTY
        if isinstance(query, (Q.Or, Q.And)) and query.subqueries:
            found = [self.docs(searcher, sub, numeric) for sub in query.subqueries]
            if any(f is None for f in found):
                return None
            arrays = [f for f in found if f is not None]
            if isinstance(query, Q.Or):
                return np.unique(np.concatenate(arrays)).astype(DOCS, copy=False)
            result = arrays[0]
            for other in arrays[1:]:
                result = np.intersect1d(result, other, assume_unique=True)
            return result.astype(DOCS, copy=False)
        return None

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()
            self._lengths.clear()


def score_array(searcher, query: Q.Query, matched: np.ndarray, postings: TermPostings) -> tuple[np.ndarray, np.ndarray]:
    """(present, score) for each of `matched` (sorted top-level document numbers): whether the query
    matches it, and its score (0.0 where it does not)."""
    matched = np.asarray(matched, dtype=DOCS)
    present = np.zeros(len(matched), dtype=bool)
    total = np.zeros(len(matched), dtype=np.float64)
    for leaf, offset in searcher.leaf_searchers():
        end = offset + leaf.doc_count_all()
        lo, hi = np.searchsorted(matched, [offset, end])
        if lo == hi:
            continue
        mask, score = _score(leaf, query, matched[lo:hi] - DOCS(offset), postings)
        present[lo:hi] = mask
        total[lo:hi] = score
    return present, total


def scores(searcher, query: Q.Query, matched, postings: TermPostings) -> dict[int, float]:
    """The score of each matched document (top-level document numbers) the query matches."""
    docs = np.array(sorted(matched), dtype=DOCS)
    present, total = score_array(searcher, query, docs, postings)
    return dict(zip(docs[present].tolist(), total[present].tolist(), strict=True))


def _score(leaf, query: Q.Query, docs: np.ndarray, postings: TermPostings) -> tuple[np.ndarray, np.ndarray]:
    """(present, score) over a segment's sorted local document numbers."""
    if isinstance(query, Q.Term):
        present = np.zeros(len(docs), dtype=bool)
        score = np.zeros(len(docs), dtype=np.float64)
        if leaf.reader().segment() is None:
            return present, score
        ids, frequencies = postings.get(leaf, query.fieldname, query.text)
        if not len(ids):
            return present, score
        at = np.searchsorted(ids, docs)
        inside = at < len(ids)
        present[inside] = ids[at[inside]] == docs[inside]
        if not present.any():
            return present, score
        weight = frequencies[at[present]].astype(np.float64)
        scorer = leaf.weighting.scorer(leaf, query.fieldname, query.text)
        if type(scorer) is BM25FScorer:
            length = postings.lengths(leaf, query.fieldname)[docs[present]]
            idf, avgfl, B, K1 = scorer.idf, scorer.avgfl, scorer.B, scorer.K1
            # Whoosh's bm25(idf, tf, fl, avgfl, B, K1), operation for operation.
            found = idf * ((weight * (K1 + 1)) / (weight + K1 * ((1 - B) + B * length / avgfl)))
        else:
            cursor = _Cursor()
            values = []
            for docnum, frequency in zip(docs[present].tolist(), weight.tolist(), strict=True):
                cursor.docnum, cursor.frequency = docnum, frequency
                values.append(scorer.score(cursor))
            found = np.asarray(values, dtype=np.float64)
        score[present] = found * query.boost
        return present, score
    if isinstance(query, (Q.Or, Q.And)):
        subqueries = query.subqueries
        if len(subqueries) == 1:  # as Whoosh does: one subquery stands for the whole (boost unused)
            return _score(leaf, subqueries[0], docs, postings)
        parts = [_score(leaf, sub, docs, postings) for sub in subqueries]
        if isinstance(query, Q.And):
            present = np.logical_and.reduce([mask for mask, _ in parts])
        else:
            present = np.logical_or.reduce([mask for mask, _ in parts])
        summed = np.zeros(len(docs), dtype=np.float64)
        for _, part in parts:  # in the subqueries' order, as Whoosh adds them
            summed += part
        summed[~present] = 0.0
        if query.boost != 1.0:
            summed = summed * query.boost
        return present, summed
    raise TypeError(f"cannot score {query!r}")
