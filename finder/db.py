"""Engine, sessions and migrations. SQLite is the embedded default; PostgreSQL works the same.

On PostgreSQL each process keeps a small pool of connections (ESOL_FINDER_DB_POOL_SIZE, 5, plus
ESOL_FINDER_DB_MAX_OVERFLOW, 5, for bursts), checked before use and recycled every half hour, and
waits at most ESOL_FINDER_DB_POOL_TIMEOUT (10) seconds for one: a database that has gone away is a
quick error, not a queue of stuck requests. Several instances follow the catalogue's change feed; on
PostgreSQL each commit that changes the catalogue also sends a NOTIFY so they hear of it at once.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
NOTIFY_CHANNEL = "esol_finder_catalogue"


def make_engine(url: str, pool_size: int = 5, max_overflow: int = 5, pool_timeout: float = 10) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=pool_size, max_overflow=max_overflow,
                         pool_timeout=pool_timeout, pool_recycle=1800)


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def alembic_config(engine: Engine | None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection_engine"] = engine
    return config


def migrate(engine: Engine) -> None:
    """Bring the schema up to the newest migration (every branch head)."""
    command.upgrade(alembic_config(engine), "heads")


def head_revisions() -> set[str]:
    """The newest migrations this code knows."""
    return set(ScriptDirectory.from_config(alembic_config(None)).get_heads())


def database_revisions(engine: Engine) -> set[str]:
    """The migrations the database is at (empty for a database never migrated)."""
    try:
        with engine.connect() as connection:
            return {row[0] for row in connection.execute(text("SELECT version_num FROM alembic_version"))}
    except (OperationalError, ProgrammingError):
        return set()


class SchemaBehind(RuntimeError):
    """The database's schema is older than this code: run `esol-finder migrate` first."""


def check_schema(engine: Engine) -> None:
    """Refuse to go on with a schema that is not at this code's head (see `esol-finder migrate`)."""
    have, want = database_revisions(engine), head_revisions()
    if have != want:
        raise SchemaBehind(f"the database schema is at {', '.join(sorted(have)) or 'nothing'}, this version needs "
                           f"{', '.join(sorted(want))}: run `esol-finder migrate` once, then start the instances")


def announce_change(db: Session, version: int) -> None:
    """Tell every listening instance that the catalogue changed, when this transaction commits
    (PostgreSQL NOTIFY is transactional; other databases are polled instead)."""
    if db.get_bind().dialect.name == "postgresql":
        db.execute(text("SELECT pg_notify(:channel, :version)"), {"channel": NOTIFY_CHANNEL, "version": str(version)})


def listen(engine: Engine, channel: str):
    """A PostgreSQL connection of its own (outside the pool) listening on `channel`; its
    `notifies(timeout=…, stop_after=1)` waits for the next NOTIFY."""
    import psycopg

    args, kwargs = engine.dialect.create_connect_args(engine.url)
    connection = psycopg.connect(*args, **kwargs, autocommit=True)
    connection.execute(f"LISTEN {channel}")
    return connection
