"""Availability as a structured fact (issue 13): the migration that moves old data over, the
validator's rules and the one-click `set_availability` operation."""

from __future__ import annotations

import datetime as dt

import pytest
from alembic import command
from sqlalchemy import select, text

from finder import domain
from finder.db import alembic_config
from finder.domain.availability import parse_creche_ages
from finder.models import AuditEntry, CatalogueChange, CatalogueState, Course
from tests import factories


def test_migration_0008_moves_enrolment_next_start_and_creche_ages(fixture_catalogue):
    services = fixture_catalogue
    engine = services.engine
    command.downgrade(alembic_config(engine), "0007")
    with engine.begin() as connection:
        keys = [row[0] for row in connection.execute(text("SELECT key FROM courses ORDER BY id"))][:5]
        rows = [("waiting-list", None, "none", ""), ("next-start", "2026-09-14", "on-site", "6 months - 3 years"),
                ("open", None, "on-site", "0-5"), ("next-start", None, "childcare-support", "toddlers"),
                ("open", None, "none", "")]
        for key, (enrolment, next_start, creche, ages) in zip(keys, rows, strict=True):
            connection.execute(text("UPDATE courses SET enrolment = :e, next_start = :n, creche = :c, "
                                    "creche_ages = :a, last_checked = :l WHERE key = :k"),
                               {"e": enrolment, "n": next_start, "c": creche, "a": ages, "l": "2026-10-01", "k": key})
    command.upgrade(alembic_config(engine), "heads")
    with services.sessions() as db:
        got = {c.key: c for c in db.scalars(select(Course).where(Course.key.in_(keys)))}
        moved = [(got[k].availability, got[k].next_intake, got[k].creche_places, got[k].creche_age_from,
                  got[k].creche_age_to, got[k].creche_age_unit, got[k].creche_ages, got[k].availability_checked)
                 for k in keys]
    day = dt.date(2026, 10, 1)
    assert moved == [
        ("waiting-list", None, None, None, None, None, "", day),
        ("next-intake", dt.date(2026, 9, 14), "available", 6, 36, "months", "6 months - 3 years", day),
        ("places", None, "available", 0, 5, "years", "0-5", day),
        ("places", None, "available", None, None, None, "toddlers", day),  # a next start with no date: places
        ("places", None, None, None, None, None, "", day),
    ]


@pytest.mark.parametrize("text_, expected", [
    ("1 to 4 years", (1, 4, "years")), ("6 months - 3 years", (6, 36, "months")), ("0-5", (0, 5, "years")),
    ("3-12 months", (3, 12, "months")), ("babies and toddlers", None), ("", None), ("5 to 2 years", None)])
def test_creche_ages_parsed_from_free_text(text_, expected):
    assert parse_creche_ages(text_) == expected


def listing(**overrides):
    return domain.validate_listing(factories.course("x", "Test class", **overrides))


def errors_of(**overrides) -> set[str]:
    with pytest.raises(domain.ValidationErrors) as caught:
        listing(**overrides)
    return set(caught.value.errors)


def test_validation_of_availability_and_creche_ages():
    assert errors_of(availability="waiting-list", wait_weeks="105") == {"wait_weeks"}
    assert errors_of(availability="waiting-list", wait_weeks="-1") == {"wait_weeks"}
    assert errors_of(availability="waiting-list", wait_weeks="six") == {"wait_weeks"}
    assert errors_of(availability="next-intake") == {"next_intake"}
    assert errors_of(availability="sometimes") == {"availability"}
    assert errors_of(creche_age_from="4", creche_age_to="1", creche_age_unit="years") == {"creche_age_to"}
    assert errors_of(creche_age_from="1", creche_age_to="40", creche_age_unit="years") == {"creche_age_to"}
    assert errors_of(creche_age_from="1", creche_age_to="4") == {"creche_age_unit"}
    assert errors_of(creche_places="lots") == {"creche_places"}
    good = listing(availability="waiting-list", wait_weeks="104", creche="on-site", creche_places="full",
                   creche_age_from="6", creche_age_to="36", creche_age_unit="months")
    assert (good.availability, good.wait_weeks, good.enrolment, good.creche_places,
            good.creche_age_from, good.creche_age_to, good.creche_age_unit) == (
        "waiting-list", 104, "waiting-list", "full", 6, 36, "months")
    intake = listing(availability="next-intake", next_intake="2027-01-11", wait_weeks="3")
    assert (intake.next_intake, intake.next_start, intake.enrolment, intake.wait_weeks) == (
        dt.date(2027, 1, 11), dt.date(2027, 1, 11), "next-start", None)


def test_old_enrolment_and_next_start_are_still_read():
    old = listing(enrolment="next-start", next_start="2027-02-01", creche_ages="1 to 4 years")
    assert (old.availability, old.next_intake) == ("next-intake", dt.date(2027, 2, 1))
    assert (old.creche_age_from, old.creche_age_to, old.creche_age_unit) == (1, 4, "years")
    assert listing(enrolment="waiting-list").availability == "waiting-list"
    assert listing(availability="rolling").enrolment == "open"


def test_set_availability_updates_dates_version_and_audit(fixture_catalogue):
    services = fixture_catalogue
    with services.sessions() as db:
        course_id = db.scalar(select(Course.id).order_by(Course.id))
        version_before = db.get(CatalogueState, 1).version
    day = dt.date(2026, 11, 30)
    services.catalogue.set_availability(course_id, "waiting-list", wait_weeks=8, actor="partner:test", on=day)
    with services.sessions() as db:
        course = db.get(Course, course_id)
        assert (course.availability, course.wait_weeks, course.availability_checked, course.last_checked,
                course.enrolment) == ("waiting-list", 8, day, day, "waiting-list")
        entry = db.scalars(select(AuditEntry).where(AuditEntry.entity == "course", AuditEntry.entity_id == course_id)
                           .order_by(AuditEntry.id.desc())).first()
        assert (entry.action, entry.actor) == ("availability", "partner:test")
        assert entry.after["availability"] == "waiting-list" and entry.after["wait_weeks"] == 8
        assert db.get(CatalogueState, 1).version == version_before + 1
        change = db.scalar(select(CatalogueChange).where(CatalogueChange.version == version_before + 1))
        assert change.course_ids == [course_id]
    services.catalogue.set_availability(course_id, "full", actor="partner:test", on=day)
    with services.sessions() as db:
        assert (db.get(Course, course_id).availability, db.get(Course, course_id).wait_weeks) == ("full", None)
    with pytest.raises(ValueError):
        services.catalogue.set_availability(course_id, "maybe", actor="partner:test")
    with pytest.raises(ValueError):
        services.catalogue.set_availability(course_id, "next-intake", actor="partner:test")


def test_search_json_carries_availability(services, client):
    courses = [factories.course("wl", "Waiting class", availability="waiting-list", wait_weeks="6",
                                creche="on-site", creche_places="full"),
               factories.course("ni", "Intake class", availability="next-intake", next_intake="2027-01-11"),
               factories.course("ro", "Rolling class", availability="rolling")]
    services.catalogue.load_catalogue(factories.catalogue(courses))
    results = {r["title"]: r for r in client.get("/search.json").json()["results"]}
    got = {title: (r["availability"], r["wait_weeks"], r["next_intake"], r["creche_places"], r["enrolment"])
           for title, r in results.items()}
    assert got == {"Waiting class": ("waiting-list", 6, None, "full", "waiting-list"),
                   "Intake class": ("next-intake", None, "2027-01-11", None, "next-start"),
                   "Rolling class": ("rolling", None, None, None, "open")}
