"""Searches run on worker threads, off the event loop, while the follower writes the index: each one
reads a single commit's index, and finds what a search alone would find."""

from __future__ import annotations

import threading

from finder.search.params import SearchQuery
from tests import factories

QUERIES = ["", "english", "chat", "grammar", "conversation club", "englsh"]


def found(services, words: str) -> tuple[int, set[str]]:
    outcome = services.search.search(SearchQuery(q=words, per_page=100))
    with services.sessions() as db:
        return outcome.total, {course.title for course, _ in services.search.load(db, outcome.hits)}


def test_searches_from_threads_during_index_writes_find_what_serial_searches_find(services):
    courses = [factories.course(f"c{n}", f"{'English' if n % 2 else 'Grammar'} chat club {n}", "library")
               for n in range(40)]
    catalogue = factories.catalogue(courses)
    services.catalogue.load_catalogue(catalogue)
    serial = {q: found(services, q) for q in QUERIES}
    assert serial["english"][0] == 20 and serial["chat"][0] == 40

    problems: list[str] = []
    stop = threading.Event()

    def searching():
        while not stop.is_set():
            for q in QUERIES:
                try:
                    got = found(services, q)
                except Exception as exc:  # a closed or half-swapped index would show here
                    problems.append(f"{q!r}: {type(exc).__name__}: {exc}")
                    return
                if got != serial[q]:
                    problems.append(f"{q!r}: {got[0]} found, {serial[q][0]} alone")

    threads = [threading.Thread(target=searching) for _ in range(4)]
    for thread in threads:
        thread.start()
    try:
        for _ in range(6):  # each load rewrites the same courses: a commit and a new searcher each time
            services.catalogue.load_catalogue(catalogue)
            services.search.sync()
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    assert problems == []
    assert {q: found(services, q) for q in QUERIES} == serial
