"""Every public operation of `finder.operations.catalogue.Catalogue`, called directly on a real SQLite
database: what is stored, the audit entry written, the catalogue version raised, the search index
told (and so what a search finds). The web pages and commands that call these are tested in
tests/journeys; here each operation is checked on its own."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from starlette.datastructures import QueryParams

from finder import domain
from finder.domain import submissions
from finder.imports.rows import PreparedRow
from finder.models import (
    AuditEntry,
    CatalogueState,
    CheckToken,
    Course,
    CourseSession,
    Organisation,
    Submission,
    Venue,
)
from finder.operations.outbox import Mailer
from finder.operations.shortlinks import ALPHABET, MIN_LENGTH, ShortLinks
from finder.search.params import parse
from tests import factories

pytestmark = pytest.mark.postgres

# -- what a test reads back ------------------------------------------------------------------


def version(services) -> int:
    with services.sessions() as db:
        return db.scalar(select(CatalogueState.version).where(CatalogueState.id == 1)) or 0


def audit_trail(services, entity: str | None = None, entity_id: int | None = None) -> list[AuditEntry]:
    with services.sessions() as db:
        query = select(AuditEntry).order_by(AuditEntry.id)
        if entity is not None:
            query = query.where(AuditEntry.entity == entity)
        if entity_id is not None:
            query = query.where(AuditEntry.entity_id == entity_id)
        return list(db.scalars(query))


def count(services, model) -> int:
    with services.sessions() as db:
        return db.scalar(select(func.count()).select_from(model))


def course_by_key(services, key: str) -> Course | None:
    with services.sessions() as db:
        course = db.scalar(select(Course).where(Course.key == key))
        if course is not None:  # read what the tests look at while the session is open
            _ = course.organisation, [(s.venue, s.start_time) for s in course.sessions], list(course.translations)
        return course


def found(services, query_string: str) -> set[str]:
    """The keys of the courses a search finds (through the index, as the search page does)."""
    outcome = services.search.search(parse(QueryParams(query_string)).query)
    with services.sessions() as db:
        keys = dict(db.execute(select(Course.id, Course.key)).all())
    return {keys[hit.course_id] for hit in outcome.hits}


@pytest.fixture
def told(services):
    """What the search index is told: each (course ids, version) the catalogue hands it, in order."""
    calls: list[tuple[list[int], int]] = []
    forward = services.catalogue.notify

    def notify(course_ids, new_version):
        calls.append((list(course_ids), new_version))
        forward(course_ids, new_version)

    services.catalogue.notify = notify
    return calls


def ids_by_key(services) -> dict[str, int]:
    with services.sessions() as db:
        return dict(db.execute(select(Course.key, Course.id)).all())


def listing(title="Toxteth Evening English", organisation="Toxteth Friends", venue="toxteth-hall", **extra):
    data = {"title": title, "organisation": organisation, "levels": ["entry-1"], "description": "Bring a pen.",
            "sessions": [{"weekday": "thu", "start": "18:00", "end": "20:00", "venue": venue}], **extra}
    return domain.validate_listing(data)


def payload(**overrides) -> dict:
    """A filled-in listing form, as the public form or a partner's editor sends it."""
    data = submissions.new_payload()
    data.update(title="Zanzibar Welcome English", description="A friendly class for beginners.",
                levels=["entry-1", "pre-entry"], creche="on-site", organisation="Toxteth Friends",
                organisation_email="hello@toxteth.example.org", submitter_name="Amina",
                submitter_email="amina@example.org",
                sessions=[{"weekday": "thu", "start": "10:00", "end": "12:00", "frequency": "weekly",
                           "term_time_only": "", "venue_name": "Toxteth Library", "venue_address": "Windsor Street",
                           "venue_postcode": "l81xf"}],
                translations=[{"locale": "ar", "title": "دروس الإنجليزية", "description": "صف ودود للمبتدئين"}])
    data.update(overrides)
    return data


def prepared(services, data: dict):
    return submissions.prepare(data, services.postcodes.lookup)


def edited(services, course_id: int, **changes):
    """A live listing as its edit form shows it, with some answers changed, checked."""
    with services.sessions() as db:
        data = submissions.from_course(db.get(Course, course_id))
    data.update(changes)
    return prepared(services, data)


# -- organisations and venues ----------------------------------------------------------------


def test_upsert_organisation_creates_by_name_then_updates_by_key_keeping_what_is_not_given(services):
    with services.sessions.begin() as db:
        created = services.catalogue.upsert_organisation(db, {"name": "Toxteth Friends",
                                                              "email": "hello@toxteth.example.org"})
        assert created.key == "toxteth-friends"
    with services.sessions.begin() as db:
        again = services.catalogue.upsert_organisation(db, {"key": "toxteth-friends", "name": "Toxteth Friends CIC",
                                                            "phone": "0151 000 2000"})
        assert again.id == created.id
    with services.sessions() as db:
        [organisation] = db.scalars(select(Organisation)).all()
        assert (organisation.name, organisation.email, organisation.phone) == (
            "Toxteth Friends CIC", "hello@toxteth.example.org", "0151 000 2000")


def test_upsert_venue_is_placed_from_its_postcode_unless_coordinates_are_given(services):
    with services.sessions.begin() as db:
        organisation = services.catalogue.upsert_organisation(db, {"name": "Central Library"})
        library = services.catalogue.upsert_venue(db, {"name": "Central Library", "address": "William Brown Street",
                                                       "postcode": "L3 8EW"}, organisation)
        placed = services.catalogue.upsert_venue(db, {"key": "hall", "name": "Church Hall", "postcode": "L3 8EW",
                                                      "latitude": 53.5, "longitude": -3.0, "step_free": True})
        unplaced = services.catalogue.upsert_venue(db, {"name": "Somewhere", "postcode": "L1 9ZZ"})  # no such postcode
    with services.sessions() as db:
        library, placed, unplaced = (db.get(Venue, v.id) for v in (library, placed, unplaced))
        assert library.key == "central-library-l3-8ew" and library.organisation.name == "Central Library"
        assert library.latitude == pytest.approx(53.4095, abs=0.005)
        assert library.longitude == pytest.approx(-2.9806, abs=0.005)
        assert (placed.latitude, placed.longitude, placed.step_free) == (53.5, -3.0, True)
        assert unplaced.latitude is None and unplaced.longitude is None


# -- courses -----------------------------------------------------------------------------------


def save(services, the_listing, **options):
    with services.sessions.begin() as db:
        organisation = services.catalogue.upsert_organisation(db, {"name": "Toxteth Friends"})
        hall = services.catalogue.upsert_venue(db, {"key": "toxteth-hall", "name": "Toxteth Hall",
                                                    "postcode": "L8 6SQ"}, organisation)
        course, outcome = services.catalogue.save_course(db, "toxteth-evening", the_listing, organisation,
                                                         {hall.key: hall}, **options)
        return course.id, outcome


def test_save_course_says_created_updated_or_unchanged_and_audits_only_real_changes(services):
    course_id, outcome = save(services, listing(), status="published", source="test", actor="cora",
                              translations={"ar": {"title": "دروس مسائية", "description": ""}})
    assert outcome == "created"
    course = course_by_key(services, "toxteth-evening")
    assert (course.title, course.status, course.source, course.levels) == (
        "Toxteth Evening English", "published", "test", ["entry-1"])
    assert course.published_at is not None and course.last_checked == dt.date.today()
    [session] = course.sessions
    assert (session.weekday, session.start_time, session.venue.key) == ("thu", dt.time(18), "toxteth-hall")
    assert course.translation("ar").title == "دروس مسائية"

    assert save(services, listing(), actor="cora") == (course_id, "unchanged")
    assert save(services, listing(title="Toxteth Evening ESOL"), actor="cora") == (course_id, "updated")

    entries = audit_trail(services, "course", course_id)
    assert [(e.action, e.actor) for e in entries] == [("create", "cora"), ("update", "cora")]
    assert entries[0].before is None and entries[0].after["title"] == "Toxteth Evening English"
    assert (entries[1].before["title"], entries[1].after["title"]) == ("Toxteth Evening English", "Toxteth Evening ESOL")
    assert course_by_key(services, "toxteth-evening").translation("ar") is not None  # not given: kept


def test_save_course_makes_a_new_course_a_draft_unless_told(services):
    save(services, listing())
    assert course_by_key(services, "toxteth-evening").status == "draft"
    assert course_by_key(services, "toxteth-evening").published_at is None


def test_set_status_archives_and_republishes_and_the_search_follows(fixture_catalogue, told):
    services = fixture_catalogue
    course_id = ids_by_key(services)["conversation-club"]
    assert "conversation-club" in found(services, "q=conversation")
    start = version(services)

    course = services.catalogue.set_status(course_id, "archived", actor="cora")
    assert course.status == "archived" and course_by_key(services, "conversation-club").status == "archived"
    [entry] = [e for e in audit_trail(services, "course", course_id) if e.action == "archived"]
    assert entry.actor == "cora" and (entry.before["status"], entry.after["status"]) == ("published", "archived")
    assert version(services) == start + 1 and told == [([course_id], start + 1)]
    assert "conversation-club" not in found(services, "q=conversation")

    services.catalogue.set_status(course_id, "published", actor="cora")
    assert version(services) == start + 2
    assert "conversation-club" in found(services, "q=conversation")


def test_set_status_refuses_an_unknown_status_or_course_and_writes_nothing(fixture_catalogue, told):
    services = fixture_catalogue
    start, entries = version(services), len(audit_trail(services))
    with pytest.raises(ValueError):
        services.catalogue.set_status(ids_by_key(services)["conversation-club"], "deleted")
    with pytest.raises(LookupError):
        services.catalogue.set_status(999_999, "archived")
    assert (version(services), len(audit_trail(services)), told) == (start, entries, [])
    assert course_by_key(services, "conversation-club").status == "published"


def test_mark_checked_records_the_date_and_a_stale_listing_leaves_the_search(fixture_catalogue, told):
    services = fixture_catalogue
    course_id = ids_by_key(services)["welcome-cafe"]
    long_ago = dt.date.today() - dt.timedelta(days=400)
    start = version(services)

    services.catalogue.mark_checked(course_id, actor="partner@example.org", on=long_ago)
    assert course_by_key(services, "welcome-cafe").last_checked == long_ago
    [entry] = [e for e in audit_trail(services, "course", course_id) if e.action == "checked"]
    assert entry.actor == "partner@example.org" and entry.after["last_checked"] == long_ago.isoformat()
    assert version(services) == start + 1 and told == [([course_id], start + 1)]
    assert "welcome-cafe" not in found(services, "q=tea")

    services.catalogue.mark_checked(course_id)  # checked today
    assert course_by_key(services, "welcome-cafe").last_checked == dt.date.today()
    assert "welcome-cafe" in found(services, "q=tea")
    with pytest.raises(LookupError):
        services.catalogue.mark_checked(999_999)


# -- submissions and moderation --------------------------------------------------------------


def test_submit_keeps_a_pending_submission_for_the_right_organisation_and_changes_no_listing(fixture_catalogue,
                                                                                            told):
    services = fixture_catalogue
    course_id = ids_by_key(services)["entry-1-day"]
    start = version(services)
    submission = services.catalogue.submit("report", {"details": "It moved to Tuesdays."}, course_id=course_id,
                                           problem="wrong-time", submitter_name="N" * 300,
                                           submitter_email="parent@example.org")
    with services.sessions() as db:
        stored = db.get(Submission, submission.id)
        college = db.scalar(select(Organisation).where(Organisation.key == "college"))
        assert (stored.kind, stored.status, stored.problem, stored.payload) == (
            "report", "pending", "wrong-time", {"details": "It moved to Tuesdays."})
        assert stored.organisation_id == college.id and stored.course_id == course_id
        assert len(stored.submitter_name) == 200 and stored.submitter_email == "parent@example.org"
    [entry] = audit_trail(services, "submission", submission.id)
    assert (entry.action, entry.actor, entry.after["problem"]) == ("submit", "public", "wrong-time")
    assert version(services) == start and told == []


def test_save_listing_stores_a_new_listing_at_once_with_its_venue_and_organisation(services, told):
    start = version(services)
    course = services.catalogue.save_listing(prepared(services, payload()), status="published", actor="cora")
    stored = course_by_key(services, course.key)
    assert stored.key == "toxteth-friends-zanzibar-welcome-english"
    assert (stored.title, stored.status, stored.source, stored.creche) == (
        "Zanzibar Welcome English", "published", "backoffice", "on-site")
    assert stored.organisation.name == "Toxteth Friends" and stored.organisation.email == "hello@toxteth.example.org"
    [session] = stored.sessions
    assert (session.venue.name, session.venue.postcode) == ("Toxteth Library", "L8 1XF")
    assert session.venue.latitude is not None  # placed from the postcode
    assert stored.translation("ar").title == "دروس الإنجليزية"
    assert [(e.action, e.actor) for e in audit_trail(services, "course", course.id)] == [("create", "cora")]
    assert version(services) == start + 1 and told == [([course.id], start + 1)]
    assert course.key in found(services, "q=zanzibar")


def test_save_listing_edits_a_course_and_an_unchanged_form_changes_nothing(fixture_catalogue, told):
    services = fixture_catalogue
    course_id = ids_by_key(services)["mums-creche"]
    start = version(services)
    services.catalogue.save_listing(edited(services, course_id, title="English for Mums and Dads"), course_id=course_id,
                                    actor="cora")
    assert course_by_key(services, "mums-creche").title == "English for Mums and Dads"
    assert count(services, Venue) == 4  # the form's venue is the one already known, not a copy
    assert version(services) == start + 1 and told == [([course_id], start + 1)]
    assert "mums-creche" in found(services, "q=dads")

    entries = len(audit_trail(services))
    services.catalogue.save_listing(edited(services, course_id), course_id=course_id, actor="cora")
    assert (version(services), len(audit_trail(services)), len(told)) == (start + 1, entries, 1)
    with pytest.raises(LookupError):
        services.catalogue.save_listing(edited(services, course_id), course_id=999_999)


def test_approving_a_new_listing_publishes_it_and_closes_the_submission(services, told):
    submission = services.catalogue.submit("new", payload(), submitter_email="amina@example.org")
    start = version(services)
    approved = services.catalogue.approve_submission(
        submission.id, prepared(services, submission.payload), actor="cora@example.org")
    assert (approved.status, approved.decided_by) == ("approved", "cora@example.org")
    assert approved.decided_at is not None
    course = course_by_key(services, "toxteth-friends-zanzibar-welcome-english")
    assert course.status == "published" and course.source == "public"
    assert approved.course_id == course.id and approved.organisation_id == course.organisation_id
    assert [e.action for e in audit_trail(services, "submission", submission.id)] == ["submit", "approved"]
    assert [e.action for e in audit_trail(services, "course", course.id)] == ["create"]
    assert version(services) == start + 1 and told == [([course.id], start + 1)]
    assert course.key in found(services, "q=zanzibar")
    with pytest.raises(ValueError, match="already decided"):
        services.catalogue.approve_submission(submission.id, prepared(services, submission.payload))


def test_approving_a_change_applies_it_to_the_live_listing(fixture_catalogue, told):
    services = fixture_catalogue
    course_id = ids_by_key(services)["level-1"]
    change = edited(services, course_id, title="Level 1 English and maths")
    submission = services.catalogue.submit("change", {}, course_id=course_id)
    services.catalogue.approve_submission(submission.id, change, actor="cora")
    course = course_by_key(services, "level-1")
    assert course.title == "Level 1 English and maths" and course.status == "published"
    [entry] = [e for e in audit_trail(services, "course", course_id) if e.action == "update"]
    assert (entry.before["title"], entry.after["title"]) == ("Level 1 English", "Level 1 English and maths")
    assert told and told[-1][0] == [course_id]
    assert "level-1" in found(services, "q=maths")


def test_approving_a_stop_archives_the_class_and_a_report_is_just_resolved(fixture_catalogue, told):
    services = fixture_catalogue
    ids = ids_by_key(services)
    stop = services.catalogue.submit("stop", {}, course_id=ids["welcome-cafe"])
    report = services.catalogue.submit("report", {"details": "Wrong room"}, course_id=ids["entry-2-evening"],
                                       problem="wrong-address")
    start = version(services)

    assert services.catalogue.approve_submission(stop.id, actor="cora").status == "approved"
    assert course_by_key(services, "welcome-cafe").status == "archived"
    assert [e.action for e in audit_trail(services, "course", ids["welcome-cafe"])][-1] == "archived"
    assert "welcome-cafe" not in found(services, "q=tea")
    assert version(services) == start + 1 and told == [([ids["welcome-cafe"]], start + 1)]

    assert services.catalogue.approve_submission(report.id, actor="cora").status == "resolved"
    assert course_by_key(services, "entry-2-evening").status == "published"
    assert version(services) == start + 1 and len(told) == 1  # no listing changed


def test_decide_submission_rejects_or_asks_for_changes_with_a_reason(services, told):
    rejected = services.catalogue.submit("new", payload(), submitter_email="amina@example.org")
    asked = services.catalogue.submit("new", payload(title="Another class"), submitter_email="amina@example.org")
    start = version(services)

    decided = services.catalogue.decide_submission(rejected.id, "rejected", "This is not an English class.",
                                                   actor="cora")
    assert (decided.status, decided.reason, decided.decided_by) == ("rejected", "This is not an English class.", "cora")
    services.catalogue.decide_submission(asked.id, "changes-requested", "Which room?", actor="cora")
    with services.sessions() as db:
        assert db.get(Submission, asked.id).status == "changes-requested"
    [entry] = [e for e in audit_trail(services, "submission", rejected.id) if e.action == "rejected"]
    assert entry.after == {"status": "rejected", "reason": "This is not an English class."}
    assert count(services, Course) == 0 and version(services) == start and told == []

    with pytest.raises(ValueError):
        services.catalogue.decide_submission(rejected.id, "changes-requested", "again")  # already decided
    with pytest.raises(ValueError):
        services.catalogue.decide_submission(asked.id, "approved", "not this way")
    with pytest.raises(LookupError):
        services.catalogue.decide_submission(999_999, "rejected", "")


def test_restore_version_brings_back_the_content_as_the_audit_entry_recorded_it(fixture_catalogue, told):
    services = fixture_catalogue
    ids = ids_by_key(services)
    course_id = ids["level-1"]
    [created] = [e for e in audit_trail(services, "course", course_id) if e.action == "create"]
    services.catalogue.save_listing(edited(services, course_id, title="Level 1 English and maths",
                                           description="Now with maths."), course_id=course_id, actor="cora")
    services.catalogue.set_status(course_id, "archived", actor="cora")
    start = version(services)

    services.catalogue.restore_version(course_id, created.id, actor="cora")
    course = course_by_key(services, "level-1")
    assert (course.title, course.description) == ("Level 1 English", "Functional skills in reading and writing.")
    assert course.status == "archived"  # the content comes back, not the status
    assert course.translation("ar").title == "اللغة الإنجليزية المستوى الأول"
    [restore] = [e for e in audit_trail(services, "course", course_id) if e.action == "restore"]
    assert (restore.actor, restore.before["title"], restore.after["title"]) == (
        "cora", "Level 1 English and maths", "Level 1 English")
    assert version(services) == start + 1 and told[-1] == ([course_id], start + 1)

    [other] = [e for e in audit_trail(services, "course", ids["welcome-cafe"]) if e.action == "create"]
    with pytest.raises(LookupError):
        services.catalogue.restore_version(course_id, other.id)  # another course's history


def test_set_trusted_is_stored_and_audited_without_touching_the_listings(fixture_catalogue, told):
    services = fixture_catalogue
    with services.sessions() as db:
        library_id = db.scalar(select(Organisation.id).where(Organisation.key == "library"))
    start = version(services)
    services.catalogue.set_trusted(library_id, True, actor="cora")
    with services.sessions() as db:
        assert db.get(Organisation, library_id).trusted is True
    services.catalogue.set_trusted(library_id, False, actor="cora")
    with services.sessions() as db:
        assert db.get(Organisation, library_id).trusted is False
    entries = audit_trail(services, "organisation", library_id)
    assert [(e.action, e.before, e.after) for e in entries] == [
        ("trusted", {"trusted": False}, {"trusted": True}), ("untrusted", {"trusted": True}, {"trusted": False})]
    assert version(services) == start and told == []
    with pytest.raises(LookupError):
        services.catalogue.set_trusted(999_999, True)


def test_check_token_is_made_once_per_listing_and_kept(fixture_catalogue):
    services = fixture_catalogue
    ids = ids_by_key(services)
    token = services.catalogue.check_token(ids["entry-1-day"])
    assert len(token) >= 32
    assert services.catalogue.check_token(ids["entry-1-day"]) == token
    assert services.catalogue.check_token(ids["level-1"]) != token
    with services.sessions() as db:
        assert db.scalar(select(CheckToken.course_id).where(CheckToken.token == token)) == ids["entry-1-day"]
    assert [e.action for e in audit_trail(services, "course", ids["entry-1-day"])].count("check-link") == 1


# -- whole catalogues and imports ------------------------------------------------------------


def test_load_catalogue_creates_then_finds_nothing_to_do_then_updates(services, told):
    start = version(services)
    report = services.catalogue.load_catalogue(factories.fixture_catalogue(), source="tests", actor="loader")
    assert (report.organisations, report.venues, report.created, report.updated, report.unchanged) == (4, 4, 7, 0, 0)
    assert count(services, Course) == 7 and version(services) == start + 1
    assert told == [(report.course_ids, start + 1)] and len(report.course_ids) == 7
    assert {e.actor for e in audit_trail(services, "course")} == {"loader"}
    assert found(services, "q=tea") == {"conversation-club", "welcome-cafe"}

    again = services.catalogue.load_catalogue(factories.fixture_catalogue())
    assert (again.created, again.updated, again.unchanged, again.course_ids) == (0, 0, 7, [])
    assert version(services) == start + 1 and len(told) == 1

    data = factories.fixture_catalogue()
    data["courses"][0]["title"] = "ESOL Entry 1 mornings"
    changed = services.catalogue.load_catalogue(data)
    assert (changed.updated, changed.unchanged) == (1, 6)
    assert course_by_key(services, "entry-1-day").title == "ESOL Entry 1 mornings"
    assert version(services) == start + 2 and told[-1] == (changed.course_ids, start + 2)


def test_load_catalogue_is_all_or_nothing_when_one_course_is_wrong(fixture_catalogue, told):
    services = fixture_catalogue
    start, entries = version(services), len(audit_trail(services))
    data = factories.fixture_catalogue()
    data["courses"][0]["title"] = "Renamed by a file that is wrong"
    data["courses"].append(factories.course("new-good", "A good new class", "library"))
    data["courses"].append(factories.course("new-bad", "A class with no level", "library", levels=["level-9"],
                                            sessions=[factories.session("mon", "12:00", "10:00", "nowhere")]))
    with pytest.raises(domain.ValidationErrors) as caught:
        services.catalogue.load_catalogue(data)
    assert set(caught.value.errors) == {"new-bad: levels", "new-bad: sessions.1"}
    assert course_by_key(services, "entry-1-day").title == "ESOL Entry 1"
    assert course_by_key(services, "new-good") is None and count(services, Course) == 7
    assert (version(services), len(audit_trail(services)), told) == (start, entries, [])
    assert found(services, "q=good") == set()


def import_row(number=2, key="toxteth-evening", status="published", **listing_extra) -> PreparedRow:
    return PreparedRow(
        number=number, key=key, status=status,
        listing=listing(organisation="Toxteth Women's Centre", venue="toxteth-hall", **listing_extra),
        organisation={"key": "toxteth-womens-centre", "name": "Toxteth Women's Centre", "kind": "community"},
        venues=[{"key": "toxteth-hall", "name": "Toxteth Hall", "address": "Park Road", "postcode": "L8 6SQ"}],
        translations={})


def test_import_rows_dry_run_says_what_would_happen_and_writes_nothing(services, told):
    start = version(services)
    report = services.catalogue.import_rows([import_row()], actor="importer", dry_run=True)
    assert report.outcomes == {2: "created"} and report.version is None
    assert (count(services, Course), count(services, Organisation), count(services, Venue)) == (0, 0, 0)
    assert (count(services, AuditEntry), version(services), told) == (0, start, [])
    assert found(services, "q=toxteth") == set()


def test_import_rows_writes_every_row_in_one_version_and_twice_is_nothing(services, told):
    start = version(services)
    rows = [import_row(), import_row(3, "toxteth-morning", None, title="Toxteth Morning English")]
    report = services.catalogue.import_rows(rows, actor="importer", default_status="published")
    assert report.outcomes == {2: "created", 3: "created"} and report.version == start + 1
    assert version(services) == start + 1 and told == [(report.course_ids, start + 1)]
    assert course_by_key(services, "toxteth-morning").status == "published"  # the default, as the row gave none
    with services.sessions() as db:
        hall = db.scalar(select(Venue).where(Venue.key == "toxteth-hall"))
        assert hall.latitude == pytest.approx(53.3855, abs=0.005) and hall.organisation.key == "toxteth-womens-centre"
        assert db.scalar(select(func.count()).select_from(CourseSession)) == 2
    actions = {(e.entity, e.action) for e in audit_trail(services) if e.actor == "importer"}
    assert actions == {("organisation", "create"), ("venue", "create"), ("course", "create")}
    assert found(services, "q=toxteth") == {"toxteth-evening", "toxteth-morning"}

    again = services.catalogue.import_rows(rows, actor="importer", default_status="published")
    assert again.outcomes == {2: "unchanged", 3: "unchanged"} and again.version is None
    assert version(services) == start + 1 and len(told) == 1


def test_import_rows_that_change_courses_audit_each_change_with_the_snapshots_the_orm_reads(services, told):
    from finder.operations.catalogue import course_snapshot

    def snapshots() -> dict:
        with services.sessions() as db:
            return {c.key: course_snapshot(c) for c in db.scalars(select(Course).order_by(Course.id))}

    first = [import_row(), import_row(3, "toxteth-morning", None, title="Toxteth Morning English")]
    first[0].translations = {"ar": {"title": "الإنجليزية مساءً", "description": "صف ودود"}}
    services.catalogue.import_rows(first, actor="first", default_status="published")
    before = snapshots()
    changed = [import_row(title="Toxteth Evening English (new time)",
                          sessions=[{"weekday": "fri", "start": "18:30", "end": "20:30", "venue": "toxteth-hall"}]),
               import_row(3, "toxteth-morning", None, title="Toxteth Morning English")]
    changed[0].translations = {"ar": {"title": "", "description": ""}}  # both blank: the translation goes
    changed[0].organisation = {**changed[0].organisation, "website": "https://toxteth.example.org"}
    changed[0].venues = [{**changed[0].venues[0], "address": "1 Park Road"}]
    report = services.catalogue.import_rows(changed, actor="second")
    after = snapshots()
    ids = ids_by_key(services)
    # Row 3's course is as it was; its venue changed in row 2, so its page (and index entry) changes too.
    assert report.outcomes == {2: "updated", 3: "unchanged"}
    assert sorted(report.course_ids) == sorted(ids.values()) and told[-1] == (report.course_ids, report.version)
    entries = [e for e in audit_trail(services) if e.actor == "second"]
    assert [(e.entity, e.action) for e in entries] == [("organisation", "update"), ("venue", "update"),
                                                        ("course", "update")]
    organisation, venue, course = entries
    assert (organisation.before["website"], organisation.after["website"]) == ("", "https://toxteth.example.org")
    assert (venue.before["address"], venue.after["address"]) == ("Park Road", "1 Park Road")
    assert venue.after["latitude"] == pytest.approx(53.3855, abs=0.005)
    assert course.entity_id == ids["toxteth-evening"]
    assert course.before == before["toxteth-evening"] and course.after == after["toxteth-evening"]
    assert after["toxteth-evening"]["translations"] == {} and after["toxteth-evening"]["sessions"][0]["weekday"] == "fri"
    assert after["toxteth-morning"] == before["toxteth-morning"]
    assert found(services, "q=toxteth") == {"toxteth-evening", "toxteth-morning"}


def test_import_rows_without_a_status_leaves_new_courses_pending(services):
    services.catalogue.import_rows([import_row(status=None)])
    assert course_by_key(services, "toxteth-evening").status == "pending"
    assert found(services, "q=toxteth") == set()


# -- short links and the outbox --------------------------------------------------------------


def test_short_links_are_stable_whatever_the_order_and_open_only_known_pages(services):
    links = ShortLinks(services.sessions)
    code = links.code_for("/search", "q=english&creche=1&level=")
    assert len(code) == MIN_LENGTH and set(code) <= set(ALPHABET)
    assert links.code_for("/search", [("creche", "1"), ("q", "english")]) == code
    assert ShortLinks(services.sessions).resolve(code) == "/search?creche=1&q=english"
    assert links.code_for("/signpost", "q=english&creche=1") != code
    assert links.resolve(links.code_for("/map", "")) == "/map"
    with pytest.raises(ValueError):
        links.code_for("/backoffice/users", "")
    assert links.resolve("zzzzzz") is None  # well formed, never made
    assert links.resolve("../etc") is None and links.resolve("0o1l") is None


def test_the_outbox_keeps_every_message_newest_first_and_skips_a_blank_address(services):
    mailer = Mailer(services.settings, services.sessions)
    assert not mailer.configured
    assert mailer.send("  ", "Nobody", "Body") is None
    mailer.send("first@example.org", "First", "One")
    mailer.send(" second@example.org ", "S" * 400, "Two")
    messages = mailer.outbox()
    assert [m.to for m in messages] == ["second@example.org", "first@example.org"]
    assert len(messages[0].subject) == 300 and all(m.sent_at is None for m in messages)
