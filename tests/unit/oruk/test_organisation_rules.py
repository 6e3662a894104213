"""The ORUK importer applies the organisation rules (finder.domain.records) as the forms and the
spreadsheet importer do: an organization with a script URL for a website, or an e-mail address
that is not one, is refused with the problem named, and nothing is written."""

from __future__ import annotations

import copy

import pytest
from sqlalchemy import func, select

from finder.domain import ValidationErrors
from finder.models import Course, Organisation
from finder.oruk import ids
from finder.oruk.exchange import import_document

ORG_ID = "7d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a"
SERVICE = {
    "id": "0b1e6a52-8e8f-4f39-9c0e-1a2b3c4d5e6f", "name": "Council ESOL drop-in", "status": "active",
    "description": "Weekly drop-in.",
    "organization": {"id": ORG_ID, "name": "Liverpool City Council", "description": "",
                     "website": "https://liverpool.example.org", "email": "esol@liverpool.example.org"},
    "service_at_locations": [{"id": "9a8b7c6d-5e4f-4a3b-9c1d-0e1f2a3b4c5d", "location": {
        "id": "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f", "location_type": "physical", "name": "Toxteth Library",
        "latitude": 53.3925, "longitude": -2.9662,
        "addresses": [{"id": "2d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e5f6a", "address_1": "Windsor Street", "city": "Liverpool",
                       "state_province": "", "postal_code": "L8 1XF", "country": "GB", "address_type": "physical"}]}}],
    "schedules": [{"id": "3e4f5a6b-7c8d-4e9f-8a1b-2c3d4e5f6a7b", "freq": "WEEKLY", "byday": "TH", "opens_at": "13:00",
                   "closes_at": "15:00", "service_at_location_id": "9a8b7c6d-5e4f-4a3b-9c1d-0e1f2a3b4c5d"}],
}
ORG_KEY = ids.key_for("organization", ORG_ID, {})


def document(**organization) -> dict:
    service = copy.deepcopy(SERVICE)
    service["organization"].update(organization)
    return {"contents": [service]}


def counts(services) -> tuple[int, int]:
    with services.sessions() as db:
        return (db.scalar(select(func.count()).select_from(Organisation)),
                db.scalar(select(func.count()).select_from(Course)))


def refused(services, doc, **options) -> dict[str, list[str]]:
    with pytest.raises(ValidationErrors) as caught:
        import_document(services, doc, default_levels=("mixed",), **options)
    return {name: [str(m) for m in messages] for name, messages in caught.value.errors.items()}


def test_a_good_organization_is_imported(services):
    plan, report = import_document(services, document(), default_levels=("mixed",))
    assert report.created == 1 and report.organisations == 1
    with services.sessions() as db:
        organisation = db.scalar(select(Organisation).where(Organisation.key == ORG_KEY))
        assert (organisation.website, organisation.email) == ("https://liverpool.example.org",
                                                              "esol@liverpool.example.org")


@pytest.mark.parametrize("dry_run", [False, True])
@pytest.mark.parametrize("website", ["javascript:alert(1)", "JaVaScRiPt:alert(document.cookie)",
                                     "data:text/html,<script>alert(1)</script>"])
def test_a_script_url_for_a_website_is_refused_and_nothing_is_written(services, website, dry_run):
    assert refused(services, document(website=website), dry_run=dry_run) == {
        f"{ORG_KEY}: organisation_website": ["Web addresses start with http:// or https://."]}
    assert counts(services) == (0, 0)


@pytest.mark.parametrize("dry_run", [False, True])
def test_an_email_address_that_is_not_one_is_refused_and_nothing_is_written(services, dry_run):
    assert refused(services, document(email="esol at liverpool"), dry_run=dry_run) == {
        f"{ORG_KEY}: organisation_email": ["Enter an email address, like name@example.org."]}
    assert counts(services) == (0, 0)


def test_organization_and_listing_problems_are_reported_together(services):
    doc = document(website="javascript:alert(1)", email="nope")
    doc["contents"][0]["schedules"][0]["closes_at"] = "12:00"  # ends before it starts
    problems = refused(services, doc)
    assert problems[f"{ORG_KEY}: organisation_website"] == ["Web addresses start with http:// or https://."]
    assert problems[f"{ORG_KEY}: organisation_email"] == ["Enter an email address, like name@example.org."]
    assert any(name.endswith(": sessions.1") for name in problems)
    assert counts(services) == (0, 0)


def test_the_command_names_the_organizations_problem(services, tmp_path):
    import json

    from click.testing import CliRunner

    from finder.cli import main

    path = tmp_path / "council.json"
    path.write_text(json.dumps(document(website="javascript:alert(1)")))
    env = {"ESOL_FINDER_DATA_DIR": str(services.settings.data_dir),
           "ESOL_FINDER_DATABASE_URL": services.settings.database_url, "ESOL_FINDER_SECRET_KEY": "test-secret"}
    result = CliRunner().invoke(main, ["oruk-import", str(path), "--default-level", "mixed"], env=env)
    assert result.exit_code == 1
    assert "Nothing was imported" in result.output
    assert f"{ORG_KEY}: organisation_website: Web addresses start with http:// or https://." in result.output
    assert counts(services) == (0, 0)
