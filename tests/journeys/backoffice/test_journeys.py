"""Whole journeys over HTTP: submit → moderate → live and found; partner edits; permissions;
report a problem; check links; history and restore; outbox."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from finder.models import Course, OutboxMessage, Submission
from tests.accounts import csrf, log_in, make_user

pytestmark = pytest.mark.postgres

FORM = {
    "title": "Zanzibar Welcome English", "description": "A friendly class for beginners.\nBring a pen.",
    "kind": "informal", "levels": ["entry-1", "pre-entry"], "cost": "free", "eligibility": ["anyone"],
    "creche": "on-site", "mode": "in-person", "join_method": "drop-in", "availability": "places",
    "organisation": "Toxteth Friends", "organisation_email": "hello@toxteth.example.org",
    "session-1-weekday": "thu", "session-1-start": "10:00", "session-1-end": "12:00",
    "session-1-frequency": "weekly", "session-1-venue_name": "Toxteth Library",
    "session-1-venue_address": "Windsor Street", "session-1-venue_postcode": "l81xf",
    "translation-1-locale": "ar", "translation-1-title": "دروس الإنجليزية",
    "translation-1-description": "صف ودود للمبتدئين",
    "submitter_name": "Amina", "submitter_email": "amina@example.org",
}


def post_form(client, path, data, token=None):
    return client.post(path, data={**data, "csrf_token": token or csrf(client, path)})


def only(services, model):
    with services.sessions() as db:
        return db.scalars(select(model)).all()


def test_public_submission_is_moderated_then_live_and_found(client, services, coordinator):
    response = post_form(client, "/add-a-class", FORM)
    assert "Thank you, we have your class" in response.text
    assert client.get("/search", params={"q": "Zanzibar"}).text.count("Zanzibar Welcome English") == 0
    [submission] = only(services, Submission)
    assert submission.status == "pending" and submission.kind == "new"
    received = [m for m in only(services, OutboxMessage) if m.to == "amina@example.org"]
    assert received and "We have your class" in received[0].subject

    log_in(client)
    queue = client.get("/backoffice/")
    assert "Zanzibar Welcome English" in queue.text
    page = client.get(f"/backoffice/submissions/{submission.id}")
    assert "Toxteth Friends" in page.text and "new organisation" in page.text
    response = client.post(f"/backoffice/submissions/{submission.id}",
                           data={"decision": "approve", "csrf_token": csrf(client, "/backoffice/")})
    assert "Approved." in response.text

    results = client.get("/search", params={"q": "Zanzibar"})
    assert "Zanzibar Welcome English" in results.text
    with services.sessions() as db:
        course = db.scalar(select(Course).where(Course.title == "Zanzibar Welcome English"))
        assert course.status == "published"
        assert course.organisation.name == "Toxteth Friends"
        assert course.sessions[0].venue.postcode == "L8 1XF"
        assert course.sessions[0].venue.latitude is not None
        assert course.translation("ar").title == "دروس الإنجليزية"
    arabic = client.get(f"/courses/{course.id}", params={"lang": "ar"})
    assert "دروس الإنجليزية" in arabic.text
    told = [m for m in only(services, OutboxMessage) if "Your class is live" in m.subject]
    assert told and told[0].to == "amina@example.org" and f"/courses/{course.id}" in told[0].body


def test_errors_are_field_level_and_keep_what_was_typed(client, services):
    data = {**FORM, "title": "", "session-1-end": "09:00", "session-1-venue_postcode": "L99 9ZZ",
            "submitter_email": "not an email"}
    response = post_form(client, "/add-a-class", data)
    assert response.status_code == 400
    text = response.text
    assert "There is a problem" in text
    assert 'href="#title"' in text and 'href="#session-1-weekday"' in text and 'href="#submitter_email"' in text
    assert "This is required." in text
    assert "Session 1: the class must end after it starts." in text
    assert "Enter an email address" in text
    # Everything typed is still there.
    assert "A friendly class for beginners.\nBring a pen." in text
    assert 'value="Toxteth Library"' in text and 'value="L99 9ZZ"' in text
    assert "دروس الإنجليزية" in text
    assert re.search(r'value="entry-1" checked', text)
    assert only(services, Submission) == []


def test_errors_are_translated(client):
    response = client.post("/add-a-class?lang=fr", data={**FORM, "title": "", "csrf_token": csrf(client, "/add-a-class")})
    assert response.status_code == 400
    assert 'lang="fr"' in response.text


def test_form_has_three_session_rows_without_javascript(client):
    text = client.get("/add-a-class").text
    for n in (1, 2, 3):
        assert f'name="session-{n}-weekday"' in text and f'name="session-{n}-venue_postcode"' in text
    assert 'name="translation-1-locale"' in text


def test_honeypot_keeps_nothing(client, services):
    response = post_form(client, "/add-a-class", {**FORM, "website_url": "http://spam.example"})
    assert "Thank you" in response.text
    assert only(services, Submission) == []


def test_forms_are_rate_limited_per_address(services):
    from starlette.testclient import TestClient

    from finder.web.app import create_app

    services.settings = services.settings.with_(rate_limit_forms=2)
    with TestClient(create_app(services=services, prepare=False)) as client:
        token = csrf(client, "/add-a-class")
        assert post_form(client, "/add-a-class", FORM, token).status_code == 200
        assert post_form(client, "/add-a-class", {**FORM, "title": "Another"}, token).status_code == 200
        response = post_form(client, "/add-a-class", {**FORM, "title": "Third"}, token)
    assert response.status_code == 429
    assert "We could not take this form just now" in response.text
    assert "<title>Error: " in response.text
    # Nothing typed is lost: the refused form comes back filled in, ready to send again later.
    assert 'value="Third"' in response.text
    assert f'value="{FORM["submitter_email"]}"' in response.text
    assert len(only(services, Submission)) == 2


def test_only_accepted_sends_count_and_each_form_counts_on_its_own(services, fixture_catalogue, ids):
    """A school or library shares one address: corrections never use up the hour, and sending
    classes never stops the same address from reporting a problem."""
    from starlette.testclient import TestClient

    from finder.web.app import create_app

    services.settings = services.settings.with_(rate_limit_forms=2)
    course_id = ids()["entry-1-day"]
    with TestClient(create_app(services=services, prepare=False)) as client:
        token = csrf(client, "/add-a-class")
        for _ in range(5):  # five sends with a mistake: refused with the form, not counted
            assert post_form(client, "/add-a-class", {**FORM, "submitter_email": "not-an-address"},
                             token).status_code == 400
        assert post_form(client, "/add-a-class", FORM, token).status_code == 200
        assert post_form(client, "/add-a-class", {**FORM, "title": "Another"}, token).status_code == 200
        assert post_form(client, "/add-a-class", {**FORM, "title": "Third"}, token).status_code == 429
        report = post_form(client, f"/courses/{course_id}/report", {"problem": "wrong-time"})
    assert report.status_code == 200 and "Thank you for telling us" in report.text
    kinds = sorted(s.kind for s in only(services, Submission))
    assert kinds == ["new", "new", "report"]


def test_public_form_needs_csrf(client, services):
    client.get("/add-a-class")
    assert client.post("/add-a-class", data=FORM).status_code == 403
    assert only(services, Submission) == []


@pytest.fixture
def partner_client(client, fixture_catalogue, services):
    make_user(services, email="editor@library.example.org", role="partner", organisation_key="library",
              name="Lee Library")
    log_in(client, "editor@library.example.org")
    return client


def test_partner_change_waits_for_approval_and_shows_a_diff(partner_client, services, ids):
    client = partner_client
    course_id = ids()["conversation-club"]
    form_page = client.get(f"/partners/courses/{course_id}/edit")
    assert 'value="Conversation Club"' in form_page.text
    token = csrf(client, f"/partners/courses/{course_id}/edit")
    fields = dict(re.findall(r'name="(session-1-[a-z_]+)" value="([^"]*)"', form_page.text))
    data = {"title": "Conversation Club", "description": "Practise speaking English over coffee with volunteers. Everyone welcome.",
            "kind": "informal", "levels": ["mixed"], "cost": "free", "eligibility": ["anyone"], "creche": "none",
            "mode": "in-person", "join_method": "drop-in", "enrolment": "open", "languages": "fa, uk",
            **fields, "session-1-weekday": "sat", "session-1-start": "11:00", "session-1-end": "13:00",
            "csrf_token": token}
    response = client.post(f"/partners/courses/{course_id}/edit", data=data)
    assert "A coordinator will check your changes" in response.text
    public = client.get(f"/courses/{course_id}").text
    assert "over tea" in public  # not live yet

    client.post("/backoffice/logout", data={"csrf_token": csrf(client, "/backoffice/")})
    make_user(services)
    log_in(client)
    [submission] = only(services, Submission)
    page = client.get(f"/backoffice/submissions/{submission.id}").text
    assert "What would change" in page
    assert "<del>Practise speaking English over tea" in page and "<ins>Practise speaking English over coffee" in page
    # sessions as people read them: the day's name and the place's name, address and postcode
    assert "Saturday · 10:00–12:00 · Central Library, William Brown Street, Liverpool, L3 8EW" in page
    assert "Saturday · 11:00–13:00 · Central Library, William Brown Street, Liverpool, L3 8EW" in page
    assert '<th scope="row">When and where</th>' in page and '<th scope="row">sessions</th>' not in page
    client.post(f"/backoffice/submissions/{submission.id}", data={"decision": "approve",
                                                                  "csrf_token": csrf(client, "/backoffice/")})
    assert "over coffee" in client.get(f"/courses/{course_id}").text
    assert "11:00" in client.get(f"/courses/{course_id}").text


def test_trusted_partner_changes_go_live_at_once(partner_client, services, ids):
    with services.sessions() as db:
        from finder.models import Organisation
        library_id = db.scalar(select(Organisation.id).where(Organisation.key == "library"))
    services.catalogue.set_trusted(library_id, True, actor="test")
    client = partner_client
    course_id = ids()["conversation-club"]
    form_page = client.get(f"/partners/courses/{course_id}/edit").text
    fields = dict(re.findall(r'name="((?:session-1-)?[a-z_]+)" value="([^"]*)"', form_page))
    fields.update({"title": "Conversation Club Plus", "levels": ["mixed"], "kind": "informal", "cost": "free",
                   "eligibility": ["anyone"], "creche": "none", "mode": "in-person", "join_method": "drop-in",
                   "enrolment": "open", "session-1-weekday": "sat", "csrf_token": csrf(client, "/partners/courses")})
    response = client.post(f"/partners/courses/{course_id}/edit", data=fields)
    assert "Your changes are live." in response.text
    assert "Conversation Club Plus" in client.get(f"/courses/{course_id}").text
    assert only(services, Submission) == []


def test_partner_cannot_touch_another_organisation(partner_client, ids):
    other = ids()["entry-1-day"]  # the college's
    assert partner_client.get(f"/partners/courses/{other}/edit").status_code == 403
    response = partner_client.post(f"/partners/courses/{other}/edit",
                                   data={"title": "Hijack", "csrf_token": csrf(partner_client, "/partners/courses")})
    assert response.status_code == 403
    listing = partner_client.get("/partners/courses").text
    assert "Conversation Club" in listing and "ESOL Entry 1" not in listing
    for path in ("/backoffice/courses", f"/backoffice/courses/{other}/edit", "/backoffice/users",
                 "/backoffice/outbox", f"/backoffice/courses/{other}/history"):
        assert partner_client.get(path).status_code == 403, path


@pytest.mark.parametrize("path", ["/backoffice/courses", "/backoffice/courses/1/edit", "/backoffice/courses/1/history",
                                  "/backoffice/users", "/backoffice/outbox", "/backoffice/submissions/1",
                                  "/partners/courses", "/partners/courses/new", "/partners/courses/1/edit"])
def test_anonymous_people_cannot_reach_the_back_office(client, path):
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/backoffice/login?next=")


def test_reject_and_ask_for_changes_tell_the_sender(client, services, coordinator):
    post_form(client, "/add-a-class", FORM)
    post_form(client, "/add-a-class", {**FORM, "title": "Second class", "submitter_email": "b@example.org"})
    first, second = only(services, Submission)
    log_in(client)
    token = csrf(client, "/backoffice/")
    missing = client.post(f"/backoffice/submissions/{first.id}", data={"decision": "reject", "csrf_token": token})
    assert missing.status_code == 400 and "Say why" in missing.text
    client.post(f"/backoffice/submissions/{first.id}",
                data={"decision": "reject", "reason": "This is not an English class.", "csrf_token": token})
    client.post(f"/backoffice/submissions/{second.id}",
                data={"decision": "changes", "reason": "Please add the end time.", "csrf_token": token})
    first, second = only(services, Submission)
    assert (first.status, second.status) == ("rejected", "changes-requested")
    subjects = {(m.to, m.subject.split(":")[0]) for m in only(services, OutboxMessage)}
    assert ("amina@example.org", "Your class was not added") in subjects
    assert ("b@example.org", "Please change your class details") in subjects
    outbox = client.get("/backoffice/outbox").text
    assert "This is not an English class." in outbox and "No SMTP server is set up" in outbox


def test_likely_duplicate_is_flagged(client, services, fixture_catalogue, coordinator):
    data = {**FORM, "title": "Saturday chat", "organisation": "Central Library", "session-1-weekday": "sat",
            "session-1-start": "10:00", "session-1-end": "12:00", "session-1-venue_name": "Central Library",
            "session-1-venue_postcode": "L3 8EW"}
    post_form(client, "/add-a-class", data)
    [submission] = only(services, Submission)
    log_in(client)
    page = client.get(f"/backoffice/submissions/{submission.id}").text
    assert "This may be a duplicate" in page and "Conversation Club" in page


def test_coordinator_edits_archives_and_restores(coordinator_client, fixture_catalogue, services, ids):
    client = coordinator_client
    course_id = ids()["mums-creche"]
    form_page = client.get(f"/backoffice/courses/{course_id}/edit").text
    fields = dict(re.findall(r'name="((?:session-1-)?[a-z_]+)" value="([^"]*)"', form_page))
    fields.update({"title": "English for Parents", "levels": ["entry-1"], "kind": "informal", "cost": "free",
                   "eligibility": ["anyone"], "creche": "on-site", "mode": "in-person", "join_method": "drop-in",
                   "enrolment": "open", "audiences": ["parents"], "session-1-weekday": "wed",
                   "csrf_token": csrf(client, "/backoffice/")})
    assert "Changes saved." in client.post(f"/backoffice/courses/{course_id}/edit", data=fields).text
    assert "English for Parents" in client.get(f"/courses/{course_id}").text

    history = client.get(f"/backoffice/courses/{course_id}/history").text
    assert "English for Mums" in history and "English for Parents" in history
    audit_ids = re.findall(r'name="audit_id" value="(\d+)"', history)
    assert audit_ids
    client.post(f"/backoffice/courses/{course_id}/restore", data={"audit_id": audit_ids[-1],
                                                                  "csrf_token": csrf(client, "/backoffice/")})
    assert "English for Mums" in client.get(f"/courses/{course_id}").text
    assert "restore" in client.get(f"/backoffice/courses/{course_id}/history").text

    token = csrf(client, "/backoffice/")
    client.post(f"/backoffice/courses/{course_id}/status", data={"action": "archive", "csrf_token": token})
    assert client.get(f"/courses/{course_id}").status_code == 404
    assert "English for Mums" not in client.get("/search", params={"q": "Mums"}).text
    client.post(f"/backoffice/courses/{course_id}/status", data={"action": "publish", "csrf_token": token})
    assert client.get(f"/courses/{course_id}").status_code == 200
    client.post(f"/backoffice/courses/{course_id}/status", data={"action": "unpublish", "csrf_token": token})
    with services.sessions() as db:
        assert db.get(Course, course_id).status == "draft"


def test_report_a_problem_reaches_the_queue_and_the_organisation(client, services, fixture_catalogue, ids,
                                                                 coordinator):
    course_id = ids()["entry-1-day"]
    assert f"/courses/{course_id}/report" in client.get(f"/courses/{course_id}").text
    form = client.get(f"/courses/{course_id}/report").text
    assert "this class has stopped" in form.lower()
    missing = post_form(client, f"/courses/{course_id}/report", {"details": ""})
    assert missing.status_code == 400 and "Choose what is wrong." in missing.text
    response = post_form(client, f"/courses/{course_id}/report", {"problem": "wrong-time", "details": "It starts at 10 now."})
    assert "Thank you for telling us" in response.text
    [report] = only(services, Submission)
    assert (report.kind, report.problem, report.course_id) == ("report", "wrong-time", course_id)
    [message] = only(services, OutboxMessage)
    assert message.to == "esol@college.example.org" and "/check/" in message.body
    # What the reporter wrote goes to the coordinators only: a stranger's words are never sent beside
    # the listing's genuine private link (the e-mail names the kind of problem, from our own list).
    assert "It starts at 10 now." not in message.body and "The day or time is wrong" in message.body
    assert report.payload["details"] == "It starts at 10 now."
    log_in(client)
    assert "The day or time is wrong" in client.get("/backoffice/").text


def test_check_link_still_running_changed_stopped(client, services, fixture_catalogue, ids, coordinator):
    import datetime as dt

    course_id = ids()["entry-1-day"]
    token = services.catalogue.check_token(course_id)
    assert client.get("/check/not-a-real-token").status_code == 404
    page = client.get(f"/check/{token}").text
    assert "Is this class still running?" in page
    response = client.post(f"/check/{token}", data={"answer": "running", "csrf_token": csrf(client, f"/check/{token}")})
    assert "still running" in response.text
    with services.sessions() as db:
        assert db.get(Course, course_id).last_checked == dt.date.today()

    changed = client.post(f"/check/{token}", data={"answer": "changed", "csrf_token": csrf(client, f"/check/{token}")})
    assert 'value="ESOL Entry 1"' in changed.text  # the prefilled change form
    client.post(f"/check/{token}", data={"answer": "stopped", "csrf_token": csrf(client, f"/check/{token}")})
    [stop] = only(services, Submission)
    assert stop.kind == "stop"
    log_in(client)
    client.post(f"/backoffice/submissions/{stop.id}", data={"decision": "approve", "csrf_token": csrf(client, "/backoffice/")})
    with services.sessions() as db:
        assert db.get(Course, course_id).status == "archived"


def test_stale_listings_are_flagged_and_noticed(coordinator_client, services, fixture_catalogue, ids):
    import datetime as dt

    course_id = ids()["conversation-club"]
    services.catalogue.mark_checked(course_id, on=dt.date.today() - dt.timedelta(days=200))
    listing = coordinator_client.get("/backoffice/courses?needs=checking").text
    assert "Conversation Club" in listing and "ESOL Entry 1" not in listing
    public = coordinator_client.get(f"/courses/{course_id}").text
    assert "may be out of date" in public


def test_coordinator_makes_a_partner_account(coordinator_client, services, fixture_catalogue):
    client = coordinator_client
    from finder.models import Organisation
    with services.sessions() as db:
        library_id = db.scalar(select(Organisation.id).where(Organisation.key == "library"))
    token = csrf(client, "/backoffice/users")
    bad = client.post("/backoffice/users", data={"name": "P", "email": "p@example.org", "role": "partner",
                                                 "password": "long enough pw", "confirm_password": "long enough pw",
                                                 "csrf_token": token})
    assert bad.status_code == 400 and "Choose the organisation" in bad.text
    response = client.post("/backoffice/users", data={"name": "Pat", "email": "pat@example.org", "role": "partner",
                                                      "organisation_id": str(library_id),
                                                      "password": "long enough pw",
                                                      "confirm_password": "long enough pw", "csrf_token": token})
    assert "Account made for pat@example.org" in response.text
    assert "Central Library" in response.text


def test_long_text_is_shown_as_a_line_diff():
    from finder.queries import review

    before = {"description": "First line stays.\nSecond line is about tea.\nThird line stays too."}
    after = {"description": "First line stays.\nSecond line is about coffee.\nThird line stays too."}
    [change] = review.changes(before, after)
    assert change.lines == ["@@ -1,3 +1,3 @@", " First line stays.", "-Second line is about tea.",
                            "+Second line is about coffee.", " Third line stays too."]
    assert review.changes(before, before) == []


def test_coordinators_reach_import_and_export_from_the_back_office_menu(coordinator_client):
    page = coordinator_client.get("/backoffice/").text
    assert '<a href="/backoffice/import">Import and export courses</a>' in page
    assert coordinator_client.get("/backoffice/import").status_code == 200


def test_a_report_with_a_bad_email_is_refused_and_keeps_what_was_typed(client, services, fixture_catalogue, ids):
    course_id = ids()["entry-1-day"]
    response = post_form(client, f"/courses/{course_id}/report",
                         {"problem": "other", "details": "Closed for summer", "email": "me@@example"})
    assert response.status_code == 400
    assert ('Enter an email address, like <bdi dir="ltr">name@example.org</bdi>.' in response.text
            and "Closed for summer" in response.text)
    assert only(services, Submission) == [] and only(services, OutboxMessage) == []
