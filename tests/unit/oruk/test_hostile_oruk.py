"""Open Referral UK in and out, with what an attacker or an accident sends: coordinates that are not
on the map are refused before anything is written, and `modified_after` really filters."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select, update

from finder.cli import main
from finder.models import Course, Venue
from finder.oruk.exchange import export_document
from tests.unit.oruk.test_oruk_exchange import _env, other  # noqa: F401 - the fixture

pytestmark = pytest.mark.postgres


@pytest.mark.parametrize("latitude", ["Infinity", "1e400", "NaN", "91"])
def test_a_location_off_the_map_is_refused_and_nothing_is_written(fixture_catalogue, other, tmp_path,  # noqa: F811
                                                                  latitude):
    document = export_document(fixture_catalogue)
    location = document["services"][0]["service_at_locations"][0]["location"]
    text = json.dumps(document).replace(json.dumps(location["latitude"]), latitude, 1)
    path = tmp_path / "bad.json"
    path.write_text(text)
    result = CliRunner().invoke(main, ["oruk-import", str(path)], env=_env(other.settings))
    assert result.exit_code == 1
    assert "not a point on the map" in result.output
    with other.sessions() as db:
        assert db.scalar(select(func.count()).select_from(Course)) == 0


def test_a_point_stored_off_the_map_before_the_checks_does_not_stop_a_rebuild(fixture_catalogue):
    with fixture_catalogue.sessions.begin() as db:
        db.execute(update(Venue).values(latitude=float("inf")))
    assert fixture_catalogue.search.rebuild() > 0


def test_modified_after_returns_only_services_changed_since(fixture_catalogue, client):
    everything = client.get("/oruk/services", params={"per_page": 100}).json()
    assert everything["total_items"] > 1
    with fixture_catalogue.sessions.begin() as db:
        db.execute(update(Course).values(updated_at=dt.datetime(2026, 1, 1)))
        changed = db.scalars(select(Course).where(Course.status == "published")).first()
        changed.updated_at = dt.datetime(2026, 6, 1, 12, 0)
    for since in ("2026-03-01T00:00:00Z", "2026-03-01", "2026-03-01T01:00:00+01:00"):
        page = client.get("/oruk/services", params={"modified_after": since}).json()
        assert [s["name"] for s in page["contents"]] == [changed.title], since
    assert client.get("/oruk/services", params={"modified_after": "2999-01-01T00:00:00Z"}).json()["total_items"] == 0
    assert client.get("/oruk/services",
                      params={"modified_after": "2025-01-01T00:00:00Z"}).json()["total_items"] == everything["total_items"]
    bad = client.get("/oruk/services", params={"modified_after": "last tuesday"})
    assert bad.status_code == 400 and bad.json()["param"] == "modified_after"


@pytest.mark.parametrize("params", [{"lat": "inf", "long": "-2.9"}, {"lat": "53.4", "long": "1e400"},
                                    {"proximity": "nan", "postcode": "L8 1ST"},
                                    {"page": "99999999999999999999999"}, {"per_page": "1e3"}])
def test_numbers_that_are_not_finite_get_a_json_error(fixture_catalogue, client, params):
    response = client.get("/oruk/services", params=params)
    assert response.status_code == 400 and "error" in response.json()
