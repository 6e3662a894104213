"""ORUK export and import through the esol-finder command: a round trip keeps every listing,
the export validates against the published schema, and a bad file writes nothing."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from finder.cli import main
from finder.models import Course
from finder.operations.catalogue import course_snapshot
from finder.oruk import ids
from finder.services import build_services
from finder.settings import load_settings
from tests.oruk_validation import assert_valid, response_schema

pytestmark = pytest.mark.postgres

# What ORUK has no place for, so a round trip cannot carry it. Availability and crèche places travel as
# taxonomy terms, the next intake as the first schedule's dtstart; the usual wait has no place.
NOT_IN_ORUK = ("creche_ages", "creche_booking", "translations", "contact_phone", "creche_age_from",
               "creche_age_to", "creche_age_unit", "wait_weeks", "availability_checked")


def _env(settings) -> dict:
    return {"ESOL_FINDER_DATA_DIR": str(settings.data_dir), "ESOL_FINDER_DATABASE_URL": settings.database_url,
            "ESOL_FINDER_SECRET_KEY": "test-secret"}


def _snapshots(services) -> dict:
    from finder.queries import listings

    snapshots = {}
    with services.sessions() as db:
        for course in db.scalars(listings.published_courses_query()):
            snapshot = {k: v for k, v in course_snapshot(course).items() if k not in ("key", *NOT_IN_ORUK)}
            for session in snapshot["sessions"]:  # venues are compared by their ORUK id, the same on both sides
                session["venue"] = ids.entity_id("location", session["venue"]) if session["venue"] else None
            snapshots[course.title] = snapshot
    return snapshots


@pytest.fixture
def other(tmp_path, shared_postcodes):
    settings = load_settings(data_dir=tmp_path / "other", database_url=f"sqlite:///{tmp_path / 'other.sqlite3'}",
                             secret_key="test-secret")
    services = build_services(settings, postcodes=shared_postcodes)
    services.prepare()
    yield services
    services.close()


def test_export_import_round_trip_keeps_every_listing(fixture_catalogue, settings, other, tmp_path):
    exported = tmp_path / "export.json"
    runner = CliRunner()
    result = runner.invoke(main, ["oruk-export", str(exported)], env=_env(settings))
    assert result.exit_code == 0, result.output
    document = json.loads(exported.read_text())
    assert len(document["services"]) == 7
    for service in document["services"]:
        assert_valid(service, response_schema("/services/{id}"))

    dry = runner.invoke(main, ["oruk-import", str(exported), "--dry-run"], env=_env(other.settings))
    assert dry.exit_code == 0 and "7 new and 0 existing" in dry.output
    with other.sessions() as db:
        assert db.scalar(select(func.count()).select_from(Course)) == 0

    result = runner.invoke(main, ["oruk-import", str(exported)], env=_env(other.settings))
    assert result.exit_code == 0 and "7 added" in result.output, result.output
    imported, original = _snapshots(other), _snapshots(fixture_catalogue)
    assert imported.keys() == original.keys()
    for title, fields in original.items():
        assert {k: v for k, v in imported[title].items() if v != fields[k]} == {}, title

    # The imported copy exports the same services under the same ids.
    again = tmp_path / "again.json"
    runner.invoke(main, ["oruk-export", str(again)], env=_env(other.settings))
    first = {s["id"]: s["name"] for s in document["services"]}
    assert {s["id"]: s["name"] for s in json.loads(again.read_text())["services"]} == first

    # Importing the export back into the original changes nothing: the same keys are found.
    back = runner.invoke(main, ["oruk-import", str(again)], env=_env(settings))
    assert back.exit_code == 0 and "0 added, 0 updated, 7 unchanged" in back.output, back.output


def test_a_file_with_one_bad_listing_imports_nothing_and_says_why(fixture_catalogue, settings, other, tmp_path):
    from finder.oruk.exchange import export_document

    document = export_document(fixture_catalogue)
    document["services"][0]["schedules"][0]["closes_at"] = "08:00"  # ends before it starts
    document["services"][1]["name"] = ""
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document))
    result = CliRunner().invoke(main, ["oruk-import", str(path)], env=_env(other.settings))
    assert result.exit_code == 1
    assert "Nothing was imported" in result.output and "the class must end after it starts" in result.output
    assert "title: This is required." in result.output
    with other.sessions() as db:
        assert db.scalar(select(func.count()).select_from(Course)) == 0


def test_foreign_services_keep_their_ids_and_need_a_level(other, tmp_path):
    service = {
        "id": "0b1e6a52-8e8f-4f39-9c0e-1a2b3c4d5e6f", "name": "Council ESOL drop-in", "status": "active",
        "description": "Weekly drop-in.",
        "organization": {"id": "7d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a", "name": "Liverpool City Council", "description": ""},
        "service_at_locations": [{"id": "9a8b7c6d-5e4f-4a3b-9c1d-0e1f2a3b4c5d", "location": {
            "id": "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f", "location_type": "physical", "name": "Toxteth Library",
            "latitude": 53.3925, "longitude": -2.9662,
            "addresses": [{"id": "2d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e5f6a", "address_1": "Windsor Street", "city": "Liverpool",
                           "state_province": "", "postal_code": "L8 1XF", "country": "GB", "address_type": "physical"}]}}],
        "schedules": [{"id": "3e4f5a6b-7c8d-4e9f-8a1b-2c3d4e5f6a7b", "freq": "WEEKLY", "byday": "TH", "opens_at": "13:00",
                       "closes_at": "15:00", "service_at_location_id": "9a8b7c6d-5e4f-4a3b-9c1d-0e1f2a3b4c5d"}],
    }
    path = tmp_path / "council.json"
    path.write_text(json.dumps({"contents": [service]}))
    env = _env(other.settings)
    refused = CliRunner().invoke(main, ["oruk-import", str(path)], env=env)
    assert refused.exit_code == 1 and "Choose at least one level" in refused.output
    result = CliRunner().invoke(main, ["oruk-import", str(path), "--default-level", "mixed"], env=env)
    assert result.exit_code == 0 and "1 added" in result.output, result.output
    from finder.oruk.exchange import export_document

    (exported,) = export_document(other)["services"]
    assert exported["id"] == service["id"] and exported["organization"]["id"] == service["organization"]["id"]
    assert exported["schedules"][0]["byday"] == "TH"
    assert exported["service_at_locations"][0]["location"]["addresses"][0]["postal_code"] == "L8 1XF"


def test_availability_and_creche_places_travel_as_taxonomy_terms(services, settings, other, tmp_path):
    from tests import factories

    services.catalogue.load_catalogue(factories.catalogue([
        factories.course("f", "Full class", availability="full", creche="on-site", creche_places="waiting-list"),
        factories.course("r", "Rolling class", availability="rolling"),
        factories.course("n", "Intake class", availability="next-intake", next_intake="2027-01-11",
                         creche="on-site", creche_places="available"),
        factories.course("w", "Waiting class", availability="waiting-list", wait_weeks="6"),
    ]))
    exported = tmp_path / "export.json"
    runner = CliRunner()
    assert runner.invoke(main, ["oruk-export", str(exported)], env=_env(settings)).exit_code == 0
    document = json.loads(exported.read_text())
    terms = {s["name"]: sorted(a["taxonomy_term"]["term"] for a in s["attributes"]
                               if a["taxonomy_term"]["taxonomy"] in ("esol-finder-availability", "esol-finder-creche-places"))
             for s in document["services"]}
    assert terms == {"Full class": ["full", "waiting-list"], "Rolling class": ["rolling"],
                     "Intake class": ["available", "next-intake"], "Waiting class": ["waiting-list"]}
    for service in document["services"]:
        assert_valid(service, response_schema("/services/{id}"))
    result = runner.invoke(main, ["oruk-import", str(exported)], env=_env(other.settings))
    assert result.exit_code == 0, result.output
    with other.sessions() as db:
        got = {c.title: (c.availability, c.creche_places, c.next_intake and c.next_intake.isoformat())
               for c in db.scalars(select(Course))}
    assert got == {"Full class": ("full", "waiting-list", None), "Rolling class": ("rolling", None, None),
                   "Intake class": ("next-intake", "available", "2027-01-11"), "Waiting class": ("waiting-list", None, None)}
