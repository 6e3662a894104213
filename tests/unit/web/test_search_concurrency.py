"""A burst of searches: each runs on a worker thread, off the event loop, but only SEARCHES_AT_ONCE of
them at a time (searches are CPU work under one interpreter lock; more at once only adds memory), and
every one of them answers with what it would find alone."""

from __future__ import annotations

import asyncio

import httpx2

from finder.web.app import create_app
from finder.web.kit import searching
from tests import factories
from tests.concurrency import AtOnce


def test_a_burst_of_searches_runs_a_few_at_a_time_and_each_finds_its_courses(services, monkeypatch):
    services.catalogue.load_catalogue(factories.catalogue(
        [factories.course(f"c{n}", f"{'English' if n % 2 else 'Grammar'} club {n}", "library") for n in range(12)]))
    app = create_app(services=services, prepare=False)
    on_loop: list[bool] = []
    at_once = AtOnce(services.search.search_records)

    def counting(*args, **kwargs):
        try:
            asyncio.get_running_loop()
            on_loop.append(True)
        except RuntimeError:
            pass
        return at_once(*args, **kwargs)

    monkeypatch.setattr(services.search, "search_records", counting)

    async def burst():
        transport = httpx2.ASGITransport(app=app, client=("192.0.2.11", 1000))
        async with httpx2.AsyncClient(transport=transport, base_url="http://testserver") as http:
            return await asyncio.gather(*[http.get("/search.json", params={"q": "english" if n % 2 else "grammar"})
                                          for n in range(4 * searching.SEARCHES_AT_ONCE)])

    answers = asyncio.run(burst())
    assert [a.status_code for a in answers] == [200] * len(answers)
    assert [a.json()["total"] for a in answers] == [6] * len(answers)
    assert on_loop == []
    assert 2 <= at_once.most <= searching.SEARCHES_AT_ONCE


def test_an_empty_pages_suggestions_are_counted_off_the_event_loop(services, monkeypatch):
    services.catalogue.load_catalogue(factories.catalogue(
        [factories.course("club", "English club", "library", creche="none")]))
    app = create_app(services=services, prepare=False)
    on_loop: list[bool] = []
    real = services.search.count

    def count(*args, **kwargs):
        try:
            asyncio.get_running_loop()
            on_loop.append(True)
        except RuntimeError:
            on_loop.append(False)
        return real(*args, **kwargs)

    monkeypatch.setattr(services.search, "count", count)

    async def empty_page():
        transport = httpx2.ASGITransport(app=app, client=("192.0.2.11", 1000))
        async with httpx2.AsyncClient(transport=transport, base_url="http://testserver") as http:
            return await http.get("/search", params={"q": "english", "creche": "1"})

    page = asyncio.run(empty_page())
    assert page.status_code == 200
    suggested = page.text.split('<ul class="suggestions">')[1].split("</ul>")[0]
    assert '<a href="/search?q=english">' in suggested and "1 class" in suggested  # without the crèche
    assert on_loop and not any(on_loop)
