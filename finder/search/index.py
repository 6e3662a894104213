"""The Whoosh index: its schema, the document for a course, and the directory it lives in.

The index is derived from the database and disposable. A rebuild writes a new directory
beside the old one and swaps a pointer file, so searches never see a half-built index.
The catalogue version it reflects is written beside it; a mismatch with the database
means it is stale and gets rebuilt.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import threading
import uuid
from pathlib import Path
from typing import Iterable

from whoosh import index as whoosh_index
from whoosh.analysis import Filter, LowercaseFilter, NgramFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.index import EmptyIndexError

from finder import domain

# Chinese is written without spaces, so whole words cannot be split out; overlapping pairs of
# characters ("英语课程" -> 英语 语课 课程) let a two-character query find a longer text.
CJK_RUNS = r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]+"
CJK_BIGRAMS = RegexTokenizer(CJK_RUNS) | NgramFilter(minsize=2, maxsize=2)

ENGLISH_IDEA = "esol"


class OneIdeaFilter(Filter):
    """ESOL, EAL, English, speaking… are one idea to the people who search: index them as one word."""

    def __call__(self, tokens):
        for token in tokens:
            if token.text in domain.ENGLISH_SYNONYMS:
                token.text = ENGLISH_IDEA
            yield token


def stemmed(stop: bool = False):
    """Words lowercased, ESOL/EAL/English/speaking as one, then stemmed ("classes" -> "class")."""
    chain = RegexTokenizer() | LowercaseFilter()
    if stop:
        chain = chain | StopFilter()
    return chain | OneIdeaFilter() | StemFilter()


def unstemmed(minsize: int = 2):
    """Words as typed (lowercased), for typo corrections and for text in other languages."""
    return RegexTokenizer() | LowercaseFilter() | StopFilter(stoplist=None, minsize=minsize) | OneIdeaFilter()


# Bump when an analyzer changes, so an index built the old way is rebuilt rather than trusted.
ANALYZERS_VERSION = "one-idea-2"

SCHEMA = Schema(
    id=ID(stored=True, unique=True),
    title=TEXT(analyzer=stemmed(), phrase=False),
    organisation=TEXT(analyzer=stemmed(), phrase=False),
    venue=TEXT(analyzer=stemmed(), phrase=False),
    description=TEXT(analyzer=stemmed(stop=True), phrase=False),
    # Unstemmed words of all the above, for typo-tolerant (fuzzy) matching.
    plain=TEXT(analyzer=unstemmed(), phrase=False),
    # Titles and descriptions in other languages, as partners gave them.
    translated=TEXT(analyzer=unstemmed(minsize=1), phrase=False),
    # The same in character pairs for Chinese (and other scripts written without spaces).
    translated_cjk=TEXT(analyzer=CJK_BIGRAMS, phrase=False),
    levels=KEYWORD(commas=True),
    kind=ID,
    creche=ID,
    days=KEYWORD(commas=True),
    times=KEYWORD(commas=True),
    slots=KEYWORD(commas=True),
    free=ID,
    women=ID,
    modes=KEYWORD(commas=True),
    speaks=KEYWORD(commas=True),
    checked=NUMERIC(int, bits=32, shift_step=8),
    # Venue coordinates in millionths of a degree, for the bounding-box prefilter.
    lat=NUMERIC(int, bits=32, signed=True, shift_step=8),
    lon=NUMERIC(int, bits=32, signed=True, shift_step=8),
    title_sort=ID(sortable=True),
    points=STORED,
    week_minutes=STORED,
)


def schema_signature() -> list[str]:
    return sorted(SCHEMA.names()) + [ANALYZERS_VERSION]


def microdegrees(value: float) -> int:
    return int(round(value * 1_000_000))


def _modes(mode: str) -> list[str]:
    if mode == "blended":
        return ["in-person", "online", "blended"]
    return [mode]


def checked_ordinal(course) -> int:
    """The day a listing was last confirmed, as an ordinal (for hiding stale listings)."""
    day = course.last_checked or (course.published_at or course.updated_at or dt.datetime(2000, 1, 1)).date()
    return day.toordinal()


def course_document(course) -> dict:
    """The index document for a published course (organisation, sessions, venues loaded)."""
    venues = course.venues
    sessions = course.sessions
    days = sorted({s.weekday for s in sessions}, key=domain.WEEKDAY_INDEX.get)
    times = sorted({domain.time_of_day(s.start_time) for s in sessions})
    slots = sorted({f"{s.weekday}-{domain.time_of_day(s.start_time)}" for s in sessions})
    venue_words = " ".join(f"{v.name} {v.address} {v.postcode}" for v in venues)
    translated = " ".join(f"{t.title} {t.description}" for t in course.translations)
    points = [[v.latitude, v.longitude] for v in venues if v.latitude is not None and v.longitude is not None]
    document = dict(
        id=str(course.id),
        title=course.title,
        organisation=course.organisation.name,
        venue=venue_words,
        description=course.description or "",
        plain=" ".join([course.title, course.organisation.name, venue_words, course.description or ""]),
        translated=translated,
        translated_cjk=translated,
        levels=",".join(course.levels or []),
        kind=course.kind,
        creche=course.creche,
        days=",".join(days),
        times=",".join(times),
        slots=",".join(slots),
        free="1" if course.free else "0",
        women="1" if course.women_only else "0",
        modes=",".join(_modes(course.mode)),
        speaks=",".join(course.languages or []),
        checked=checked_ordinal(course),
        title_sort=course.title.casefold()[:100],
        points=points,
        week_minutes=sorted(domain.WEEKDAY_INDEX[s.weekday] * 1440 + s.start_time.hour * 60 + s.start_time.minute
                            for s in sessions),
    )
    if points:
        document["lat"] = [microdegrees(p[0]) for p in points]
        document["lon"] = [microdegrees(p[1]) for p in points]
    return document


class IndexStore:
    """The index directory: open, rebuild-and-swap, incremental updates, version stamp."""

    POINTER = "CURRENT"

    def __init__(self, root: Path):
        self.root = Path(root)
        self._lock = threading.RLock()
        self._index = None
        self._index_dir: str | None = None
        self._searcher = None
        self._filter_cache: dict[str, frozenset] = {}

    # -- where it is ---------------------------------------------------------------
    def _current_name(self) -> str | None:
        try:
            return (self.root / self.POINTER).read_text().strip() or None
        except FileNotFoundError:
            return None

    def version(self) -> int | None:
        """The catalogue version the index reflects, or None if there is no usable index."""
        name = self._current_name()
        if not name:
            return None
        try:
            meta = json.loads((self.root / name / "catalogue.json").read_text())
            if meta.get("schema") != schema_signature():
                return None  # built with another schema: rebuild rather than trust it
            return int(meta["version"])
        except (FileNotFoundError, ValueError, KeyError, json.JSONDecodeError):
            return None

    def _stamp(self, directory: Path, version: int) -> None:
        tmp = directory / "catalogue.json.tmp"
        tmp.write_text(json.dumps({"version": version, "at": dt.datetime.now(dt.timezone.utc).isoformat(),
                                   "schema": schema_signature()}))
        os.replace(tmp, directory / "catalogue.json")

    # -- building --------------------------------------------------------------------
    def rebuild(self, documents: Iterable[dict], version: int) -> int:
        """Build a complete new index beside the old one, then swap it in. Returns the count."""
        self.root.mkdir(parents=True, exist_ok=True)
        name = f"gen-{dt.datetime.now(dt.timezone.utc):%Y%m%d%H%M%S}-{uuid.uuid4().hex[:8]}"
        directory = self.root / name
        directory.mkdir()
        ix = whoosh_index.create_in(str(directory), SCHEMA)
        writer = ix.writer(procs=1, limitmb=256)
        count = 0
        try:
            for document in documents:
                writer.add_document(**document)
                count += 1
        except BaseException:
            writer.cancel()
            shutil.rmtree(directory, ignore_errors=True)
            raise
        writer.commit()
        ix.close()
        self._stamp(directory, version)
        with self._lock:
            tmp = self.root / (self.POINTER + ".tmp")
            tmp.write_text(name)
            os.replace(tmp, self.root / self.POINTER)
            self._close()
        self._remove_old(keep=name)
        return count

    def _remove_old(self, keep: str) -> None:
        for child in self.root.iterdir():
            if child.is_dir() and child.name.startswith("gen-") and child.name != keep:
                shutil.rmtree(child, ignore_errors=True)

    def update(self, upserts: Iterable[dict], deletes: Iterable[int], version: int) -> None:
        """Apply changed courses to the live index in one commit and stamp the new version."""
        ix = self.index()
        writer = ix.writer(timeout=10)
        try:
            for course_id in deletes:
                writer.delete_by_term("id", str(course_id))
            for document in upserts:
                writer.update_document(**document)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        name = self._current_name()
        if name:
            self._stamp(self.root / name, version)

    # -- reading ---------------------------------------------------------------------
    def index(self):
        with self._lock:
            name = self._current_name()
            if name is None:
                raise EmptyIndexError("no search index has been built")
            if self._index is None or self._index_dir != name:
                self._close()
                self._index = whoosh_index.open_dir(str(self.root / name))
                self._index_dir = name
            return self._index

    def searcher(self):
        """A searcher that sees the newest commit; reopened when a commit or a swap happened."""
        with self._lock:
            ix = self.index()
            if self._searcher is not None and self._searcher.reader().generation() != ix.latest_generation():
                # Not Searcher.refresh(): it reuses segment readers with their old deletions.
                self._searcher.close()
                self._searcher = None
            if self._searcher is None:
                self._searcher = ix.searcher()
                self._filter_cache = {}
            return self._searcher

    def filter_docs(self, query) -> frozenset:
        """The documents a filter query allows, cached until the index changes.

        Filters repeat across searches (crèche, a level, the freshness cut-off), so their
        document sets are kept per searcher instead of being worked out again each time.
        """
        with self._lock:
            searcher = self._searcher if self._searcher is not None else self.searcher()
            key = repr(query)
            docs = self._filter_cache.get(key)
            if docs is None:
                if len(self._filter_cache) > 512:
                    self._filter_cache.clear()
                docs = self._filter_cache[key] = frozenset(searcher.docs_for_query(query))
            return docs

    def _close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
        self._searcher = None
        if self._index is not None:
            self._index.close()
        self._index = None
        self._index_dir = None

    def close(self) -> None:
        with self._lock:
            self._close()
