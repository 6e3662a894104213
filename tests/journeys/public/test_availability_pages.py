"""Availability on the course page and in the listing form (issue 13): a newcomer reads plainly whether
they can join now, how long the wait is, or the intake date in their language; a partner sets it in the
form and, once approved, the listing says so."""

from __future__ import annotations

import copy
import re

import pytest
from sqlalchemy import select

from finder.models import Course, Submission
from tests import factories
from tests.accounts import csrf, log_in, make_user

pytestmark = pytest.mark.postgres

COURSES = [
    factories.course("wl", "Waiting class", availability="waiting-list", wait_weeks="6", creche="on-site",
                     creche_places="full"),
    factories.course("one", "One week class", availability="waiting-list", wait_weeks="1"),
    factories.course("ni", "Intake class", availability="next-intake", next_intake="2027-01-11"),
    factories.course("ro", "Rolling class", availability="rolling"),
    factories.course("fu", "Full class", availability="full"),
]


@pytest.fixture
def ids(services):
    services.catalogue.load_catalogue(factories.catalogue(copy.deepcopy(COURSES)))
    with services.sessions() as db:
        return {c.key: c.id for c in db.scalars(select(Course))}


def availability_text(html: str) -> str:
    found = re.search(r'<dd class="availability[^"]*">(.*?)</dd>', html, re.S)
    assert found, "the course page has no availability line"
    return " ".join(re.sub(r"<[^>]+>", "", found.group(1)).split())


def test_course_pages_say_plainly_whether_people_can_join_now(client, ids):
    said = {key: availability_text(client.get(f"/courses/{course_id}").text) for key, course_id in ids.items()}
    assert said == {
        "wl": "Waiting list. The usual wait is about 6 weeks.",
        "one": "Waiting list. The usual wait is about 1 week.",
        "ni": "Next intake on a date. Next intake: 11 January 2027",
        "ro": "Rolling intake. New learners can start any week.",
        "fu": "Full. No places and no waiting list at the moment.",
    }
    assert "Crèche full" in client.get(f"/courses/{ids['wl']}").text


def test_the_intake_date_is_written_in_the_readers_language(i18n_client, i18n_services):
    i18n_services.catalogue.load_catalogue(factories.catalogue([copy.deepcopy(COURSES[2])]))
    with i18n_services.sessions() as db:
        course_id = db.scalar(select(Course.id).where(Course.key == "ni"))
    arabic = availability_text(i18n_client.get(f"/courses/{course_id}?lang=ar").text)
    assert "يناير" in arabic and "2027" in arabic and "January" not in arabic


def test_a_partner_sets_full_in_the_form_and_the_approved_listing_says_so(client, services, ids):
    make_user(services, email="editor@college.example.org", role="partner", organisation_key="college",
              name="Cal College")
    log_in(client, "editor@college.example.org")
    path = f"/partners/courses/{ids['ro']}/edit"
    form = client.get(path).text
    assert re.search(r'name="availability" value="rolling" checked', form)
    fields = dict(re.findall(r'name="([a-z_0-9-]+)" value="([^"]*)"', form))
    data = {**{k: v for k, v in fields.items() if k.startswith("session-1-")},
            "session-1-weekday": "mon", "session-1-start": "10:00", "session-1-end": "12:00",
            "title": "Rolling class", "kind": "formal", "levels": ["entry-1"], "cost": "free",
            "eligibility": ["anyone"], "creche": "none", "mode": "in-person", "join_method": "drop-in",
            "availability": "waiting-list", "wait_weeks": "300", "csrf_token": csrf(client, path)}
    refused = client.post(path, data=data)
    assert refused.status_code == 400 and "104" in refused.text  # the wait is out of range: said, and kept
    assert 'value="300"' in refused.text
    sent = client.post(path, data={**data, "availability": "full", "wait_weeks": "", "csrf_token": csrf(client, path)})
    assert "A coordinator will check your changes" in sent.text, re.findall(r"class=\"error-message\"[^<]*<[^>]*>[^<]*|error[^<]{0,200}", sent.text)[:8]
    client.post("/backoffice/logout", data={"csrf_token": csrf(client, "/backoffice/")})
    make_user(services)
    log_in(client)
    with services.sessions() as db:
        [submission] = db.scalars(select(Submission)).all()
    client.post(f"/backoffice/submissions/{submission.id}", data={"decision": "approve",
                                                                   "csrf_token": csrf(client, "/backoffice/")})
    assert availability_text(client.get(f"/courses/{ids['ro']}").text).startswith("Full.")


def creche_text(html: str) -> str:
    found = re.search(r"<dt>[^<]*Crèche[^<]*</dt>\s*<dd>(.*?)</dd>|<dt>[^<]*</dt>\s*<dd>([^<]*(?:حضانة|Crèche)[^<]*)</dd>", html, re.S)
    assert found
    return " ".join(re.sub(r"<[^>]+>", "", found.group(1) or found.group(2)).split())


@pytest.mark.parametrize(("typed", "shown"), [("6 months - 3 years", "6 months to 3 years"), ("0-5", "up to 5 years"),
                                               ("1 to 4 years", "1 to 4 years"), ("babies welcome", "babies welcome")])
def test_creche_ages_are_shown_from_the_numbers(client, services, typed, shown):
    services.catalogue.load_catalogue(factories.catalogue([factories.course(
        "cr", "Creche class", creche="on-site", creche_ages=typed)]))
    with services.sessions() as db:
        course_id = db.scalar(select(Course.id).where(Course.key == "cr"))
    assert shown in creche_text(client.get(f"/courses/{course_id}").text)


def test_creche_ages_in_arabic_use_arabic_units(i18n_client, i18n_services):
    i18n_services.catalogue.load_catalogue(factories.catalogue([factories.course(
        "cr", "Creche class", creche="on-site", creche_ages="6 months - 3 years")]))
    with i18n_services.sessions() as db:
        course_id = db.scalar(select(Course.id).where(Course.key == "cr"))
    details = i18n_client.get(f"/courses/{course_id}?lang=ar").text.split('<dl class="details">')[1].split("</dl>")[0]
    assert "months" not in details and "years" not in details
    assert "أشهر" in details and "سنوات" in details
