"""esol-finder backup / restore: a round trip that a coordinator can trust."""

from __future__ import annotations

import contextlib
import os
import sqlite3

import pytest
from click.testing import CliRunner

from finder.cli import main
from finder.operations.backup import BackupError, backup, check_database_file, restore
from tests import factories

pytestmark = pytest.mark.skipif(bool(os.environ.get("ESOL_FINDER_TEST_DATABASE_URL")),
                                reason="SQLite backup; PostgreSQL deployments use pg_dump")


def titles(client, query="") -> list[str]:
    return sorted(r["title"] for r in client.get(f"/search.json?per_page=100{query}").json()["results"])


def test_round_trip_brings_back_exactly_what_was_saved(fixture_catalogue, client, tmp_path):
    services = fixture_catalogue
    before = titles(client)
    backup_file = backup(services.settings.database_url, tmp_path / "saved" / "catalogue.sqlite3")
    assert check_database_file(backup_file)

    # Life goes on: a course is archived and another added after the backup...
    ids = {r["title"]: r["id"] for r in client.get("/search.json?per_page=100").json()["results"]}
    services.catalogue.set_status(ids["Conversation Club"], "archived", actor="test")
    services.catalogue.load_catalogue(factories.catalogue([factories.course("new-one", "Brand new class")]),
                                      status="published")
    assert "Brand new class" in titles(client) and "Conversation Club" not in titles(client)

    report = restore(services, backup_file)
    assert report.courses == 7 and report.indexed == 7
    # ...and the restore brings back the catalogue exactly as it was, searchable at once.
    assert titles(client) == before
    assert titles(client, "&q=conversation") == ["Conversation Club"]
    assert client.get(f"/courses/{ids['Conversation Club']}").status_code == 200


def test_commands_back_up_and_restore(fixture_catalogue, tmp_path, monkeypatch):
    settings = fixture_catalogue.settings
    monkeypatch.setenv("ESOL_FINDER_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("ESOL_FINDER_DATABASE_URL", settings.database_url)
    runner = CliRunner()
    target = tmp_path / "nightly.sqlite3"
    result = runner.invoke(main, ["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert "Backup written to" in result.output and target.exists()
    assert not list(tmp_path.glob("*.partial"))

    result = runner.invoke(main, ["restore", "--yes", str(target)])
    assert result.exit_code == 0, result.output
    assert "Restored 7 courses" in result.output and "7 published courses indexed" in result.output

    result = runner.invoke(main, ["restore", str(target)], input="n\n")
    assert result.exit_code != 0 and "Aborted" in result.output


def test_restore_refuses_what_is_not_an_esol_finder_database(fixture_catalogue, client, tmp_path):
    services = fixture_catalogue
    text = tmp_path / "notes.txt"
    text.write_text("not a database at all")
    other = tmp_path / "other.sqlite3"
    with contextlib.closing(sqlite3.connect(other)) as connection:
        connection.execute("CREATE TABLE things (id INTEGER)")
    newer = tmp_path / "newer.sqlite3"
    backup(services.settings.database_url, newer)
    with contextlib.closing(sqlite3.connect(newer)) as connection, connection:
        connection.execute("UPDATE alembic_version SET version_num = 'from_the_future' "
                           "WHERE rowid = (SELECT min(rowid) FROM alembic_version)")
    damaged = tmp_path / "damaged.sqlite3"
    backup(services.settings.database_url, damaged)
    data = bytearray(damaged.read_bytes())
    data[4096:8192] = b"\xff" * 4096  # scribble over the second page
    damaged.write_bytes(bytes(data))

    for bad, reason in [(text, "not an SQLite database"), (other, "not an ESOL Finder database"),
                        (newer, "newer or unknown version"), (damaged, "damaged|cannot be read")]:
        with pytest.raises(BackupError, match=reason):
            restore(services, bad)
    assert len(titles(client)) == 7  # the live catalogue was not touched


def test_backup_of_a_missing_database_says_what_to_do(settings, tmp_path):
    with pytest.raises(BackupError, match="esol-finder init"):
        backup(f"sqlite:///{tmp_path / 'nothing-here.sqlite3'}", tmp_path / "out.sqlite3")
    with pytest.raises(BackupError, match="pg_dump"):
        backup("postgresql+psycopg://user@/db", tmp_path / "out.sqlite3")


def test_restore_of_an_older_schema_upgrades_it(fixture_catalogue, client, tmp_path):
    """A backup made before later migrations is brought up to date on restore."""
    from alembic import command
    from sqlalchemy import create_engine, inspect

    from finder.db import alembic_config

    services = fixture_catalogue
    old = tmp_path / "first-release.sqlite3"
    engine = create_engine(f"sqlite:///{old}")
    try:
        command.upgrade(alembic_config(engine), "0001")  # the schema of the very first release
        assert set(inspect(engine).get_table_names()) < set(inspect(services.engine).get_table_names())
    finally:
        engine.dispose()
    report = restore(services, old)
    assert report.revision == "0001" and report.courses == 0
    assert set(inspect(services.engine).get_table_names()) >= {"courses", "audit_entries", "alembic_version"}
    assert client.get("/search.json").json()["total"] == 0
    services.catalogue.load_catalogue(factories.fixture_catalogue(), status="published")
    assert len(titles(client)) == 7
