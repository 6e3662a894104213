"""A scripted month of searches and stated needs: exact counts, de-duplication, gaps and the nearest
provision; exact under concurrent increments; and a failure to count never breaks a search."""

from __future__ import annotations

import datetime as dt
import logging
import threading

import pytest
from sqlalchemy import func, select
from starlette.datastructures import QueryParams

from finder.domain import evidence as rules
from finder.evidence import counting, gaps, provision, reading
from finder.models import DemandCount
from finder.search.params import parse
from finder.web.backoffice.evidence import centre_finder

pytestmark = pytest.mark.postgres

DECEMBER = [dt.date(2026, 12, 1) + dt.timedelta(days=i) for i in range(31)]


def search(services, day, **params):
    query = parse(QueryParams(params)).query
    total = services.search.search(query, None).total if not query.has_place else None
    if total is None:
        from finder.web.kit.searching import resolve_place

        query, place, _ = resolve_place(services, query, [])
        total = services.search.search(query, place).total
    counting.count_search(services, QueryParams(params), query, total, today=day)
    return total


def scripted_month(services):
    """December 2026: creche + formal near L8 (nothing), entry-1 near L4, evening near L3, stated needs."""
    for day in DECEMBER[:20]:  # 20 searches: crèche, formal, in L8 -> no result
        search(services, day, postcode="L8 1ST", creche="1", kind="formal")
    for day in DECEMBER[::5]:  # 7 searches: women only near L4 -> none within 2 miles
        search(services, day, postcode="L4 5XN", women="1", radius="2")
    for day in DECEMBER[:9]:  # 9 searches: Entry 2 in the evening near L3 -> found
        search(services, day, postcode="L3 5TR", level="entry-2", time="evening")
    for day in DECEMBER[:3]:  # 3 stated needs: crèche, Saturday, L8
        counting.count_stated_need(services.sessions, "L8", rules.make_need(creche=True, days=["sat"]), today=day)
    search(services, DECEMBER[4], postcode="L8 1ST", creche="1", kind="formal", counted="1")  # a repeat: not counted


def test_a_scripted_month_gives_exact_counts(fixture_catalogue):
    services = fixture_catalogue
    scripted_month(services)
    rows = reading.demand_rows(services.sessions, rules.weeks_between(DECEMBER[0], DECEMBER[-1]))
    summary = reading.summarise(rows)
    assert (summary.total.searches, summary.total.no_result, summary.total.stated) == (36, 27, 3)
    assert summary.by_outcome == {"0": 27, "1-2": 9, "3+": 0}
    assert {d: (t.searches, t.stated) for d, t in summary.by_district.items()} == {
        "L8": (20, 3), "L4": (7, 0), "L3": (9, 0)}
    assert summary.by_filter[("creche", "on-site")].searches == 20
    assert summary.by_filter[("creche", "on-site")].stated == 3
    assert summary.by_filter[("time", "evening")].searches == 9
    assert summary.by_week["2026-W49"].searches == 6 + 2 + 6  # 1-6 Dec: L8 6, L4 1 and 6, L3 6
    stored = {(r.district, r.need, r.outcome, r.source) for r in rows}
    assert ("L8", "creche;kind=formal;lang=en;r=5", "0", "search") in stored
    assert ("L8", "creche;day=sat", "", "stated") in stored


def test_gaps_are_ranked_by_demand_with_the_nearest_provision(fixture_catalogue):
    services = fixture_catalogue
    scripted_month(services)
    rows = reading.demand_rows(services.sessions)
    with services.sessions() as db:
        facts = provision.course_facts(db)
    found = gaps.find_gaps(rows, facts, centre_finder(services))
    assert [(g.district, rules.need_key(g.need), g.demand) for g in found] == [
        ("L8", "creche;kind=formal;r=5", 20), ("L4", "women;r=2", 7), ("L8", "creche;day=sat;r=5", 3)]
    creche_formal, women, saturday = found
    # No formal course has a crèche; the mothers' class in Dingle (informal) is next door.
    assert creche_formal.nearest_formal is None and creche_formal.only_informal
    assert creche_formal.nearest_informal.title == "English for Mums"
    assert creche_formal.nearest_informal.district == "L8" and creche_formal.nearest_informal.miles < 0.5
    # Women only: the class in Dingle, about 3.2 miles from Walton (L4 5XN), beyond the 2 miles asked for.
    assert women.nearest_informal.title == "English for Mums" and 2 < women.nearest_informal.miles < 4
    assert women.formal_within == women.informal_within == 0 and not women.only_informal
    assert saturday.nearest_informal is None  # the Saturday club has no crèche


def test_concurrent_increments_lose_no_count(services):
    """Eight threads adding to the same two keys at once: every one counted (an atomic upsert)."""
    per_thread, threads = 40, 8
    start = threading.Barrier(threads)
    errors = []

    def work(index: int):
        start.wait()
        try:
            for _ in range(per_thread):
                counting.add(services.sessions, week="2026-W49", district="L8", need="creche", outcome="0")
                counting.add(services.sessions, week="2026-W49", district="L8", need=f"level=entry-{index % 2 + 1}",
                             outcome="3+")
        except Exception as exc:  # surfaced below
            errors.append(exc)

    workers = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert not errors
    with services.sessions() as db:
        counts = dict(db.execute(select(DemandCount.need, DemandCount.n)).all())
        assert db.scalar(select(func.count()).select_from(DemandCount)) == 3
    assert counts == {"creche": per_thread * threads, "level=entry-1": per_thread * threads // 2,
                      "level=entry-2": per_thread * threads // 2}


def test_the_fallback_update_then_insert_is_exact_too(services):
    key = {"week": "2026-W49", "district": "L8", "need": "free", "outcome": "0", "source": "search"}
    for _ in range(3):
        counting.add_by_update_then_insert(services.sessions, key, by=2)
    with services.sessions() as db:
        assert db.scalar(select(DemandCount.n).where(DemandCount.need == "free")) == 6


def broken(*args, **kwargs):
    raise RuntimeError("database is locked L8 1ST english")


def test_a_failure_to_count_is_logged_and_the_search_answers(fixture_catalogue, client, monkeypatch, caplog):
    monkeypatch.setattr(counting, "district_for", broken)
    with caplog.at_level(logging.WARNING):
        response = client.get("/search?q=english&postcode=L8+1ST")
    assert response.status_code == 200 and "English" in response.text
    assert "could not be counted (RuntimeError)" in caplog.text
    assert "L8 1ST" not in caplog.text and "english" not in caplog.text


def test_a_failed_write_keeps_the_counts_for_the_next_one(fixture_catalogue, client, monkeypatch, caplog):
    services = fixture_catalogue
    real_write = counting.write
    monkeypatch.setattr(counting, "write", broken)
    with caplog.at_level(logging.WARNING):
        for _ in range(3):
            assert client.get("/search?creche=1").status_code == 200
        assert counting.flush(services.sessions) == 0
    assert "could not be written yet (RuntimeError)" in caplog.text and "L8 1ST" not in caplog.text
    monkeypatch.setattr(counting, "write", real_write)
    rows = reading.demand_rows(services.sessions)
    assert [(r.need, r.n) for r in rows] == [("creche;lang=en", 3)]


def test_pending_counts_from_many_threads_are_all_written(services):
    """Searches on many threads of one worker add to the pending counts while they are written."""
    pending = counting.pending_for(services.sessions)
    key = ("2026-W49", "L8", "creche", "0", "search")
    start = threading.Barrier(8)

    def work():
        start.wait()
        for index in range(200):
            pending.add(key)
            if index % 50 == 0:
                pending.flush()

    workers = [threading.Thread(target=work) for _ in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    counting.flush(services.sessions)
    with services.sessions() as db:
        assert db.scalar(select(DemandCount.n).where(DemandCount.need == "creche")) == 1600


def test_the_monthly_snapshot_is_taken_once_per_month(fixture_catalogue):
    services = fixture_catalogue
    assert provision.take_snapshot(services.sessions, dt.date(2026, 11, 3))
    assert not provision.take_snapshot(services.sessions, dt.date(2026, 11, 28))
    assert provision.take_snapshot(services.sessions, dt.date(2026, 12, 1))
    points = provision.trend(services.sessions)
    assert [(p.month, p.courses, p.sessions) for p in points] == [("2026-11", 7, 8), ("2026-12", 7, 8)]
    counts = provision.current(services.sessions)
    assert counts[("L8", "creche", "on-site")] == [1, 1]
    assert counts[("L3", "kind", "formal")] == [3, 4]  # Entry 1, Entry 2 evening, Level 1 (two sessions)
    assert counts[(rules.ONLINE_DISTRICT, "mode", "online")] == [1, 1]
    # Variety in L3: Entry 1 morning, Entry 2 evening, Level 1 evening and afternoon, mixed Saturday morning.
    assert counts[("L3", "variety", "")] == [5, 0]


def test_counts_pending_when_services_close_are_written_and_then_forgotten(services, settings, shared_postcodes):
    """A command or an app that ends writes its last second of counts; nothing is retried afterwards
    against a database that may be gone."""
    from finder.services import build_services

    other = build_services(settings, postcodes=shared_postcodes)
    counting.pending_for(other.sessions).add(("2026-W49", "L8", "free", "0", "search"))
    other.close()
    assert other.sessions not in counting._pending
    with services.sessions() as db:
        assert db.scalar(select(DemandCount.n).where(DemandCount.need == "free")) == 1
