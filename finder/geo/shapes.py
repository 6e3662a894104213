"""Places on the map: UK postcode shapes, distances and search boxes.

Pure functions, no I/O. `normalise_postcode` turns what people type ("l81st", " L8   1ST ",
"L8", "l8 1") into the canonical form the postcode directory is keyed by, and explains what is
wrong when it cannot: the message says what happened, the hint (when there is one) says what
to do. Distances use geopy's geodesic on the WGS84 ellipsoid; coordinates are always
(latitude, longitude) tuples of floats.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from geopy import units
from geopy.distance import EARTH_RADIUS, geodesic
from geopy.distance import distance as geopy_distance

from finder.i18n import lazy_gettext as _l

RADIUS_CHOICES = (1, 2, 5, 10)  # miles

# The postcode areas (the letters at the start of a postcode) Royal Mail uses, including
# Northern Ireland (BT) and the Crown Dependencies (GY, IM, JE), which are shaped like UK
# postcodes even where the directory has no coordinates for them.
POSTCODE_AREAS = frozenset(
    "AB AL B BA BB BD BH BL BN BR BS BT CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL DN DT DY "
    "E EC EH EN EX FK FY G GL GU GY HA HD HG HP HR HS HU HX IG IM IP IV JE KA KT KW KY L LA LD LE "
    "LL LN LS LU M ME MK ML N NE NG NN NP NR NW OL OX PA PE PH PL PO PR RG RH RM S SA SE SG SK SL "
    "SM SN SO SP SR SS ST SW SY TA TD TF TN TQ TR TS TW UB W WA WC WD WF WN WR WS WV YO ZE".split()
)

# Royal Mail's letter rules: A9, A99, A9A, AA9, AA99, AA9A, then a digit and two letters
# (never C, I, K, M, O or V in the last two).
_OUTWARD = re.compile(r"([A-PR-UWYZ])(?:[0-9][0-9A-HJKPSTUW]?|[A-HK-Y][0-9][0-9ABEHMNPRVWXY]?)")
_AREA = re.compile(r"[A-Z]{1,2}")
_INWARD = re.compile(r"[0-9][ABD-HJLNP-UW-Z]{2}")
_DIGIT = re.compile(r"[0-9]")

MAX_LENGTH = 10  # "SW1A 1AA" is 8; a little room for stray spaces
_SHOWN_LENGTH = 12  # how much of a bad input to repeat back in a message

# Characters people mix up, and what each swap means: (typed, meant) -> hint.
_CONFUSABLE = {"0": "O", "O": "0", "1": "I", "I": "1"}
_SWAP_HINTS = {
    ("0", "O"): _l("Postcodes use the letter O, not the number 0, in the first part."),
    ("O", "0"): _l("Postcodes use the number 0 (zero), not the letter O, where a number goes."),
    ("1", "I"): _l("Postcodes use the letter I, not the number 1, in the first part."),
    ("I", "1"): _l("Postcodes use the number 1, not the letter I, where a number goes."),
}
_SHAPE_HINT = _l("A full postcode looks like “L8 1ST”. You can also use just the first part, like “L8”.")


class PostcodeError(ValueError):
    """A postcode that is malformed or unknown.

    `message` says what is wrong and `hint` (or None) what to do about it; both are lazy
    translations that become text in the current locale when shown (`str(...)`).
    """

    def __init__(self, message, hint=None, postcode: str = ""):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.postcode = postcode

    def __str__(self) -> str:
        return str(self.message)


@dataclass(frozen=True)
class Place:
    """A point people search around, with what it was found from.

    precision: "postcode", "sector", "district", "address" (online geocoder) or "device"
    (coordinates from the browser).
    """

    label: str
    latitude: float
    longitude: float
    precision: str


def is_outward(code: str) -> bool:
    """Whether `code` (upper case, no spaces) is shaped like the first part of a postcode ("L8", "SW1A")."""
    match = _OUTWARD.fullmatch(code)
    return bool(match) and _AREA.match(code).group(0) in POSTCODE_AREAS


def postcode_readings(text: str) -> list[str]:
    """Every canonical form `text` can be read as, the most likely first.

    A full postcode has one reading. Without a space a short code is ambiguous: "L81" is the
    district L81 or the sector "L8 1", so both are returned (district first), and a directory
    can take the first one it knows. Raises PostcodeError when there is no reading.
    """
    collapsed = " ".join(text.split()).upper()
    if not collapsed:
        raise PostcodeError(_l("Please enter a postcode."), _SHAPE_HINT)
    shown = _shown(collapsed)
    if len(collapsed) > MAX_LENGTH:
        raise PostcodeError(_l("“%(postcode)s” is too long to be a UK postcode.", postcode=shown),
                            _SHAPE_HINT, postcode=shown)
    readings = _readings(collapsed)
    if readings:
        return readings
    raise PostcodeError(_malformed_message(collapsed, shown), _hint_for(collapsed), postcode=shown)


def normalise_postcode(text: str) -> str:
    """Any case and spacing to the canonical form: "l81st" -> "L8 1ST", "l8" -> "L8", "l8 1" -> "L8 1".

    Input without a space of up to four characters that is a valid first part is a district
    ("L81" -> "L81"); "L151" -> "L15 1" is a sector. Raises PostcodeError when malformed.
    """
    return postcode_readings(text)[0]


def postcode_precision(code: str) -> str:
    """"postcode", "sector" or "district" for a canonical code from `normalise_postcode`."""
    if " " not in code:
        return "district"
    return "sector" if len(code.split(" ")[1]) == 1 else "postcode"


def district_of(code: str) -> str:
    """The district ("L8") of a canonical postcode or sector."""
    return code.split(" ")[0]


def distance_miles(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Geodesic distance in miles between two (latitude, longitude) points."""
    return geodesic((float(a[0]), float(a[1])), (float(b[0]), float(b[1]))).miles


EARTH_RADIUS_MILES = units.miles(kilometers=EARTH_RADIUS)
# How far `approximate_miles` may be from `distance_miles`, as a fraction of the distance.
# Measured: at most 0.56% for points up to 50 miles apart anywhere between 70°S and 70°N.
APPROXIMATION_ERROR = 0.01


def approximate_miles(a: tuple[float, float], b: tuple[float, float]) -> float:
    """A quick flat-earth distance on the mean sphere, within `APPROXIMATION_ERROR` of
    `distance_miles` over the few miles of a search radius.

    Only for sorting and sifting many points cheaply (a geodesic takes about 100 µs): every
    distance shown, and every decision close to a radius, is made with `distance_miles`.
    """
    across = math.radians(b[1] - a[1]) * math.cos(math.radians((a[0] + b[0]) / 2))
    along = math.radians(b[0] - a[0])
    return EARTH_RADIUS_MILES * math.hypot(across, along)


def bounding_box(lat: float, lon: float, miles: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) of a box holding every point within `miles`.

    The box is padded by 1% (and a few metres) so that rounding and the curvature of the
    meridians never exclude a point inside the radius; callers filter by exact distance.
    """
    reach = geopy_distance(miles=miles * 1.01 + 0.005)
    origin = (float(lat), float(lon))
    north, east, south, west = (reach.destination(origin, bearing=b) for b in (0, 90, 180, 270))
    return south.latitude, north.latitude, west.longitude, east.longitude


# --- parsing ------------------------------------------------------------------------------

def _readings(collapsed: str) -> list[str]:
    """Canonical readings of upper-case text with single spaces (empty list when none)."""
    parts = collapsed.split(" ")
    compact = "".join(parts)
    if len(compact) >= 5 and _INWARD.fullmatch(compact[-3:]) and is_outward(compact[:-3]):
        return [f"{compact[:-3]} {compact[-3:]}"]
    if len(parts) == 2:
        outward, inward = parts
        if is_outward(outward) and _DIGIT.fullmatch(inward):
            return [f"{outward} {inward}"]
        return []
    if len(parts) > 2:
        return []
    readings = []
    if len(compact) <= 4 and is_outward(compact):
        readings.append(compact)
    if len(compact) >= 3 and _DIGIT.fullmatch(compact[-1]) and is_outward(compact[:-1]):
        readings.append(f"{compact[:-1]} {compact[-1]}")
    return readings


def _shown(collapsed: str) -> str:
    return collapsed if len(collapsed) <= _SHOWN_LENGTH else collapsed[:_SHOWN_LENGTH] + "…"


def _malformed_message(collapsed: str, shown: str):
    """'not a full UK postcode' when the first part is fine, else 'not a UK postcode'."""
    outward = collapsed.split(" ")[0] if " " in collapsed else collapsed[:-3]
    if outward and is_outward(outward):
        return _l("“%(postcode)s” is not a full UK postcode.", postcode=shown)
    return _l("“%(postcode)s” is not a UK postcode.", postcode=shown)


def _hint_for(collapsed: str):
    """A hint about O/0 or I/1 when swapping them makes the text a postcode, else the shape hint."""
    fix = confusable_fix(collapsed)
    return _SHAPE_HINT if fix is None else fix[1]


def confusable_fix(text: str, accept: Callable[[str], bool] | None = None):
    """The code reached by swapping the fewest O/0 and I/1 characters, and a hint explaining the swap.

    Returns (canonical code, lazy hint), or None when no swap gives a postcode (that `accept`
    approves, if given: a directory passes "is it in the directory"). Only used for messages,
    so at most eight such characters are tried.
    """
    collapsed = " ".join(text.split()).upper()
    if len(collapsed) > MAX_LENGTH:
        return None
    positions = [i for i, char in enumerate(collapsed) if char in _CONFUSABLE][:8]
    for count in range(1, len(positions) + 1):
        for chosen in itertools.combinations(positions, count):
            chars = list(collapsed)
            for i in chosen:
                chars[i] = _CONFUSABLE[chars[i]]
            for code in _readings("".join(chars)):
                if accept is None or accept(code):
                    typed = collapsed[chosen[0]]
                    return code, _SWAP_HINTS[typed, _CONFUSABLE[typed]]
    return None
