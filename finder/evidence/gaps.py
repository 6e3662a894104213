"""Gaps: district × need combinations people asked for with no provision within the searched radius,
ranked by demand, each with the nearest formal course and the nearest informal class that would meet it
(so a gap that only a conversation club fills shows as such)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from finder.domain import evidence as rules
from finder.evidence.provision import CourseFacts
from finder.evidence.reading import DemandRow
from finder.geo.shapes import distance_miles

DEFAULT_RADIUS = 5  # miles, for a stated need (the search's own default)

# Modes a course's delivery covers, as the search reads them: blended is both.
_COVERS = {"in-person": {"in-person"}, "online": {"online"}, "blended": {"in-person", "online"}}


def meets(course: CourseFacts, need: rules.Need) -> bool:
    """Whether a course does what the need asks for, the kind (formal or informal) aside."""
    if need.creche and course.creche != "on-site":
        return False
    if need.levels and not set(need.levels) & set(course.levels):
        return False
    if need.women and not course.women:
        return False
    if need.free and not course.free:
        return False
    if need.mode and need.mode not in _COVERS.get(course.mode, {course.mode}):
        return False
    if need.speaks and not set(need.speaks) & set(course.languages):
        return False
    if need.days or need.times:  # one session on that day at that time
        return any((not need.days or s.day in need.days) and (not need.times or s.time in need.times)
                   for s in course.sessions)
    return True


@dataclass(frozen=True)
class Nearest:
    course_id: int
    title: str
    organisation: str
    district: str
    miles: float  # 0.0 for an online course when the need is online


@dataclass
class Gap:
    district: str
    need: rules.Need
    demand: int  # searches and stated needs
    no_result: int  # of which searches that found nothing
    radius: int
    formal_within: int
    informal_within: int
    nearest_formal: Nearest | None
    nearest_informal: Nearest | None

    @property
    def only_informal(self) -> bool:
        """Nothing formal within the radius, but an informal class (a conversation club) is."""
        return self.formal_within == 0 and self.informal_within > 0


def _distance(course: CourseFacts, need: rules.Need, centre: tuple[float, float]) -> tuple[float, str] | None:
    if need.mode == "online" and course.mode in ("online", "blended"):
        return 0.0, rules.ONLINE_DISTRICT
    best: tuple[float, str] | None = None
    for session in course.sessions:
        if session.point is None:
            continue
        if (need.days and session.day not in need.days) or (need.times and session.time not in need.times):
            continue
        miles = distance_miles(centre, session.point)
        if best is None or miles < best[0]:
            best = (miles, session.district)
    return best


def find_gaps(rows: list[DemandRow], facts: list[CourseFacts],
              centre_of: Callable[[str], tuple[float, float] | None], limit: int | None = None) -> list[Gap]:
    """The gaps in the demand `rows` against the provision `facts`, most asked for first.

    A need without a kind is a gap when no formal course within its radius meets it; one asking for a
    formal (informal) course, when no formal (informal) one does."""
    demand: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        if not row.district:
            continue
        need = rules.need_without_language(rules.parse_need_key(row.need))
        if not need.radius:
            need = rules.make_need(**{**_fields(need), "radius": DEFAULT_RADIUS})
        cell = demand[(row.district, rules.need_key(need))]
        cell[0] += row.n
        if row.source == "search" and row.outcome == "0":
            cell[1] += row.n
    gaps = []
    for (district, key), (asked, no_result) in demand.items():
        centre = centre_of(district)
        if centre is None:
            continue
        need = rules.parse_need_key(key)
        nearest: dict[str, Nearest | None] = {"formal": None, "informal": None}
        within = {"formal": 0, "informal": 0}
        for course in facts:
            if course.kind not in within or not meets(course, need):
                continue
            found = _distance(course, need, centre)
            if found is None:
                continue
            miles, where = found
            if miles <= need.radius:
                within[course.kind] += 1
            best = nearest[course.kind]
            if best is None or (miles, course.id) < (best.miles, best.course_id):
                nearest[course.kind] = Nearest(course.id, course.title, course.organisation, where, miles)
        wanted = need.kind or "formal"
        if within[wanted]:
            continue
        gaps.append(Gap(district, need, asked, no_result, need.radius, within["formal"], within["informal"],
                        nearest["formal"], nearest["informal"]))
    gaps.sort(key=lambda gap: (-gap.demand, -gap.no_result, gap.district, rules.need_key(gap.need)))
    return gaps[:limit] if limit else gaps


def _fields(need: rules.Need) -> dict:
    return dict(creche=need.creche, levels=need.levels, kind=need.kind, days=need.days, times=need.times,
                women=need.women, free=need.free, mode=need.mode, speaks=need.speaks, lang=need.lang,
                radius=need.radius)
