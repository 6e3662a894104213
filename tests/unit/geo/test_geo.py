"""Postcode shapes, distances and search boxes (finder.geo: pure, no data files)."""

from __future__ import annotations

import pytest
from geopy.distance import distance as geopy_distance

from finder.geo.shapes import (
    RADIUS_CHOICES,
    Place,
    PostcodeError,
    bounding_box,
    confusable_fix,
    distance_miles,
    normalise_postcode,
    postcode_precision,
    postcode_readings,
)
from finder.i18n import use_locale


@pytest.mark.parametrize("text, expected", [
    ("L8 1ST", "L8 1ST"),
    ("l81st", "L8 1ST"),
    (" L8   1ST ", "L8 1ST"),
    ("L8\t1st\n", "L8 1ST"),
    ("sw1a1aa", "SW1A 1AA"),
    ("SW1A 1AA", "SW1A 1AA"),
    ("ec1a 1bb", "EC1A 1BB"),
    ("w1a0ax", "W1A 0AX"),
    ("M11AE", "M1 1AE"),
    ("dn551pt", "DN55 1PT"),
    ("B338TH", "B33 8TH"),
    ("cr2 6xh", "CR2 6XH"),
    # partial postcodes: district, then sector
    ("l8", "L8"),
    (" sw1a ", "SW1A"),
    ("L15", "L15"),
    ("L8 1", "L8 1"),
    ("l8   1", "L8 1"),
    ("L151", "L15 1"),
    ("SW1A1", "SW1A 1"),
    # no space and four characters or fewer: a district when it can be one
    ("L81", "L81"),
])
def test_normalise_postcode(text, expected):
    assert normalise_postcode(text) == expected


def test_ambiguous_short_code_has_both_readings():
    assert postcode_readings("l81") == ["L81", "L8 1"]
    assert postcode_readings("L8 1") == ["L8 1"]


@pytest.mark.parametrize("code, precision", [("L8 1ST", "postcode"), ("SW1A 1AA", "postcode"), ("L8 1", "sector"),
                                             ("SW1A 1", "sector"), ("L8", "district"), ("SW1A", "district")])
def test_postcode_precision(code, precision):
    assert postcode_precision(code) == precision


@pytest.mark.parametrize("text", [
    "", "   ", "L8 1A2", "LO8 1AZ", "0L8 1AZ", "x" * 50, 'AND ( "*', "12345", "L8 1AC", "Q1 1AA", "ZZ1 1ZZ",
    "L8 1S", "L8 IST", "L8 OAZ", "L", "L8 1ST 2", "SW1A    1AA   X", "L8-1ST", "<script>",
])
def test_malformed_postcodes_raise_with_plain_english(text):
    with use_locale("en"), pytest.raises(PostcodeError) as caught:
        normalise_postcode(text)
    error = caught.value
    assert isinstance(error, ValueError)
    message = str(error.message)
    assert message and message == str(error)
    assert "postcode" in message and "%(" not in message
    assert error.hint is not None and str(error.hint) and "%(" not in str(error.hint)


@pytest.mark.parametrize("text, message", [
    ("", "Please enter a postcode."),
    ("L8 1A2", "“L8 1A2” is not a full UK postcode."),
    ("L8 1S", "“L8 1S” is not a full UK postcode."),
    ("ZZ1 1ZZ", "“ZZ1 1ZZ” is not a UK postcode."),
    ('AND ( "*', "“AND ( \"*” is not a UK postcode."),
    ("x" * 50, "“XXXXXXXXXXXX…” is too long to be a UK postcode."),
])
def test_error_messages(text, message):
    with use_locale("en"), pytest.raises(PostcodeError) as caught:
        normalise_postcode(text)
    assert str(caught.value.message) == message


@pytest.mark.parametrize("text, words", [
    ("0L8 1AZ", ["letter O", "number 0"]),   # a zero where the area's letter O goes (OL = Oldham)
    ("LO8 1AZ", ["number 0", "letter O"]),   # a letter O where a number goes
    ("L8 OAZ", ["number 0", "letter O"]),    # the second part starts with a number
    ("L8 IST", ["number 1", "letter I"]),
    ("1G1 1AA", ["letter I", "number 1"]),   # IG = Ilford
])
def test_hints_about_letters_and_numbers_that_look_alike(text, words):
    with use_locale("en"), pytest.raises(PostcodeError) as caught:
        normalise_postcode(text)
    hint = str(caught.value.hint)
    for word in words:
        assert word in hint


def test_confusable_fix_prefers_fewest_swaps_and_asks_the_caller():
    code, hint = confusable_fix("L8 IST")
    assert code == "L8 1ST" and "number 1" in str(hint)
    assert confusable_fix("0L8 1AA", accept={"OL8 1AA"}.__contains__)[0] == "OL8 1AA"
    assert confusable_fix("0L8 1AA", accept=lambda code: False) is None
    assert confusable_fix("L8 1A2") is None


def test_other_malformed_postcodes_get_the_shape_hint():
    with use_locale("en"), pytest.raises(PostcodeError) as caught:
        normalise_postcode("L8 1A2")
    assert "L8 1ST" in str(caught.value.hint)


def test_place_is_frozen():
    place = Place("L8 1ST", 53.39, -2.96, "postcode")
    with pytest.raises(AttributeError):
        place.latitude = 0.0  # type: ignore[misc]
    assert place == Place("L8 1ST", 53.39, -2.96, "postcode")


def test_distance_liverpool_lime_street_to_manchester_piccadilly():
    # Straight-line distance between the two stations is about 31 miles (50 km).
    miles = distance_miles((53.4075, -2.9779), (53.4773, -2.2309))
    assert 30.5 < miles < 31.5


def test_distance_one_degree_of_latitude_at_the_equator():
    # On the WGS84 ellipsoid one degree of latitude at the equator is 110,574 m (68.707 miles).
    assert distance_miles((0.0, 0.0), (1.0, 0.0)) == pytest.approx(110_574 / 1609.344, abs=0.01)


def test_distance_is_symmetric_and_zero_for_the_same_point():
    a, b = (53.4075, -2.9779), (51.5072, -0.1276)
    assert distance_miles(a, b) == pytest.approx(distance_miles(b, a))
    assert distance_miles(a, a) == 0.0


def _inside(box, point):
    min_lat, max_lat, min_lon, max_lon = box
    return min_lat <= point.latitude <= max_lat and min_lon <= point.longitude <= max_lon


@pytest.mark.parametrize("centre", [(53.4084, -2.9916), (51.5072, -0.1276), (60.1532, -1.1416)])
@pytest.mark.parametrize("radius", RADIUS_CHOICES)
def test_bounding_box_holds_the_whole_radius(centre, radius):
    box = bounding_box(*centre, radius)
    min_lat, max_lat, min_lon, max_lon = box
    assert min_lat < centre[0] < max_lat and min_lon < centre[1] < max_lon
    # Everything on the circle, every 5 degrees of bearing, is inside the box.
    for bearing in range(0, 360, 5):
        assert _inside(box, geopy_distance(miles=radius).destination(centre, bearing=bearing))


def test_bounding_box_five_miles():
    centre = (53.4084, -2.9916)
    box = bounding_box(*centre, 5)
    for bearing in (0, 45, 90, 135, 180, 225, 270, 315):
        assert _inside(box, geopy_distance(miles=4.9).destination(centre, bearing=bearing))
    for bearing in (0, 90, 180, 270):
        assert not _inside(box, geopy_distance(miles=7).destination(centre, bearing=bearing))
    # The padding is small: the box reaches less than 5.1 miles from the centre on each axis.
    min_lat, max_lat, min_lon, max_lon = box
    assert distance_miles(centre, (max_lat, centre[1])) < 5.1
    assert distance_miles(centre, (centre[0], max_lon)) < 5.1


def test_radius_choices():
    assert RADIUS_CHOICES == (1, 2, 5, 10)
