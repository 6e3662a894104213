"""Export in the import columns: export then import changes nothing."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from finder.imports import columns, exports, tabular
from finder.models import Course
from tests import factories

pytestmark = pytest.mark.postgres


@pytest.fixture
def rich_catalogue(services):
    """The fixture catalogue plus a course that uses every awkward corner of the columns."""
    data = factories.fixture_catalogue()
    data["courses"].append(factories.course(
        "everything", "=HYPERLINK(\"http://evil.example\")", "centre",
        [factories.session("mon", "09:00", "11:00", "centre-dingle", frequency="fortnightly", term_time_only=True,
                           valid_from="2026-09-07", valid_to="2027-07-19"),
         factories.session("wed", "13:00", "15:00", "library-central"),
         factories.session("fri", "18:00", "19:30", "centre-dingle")],
        kind="formal", levels=["entry-3", "level-1"], audiences=["women", "16-18"], cost="fee", fee_note="£40 a term",
        eligibility=["refugees", "asylum-seekers"], creche="childcare-support", creche_ages="0 to 5",
        creche_booking=True, mode="blended", languages=["ar", "zh_Hans", "uk"], join_method="book",
        enrolment="next-start", next_start="2027-01-11", contact_name="Sara", contact_phone="+44 151 000 2000",
        contact_email="sara@centre.example.org", website="https://centre.example.org/esol",
        description="Line one.\nLine two, with “quotes”, commas; and semicolons.",
        translations={"ar": {"title": "الإنجليزية للنساء", "description": "وصف"},
                      "zh_Hans": {"title": "妇女英语", "description": ""},
                      "uk": {"title": "Англійська", "description": "Опис"}}))
    services.catalogue.load_catalogue(data)
    services.catalogue.set_status(_course_id(services, "online-speaking"), "draft")
    return services


def _course_id(services, key):
    from sqlalchemy import select

    from finder.models import Course

    with services.sessions() as db:
        return db.scalar(select(Course.id).where(Course.key == key))


def export_bytes(services, fmt, published_only=False):
    with services.sessions() as db:
        return exports.render(exports.export_catalogue(db, published_only=published_only).rows, fmt)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_changes_nothing(rich_catalogue, plan_file, import_file, catalogue_state, fmt):
    content = export_bytes(rich_catalogue, fmt)
    before = catalogue_state()
    plan = plan_file(content, f"export.{fmt}")
    assert plan.ok, plan.as_text()
    assert len(plan.rows) == 8
    assert {r.outcome for r in plan.rows} == {"unchanged"}, plan.as_text()
    import_file(content, f"export.{fmt}")
    assert catalogue_state() == before
    # And exporting again gives the same file, byte for byte (CSV) or cell for cell (XLSX).
    again = export_bytes(rich_catalogue, fmt)
    if fmt == "csv":
        assert again == content


def test_export_into_an_empty_catalogue_recreates_it(rich_catalogue, tmp_path):
    from finder.imports.plan import commit, make_plan
    from finder.services import build_services
    from finder.settings import load_settings

    content = export_bytes(rich_catalogue, "xlsx")
    fresh = build_services(load_settings(data_dir=tmp_path / "fresh", database_url=f"sqlite:///{tmp_path / 'f.db'}",
                                         secret_key="x"), postcodes=rich_catalogue.postcodes.directory)
    fresh.prepare()
    try:
        plan = make_plan(fresh, content, "export.xlsx")
        assert plan.ok, plan.as_text()
        commit(fresh, plan, actor="test")
        assert export_bytes(fresh, "xlsx") and export_bytes(fresh, "csv") == export_bytes(rich_catalogue, "csv")
    finally:
        fresh.close()


def test_csv_export_opens_in_excel_with_arabic_and_no_formulas(rich_catalogue):
    content = export_bytes(rich_catalogue, "csv")
    assert content.startswith(b"\xef\xbb\xbf")  # UTF-8 byte order mark: Excel then reads Arabic correctly
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert list(rows[0]) == columns.NAMES
    everything = next(r for r in rows if r["id"] == "everything")
    assert everything["title"] == "'=HYPERLINK(\"http://evil.example\")"
    assert everything["contact_phone"] == "'+44 151 000 2000"
    assert everything["title_ar"] == "الإنجليزية للنساء" and everything["title_zh_hans"] == "妇女英语"
    assert everything["levels"] == "entry-3; level-1"
    assert (everything["session_2_day"], everything["session_2_venue_id"]) == ("wed", "library-central")
    assert everything["session_3_venue_id"] == ""  # same venue as the course's own
    assert everything["session_1_from"] == "2026-09-07" and everything["session_1_term_time_only"] == "yes"


def test_xlsx_export_keeps_formula_like_text_as_text(rich_catalogue):
    workbook = load_workbook(io.BytesIO(export_bytes(rich_catalogue, "xlsx")))
    sheet = workbook["Courses"]
    header = [c.value for c in sheet[1]]
    assert header == columns.NAMES
    title = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "everything")[1]
    assert title.data_type == "s" and title.value == "=HYPERLINK(\"http://evil.example\")"


def test_published_only(rich_catalogue):
    everything = {r["id"] for r in csv.DictReader(io.StringIO(export_bytes(rich_catalogue, "csv").decode("utf-8-sig")))}
    published = {r["id"] for r in csv.DictReader(io.StringIO(
        export_bytes(rich_catalogue, "csv", published_only=True).decode("utf-8-sig")))}
    assert "online-speaking" in everything and published == everything - {"online-speaking"}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_template_example_row_is_a_valid_course(services, plan_file, fmt):
    plan = plan_file(exports.template(fmt), f"template.{fmt}")
    assert plan.ok, plan.as_text()
    assert [(r.key, r.outcome) for r in plan.rows] == [("riverside-entry-1-mornings", "created")]


def test_the_xlsx_template_explains_every_column(services):
    workbook = load_workbook(io.BytesIO(exports.template("xlsx")))
    notes = {row[0]: row for row in workbook["Columns"].iter_rows(min_row=2, values_only=True)}
    assert list(notes) == columns.NAMES
    assert notes["levels"][1] == "yes" and "entry-1" in notes["levels"][3]
    assert notes["title_ar"][2] == "The title in Arabic."


def test_the_readme_documents_every_column():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Bulk import and export", 1)[1].split("\n## ", 1)[0]
    for name in columns.COURSE_COLUMNS:
        assert f"| `{name.name}` |" in section, name.name
    for pattern in ("session_N_day", "session_N_venue_postcode", "title_LOCALE", "description_LOCALE"):
        assert f"`{pattern}`" in section


@pytest.mark.parametrize("delimiter", [";", "\t", "|"])
def test_a_spreadsheet_splitting_on_other_separators_still_sees_no_formula(rich_catalogue, delimiter):
    """A cell like `x;=SUM(1` beside `2);` must not become a formula in a semicolon-separated reader."""
    with rich_catalogue.sessions.begin() as db:
        course = db.scalar(select(Course).where(Course.key == "everything"))
        course.fee_note = f"x{delimiter}=SUM(1"
        course.contact_name = f"2){delimiter}=cmd|' /C calc'!A0"
    content = export_bytes(rich_catalogue, "csv").decode("utf-8-sig")
    for line in content.splitlines()[1:]:
        # Read the way such a spreadsheet does: split on its separator, honouring the double quotes.
        for cell in next(csv.reader([line], delimiter=delimiter)):
            assert not cell.lstrip('"').startswith(("=", "+", "-", "@")), (delimiter, cell)
    # Our own importer gets the text back whole.
    table = tabular.read_table(content.encode("utf-8"), "export.csv")
    everything = next(cells for _, cells in table.rows if cells["id"] == "everything")
    assert everything["fee_note"] == f"x{delimiter}=SUM(1"
    assert everything["contact_name"] == f"2){delimiter}=cmd|' /C calc'!A0"
