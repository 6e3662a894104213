"""Health and readiness answers, the request log, and start-up on a schema that is behind."""

from __future__ import annotations

import json
import logging
import shutil

import pytest
from click.testing import CliRunner
from sqlalchemy import text
from starlette.testclient import TestClient

from finder.cli import main
from finder.db import SchemaBehind, database_revisions, head_revisions
from finder.services import build_services
from finder.web.app import create_app
from finder.web.kit.logs import JsonFormatter, safe_path

pytestmark = pytest.mark.postgres


def test_healthz_answers_and_readyz_says_everything_is_in_order(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["ready"] and body["database"] == "ok" and body["migrations"] == "at head"
    assert body["index"]["index_version"] == body["index"]["database_version"]
    assert response.headers["cache-control"] == "no-store"
    assert "set-cookie" not in response.headers


def test_readyz_is_red_without_an_index_and_green_once_it_is_rebuilt(services, client):
    services.search.store.close()
    shutil.rmtree(services.settings.index_dir)
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json()["index"]["detail"] == "no search index"
    assert client.get("/healthz").status_code == 200  # the process still answers
    services.search.sync()
    assert client.get("/readyz").status_code == 200


def test_readyz_is_red_on_a_schema_behind_the_code(services, client):
    with services.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0004'"))
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["migrations"] == "behind: run esol-finder migrate"


def test_an_instance_refuses_to_start_on_a_schema_behind_unless_it_may_migrate(services, settings,
                                                                              shared_postcodes):
    with services.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0004'"))
    behind = build_services(settings.with_(auto_migrate=False), postcodes=shared_postcodes)
    try:
        with pytest.raises(SchemaBehind, match="esol-finder migrate"):
            create_app(services=behind)
    finally:
        behind.close()
    assert database_revisions(services.engine) == {"0004"}  # it changed nothing


def test_esol_finder_migrate_brings_a_database_to_head(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    monkeypatch.setenv("ESOL_FINDER_DATABASE_URL", url)
    monkeypatch.setenv("ESOL_FINDER_DATA_DIR", str(tmp_path / "data"))
    runner = CliRunner()
    result = runner.invoke(main, ["migrate", "--check"])
    assert result.exit_code == 1 and "Schema behind" in result.output
    result = runner.invoke(main, ["migrate"])
    assert result.exit_code == 0 and "Schema migrated from nothing to" in result.output
    result = runner.invoke(main, ["migrate", "--check"])
    assert result.exit_code == 0 and "Schema up to date" in result.output
    assert sorted(head_revisions())[0] in result.output


def test_the_request_log_has_an_id_and_nothing_personal(client, caplog):
    caplog.set_level(logging.INFO, logger="finder.requests")
    response = client.get("/search?q=english&postcode=L8+1AB", headers={"x-request-id": "proxy-id-123"})
    assert response.headers["x-request-id"] == "proxy-id-123"  # the proxy's id, kept
    record = [r for r in caplog.records if r.name == "finder.requests"][-1]
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "proxy-id-123"
    assert line["path"] == "/search" and line["status"] == 200 and line["method"] == "GET"
    assert "L8" not in json.dumps(line) and "english" not in json.dumps(line) and "testclient" not in json.dumps(line)
    other = client.get("/healthz", headers={"x-request-id": "not a sane id; DROP TABLE"})
    assert other.headers["x-request-id"] != "not a sane id; DROP TABLE" and len(other.headers["x-request-id"]) == 32


def test_personal_details_are_logged_only_when_the_operator_asks(services, caplog):
    services.settings = services.settings.with_(log_personal=True)
    caplog.set_level(logging.INFO, logger="finder.requests")
    with TestClient(create_app(services=services, prepare=False)) as client:
        client.get("/search?postcode=L8")
    fields = [r for r in caplog.records if r.name == "finder.requests"][-1].fields
    assert fields["query"] == "postcode=L8" and fields["client"] == "testclient"


def test_tokens_in_paths_are_not_logged():
    assert safe_path("/check/Xk3_9aQwErTyUiOpAsDfGhJk") == "/check/:token"
    assert safe_path("/course/12") == "/course/12"
