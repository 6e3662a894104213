"""PostgreSQL backup and restore: a pg_dump taken while serving, restored over later changes, brings
back exactly the catalogue of that moment, and every instance rebuilds its index from it."""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import select

from finder.models import Course
from finder.operations.backup import BackupError, check_pg_dump, pg_backup, pg_restore
from finder.search.params import SearchQuery
from finder.services import build_services
from tests import factories

pytestmark = pytest.mark.postgres


@pytest.fixture
def on_postgres(settings):
    if not settings.database_url.startswith("postgresql") or shutil.which("pg_dump") is None:
        pytest.skip("a PostgreSQL database (the PostgreSQL run: esol-finder check --postgres-only)")
    return settings


def keys(services) -> set[str]:
    with services.sessions() as db:
        return set(db.scalars(select(Course.key)))


def found(services, words: str) -> set[str]:
    outcome = services.search.search(SearchQuery(q=words, per_page=100))
    with services.sessions() as db:
        return {c.key for c, _ in services.search.load(db, outcome.hits)}


def test_pg_dump_and_pg_restore_round_trip(on_postgres, fixture_catalogue, shared_postcodes, tmp_path):
    services = fixture_catalogue
    other = build_services(on_postgres.with_(data_dir=tmp_path / "other"), postcodes=shared_postcodes)
    other.prepare()
    try:
        before = keys(services)
        dump = pg_backup(services.settings.database_url, tmp_path / "catalogue.dump")
        assert dump.read_bytes()[:5] == b"PGDMP"
        services.catalogue.load_catalogue(factories.catalogue([factories.course("added-later", "Added later", "library")]))
        other.search.sync()
        assert "added-later" in found(other, "later")

        report = pg_restore(services, dump)
        assert keys(services) == before and report.courses == len(before)
        assert "added-later" not in found(services, "later")
        # The other instance's index is newer than the restored catalogue: it rebuilds rather than trust it.
        assert other.search.sync() == "rebuilt"
        assert "added-later" not in found(other, "later")
        # And it follows edits made after the restore as before.
        services.catalogue.load_catalogue(factories.catalogue([factories.course("after", "After restore", "library")]))
        assert other.search.sync() == "applied" and found(other, "restore") == {"after"}
    finally:
        other.close()


def test_pg_restore_refuses_what_is_not_a_backup(on_postgres, fixture_catalogue, tmp_path):
    junk = tmp_path / "junk.dump"
    junk.write_bytes(b"not a dump at all")
    with pytest.raises(BackupError, match="not a PostgreSQL backup"):
        check_pg_dump(junk)
    with pytest.raises(BackupError):
        pg_restore(fixture_catalogue, junk)
    assert len(keys(fixture_catalogue)) == 7  # nothing was touched
