"""hypothesis fuzzes the importers: any bytes, any cells, never a crash; a wrong row never gets in."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

pytest.importorskip("finder.imports.plan")

from finder.imports.columns import COURSE_COLUMNS, session_columns  # noqa: E402
from finder.imports.plan import make_plan  # noqa: E402

HEADINGS = [c.name for c in COURSE_COLUMNS] + [c.name for c in session_columns(1)]
FUZZ = hypothesis_settings(max_examples=60, deadline=None,
                           suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
cells = st.one_of(st.text(max_size=40), st.sampled_from(
    ["", "entry-1", "mon", "10:00", "25:99", "L8 6SQ", "L8 1AZ", "yes", "free", "'; DROP TABLE courses; --",
     "=cmd|' /C calc'!A0", "<script>alert(1)</script>", "2026-02-30", "javascript:alert(1)", "\x00"]))


@FUZZ
@given(content=st.binary(max_size=2000), name=st.sampled_from(["f.csv", "f.xlsx", "f.xls", "f.txt", "f"]))
def test_any_bytes_give_a_plan_or_a_plain_problem(fixture_catalogue, content, name):
    plan = make_plan(fixture_catalogue, content, name)
    assert plan.problem or plan.rows


@FUZZ
@given(rows=st.lists(st.fixed_dictionaries({h: cells for h in HEADINGS}), min_size=1, max_size=4),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
def test_any_cells_are_checked_row_by_row_without_a_crash(fixture_catalogue, rows, encoding):
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=HEADINGS)
    writer.writeheader()
    writer.writerows(rows)
    content = buffer.getvalue().encode(encoding, errors="replace")
    plan = make_plan(fixture_catalogue, content, "fuzz.csv")
    if plan.problem:
        return
    assert len(plan.rows) == len(rows)
    for row in plan.rows:
        assert row.outcome in ("created", "updated", "unchanged", "wrong")
        assert (row.outcome == "wrong") == bool(row.errors)
