"""Backup and restore of the embedded SQLite database, with SQLite's online backup API.

A backup is a consistent copy taken while the app keeps serving (pages keep reading, a
coordinator may keep saving: the copy is of one committed moment). A restore first checks that
the file is a sound ESOL Finder database from this or an earlier version, then copies it over the
live database in one step, upgrades its schema if it is older, and rebuilds the search index.

On PostgreSQL, `pg_backup` and `pg_restore` use PostgreSQL's own tools (`pg_dump` / `pg_restore`).
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url

from finder.db import alembic_config, migrate

# Tables every ESOL Finder database has had since its first migration.
REQUIRED_TABLES = {"alembic_version", "organisations", "venues", "courses", "course_sessions", "catalogue_state"}


class BackupError(Exception):
    """Backup or restore refused, with a message that says why and what to do."""


@dataclass(frozen=True)
class RestoreReport:
    courses: int
    revision: str
    indexed: int


def sqlite_path(database_url: str) -> Path:
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        raise BackupError(f"Backup and restore work on the embedded SQLite database only; this deployment uses "
                          f"{url.get_backend_name()}. Use pg_dump and pg_restore for PostgreSQL.")
    if not url.database or url.database == ":memory:":
        raise BackupError("The database is in memory: there is nothing on disk to back up.")
    return Path(url.database)


def _known_revisions() -> set[str]:
    config = alembic_config(None)
    return {script.revision for script in ScriptDirectory.from_config(config).walk_revisions()}


def _copy(source: sqlite3.Connection, target: sqlite3.Connection) -> None:
    source.backup(target, pages=1024)


def backup(database_url: str, destination: Path) -> Path:
    """Copy the live database into `destination` (written beside it first, then renamed into place)."""
    source_path = sqlite_path(database_url)
    if not source_path.exists():
        raise BackupError(f"There is no database at {source_path} yet: run `esol-finder init` first.")
    destination = Path(destination).resolve()
    if destination == source_path.resolve():
        raise BackupError("The backup file must not be the live database itself.")
    destination.parent.mkdir(parents=True, exist_ok=True)
    fd, partial = tempfile.mkstemp(prefix=destination.name + ".", suffix=".partial", dir=destination.parent)
    os.close(fd)
    try:
        source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
        target = sqlite3.connect(partial)
        try:
            _copy(source, target)
            target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        finally:
            target.close()
            source.close()
        check_database_file(Path(partial))
        os.replace(partial, destination)
    finally:
        if os.path.exists(partial):
            os.unlink(partial)
    return destination


def check_database_file(path: Path) -> str:
    """Refuse anything but a sound ESOL Finder database this version can read; answer its schema revision."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path} is not a file.")
    with path.open("rb") as handle:
        if handle.read(16) != b"SQLite format 3\x00":
            raise BackupError(f"{path} is not an ESOL Finder backup: it is not an SQLite database.")
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            result = connection.execute("PRAGMA integrity_check").fetchone()[0]
            if result != "ok":
                raise BackupError(f"{path} is damaged (SQLite integrity check: {result}).")
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            missing = REQUIRED_TABLES - tables
            if missing:
                raise BackupError(f"{path} is not an ESOL Finder database (no {', '.join(sorted(missing))} table).")
            revisions = [row[0] for row in connection.execute("SELECT version_num FROM alembic_version")]
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} cannot be read as a database: {exc}.") from exc
    unknown = set(revisions) - _known_revisions()
    if not revisions or unknown:
        raise BackupError(f"{path} comes from a newer or unknown version of ESOL Finder "
                          f"(schema {', '.join(sorted(unknown)) or 'missing'}); upgrade this installation first.")
    return ",".join(sorted(revisions))


def restore(services, source: Path) -> RestoreReport:
    """Replace the live database with `source`, upgrade its schema and rebuild the search index."""
    from sqlalchemy import func, select

    from finder.models import Course

    target_path = sqlite_path(services.settings.database_url)
    source = Path(source).resolve()
    if source == target_path.resolve():
        raise BackupError("The backup file is the live database itself.")
    revision = check_database_file(source)
    services.engine.dispose()
    target_path.parent.mkdir(parents=True, exist_ok=True)
    origin = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    target = sqlite3.connect(target_path, timeout=30)
    try:
        _copy(origin, target)  # the backup API writes the whole database in one transaction
    finally:
        target.close()
        origin.close()
    migrate(services.engine)
    indexed = services.search.rebuild()
    with services.sessions() as db:
        courses = db.scalar(select(func.count()).select_from(Course))
    return RestoreReport(courses=courses or 0, revision=revision, indexed=indexed)


# -- PostgreSQL: pg_dump / pg_restore -----------------------------------------------------------
def is_postgres(database_url: str) -> bool:
    return make_url(database_url).get_backend_name() == "postgresql"


def _libpq(database_url: str) -> tuple[str, dict]:
    """The database as a libpq URI for pg_dump/pg_restore, with its password (if any) passed in the
    environment (PGPASSWORD), never on the command line where other users could read it."""
    url = make_url(database_url)
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _pg_tool(name: str) -> str:
    import shutil

    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} was not found: install PostgreSQL's client tools (apt-get install postgresql-client).")
    return path


def pg_backup(database_url: str, destination: Path) -> Path:
    """`pg_dump --format=custom` of the whole database into `destination` (written beside it, then renamed):
    one consistent snapshot while the instances keep serving."""
    import subprocess

    uri, env = _libpq(database_url)
    destination = Path(destination).resolve()
    destination.parent.mkdir(parents=True, exist_ok=True)
    fd, partial = tempfile.mkstemp(prefix=destination.name + ".", suffix=".partial", dir=destination.parent)
    os.close(fd)
    try:
        done = subprocess.run([_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--file", partial, uri],
                              env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
        check_pg_dump(Path(partial))
        os.replace(partial, destination)
    finally:
        if os.path.exists(partial):
            os.unlink(partial)
    return destination


def check_pg_dump(path: Path) -> None:
    """Refuse anything but a pg_dump archive holding ESOL Finder's tables."""
    import subprocess

    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path} is not a file.")
    with path.open("rb") as handle:
        if handle.read(5) != b"PGDMP":
            raise BackupError(f"{path} is not a PostgreSQL backup (made with esol-finder backup or pg_dump -Fc).")
    listing = subprocess.run([_pg_tool("pg_restore"), "--list", str(path)], capture_output=True, text=True)
    if listing.returncode != 0:
        raise BackupError(f"{path} cannot be read: {listing.stderr.strip()}")
    tables = {line.split()[-2] for line in listing.stdout.splitlines() if " TABLE DATA " in line}
    missing = REQUIRED_TABLES - tables
    if missing:
        raise BackupError(f"{path} is not an ESOL Finder backup (no {', '.join(sorted(missing))} table).")


def pg_restore(services, source: Path) -> RestoreReport:
    """Replace the database's contents with the backup `source` in one transaction (pg_restore --clean
    --single-transaction), upgrade its schema if it is older, then move the catalogue version past
    every version any instance has seen, with no change-feed entry, so that every instance rebuilds
    its index from the restored catalogue; this one rebuilds now."""
    import subprocess

    from sqlalchemy import func, select, update

    from finder.db import database_revisions
    from finder.models import CatalogueState, Course
    from finder.queries import listings

    source = Path(source).resolve()
    check_pg_dump(source)
    with services.sessions() as db:
        try:
            seen = listings.catalogue_version(db)
        except Exception:
            seen = 0
    seen = max(seen, services.search.store.version() or 0)
    services.engine.dispose()
    uri, env = _libpq(services.settings.database_url)
    done = subprocess.run([_pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
                           "--exit-on-error", "--dbname", uri, str(source)], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"pg_restore failed (nothing was changed): {done.stderr.strip()}")
    revision = ",".join(sorted(database_revisions(services.engine)))
    unknown = set(revision.split(",")) - _known_revisions()
    if unknown:
        raise BackupError(f"{source} comes from a newer version of ESOL Finder (schema {', '.join(sorted(unknown))}).")
    migrate(services.engine)
    with services.sessions.begin() as db:
        restored = listings.catalogue_version(db)
        db.execute(update(CatalogueState).where(CatalogueState.id == 1).values(version=max(seen, restored) + 1))
    indexed = services.search.rebuild()
    with services.sessions() as db:
        courses = db.scalar(select(func.count()).select_from(Course))
    return RestoreReport(courses=courses or 0, revision=revision, indexed=indexed)
