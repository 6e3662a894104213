"""Fixtures for the import and export tests (the spreadsheets themselves are made by tests.spreadsheets)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from finder.imports.plan import commit, make_plan
from finder.models import AuditEntry, CatalogueState, Course

EXPECTED = Path(__file__).parent / "expected"


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
