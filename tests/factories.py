"""Small factories for test catalogues: a course is a few overrides on sensible defaults."""

from __future__ import annotations

import copy

ORGANISATIONS = [
    {"key": "college", "name": "Riverside College", "kind": "college", "phone": "0151 000 1000", "email": "esol@college.example.org"},
    {"key": "library", "name": "Central Library", "kind": "library"},
    {"key": "centre", "name": "Dingle Children's Centre", "kind": "childrens-centre"},
    {"key": "church", "name": "St Mary's Welcome Group", "kind": "faith"},
]

# Real Liverpool postcodes with their coordinates (Code-Point Open, WGS84).
VENUES = [
    {"key": "college-main", "organisation": "college", "name": "Riverside College, Clarence Street", "address": "1 Clarence Street, Liverpool", "postcode": "L3 5TR", "latitude": 53.408, "longitude": -2.9775},
    {"key": "library-central", "organisation": "library", "name": "Central Library", "address": "William Brown Street, Liverpool", "postcode": "L3 8EW", "latitude": 53.4095, "longitude": -2.9806},
    {"key": "centre-dingle", "organisation": "centre", "name": "Dingle Children's Centre", "address": "Park Road, Liverpool", "postcode": "L8 6SQ", "latitude": 53.3895, "longitude": -2.9689},
    {"key": "church-anfield", "organisation": "church", "name": "St Mary's Hall", "address": "Walton Lane, Liverpool", "postcode": "L4 5XN", "latitude": 53.4360, "longitude": -2.9644},
]

DEFAULTS = {
    "description": "", "kind": "informal", "levels": ["mixed"], "audiences": [], "cost": "free", "fee_note": "",
    "eligibility": ["anyone"], "creche": "none", "mode": "in-person", "languages": [], "join_method": "drop-in",
    "enrolment": "open", "last_checked": "2026-10-01",
}


def session(weekday="mon", start="10:00", end="12:00", venue="college-main", **extra) -> dict:
    return {"weekday": weekday, "start": start, "end": end, "venue": venue, **extra}


def course(key: str, title: str, organisation: str = "college", sessions=None, **overrides) -> dict:
    data = copy.deepcopy(DEFAULTS)
    data.update(key=key, title=title, organisation=organisation, sessions=sessions or [session()])
    data.update(overrides)
    return data


def catalogue(courses: list[dict], organisations=None, venues=None) -> dict:
    return {"organisations": copy.deepcopy(organisations or ORGANISATIONS),
            "venues": copy.deepcopy(venues or VENUES), "courses": courses}


# The fixture catalogue the search tests assert exact result sets against.
FIXTURE_COURSES = [
    course("entry-1-day", "ESOL Entry 1", "college", [session("mon", "09:30", "12:00")], kind="formal",
           levels=["entry-1"], cost="concessions", fee_note="Free on benefits", languages=["ar"],
           join_method="assessment", description="Accredited beginners course for adults."),
    course("entry-2-evening", "ESOL Entry 2 evening class", "college", [session("tue", "18:00", "20:00")],
           kind="formal", levels=["entry-2"], join_method="assessment",
           description="An accredited course in the evening for working adults."),
    course("conversation-club", "Conversation Club", "library", [session("sat", "10:00", "12:00", "library-central")],
           levels=["mixed"], languages=["fa", "uk"],
           description="Practise speaking English over tea with volunteers. Everyone welcome."),
    course("mums-creche", "English for Mums", "centre", [session("wed", "10:00", "11:30", "centre-dingle")],
           levels=["entry-1", "entry-2"], creche="on-site", creche_ages="1 to 4 years", audiences=["women", "parents"],
           description="A friendly class for mothers, with a free crèche in the next room."),
    course("online-speaking", "Online speaking practice", "library", [session("thu", "19:00", "20:00", None)],
           levels=["entry-3"], mode="online", description="Improve your pronunciation from home."),
    course("level-1", "Level 1 English", "college",
           [session("mon", "18:30", "20:30"), session("wed", "13:00", "15:00")], kind="formal", levels=["level-1"],
           cost="fee", fee_note="£150", join_method="assessment", description="Functional skills in reading and writing.",
           translations={"ar": {"title": "اللغة الإنجليزية المستوى الأول", "description": "مهارات القراءة والكتابة"}}),
    course("welcome-cafe", "Welcome Café", "church", [session("fri", "14:00", "16:00", "church-anfield")],
           levels=["pre-entry", "entry-1"], languages=["ti", "ar"], description="Tea, chat and English for beginners."),
]


def fixture_catalogue() -> dict:
    return catalogue(copy.deepcopy(FIXTURE_COURSES))
