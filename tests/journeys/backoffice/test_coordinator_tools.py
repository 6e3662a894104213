"""Issue 15 for coordinators: the moderation page shows every field a partner typed (the venue's
name, address and postcode included) with human labels in the coordinator's language; an
approval links to the live course; opening an edit page writes no audit entry; `create-user`
lists the organisations' keys when one is missing or wrong."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from finder.cli import main
from finder.models import AuditEntry, Submission
from tests.accounts import csrf, log_in, make_user

pytestmark = pytest.mark.postgres

FORM = {
    "title": "Zanzibar Welcome English", "description": "A friendly class.", "kind": "informal",
    "levels": ["entry-1"], "cost": "free", "eligibility": ["anyone"], "creche": "on-site", "mode": "in-person",
    "join_method": "drop-in", "enrolment": "open", "organisation": "Toxteth Friends",
    "session-1-weekday": "thu", "session-1-start": "10:00", "session-1-end": "12:00", "session-1-frequency": "weekly",
    "session-1-venue_name": "Toxteth Library", "session-1-venue_address": "Windsor Street",
    "session-1-venue_postcode": "l81xf", "submitter_email": "amina@example.org",
}


def _send_and_open(client, services, lang="en"):
    client.post("/add-a-class", data={**FORM, "csrf_token": csrf(client, "/add-a-class")})
    make_user(services)
    log_in(client)
    [submission] = services.sessions().scalars(select(Submission)).all()
    return submission, client.get(f"/backoffice/submissions/{submission.id}?lang={lang}")


def test_the_new_listing_shows_the_place_the_partner_typed_with_human_labels(client, services):
    _, page = _send_and_open(client, services)
    rows = dict(re.findall(r'<th scope="row">(.*?)</th>\s*<td><ins>(.*?)</ins></td>', page.text, re.S))
    assert rows["When and where"] == "Thursday · 10:00–12:00 · Toxteth Library, Windsor Street, L8 1XF"
    assert rows["Crèche or childcare"] == "Crèche on site" or "crèche" in rows["Crèche or childcare"].lower()
    assert rows["Levels"] == "Entry 1" and rows["Kind of class"] != "informal"
    assert not any(name in rows for name in ("sessions", "creche", "kind", "levels"))


def test_in_arabic_the_labels_are_the_coordinators_language(client, services):
    _, page = _send_and_open(client, services, lang="ar")
    labels = re.findall(r'<th scope="row">(.*?)</th>', page.text)
    assert labels and "When and where" not in labels and "Kind of class" not in labels
    assert any(any("\u0600" <= ch <= "\u06ff" for ch in label) for label in labels)


def test_an_approval_links_to_the_live_course(client, services):
    submission, _ = _send_and_open(client, services)
    token = csrf(client, f"/backoffice/submissions/{submission.id}")
    response = client.post(f"/backoffice/submissions/{submission.id}", data={"decision": "approve", "csrf_token": token})
    assert "Approved." in response.text
    link = re.search(r'<p class="notice"><a href="(/courses/\d+)">See the class as the public sees it</a>', response.text)
    assert link and client.get(link.group(1)).status_code == 200
    assert "Zanzibar Welcome English" in client.get(link.group(1)).text


def test_opening_an_edit_page_writes_no_audit_entry(client, services, fixture_catalogue, ids):
    make_user(services)
    log_in(client)
    course_id = ids()["entry-1-day"]

    def entries():
        with services.sessions() as db:
            return db.scalar(select(func.count()).select_from(AuditEntry))

    before = entries()
    for _ in range(3):
        page = client.get(f"/backoffice/courses/{course_id}/edit")
        assert page.status_code == 200
    assert entries() == before, "reading is not a change"
    assert "None yet" in page.text
    made = client.post(f"/backoffice/courses/{course_id}/status",
                       data={"action": "check-link", "csrf_token": csrf(client, f"/backoffice/courses/{course_id}/edit")})
    assert re.search(r'<code dir="ltr">http://testserver/check/[\w-]+</code>', made.text)
    assert entries() == before + 1


@pytest.mark.parametrize("given", [[], ["--organisation", "nowhere"]])
def test_create_user_lists_the_organisations_keys_when_one_is_missing_or_wrong(env, fixture_catalogue, given):
    result = CliRunner().invoke(main, ["create-user", "--email", "p@example.org", "--name", "P", "--role", "partner",
                                       *given, "--password-stdin"], input="a long enough secret\n")
    assert result.exit_code == 1
    assert "Use --organisation with one of these keys:" in result.output
    for key in ("college", "library", "centre", "church"):
        assert re.search(rf"^  {key}\s+\S", result.output, re.M), result.output
    assert ("nowhere" in result.output) == bool(given)
