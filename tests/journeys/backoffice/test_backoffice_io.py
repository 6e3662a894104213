"""The back-office import and export pages over HTTP: coordinators only, CSRF enforced."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from finder.models import Course
from tests.accounts import csrf_from, log_in, make_user
from tests.spreadsheets import UNKNOWN_POSTCODE, csv_bytes, row

pytestmark = pytest.mark.postgres


@pytest.fixture
def coordinator_client(client, services):
    make_user(services)
    log_in(client)
    return client


def upload(client, content: bytes, filename="courses.csv", status="", token=None):
    token = token if token is not None else csrf_from(client.get("/backoffice/import").text)
    return client.post("/backoffice/import", data={"csrf_token": token, "status": status},
                       files={"file": (filename, content, "text/csv")})


def course_keys(services) -> dict[str, str]:
    with services.sessions() as db:
        return dict(db.execute(select(Course.key, Course.status)).all())


def test_upload_dry_run_then_confirm(coordinator_client, services, client):
    page = coordinator_client.get("/backoffice/import")
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.text and "/backoffice/import/template.xlsx" in page.text

    checked = upload(coordinator_client, csv_bytes([row("a", "Sewing and English"), row("b", "Café English")],
                                                   bom=True), status="published")
    assert checked.status_code == 200
    assert "Nothing has changed yet" in checked.text
    assert "2 new, 0 changed, 0 with no change, 0 to fix." in checked.text
    assert "Import 2 courses" in checked.text
    assert course_keys(services) == {}  # a dry run writes nothing

    token = checked.text.split('name="token" value="', 1)[1].split('"', 1)[0]
    done = coordinator_client.post("/backoffice/import/confirm", data={
        "csrf_token": csrf_from(checked.text), "token": token})
    assert done.status_code == 200 and "Import complete" in done.text
    assert course_keys(services) == {"a": "published", "b": "published"}
    assert [r["title"] for r in client.get("/search.json?q=sewing").json()["results"]] == ["Sewing and English"]

    # The token is used up: confirming again imports nothing twice.
    again = coordinator_client.post("/backoffice/import/confirm", data={
        "csrf_token": csrf_from(checked.text), "token": token})
    assert again.status_code == 410 and "expired or was already imported" in again.text


def test_a_file_with_wrong_rows_shows_them_and_offers_no_import(coordinator_client, services):
    response = upload(coordinator_client, csv_bytes([row("a", "Good"), row("b", "<script>alert(1)</script>",
                                                                           venue_postcode=UNKNOWN_POSTCODE)]))
    assert response.status_code == 422
    assert "Some rows need fixing" in response.text
    assert "Row 3, column venue_postcode: The postcode “L1 9ZZ” does not exist." in response.text.replace(
        "&#39;", "'")
    assert "<script>alert(1)</script>" not in response.text and "&lt;script&gt;" in response.text
    assert 'name="token"' not in response.text
    assert course_keys(services) == {}


def test_the_same_file_twice_has_nothing_to_import(coordinator_client, services):
    content = csv_bytes([row("a", "A")])
    first = upload(coordinator_client, content)
    token = first.text.split('name="token" value="', 1)[1].split('"', 1)[0]
    coordinator_client.post("/backoffice/import/confirm", data={"csrf_token": csrf_from(first.text), "token": token})
    second = upload(coordinator_client, content)
    assert "0 new, 0 changed, 1 with no change, 0 to fix." in second.text
    assert "There is nothing to import" in second.text and 'name="token"' not in second.text


def test_too_large_and_wrong_kinds_of_file(coordinator_client, services):
    services.settings = services.settings.with_(import_max_bytes=2000)
    big = upload(coordinator_client, csv_bytes([row(f"c{i}", f"Class {i}") for i in range(40)]))
    assert big.status_code == 413
    assert "The file is too large" in big.text
    wrong = upload(coordinator_client, b"%PDF-1.4 not a spreadsheet", filename="courses.pdf")
    assert wrong.status_code == 400 and "Upload a CSV (.csv) or Excel (.xlsx) file." in wrong.text
    nothing = upload(coordinator_client, b"", filename="")
    assert nothing.status_code == 400 and "Choose a CSV or Excel file to upload." in nothing.text


def test_csrf_is_enforced(coordinator_client, services):
    response = upload(coordinator_client, csv_bytes([row("a", "A")]), token="forged")
    assert response.status_code == 403
    assert course_keys(services) == {}
    confirm = coordinator_client.post("/backoffice/import/confirm", data={"token": "x" * 43})
    assert confirm.status_code == 403


def test_only_coordinators(client, services, fixture_catalogue):
    for path in ("/backoffice/import", "/backoffice/export.csv", "/backoffice/import/template.xlsx"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/backoffice/login")
    make_user(services, email="partner@example.org", role="partner", organisation_key="library", name="Pat")
    log_in(client, email="partner@example.org")
    assert client.get("/backoffice/import").status_code == 403
    assert client.get("/backoffice/export.xlsx").status_code == 403


def test_export_and_template_downloads(coordinator_client, fixture_catalogue):
    exported = coordinator_client.get("/backoffice/export.csv")
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/csv")
    assert "attachment" in exported.headers["content-disposition"]
    assert exported.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert len(rows) == 7 and next(r for r in rows if r["id"] == "level-1")["title_ar"]

    workbook = load_workbook(io.BytesIO(coordinator_client.get("/backoffice/export.xlsx?published=1").content))
    assert workbook["Courses"].max_row == 8

    template = load_workbook(io.BytesIO(coordinator_client.get("/backoffice/import/template.xlsx").content))
    assert template.sheetnames == ["Courses", "Columns"]
    assert coordinator_client.get("/backoffice/import/template.csv").content.startswith(b"\xef\xbb\xbfid,title,")
    assert coordinator_client.get("/backoffice/export.pdf").status_code == 404

    # What was exported imports back with nothing to change.
    checked = upload(coordinator_client, exported.content, filename="export.csv")
    assert "0 new, 0 changed, 7 with no change, 0 to fix." in checked.text
