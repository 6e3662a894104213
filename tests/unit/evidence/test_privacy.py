"""No personal data reaches the database or the logs: the evidence tables hold only allowed columns,
and a search with a full postcode, coordinates and words leaves none of them anywhere."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import inspect, select, text

from finder.domain import evidence as rules
from finder.evidence import counting
from finder.models import DemandCount, ProvisionSnapshot, SnapshotMonth

pytestmark = pytest.mark.postgres

ALLOWED_COLUMNS = {
    "evidence_demand": {"id", "week", "district", "need", "outcome", "source", "n"},
    "evidence_provision": {"id", "month", "district", "dimension", "value", "courses", "sessions"},
    "evidence_months": {"id", "month", "taken_on"},
}


def test_the_evidence_tables_have_only_the_allowed_columns(services):
    inspector = inspect(services.engine)
    for table, allowed in ALLOWED_COLUMNS.items():
        assert {column["name"] for column in inspector.get_columns(table)} == allowed, table


def every_text_in_the_database(services) -> set[str]:
    """Every value in every table of the database, as text (pending counts written first)."""
    counting.flush(services.sessions)
    inspector = inspect(services.engine)
    found = []
    with services.engine.connect() as connection:
        for table in inspector.get_table_names():
            for row in connection.execute(text(f'SELECT * FROM "{table}"')):  # nosec B608 (names from the schema)
                found.extend(str(value) for value in row)
    return set(found)


SECRET_WORDS = "zanzibarquokka"


def test_a_search_leaves_no_postcode_coordinates_or_words_anywhere(fixture_catalogue, client, caplog):
    services = fixture_catalogue
    before = every_text_in_the_database(services)
    with caplog.at_level(logging.DEBUG):
        client.get(f"/search?q={SECRET_WORDS}+english&postcode=L8+1ST&creche=1")
        client.get(f"/search.json?q={SECRET_WORDS}&lat=53.38712&lon=-2.96543&radius=2")
        client.get(f"/map?q={SECRET_WORDS}&postcode=L8%201ST")
        client.get(f"/embed?q={SECRET_WORDS}&postcode=l81st")
    after = every_text_in_the_database(services)
    # What the app logged (the test client's own log of the URLs it asked for is left out).
    logged = "\n".join(record.getMessage() for record in caplog.records if not record.name.startswith("httpx"))
    with services.sessions() as db:
        rows = list(db.scalars(select(DemandCount)))
    assert sum(row.n for row in rows) == 4 and {row.district for row in rows} == {"L8"}
    for secret in ("L8 1ST", "L81ST", "l81st", "1ST", "53.387", "-2.965", "53.38", SECRET_WORDS, "testclient"):
        assert not [value for value in after - before if secret.lower() in value.lower()], secret
        assert secret not in logged, secret
    for row in rows:  # every value from the vocabulary, none typed by the searcher
        assert row.need == rules.need_key(rules.parse_need_key(row.need))
        assert row.week.startswith("20") and len(row.week) == 8 and row.outcome in rules.OUTCOMES


def test_a_stated_need_keeps_only_the_district(fixture_catalogue, client):
    from tests.accounts import csrf_from

    services = fixture_catalogue
    page = client.get("/search?creche=1&kind=formal&postcode=L8+1ST")
    client.post("/need", data={"csrf_token": csrf_from(page.text), "district": "L8 1ST", "level": "entry-1",
                               "creche": "1", "speaks": "ar"})
    assert not [value for value in every_text_in_the_database(services) if "1ST" in value]
    with services.sessions() as db:
        stated = db.scalars(select(DemandCount).where(DemandCount.source == "stated")).one()
    assert (stated.district, stated.need, stated.n) == ("L8", "creche;level=entry-1;speaks=ar;lang=en", 1)
    assert ProvisionSnapshot.__tablename__ and SnapshotMonth.__tablename__
