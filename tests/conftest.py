"""Fixtures: every test gets a fresh database and data directory, real HTTP through TestClient."""

from __future__ import annotations

import os

import pytest
from starlette.testclient import TestClient

from finder.settings import load_settings
from finder.web.app import create_app
from finder.web.services import build_services
from tests import factories


@pytest.fixture
def settings(tmp_path):
    database_url = os.environ.get("ESOL_FINDER_TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'test.sqlite3'}"
    return load_settings(data_dir=tmp_path / "data", database_url=database_url, secret_key="test-secret",
                         demo_banner=True)


@pytest.fixture
def services(settings, shared_postcodes):
    services = build_services(settings)
    if shared_postcodes is not None:
        services.__dict__["postcodes"] = shared_postcodes
    services.prepare()
    yield services
    services.search.store.close()
    services.engine.dispose()


@pytest.fixture(scope="session")
def shared_postcodes(tmp_path_factory):
    """The offline postcode directory, built once per test run (it takes a few seconds)."""
    try:
        from finder.postcodes import PostcodeDirectory
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
