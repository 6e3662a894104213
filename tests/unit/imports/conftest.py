"""Fixtures for the import and export tests: spreadsheet rows as dicts, written as real bytes."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from finder.imports.plan import commit, make_plan
from finder.models import AuditEntry, CatalogueState, Course

EXPECTED = Path(__file__).parent / "expected"

# Real Liverpool postcodes: Dingle Children's Centre area and Central Library.
GOOD_POSTCODE = "L8 6SQ"
OTHER_POSTCODE = "L3 8EW"
# Shaped like a postcode, but no such postcode exists (the test checks it is unknown).
UNKNOWN_POSTCODE = "L1 9ZZ"

HEADINGS = ["id", "title", "organisation", "organisation_kind", "description", "kind", "levels", "creche",
            "venue_name", "venue_address", "venue_postcode",
            "session_1_day", "session_1_start", "session_1_end", "session_2_day", "session_2_start", "session_2_end"]


def row(key: str, title: str, **overrides) -> dict:
    data = {"id": key, "title": title, "organisation": "Toxteth Women's Centre", "organisation_kind": "community",
            "description": "A friendly class.", "kind": "informal", "levels": "entry-1; entry-2", "creche": "on-site",
            "venue_name": "Toxteth Women's Centre", "venue_address": "Park Road, Liverpool",
            "venue_postcode": GOOD_POSTCODE, "session_1_day": "tue", "session_1_start": "10:00",
            "session_1_end": "12:00"}
    data.update(overrides)
    return data


def csv_bytes(rows: list[dict], headings=None, encoding="utf-8", bom=False, blank_rows=(), delimiter=",") -> bytes:
    headings = headings or list(dict.fromkeys(HEADINGS + [k for r in rows for k in r]))
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(headings)
    for index, item in enumerate(rows):
        if index in blank_rows:
            writer.writerow([""] * len(headings))
        writer.writerow([item.get(name, "") for name in headings])
    text = buffer.getvalue()
    return (("\ufeff" if bom else "") + text).encode(encoding)


def xlsx_bytes(rows: list[dict], headings=None) -> bytes:
    from openpyxl import Workbook

    headings = headings or list(dict.fromkeys(HEADINGS + [k for r in rows for k in r]))
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headings)
    for item in rows:
        sheet.append([item.get(name, "") for name in headings])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def plan_file(services):
    """Dry-run a file: returns the plan; nothing is written."""
    def run(content: bytes, filename: str = "courses.csv", **options):
        return make_plan(services, content, filename, **options)
    return run


@pytest.fixture
def import_file(services):
    """Dry-run then commit a file (the plan must be clean): returns the committed plan."""
    def run(content: bytes, filename: str = "courses.csv", **options):
        plan = make_plan(services, content, filename, **options)
        assert plan.ok, plan.as_text()
        return commit(services, plan, actor="test", **options)
    return run


@pytest.fixture
def catalogue_state(services):
    """(courses, catalogue version, audit entries): what an import that changes nothing must leave alone."""
    def read():
        with services.sessions() as db:
            return (db.scalar(select(func.count(Course.id))),
                    db.scalar(select(CatalogueState.version).where(CatalogueState.id == 1)) or 0,
                    db.scalar(select(func.count(AuditEntry.id))))
    return read


def assert_matches_expected(name: str, actual: str) -> None:
    """Compare a report with the stored expected output, so a change in what users see is a visible diff.

    Set ESOL_FINDER_UPDATE_EXPECTED=1 to rewrite the stored files after an intended change.
    """
    import os

    path = EXPECTED / name
    if os.environ.get("ESOL_FINDER_UPDATE_EXPECTED") == "1":
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"no expected output stored at {path}: run with ESOL_FINDER_UPDATE_EXPECTED=1 once"
    expected = path.read_text(encoding="utf-8")
    if name.endswith(".json"):
        assert json.loads(actual) == json.loads(expected)
    assert actual == expected
