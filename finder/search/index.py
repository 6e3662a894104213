"""The Whoosh index: its schema, the document for a course, and the directory it lives in.

The index is derived from the database and disposable. A rebuild writes a new directory
beside the old one and swaps a pointer file, so searches never see a half-built index.
The catalogue version it reflects is written beside it; a mismatch with the database
means it is stale and gets rebuilt.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import math
import os
import shutil
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Iterable, NamedTuple

import numpy as np
from cachetools import LRUCache
from whoosh import index as whoosh_index
from whoosh import query as Q
from whoosh.analysis import Filter, LowercaseFilter, NgramFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.analysis.tokenizers import default_pattern as WORD_PATTERN
from whoosh.columns import VarBytesColumn
from whoosh.fields import COLUMN, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.index import EmptyIndexError

from finder import domain
from finder.domain.availability import CODES
from finder.domain.numbers import NumberError, parse_latitude, parse_longitude
from finder.search import segment_files
from finder.search.cards import card_of
from finder.search.scoring import DOCS, TermPostings

segment_files.install()

# Chinese is written without spaces, so whole words cannot be split out; overlapping pairs of
# characters ("英语课程" -> 英语 语课 课程) let a two-character query find a longer text.
CJK_RUNS = r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]+"
CJK_BIGRAMS = RegexTokenizer(CJK_RUNS) | NgramFilter(minsize=2, maxsize=2)

ENGLISH_IDEA = "esol"
ENGLISH_SET = frozenset(domain.ENGLISH_SYNONYMS)


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
ANALYZERS_VERSION = "cards-2"

SCHEMA = Schema(
    # The course id. Scorable (never scored) for the same reason as `facets` below.
    id=KEYWORD(stored=True, unique=True, scorable=True),
    title=TEXT(analyzer=stemmed(), phrase=False),
    organisation=TEXT(analyzer=stemmed(), phrase=False),
    venue=TEXT(analyzer=stemmed(), phrase=False),
    description=TEXT(analyzer=stemmed(stop=True), phrase=False),
    # Titles and descriptions in other languages, as partners gave them.
    translated=TEXT(analyzer=unstemmed(minsize=1), phrase=False),
    # The same in character pairs for Chinese (and other scripts written without spaces).
    translated_cjk=TEXT(analyzer=CJK_BIGRAMS, phrase=False),
    # Every exact-match value in one field ("creche:on-site", "level:entry-1", "slot:mon-evening",
    # "cell:1068:-38"; see `facet`): one field to write instead of nine makes a build faster.
    # Scorable only so that it has a lengths column: without one, Whoosh's segment writer looks
    # for that column on disk for every posting.
    facets=KEYWORD(commas=True, scorable=True),
    # Stored too: the freshness filter is worked out from an array of it (`IndexStore.numeric_docs`).
    checked=NUMERIC(int, bits=32, shift_step=8, stored=True),
    # The next intake's day (an ordinal) of a course with a next intake: the `starts=4w` filter.
    intake=NUMERIC(int, bits=32, shift_step=8),
    # Only a column (no postings): the order of a search with no words.
    title_sort=COLUMN(VarBytesColumn()),
    points=STORED,
    week_minutes=STORED,
    # [availability code, usual wait in weeks or -1, next intake ordinal or 0]: the `sort=start` order.
    start=STORED,
    # What a page of results shows of the course (`finder.search.cards`): no database query per page.
    card=STORED,
)


def facet(name: str, value: str) -> str:
    """An exact-match value as the `facets` field holds it. Names: level, kind, creche, free,
    women, mode, speaks, avail (availability), creche-places, slot (day and time of day of one session: "mon-evening", so that
    days, times and both together filter on it) and cell (a map grid cell a venue stands in)."""
    return f"{name}:{value}"


def schema_signature() -> list[str]:
    return sorted(SCHEMA.names()) + [ANALYZERS_VERSION]


# Grid cells of about 3.5 miles (0.05° of latitude, 0.08° of longitude in Britain): a search
# radius becomes a handful of exact-match terms instead of numeric range queries.
CELL_LAT = 0.05
CELL_LON = 0.08


def on_the_map(latitude, longitude) -> bool:
    """A stored point the index can use: both coordinates finite and in range (a row written before
    they were checked must not stop a rebuild)."""
    try:
        parse_latitude(latitude), parse_longitude(longitude)
    except NumberError:
        return False
    return True


def cell(latitude: float, longitude: float) -> str:
    return f"{math.floor(latitude / CELL_LAT)}:{math.floor(longitude / CELL_LON)}"


def cells_within(min_lat: float, max_lat: float, min_lon: float, max_lon: float) -> list[str]:
    """Every grid cell that overlaps a bounding box."""
    rows = range(math.floor(min_lat / CELL_LAT), math.floor(max_lat / CELL_LAT) + 1)
    columns = range(math.floor(min_lon / CELL_LON), math.floor(max_lon / CELL_LON) + 1)
    return [f"{row}:{column}" for row in rows for column in columns]


VOCABULARY_KEY = "_vocabulary"
VOCABULARY_FILE = "vocabulary.txt"


def vocabulary_words(*texts: str) -> set[str]:
    """The words of some texts as `unstemmed()` sees them (lowercased, ESOL/EAL… as one), in one regex pass."""
    words = {m.group() for m in WORD_PATTERN.finditer(" ".join(texts).lower())}
    if words & ENGLISH_SET:
        words = (words - ENGLISH_SET) | {ENGLISH_IDEA}
    return words


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
    slots = {f"{s.weekday}-{domain.time_of_day(s.start_time)}" for s in sessions}
    venue_words = " ".join(f"{v.name} {v.address} {v.postcode}" for v in venues)
    translated = " ".join(f"{t.title} {t.description}" for t in course.translations)
    points = [[v.latitude, v.longitude] for v in venues if on_the_map(v.latitude, v.longitude)]
    facets = [facet("kind", course.kind), facet("creche", course.creche),
              facet("free", "1" if course.free else "0"), facet("women", "1" if course.women_only else "0")]
    availability = course.availability or "places"
    facets.append(facet("avail", availability))
    if course.creche_places:
        facets.append(facet("creche-places", course.creche_places))
    facets += [facet("level", level) for level in course.levels or []]
    facets += [facet("mode", mode) for mode in _modes(course.mode)]
    facets += [facet("speaks", language) for language in course.languages or []]
    facets += [facet("slot", slot) for slot in sorted(slots)]
    facets += [facet("cell", c) for c in sorted({cell(lat, lon) for lat, lon in points})]
    document = dict(
        id=str(course.id),
        title=course.title,
        organisation=course.organisation.name,
        venue=venue_words,
        facets=",".join(facets),
        checked=checked_ordinal(course),
        title_sort=course.title.casefold()[:100].encode("utf-8"),
        points=points,
        week_minutes=sorted(domain.WEEKDAY_INDEX[s.weekday] * 1440 + s.start_time.hour * 60 + s.start_time.minute
                            for s in sessions),
        start=start_fields(availability, course.wait_weeks, course.next_intake),
        card=card_of(course),
    )
    if availability == "next-intake" and course.next_intake is not None:
        document["intake"] = course.next_intake.toordinal()
    # Empty text is left out rather than analysed for nothing.
    if course.description:
        document["description"] = course.description
    if translated:
        document["translated"] = document["translated_cjk"] = translated
    # Every word as written, for typo corrections: kept beside the index, not in it.
    document[VOCABULARY_KEY] = vocabulary_words(course.title, course.organisation.name, venue_words,
                                                course.description or "", translated)
    return document


def start_fields(availability: str, wait_weeks: int | None, next_intake: dt.date | None) -> list[int]:
    """What `sort=start` needs of a course, as small numbers (see `Row.start`)."""
    return [CODES.get(availability, CODES["places"]), -1 if wait_weeks is None else int(wait_weeks),
            next_intake.toordinal() if next_intake is not None else 0]


NO_START = (CODES["places"], -1, 0)


class Row(NamedTuple):
    """What a search needs of a document beyond matching it: to place it, time it, name it and
    say when it can be started (`start`: availability code, usual wait or -1, intake ordinal or 0), and
    the day it was last confirmed (`checked`, an ordinal)."""

    course_id: int
    points: list
    week_minutes: list
    start: tuple = NO_START
    checked: int = 0


def document_row(stored: dict) -> Row:
    return Row(int(stored["id"]), stored.get("points") or [], stored.get("week_minutes") or [],
               tuple(stored.get("start") or NO_START), int(stored.get("checked") or 0))


class RowTable:
    """Every document's `Row`, by document number, in a few flat arrays (about 40 bytes a course
    instead of about 400 as Python objects): course ids; each document's points as a slice of
    latitude and longitude arrays; its sessions' minutes of the week as a slice of another.
    `table[docnum]` gives a `Row`; searches over many documents read the arrays directly. `starts`
    holds each document's `Row.start` as one row of three numbers, `checked` its `Row.checked`."""

    def __init__(self, course_ids, point_starts, latitudes, longitudes, minute_starts, minutes, starts=None,
                 checked=None):
        self.course_ids = course_ids
        self.point_starts, self.latitudes, self.longitudes = point_starts, latitudes, longitudes
        self.minute_starts, self.minutes = minute_starts, minutes
        self.starts = starts if starts is not None else np.tile(np.asarray(NO_START, dtype=np.int32), (len(course_ids), 1))
        self.checked = checked if checked is not None else np.zeros(len(course_ids), dtype=np.int32)

    @classmethod
    def from_rows(cls, rows: Iterable[Row]) -> "RowTable":
        ids: list[int] = []
        point_counts: list[int] = []
        lats: list[float] = []
        lons: list[float] = []
        minute_counts: list[int] = []
        minutes: list[int] = []
        starts: list[tuple] = []
        checked: list[int] = []
        for row in rows:
            starts.append(row.start)
            checked.append(row.checked)
            ids.append(row.course_id)
            point_counts.append(len(row.points))
            for lat, lon in row.points:
                lats.append(lat)
                lons.append(lon)
            minute_counts.append(len(row.week_minutes))
            minutes.extend(row.week_minutes)
        return cls(np.asarray(ids, dtype=np.int64), _starts(point_counts), np.asarray(lats, dtype=np.float64),
                   np.asarray(lons, dtype=np.float64), _starts(minute_counts), np.asarray(minutes, dtype=np.int32),
                   np.asarray(starts, dtype=np.int32).reshape(len(ids), 3), np.asarray(checked, dtype=np.int32))

    @classmethod
    def joined(cls, tables: list["RowTable"]) -> "RowTable":
        if not tables:
            return cls.from_rows([])
        if len(tables) == 1:
            return tables[0]
        return cls(np.concatenate([t.course_ids for t in tables]), _join_starts([t.point_starts for t in tables]),
                   np.concatenate([t.latitudes for t in tables]), np.concatenate([t.longitudes for t in tables]),
                   _join_starts([t.minute_starts for t in tables]), np.concatenate([t.minutes for t in tables]),
                   np.concatenate([t.starts for t in tables]), np.concatenate([t.checked for t in tables]))

    def __len__(self) -> int:
        return len(self.course_ids)

    def __getitem__(self, docnum: int) -> Row:
        a, b = int(self.point_starts[docnum]), int(self.point_starts[docnum + 1])
        c, d = int(self.minute_starts[docnum]), int(self.minute_starts[docnum + 1])
        points = [[lat, lon] for lat, lon in zip(self.latitudes[a:b].tolist(), self.longitudes[a:b].tolist(), strict=True)]
        return Row(int(self.course_ids[docnum]), points, self.minutes[c:d].tolist(), tuple(self.starts[docnum].tolist()),
                   int(self.checked[docnum]))

    def __iter__(self):
        return (self[n] for n in range(len(self)))

    @property
    def nbytes(self) -> int:
        return sum(a.nbytes for a in (self.course_ids, self.point_starts, self.latitudes, self.longitudes,
                                      self.minute_starts, self.minutes, self.starts, self.checked))


def _starts(counts: list[int]) -> np.ndarray:
    starts = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(np.asarray(counts, dtype=np.int64), out=starts[1:])
    return starts


def _join_starts(parts: list[np.ndarray]) -> np.ndarray:
    joined = [parts[0]]
    base = parts[0][-1]
    for starts in parts[1:]:
        joined.append(starts[1:] + base)
        base += starts[-1]
    return np.concatenate(joined)


PARALLEL_FROM = 5000


def _resident_mb() -> float:
    """This process's resident memory now, in MB (Linux; elsewhere its peak so far)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError, AttributeError):
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


_MISSING = object()


def _kept_size(value) -> int:
    """About how many bytes a kept value holds with its key and its place in the cache
    (`IndexStore.kept`), as measured at 100,000 courses: text and bytes (a result's HTML or JSON) as
    they are, a page of hits (or a count) about 130 bytes a hit, anything else 5.4 KB (as much as a
    plain course record holds)."""
    if isinstance(value, (str, bytes)):
        return sys.getsizeof(value) + 150
    hits = getattr(value, "hits", None)
    if hits is not None:
        return 600 + 130 * len(hits)
    return 5400


class IndexStore:
    """The index directory: open, rebuild-and-swap, incremental updates, version stamp."""

    POINTER = "CURRENT"

    # Each writer process sorts up to this many MB of postings in memory (more would spill to disk anyway).
    WRITER_MB = 512
    # The least it is given, however little the memory budget leaves (below this it spills more than it sorts).
    WRITER_MIN_MB = 128
    WRITER_SPARE_MB = 160

    def __init__(self, root: Path, build_mb: int = 1024):
        self.root = Path(root)
        self.build_mb = build_mb  # ESOL_FINDER_INDEX_BUILD_MB: what a building process should stay within
        self._lock = threading.RLock()
        self._index = None
        self._index_dir: str | None = None
        self._searcher = None
        self._filter_cache = self._new_filter_cache()
        # What searches derive from one commit (pages of hits, counts, results' HTML and JSON), until
        # the next (`kept`); `_commit` names the commit they belong to.
        self._commit = 0
        self._kept = self._new_kept()
        # Where the index is and its newest commit, as last read, with the stat they were read at
        # (`_unchanged`): checked with a stat per search instead of a read and a directory listing.
        self._pointer: tuple | None = None
        self._generation: tuple | None = None
        self._vocabulary: tuple | None = None
        self._rows: RowTable | None = None
        self._segment_rows: dict[str, RowTable] = {}
        self._live: np.ndarray | None = None
        self._title_ranks: np.ndarray | None = None
        # Each term's postings per segment, for ranking (see `scoring`).
        self.postings = TermPostings()
        # A typo's corrections from the vocabulary (about 5 ms each to find), until the vocabulary changes
        # (a plain dict, safe to share between threads; emptied when it reaches `KEPT_CORRECTIONS`).
        self.corrections: dict[str, list[str]] = {}

    # -- where it is ---------------------------------------------------------------
    # A stat is trusted to mean "unchanged since it was read" only once the change it shows is older
    # than this: the kernel's file clock is coarse, so two changes within one tick can leave the same
    # stamp (a replaced pointer may even get the freed inode number back).
    SETTLED_NS = 50_000_000

    @classmethod
    def _unchanged(cls, kept: tuple | None, stamp: tuple) -> bool:
        return kept is not None and kept[0] == stamp and kept[2]

    @classmethod
    def _settled(cls, mtime_ns: int) -> bool:
        return time.time_ns() - mtime_ns > cls.SETTLED_NS

    def _current_name(self) -> str | None:
        path = self.root / self.POINTER
        try:
            st = os.stat(path)
            stamp = (st.st_ino, st.st_mtime_ns, st.st_size)
            if self._unchanged(self._pointer, stamp):
                return self._pointer[1]  # type: ignore[index]
            name = path.read_text().strip() or None
        except FileNotFoundError:
            return None
        self._pointer = (stamp, name, self._settled(st.st_mtime_ns))
        return name

    def _latest_generation(self, ix) -> int:
        """The index's newest commit: Whoosh lists the directory for it; a commit adds a file to the
        directory, so while its stat is unchanged (and settled) the last answer stands."""
        try:
            st = os.stat(self.root / (self._index_dir or ""))
        except FileNotFoundError:
            return ix.latest_generation()
        stamp = (self._index_dir, st.st_mtime_ns, st.st_ino)
        if self._unchanged(self._generation, stamp):
            return self._generation[1]  # type: ignore[index]
        generation = ix.latest_generation()
        self._generation = (stamp, generation, self._settled(st.st_mtime_ns))
        return generation

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
    def rebuild(self, documents: Iterable[dict], version: int, expected: int = 0) -> int:
        """Build a complete new index beside the old one, then swap it in. Returns the count.

        From `PARALLEL_FROM` `expected` documents on, the build is shared between processes,
        one per core, each writing its own segment and sorting its postings in memory (up to
        512 MB each, less when `build_mb` leaves less: see `_writer_mb`). Measured on two cores,
        `esol-finder reindex` of 100,000 courses read from SQLite as plain records: 45 s, the largest
        process 650 MB (with 200 MB writers: 52 s, 360 MB); 150 s in one process with spills.
        A small catalogue is quicker in this one.
        """
        self.root.mkdir(parents=True, exist_ok=True)
        name = f"gen-{dt.datetime.now(dt.timezone.utc):%Y%m%d%H%M%S}-{uuid.uuid4().hex[:8]}"
        directory = self.root / name
        directory.mkdir()
        ix = whoosh_index.create_in(str(directory), SCHEMA)
        procs = min(_cores(), 4) if expected >= PARALLEL_FROM else 1
        if procs > 1:
            writer = ix.writer(procs=procs, limitmb=self._writer_mb(), multisegment=True)
        else:
            writer = ix.writer(limitmb=256)
        count = 0
        vocabulary: set[str] = set()
        try:
            for document in documents:
                vocabulary |= document.pop(VOCABULARY_KEY, set())
                writer.add_document(**document)
                count += 1
        except BaseException:
            writer.cancel()
            shutil.rmtree(directory, ignore_errors=True)
            raise
        writer.commit()
        ix.close()
        self._write_vocabulary(directory, vocabulary)
        self._stamp(directory, version)
        with self._lock:
            tmp = self.root / (self.POINTER + ".tmp")
            tmp.write_text(name)
            os.replace(tmp, self.root / self.POINTER)
            self._close()
        self._remove_old(keep=name)
        return count

    def _writer_mb(self) -> int:
        """Memory for each writer process's postings. A writer is forked from this process, so it starts
        as large as this process is now (a command that has just imported a large file is several hundred
        MB): it gets what is left of `build_mb` after that and `WRITER_SPARE_MB` (a writer reaches about
        80 MB past its sorting budget, and this process grows a little while it feeds them), `WRITER_MB`
        at most, `WRITER_MIN_MB` at least. Less memory means more sorting on disk, a little slower."""
        left = self.build_mb - _resident_mb() - self.WRITER_SPARE_MB
        return int(max(self.WRITER_MIN_MB, min(self.WRITER_MB, left)))

    # An unfinished build (no version stamp yet) younger than this may be another process's, still writing.
    UNFINISHED_KEPT_SECONDS = 3600

    def _remove_old(self, keep: str) -> None:
        """Remove finished old builds, and unfinished ones abandoned long ago: never a directory that
        another worker sharing this data directory is building right now."""
        for child in self.root.iterdir():
            if child.is_dir() and child.name.startswith("gen-") and child.name != keep:
                finished = (child / "catalogue.json").exists()
                with contextlib.suppress(FileNotFoundError):
                    if finished or child.stat().st_mtime < time.time() - self.UNFINISHED_KEPT_SECONDS:
                        shutil.rmtree(child, ignore_errors=True)

    def update(self, upserts: Iterable[dict], deletes: Iterable[int], version: int | None) -> None:
        """Apply changed courses to the live index in one commit and stamp the new version (None:
        leave the stamp as it is, more of the same catch-up is to come).

        The documents to replace are found with one searcher (Whoosh's `update_document` opens one
        for each); from `PARALLEL_FROM` documents on (a large import) they are written by one
        process per core, as a rebuild is."""
        upserts = list(upserts)
        ix = self.index()
        replaced = list(dict.fromkeys([str(course_id) for course_id in deletes] + [d["id"] for d in upserts]))
        with ix.searcher() as searcher:
            docnums = [n for text in replaced for n in searcher.document_numbers(id=text)]
        procs = min(_cores(), 4) if len(upserts) >= PARALLEL_FROM else 1
        if procs > 1:
            writer = ix.writer(procs=procs, limitmb=self._writer_mb(), multisegment=True, timeout=10)
        else:
            writer = ix.writer(timeout=10)
        try:
            for docnum in docnums:
                writer.delete_document(docnum)
            new_words: set[str] = set()
            for document in upserts:
                new_words |= document.pop(VOCABULARY_KEY, set())
                writer.add_document(**document)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        name = self._current_name()
        if name:
            if not new_words <= set(self.vocabulary()):
                self._write_vocabulary(self.root / name, set(self.vocabulary()) | new_words)
            if version is not None:
                self._stamp(self.root / name, version)

    # -- the vocabulary (every word as written, for typo corrections) -------------------
    def _write_vocabulary(self, directory: Path, words: set[str]) -> None:
        tmp = directory / (VOCABULARY_FILE + ".tmp")
        tmp.write_text("\n".join(sorted(words)), encoding="utf-8")
        os.replace(tmp, directory / VOCABULARY_FILE)
        with self._lock:
            self._vocabulary = None

    def vocabulary(self) -> list[str]:
        """The sorted words of the current index (re-read when it changes)."""
        with self._lock:
            name = self._current_name()
            path = self.root / name / VOCABULARY_FILE if name else None
            try:
                stamp = (name, path.stat().st_mtime_ns) if path else None
            except FileNotFoundError:
                stamp = None
            if self._vocabulary is None or self._vocabulary[0] != stamp:
                words = path.read_text(encoding="utf-8").split("\n") if stamp and path else []
                self._vocabulary = (stamp, [w for w in words if w])
                self.corrections.clear()
                self._kept = self._new_kept()  # a page found with the old words' corrections
            return self._vocabulary[1]

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

    @contextlib.contextmanager
    def reading(self):
        """Hold this store for one whole search: the searcher, rows, document sets and corrections it
        reads all belong to one commit, and no other thread closes or replaces them meanwhile.

        Searches run on worker threads (never on the event loop) while the follower thread writes
        the index; a writer's commit goes on meanwhile, and the next search sees it. Searches wait
        for one another here (each takes a few milliseconds, mostly in NumPy); loading their
        courses and rendering their pages run side by side."""
        with self._lock:
            yield self.searcher()

    def searcher(self):
        """A searcher that sees the newest commit; reopened when a commit or a swap happened."""
        with self._lock:
            ix = self.index()
            if self._searcher is not None and self._searcher.reader().generation() != self._latest_generation(ix):
                # Not Searcher.refresh(): it reuses segment readers with their old deletions.
                self._searcher.close()
                self._searcher = None
            if self._searcher is None:
                self._searcher = ix.searcher()
                self._filter_cache = self._new_filter_cache()
                self._kept = self._new_kept()
                self._rows = self._live = self._title_ranks = None
            return self._searcher

    def rows(self) -> RowTable:
        """Every document's `Row`, by document number, for the current searcher (a `RowTable`).

        A segment never changes once written, so its rows are read once and kept: after a
        commit only the new segment is read (a rebuild or a merge reads the whole index again).
        """
        with self._lock:
            searcher = self._searcher if self._searcher is not None else self.searcher()
            if self._rows is None:
                tables: list[RowTable] = []
                kept: dict[str, RowTable] = {}
                size = 0
                for leaf, offset in searcher.leaf_searchers():
                    reader = leaf.reader()
                    if reader.segment() is None:  # an index with no documents yet has no segment
                        continue
                    key = reader.segment().segment_id()
                    rows = self._segment_rows.get(key)
                    if rows is None:
                        rows = RowTable.from_rows(document_row(reader.stored_fields(n)) for n in range(reader.doc_count_all()))
                    kept[key] = rows
                    assert offset == size, "segments out of order"
                    tables.append(rows)
                    size += len(rows)
                self._segment_rows, self._rows = kept, RowTable.joined(tables)
            return self._rows

    # Terms in at least this share of the documents have their postings read at start-up (`warm`).
    WARM_SHARE = 0.01

    def warm(self) -> None:
        """Read now what the first searches would otherwise read: places and session times (`rows`),
        each document's place in title order, and the postings and field lengths of the common terms
        (broad words such as "english", and the filters), so that no visitor's search pays for them
        (about a second at 100,000 courses); then unmap the file pages that read, which live on in
        arrays (`segment_files.release_pages`)."""
        self.rows()
        self.title_ranks()  # searches with no words are in title order
        self.vocabulary()
        # A searcher of its own: the shared one may be closed by a commit while this reads (warming
        # runs beside the follower); what it reads is kept per segment, which every searcher shares.
        with self._lock:
            searcher = self.index().searcher()
        try:
            self._warm_postings(searcher)
        finally:
            searcher.close()
        with self._lock:
            if self._searcher is not None:
                segment_files.release_pages(self._searcher)

    def _warm_postings(self, searcher) -> None:
        budget = self.postings.budget // 2
        for leaf, _offset in searcher.leaf_searchers():
            reader = leaf.reader()
            if reader.segment() is None:
                continue
            least = max(2, int(reader.doc_count_all() * self.WARM_SHARE))
            for fieldname in ("title", "organisation", "venue", "description", "facets"):
                if fieldname not in leaf.schema:
                    continue
                if fieldname != "facets":
                    self.postings.lengths(leaf, fieldname)
                field = leaf.schema[fieldname]
                for btext, info in reader.iter_field(fieldname):
                    if info.doc_frequency() >= least and budget > 0:
                        budget -= len(self.postings.get(leaf, fieldname, field.from_bytes(btext))[0])

    def live(self) -> np.ndarray:
        """A flag per document number: True unless the document was deleted (or replaced)."""
        with self._lock:
            searcher = self._searcher if self._searcher is not None else self.searcher()
            if self._live is None:
                live = np.ones(searcher.reader().doc_count_all(), dtype=bool)
                for leaf, offset in searcher.leaf_searchers():
                    reader = leaf.reader()
                    if reader.has_deletions():
                        deleted = np.fromiter(reader.deleted_docs_set, dtype=np.int64)
                        live[deleted + offset] = False
                self._live = live
            return self._live

    def title_ranks(self) -> np.ndarray:
        """Each document's place in title order (`title_sort`, then document number), as Whoosh's
        `sortedby="title_sort"` orders a search with no words."""
        with self._lock:
            searcher = self._searcher if self._searcher is not None else self.searcher()
            if self._title_ranks is None:
                titles: list[bytes] = []
                for leaf, _offset in searcher.leaf_searchers():
                    reader = leaf.reader()
                    count = reader.doc_count_all()
                    if reader.has_column("title_sort"):
                        column = reader.column_reader("title_sort")
                        titles.extend(column[n] for n in range(count))
                    else:
                        titles.extend([b""] * count)
                order = sorted(range(len(titles)), key=titles.__getitem__)  # stable: ties by number
                ranks = np.empty(len(titles), dtype=DOCS)
                ranks[np.asarray(order, dtype=np.int64)] = np.arange(len(titles), dtype=DOCS)
                self._title_ranks = ranks
            return self._title_ranks

    # How many document numbers `filter_docs` keeps at most (4 bytes each).
    KEPT_DOCUMENTS = 8_000_000

    def _new_filter_cache(self) -> LRUCache:
        return LRUCache(maxsize=self.KEPT_DOCUMENTS, getsizeof=lambda docs: len(docs) + 1)

    # About how many bytes of a commit's derived values `kept` holds at most (`_kept_size`). The
    # harness's 200 queries at 100,000 courses keep about 170 pages and the HTML and JSON of about
    # 2,400 results: about 5 MB.
    KEPT_BYTES = 16 * 1024 * 1024

    def _new_kept(self) -> LRUCache:
        self._commit += 1
        return LRUCache(maxsize=self.KEPT_BYTES, getsizeof=lambda pair: pair[1])

    def commit(self) -> int:
        """The current commit's number in this process (changes whenever the searcher is reopened);
        call it while `reading`, to know what the values found with that searcher belong to. The
        words it corrects against are part of the commit: read first, so a changed vocabulary
        starts a new number before the search, not during it."""
        with self._lock:
            self.vocabulary()
            return self._commit

    def peek(self, commit: int, key: tuple, default=None):
        """What `kept` holds for `key` from commit `commit`, or `default`."""
        with self._lock:
            if commit == self._commit:
                pair = self._kept.get(key, _MISSING)
                if pair is not _MISSING:
                    return pair[0]
        return default

    def kept(self, commit: int, key: tuple, make, size=_kept_size):
        """A value derived from commit `commit` only (a page of hits, a count, a result's HTML or its
        JSON), made once and kept while that commit is current and among the most recently
        used, within `KEPT_BYTES` (`size(value)`: about how many bytes it holds).

        Made outside the lock; kept only if no commit came meanwhile, so nothing a search derived
        from an earlier commit is ever served for a later one."""
        value = self.peek(commit, key, _MISSING)
        if value is not _MISSING:
            return value
        value = make()
        with self._lock, contextlib.suppress(ValueError):  # larger than the whole budget: not kept
            if commit == self._commit:
                self._kept[key] = (value, size(value))
        return value

    def filter_docs(self, query) -> np.ndarray:
        """The documents a word's or a filter's query matches, as a sorted array of document
        numbers (deleted ones left out), kept until the index changes.

        Words and filters repeat across searches (crèche, a level, "english", the freshness
        cut-off), so their document sets are kept instead of being worked out again each time;
        past `KEPT_DOCUMENTS` the least recently used go first. Queries of terms are worked out
        from the kept postings arrays; others (the freshness range) by Whoosh.
        """
        with self._lock:
            searcher = self._searcher if self._searcher is not None else self.searcher()
            key = repr(query)
            docs = self._filter_cache.get(key)
            if docs is None:
                found = self.postings.docs(searcher, query, numeric=self.numeric_docs)
                if found is None:
                    docs = np.fromiter(searcher.docs_for_query(query), dtype=DOCS)
                    docs.sort()
                else:
                    docs = found[self.live()[found]] if len(found) else found
                docs.flags.writeable = False
                with contextlib.suppress(ValueError):  # larger than the whole budget: not kept
                    self._filter_cache[key] = docs
            return docs

    def numeric_docs(self, query: Q.NumericRange) -> np.ndarray | None:
        """The documents a range of `checked` or `intake` days matches (deleted ones included), from
        `rows()` arrays: a fraction of a millisecond, where Whoosh walks every matching document
        (about 150 ms for the freshness cut-off at 100,000 courses, after every commit)."""
        rows = self.rows()
        if query.fieldname == "checked":
            values, present = rows.checked, None
        elif query.fieldname == "intake":
            values = rows.starts[:, 2]
            present = (rows.starts[:, 0] == CODES["next-intake"]) & (values > 0)
        else:
            return None
        mask = np.ones(len(values), dtype=bool) if present is None else present
        if query.start is not None:
            mask &= (values > query.start) if query.startexcl else (values >= query.start)
        if query.end is not None:
            mask &= (values < query.end) if query.endexcl else (values <= query.end)
        return np.flatnonzero(mask).astype(DOCS, copy=False)

    def _close(self) -> None:
        self._kept = self._new_kept()
        self._generation = None
        self._rows, self._segment_rows = None, {}
        self._live = self._title_ranks = None
        self.postings.clear()
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
