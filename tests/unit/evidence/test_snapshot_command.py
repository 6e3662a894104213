"""`esol-finder evidence snapshot` keeps this month's provision counts, once."""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner

from finder.cli import main
from finder.domain import evidence as rules
from finder.evidence import provision


@pytest.fixture
def env(fixture_catalogue, monkeypatch):
    services = fixture_catalogue
    monkeypatch.setenv("ESOL_FINDER_DATA_DIR", str(services.settings.data_dir))
    monkeypatch.setenv("ESOL_FINDER_DATABASE_URL", services.settings.database_url)
    monkeypatch.setenv("ESOL_FINDER_SECRET_KEY", "test-secret")
    return services


def test_the_snapshot_command_takes_this_month_once(env):
    month = rules.month_key(dt.date.today())
    first = CliRunner().invoke(main, ["evidence", "snapshot"])
    assert first.exit_code == 0, first.output
    assert f"Provision snapshot for {month} taken (1 months kept)." in first.output
    again = CliRunner().invoke(main, ["evidence", "snapshot"])
    assert again.exit_code == 0 and "was already taken" in again.output
    [point] = provision.trend(env.sessions)  # variety: 10 level × time × crèche combinations in the fixtures
    assert (point.month, point.courses, point.sessions, point.variety) == (month, 7, 8, 10)
