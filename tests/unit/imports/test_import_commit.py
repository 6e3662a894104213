"""Committing an import: all or nothing, idempotent, any encoding, Arabic included."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from finder.models import AuditEntry, Course, Venue
from tests.spreadsheets import OTHER_POSTCODE, csv_bytes, row, xlsx_bytes
from tests.unit.imports.conftest import assert_matches_expected

pytestmark = pytest.mark.postgres


def courses(services) -> dict[str, Course]:
    with services.sessions() as db:
        found = db.scalars(select(Course)).all()
        for course in found:
            _ = course.sessions, course.translations, course.organisation.name, [s.venue for s in course.sessions]
        return {c.key: c for c in found}


def test_dry_run_says_what_will_happen_and_changes_nothing(fixture_catalogue, plan_file, catalogue_state, client):
    before = catalogue_state()
    rows = [
        row("new-mums", "English for mums in Toxteth"),
        # An existing course from the fixture, with a new time: an update.
        row("mums-creche", "English for Mums", organisation="Dingle Children's Centre", organisation_id="centre",
            organisation_kind="childrens-centre", description="A friendly class for mothers, with a free crèche in "
            "the next room.", levels="entry-1; entry-2", venue_name="", venue_address="", venue_postcode="",
            venue_id="centre-dingle", session_1_day="wed", session_1_start="10:30", session_1_end="12:00",
            creche="on-site", creche_ages="1 to 4 years", audiences="women; parents"),
        row("broken", "Broken class", session_1_end="25:61"),
    ]
    plan = plan_file(csv_bytes(rows), "dry-run.csv")
    assert [(r.number, r.key, r.outcome) for r in plan.rows] == [
        (2, "new-mums", "created"), (3, "mums-creche", "updated"), (4, "broken", "wrong")]
    assert plan.counts() == {"created": 1, "updated": 1, "unchanged": 0, "wrong": 1}
    assert catalogue_state() == before
    assert "new-mums" not in courses(fixture_catalogue)
    assert_matches_expected("dry_run.json", plan.as_json())


def test_commit_writes_every_row_in_one_go_and_search_finds_them(services, import_file, catalogue_state, client):
    plan = import_file(csv_bytes([
        row("new-mums", "English for mums in Toxteth"),
        row("evening", "Evening conversation", levels="mixed", session_1_day="thu", session_1_start="18:30",
            session_1_end="20:00", session_2_day="sat", session_2_start="10:00", session_2_end="11:00",
            session_2_venue_name="Central Library", session_2_venue_postcode=OTHER_POSTCODE),
    ]), default_status="published")
    assert plan.committed and plan.counts()["created"] == 2
    found = courses(services)
    evening = found["evening"]
    assert evening.status == "published" and evening.source == "import"
    assert [(s.weekday, s.venue.postcode) for s in evening.sessions] == [("thu", "L8 6SQ"), ("sat", "L3 8EW")]
    assert found["new-mums"].organisation.name == "Toxteth Women's Centre"
    with services.sessions() as db:
        venue = db.scalar(select(Venue).where(Venue.postcode == "L3 8EW"))
        assert venue.latitude == pytest.approx(53.4095, abs=0.01)
        assert db.scalar(select(AuditEntry).where(AuditEntry.entity == "course")).actor == "test"
    assert catalogue_state()[1] == 1  # one catalogue version for the whole file
    titles = [r["title"] for r in client.get("/search.json?q=conversation").json()["results"]]
    assert titles == ["Evening conversation"]


def test_new_courses_wait_for_review_unless_told_otherwise(services, import_file):
    import_file(csv_bytes([row("a", "A"), row("b", "B", status="draft")]))
    found = courses(services)
    assert (found["a"].status, found["b"].status) == ("pending", "draft")


def test_one_wrong_row_means_nothing_is_written(services, plan_file, catalogue_state):
    before = catalogue_state()
    plan = plan_file(csv_bytes([row("a", "A"), row("b", "B"), row("c", "C", levels="beginner")]))
    assert not plan.ok
    with pytest.raises(ValueError):
        from finder.imports.plan import commit
        commit(services, plan, actor="test")
    assert catalogue_state() == before


def test_importing_the_same_file_twice_changes_nothing(services, import_file, plan_file, catalogue_state):
    content = csv_bytes([row("a", "A", title_ar="صف اللغة الإنجليزية"),
                         row("b", "B", session_2_day="fri", session_2_start="13:00", session_2_end="15:00")])
    import_file(content)
    after_first = catalogue_state()
    again = plan_file(content)
    assert [r.outcome for r in again.rows] == ["unchanged", "unchanged"]
    from finder.imports.plan import commit
    commit(services, again, actor="test")
    assert catalogue_state() == after_first


@pytest.mark.parametrize("encoding, bom", [("utf-8", False), ("utf-8", True), ("cp1252", False)])
def test_utf8_with_or_without_bom_and_windows_1252(services, import_file, encoding, bom):
    content = csv_bytes([row("cafe", "Café conversation — all welcome", description="Crèche, tea and naïve questions")],
                        encoding=encoding, bom=bom)
    if encoding == "cp1252":
        assert "Café".encode("cp1252") in content and b"\xc3" not in content  # really Windows-1252 bytes
    plan = import_file(content)
    assert bool(plan.notes) == (encoding == "cp1252")
    course = courses(services)["cafe"]
    assert course.title == "Café conversation — all welcome"
    assert course.description == "Crèche, tea and naïve questions"
    assert course.creche == "on-site"


def test_arabic_text_and_translations(services, import_file, client):
    content = csv_bytes([row("arabic", "Arabic speakers welcome", title_ar="مرحباً بالناطقين بالعربية",
                             description_ar="صف ودود للمبتدئين", languages="ar")], bom=True)
    import_file(content, default_status="published")
    course = courses(services)["arabic"]
    assert course.translation("ar").title == "مرحباً بالناطقين بالعربية"
    assert course.languages == ["ar"]
    page = client.get(f"/courses/{course.id}?lang=ar").text
    assert "مرحباً بالناطقين بالعربية" in page and 'dir="rtl"' in page


def test_xlsx_with_dates_and_times_typed_as_excel_values(services, import_file):
    import datetime as dt

    content = xlsx_bytes([row("typed", "Typed values", session_1_start=dt.time(9, 30), session_1_end=dt.time(11, 0),
                              last_checked=dt.datetime(2026, 10, 1), enrolment="next-start",
                              next_start=dt.date(2027, 1, 11))])
    import_file(content, "typed.xlsx")
    course = courses(services)["typed"]
    assert course.sessions[0].start_time == dt.time(9, 30)
    assert (course.last_checked, course.next_start) == (dt.date(2026, 10, 1), dt.date(2027, 1, 11))
