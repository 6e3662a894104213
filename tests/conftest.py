"""Fixtures: every test gets a fresh database and data directory, real HTTP through TestClient."""

from __future__ import annotations

import os

import pytest
from starlette.testclient import TestClient

from finder.services import build_services
from finder.settings import load_settings
from finder.web.app import create_app
from tests import factories

# Starlette's TestClient calls itself http://testserver: one of our hosts for the tests' apps (every
# other Host gets 400, see finder.web.kit.security.outer_ring).
os.environ.setdefault("ESOL_FINDER_ALLOWED_HOSTS", "testserver")
from tests.accounts import make_user
from tests.multilingual import MULTILINGUAL_COURSES


def pytest_configure(config):
    if os.environ.get("ESOL_FINDER_TEST_DATABASE_URL"):
        # Commands run in-process (CliRunner) build their own engines and leave them to the garbage
        # collector, as a short-lived process may; SQLite says nothing of that, psycopg warns.
        # Judge both databases alike.
        config.addinivalue_line("filterwarnings",
                                "ignore:.*psycopg.Connection.*deleted while still open:ResourceWarning")


@pytest.fixture(scope="session")
def postgres_template():
    """With ESOL_FINDER_TEST_DATABASE_URL (an admin URL of a throwaway PostgreSQL cluster), a database
    migrated once to the newest schema, from which each test's fresh database is copied."""
    admin_url = os.environ.get("ESOL_FINDER_TEST_DATABASE_URL")
    if not admin_url:
        yield None
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from finder.db import migrate

    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"esol_template_{os.getpid()}"
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine = create_engine(make_url(admin_url).set(database=name))
    try:
        migrate(engine)  # the migrations themselves, on PostgreSQL
    finally:
        engine.dispose()
    yield admin, name
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def settings(tmp_path, postgres_template):
    """Fresh settings per test: a new SQLite file, or a new PostgreSQL database dropped afterwards."""
    if postgres_template is None:
        yield load_settings(data_dir=tmp_path / "data", database_url=f"sqlite:///{tmp_path / 'test.sqlite3'}",
                            secret_key="test-secret", demo_banner=True)
        return
    import uuid

    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    admin, template = postgres_template
    name = f"test_{uuid.uuid4().hex[:16]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    database_url = make_url(os.environ["ESOL_FINDER_TEST_DATABASE_URL"]).set(database=name)
    yield load_settings(data_dir=tmp_path / "data", database_url=database_url.render_as_string(hide_password=False),
                        secret_key="test-secret", demo_banner=True)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def services(settings, shared_postcodes):
    services = build_services(settings, postcodes=shared_postcodes)
    services.prepare()
    yield services
    services.close()


@pytest.fixture(scope="session")
def shared_postcodes(tmp_path_factory):
    """The offline postcode directory, built once per test run (it takes a few seconds)."""
    try:
        from finder.geo.postcodes import PostcodeDirectory
    except ImportError:
        return None
    return PostcodeDirectory.ensure(tmp_path_factory.mktemp("postcodes") / "postcodes.sqlite")


@pytest.fixture
def fixture_catalogue(services):
    services.catalogue.load_catalogue(factories.fixture_catalogue())
    return services


@pytest.fixture
def client(services):
    app = create_app(services=services, prepare=False)
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def ids(services):
    """Course ids by their external key."""
    from sqlalchemy import select

    from finder.models import Course

    def lookup():
        with services.sessions() as db:
            return {key: cid for key, cid in db.execute(select(Course.key, Course.id))}

    return lookup


@pytest.fixture
def env(services, monkeypatch):
    """The test's database and data directory as the environment, for `esol-finder` commands run in-process."""
    monkeypatch.setenv("ESOL_FINDER_DATA_DIR", str(services.settings.data_dir))
    monkeypatch.setenv("ESOL_FINDER_DATABASE_URL", services.settings.database_url)
    monkeypatch.setenv("ESOL_FINDER_SECRET_KEY", "test-secret")
    return services


@pytest.fixture
def coordinator(services):
    """A coordinator's account (log in with tests.accounts.log_in)."""
    return make_user(services)


# One app per test module for the language tests (tests/unit/i18n, tests/journeys/public): they render
# many pages in 17 languages and only read, so they share a database (the fixture catalogue plus
# courses described in other languages) instead of building one per test.
@pytest.fixture(scope="module")
def i18n_services(tmp_path_factory, shared_postcodes):
    data_dir = tmp_path_factory.mktemp("i18n")
    settings = load_settings(data_dir=data_dir, database_url=f"sqlite:///{data_dir / 'test.sqlite3'}",
                             secret_key="test-secret", demo_banner=True, base_url="https://finder.example.org")
    services = build_services(settings, postcodes=shared_postcodes)
    services.prepare()
    services.catalogue.load_catalogue(factories.catalogue(factories.fixture_catalogue()["courses"] + MULTILINGUAL_COURSES))
    yield services
    services.close()


@pytest.fixture(scope="module")
def i18n_client(i18n_services):
    with TestClient(create_app(services=i18n_services, prepare=False)) as client:
        yield client


@pytest.fixture(scope="module")
def course_ids(i18n_services):
    from sqlalchemy import select

    from finder.models import Course, Organisation

    with i18n_services.sessions() as db:
        ids = {key: cid for key, cid in db.execute(select(Course.key, Course.id))}
        ids.update({f"organisation:{key}": oid for key, oid in db.execute(select(Organisation.key, Organisation.id))})
        return ids
