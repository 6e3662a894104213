"""Cluster benchmark: search traffic through nginx to two instances on one PostgreSQL while an edit
arrives every second and a 1,000-course import runs.

Starts a throwaway PostgreSQL cluster (as `esol-finder check` does), fills it with a synthetic catalogue
(bulk-inserted; the instances then build their own indexes from it), starts two instances (uvicorn, each
with its own data directory) behind Debian's nginx with deploy/nginx/esol-finder.conf, and for
`--seconds` drives `/search.json` through nginx from `--clients` threads. Meanwhile a writer publishes a
new course with a unique word every second, and after a few seconds an import of 1,000 courses is written
in one transaction. Prints requests per second, p50/p95/p99, errors (non-200 or no answer), and the worst
edit-to-searchable delay across instances (from the edit's commit to each instance finding the word).

    python bench/bench_cluster.py                      # 100,000 courses
    python bench/bench_cluster.py --size 20000 --seconds 30
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx2  # noqa: E402

from bench.bench_search import DAYS, LEVELS, ORG_WORDS, QUERIES, TEXT_WORDS, TITLE_WORDS, percentile  # noqa: E402


def fill(engine, size: int) -> None:
    """A synthetic catalogue, bulk-inserted (the instances index it themselves)."""
    from sqlalchemy import insert

    from finder.models import CatalogueState, Course, CourseSession, Organisation, Venue

    rng = random.Random(size)
    today = dt.date.today()
    with engine.begin() as connection:
        connection.execute(insert(Organisation.__table__), [
            {"id": n, "key": f"org-{n}", "name": f"{rng.choice(ORG_WORDS)} {rng.choice(ORG_WORDS)} {n}"}
            for n in range(1, 201)])
        connection.execute(insert(Venue.__table__), [
            {"id": n, "key": f"venue-{n}", "name": f"{rng.choice(ORG_WORDS)} Hall {n}", "address": f"{n} High Street",
             "postcode": "", "latitude": 53.4 + rng.uniform(-0.1, 0.1), "longitude": -2.99 + rng.uniform(-0.2, 0.2),
             "organisation_id": 1 + n % 200} for n in range(1, 501)])
        for start in range(1, size + 1, 5000):
            ids = range(start, min(start + 5000, size + 1))
            connection.execute(insert(Course.__table__), [
                {"id": i, "key": f"course-{i}", "organisation_id": 1 + i % 200,
                 "title": " ".join(rng.sample(TITLE_WORDS, 3)), "description": " ".join(rng.choices(TEXT_WORDS, k=30)),
                 "kind": rng.choice(("formal", "informal")), "levels": rng.sample(LEVELS, 1), "audiences": [],
                 "eligibility": [], "creche": rng.choice(("none", "on-site")), "languages": ["ar"],
                 "status": "published", "last_checked": today} for i in ids])
            connection.execute(insert(CourseSession.__table__), [
                {"course_id": i, "weekday": rng.choice(DAYS), "start_time": dt.time(rng.choice((10, 14, 18))),
                 "end_time": dt.time(20), "venue_id": 1 + i % 500} for i in ids])
        connection.execute(insert(CatalogueState.__table__), [{"id": 1, "version": 1}])
    if engine.dialect.name == "postgresql":
        from sqlalchemy import text

        with engine.begin() as connection:
            for table in ("organisations", "venues", "courses", "course_sessions"):
                connection.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                        f"(SELECT max(id) FROM {table}))"))


def write(url: str, data_dir: str, seconds: float, import_rows: int, edits) -> None:
    """The writer's process: a new course with a unique word every second, and after 5 s an import of
    `import_rows` courses in one transaction (on a thread of its own, so the edits keep coming)."""
    from finder.services import build_services
    from finder.settings import load_settings
    from tests import factories

    services = build_services(load_settings(data_dir=Path(data_dir), database_url=url, auto_migrate=False))
    services.catalogue.notify = lambda ids, version: None  # no instance: it keeps no index

    def run_import() -> None:
        time.sleep(5)
        courses = [factories.course(f"import-{n}", f"Imported {TITLE_WORDS[n % len(TITLE_WORDS)]} class", "college")
                   for n in range(import_rows)]
        t0 = time.perf_counter()
        services.catalogue.load_catalogue(factories.catalogue(courses), source="import")
        edits.put(("import", time.perf_counter() - t0, time.time()))

    importer = threading.Thread(target=run_import)
    importer.start()
    started, n = time.monotonic(), 0
    while time.monotonic() - started < seconds:
        n += 1
        word = f"zqedit{n}x"
        services.catalogue.load_catalogue(factories.catalogue([factories.course(f"edit-{n}", f"Club {word}",
                                                                                "library")]), source="bench")
        edits.put(("edit", word, time.time()))
        time.sleep(max(0.0, started + n - time.monotonic()))
    importer.join()
    services.close()
    edits.put(("done", None, time.time()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--import-rows", type=int, default=1000)
    args = parser.parse_args()

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from finder.cli.dev import postgres_cluster
    from finder.db import migrate
    from tests.cluster import Instance, Proxy

    work = Path(tempfile.mkdtemp(prefix="bench-cluster-"))
    with postgres_cluster() as admin_url:
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text('CREATE DATABASE "bench"'))
        url = make_url(admin_url).set(database="bench").render_as_string(hide_password=False)
        engine = create_engine(url)
        migrate(engine)
        started = time.perf_counter()
        fill(engine, args.size)
        engine.dispose()
        print(f"catalogue: {args.size:,} courses inserted in {time.perf_counter() - started:.1f} s", flush=True)

        instances = [Instance(url, work / name) for name in ("a", "b")]
        started = time.perf_counter()
        for instance in instances:
            instance.start()
        for instance in instances:
            instance.wait_ready(timeout=1800)
        print(f"two instances ready (each built its own index) in {time.perf_counter() - started:.1f} s", flush=True)
        proxy = Proxy(work / "nginx", instances).start()
        edits: multiprocessing.Queue = multiprocessing.Queue()
        # The writer is a process of its own (as another instance or a coordinator's would be), so its
        # work does not hold this process's interpreter lock while the load is measured here.
        writer = multiprocessing.Process(target=write, args=(url, str(work / "writer"), args.seconds,
                                                             args.import_rows, edits))

        latencies: list[float] = []
        errors = [0]
        delays: list[float] = []
        stop = threading.Event()
        lock = threading.Lock()
        import_report: dict = {}

        def searcher(seed: int) -> None:
            rng = random.Random(seed)
            with httpx2.Client(base_url=proxy.url, timeout=30) as client:
                while not stop.is_set():
                    params = {"q": rng.choice(QUERIES)}
                    if rng.random() < 0.5:
                        params["level"] = rng.choice(LEVELS)
                    t0 = time.perf_counter()
                    try:
                        ok = client.get("/search.json", params=params).status_code == 200
                    except httpx2.TransportError:
                        ok = False
                    with lock:
                        if ok:
                            latencies.append((time.perf_counter() - t0) * 1000)
                        else:
                            errors[0] += 1

        def watch(word: str, committed: float, instance) -> None:
            with httpx2.Client(base_url=instance.url, timeout=30) as client:
                while time.time() - committed < 60:
                    if client.get("/search.json", params={"q": word}).json()["total"]:
                        with lock:
                            delays.append(time.time() - committed)
                        return
                    time.sleep(0.02)
            with lock:
                delays.append(float("inf"))

        watchers: list[threading.Thread] = []

        def listen_for_edits() -> None:
            while True:
                kind, value, at = edits.get()
                if kind == "done":
                    return
                if kind == "import":
                    import_report["seconds"] = value
                    continue
                for instance in instances:
                    watcher = threading.Thread(target=watch, args=(value, at, instance), daemon=True)
                    watcher.start()
                    watchers.append(watcher)

        threads = [threading.Thread(target=searcher, args=(n,)) for n in range(args.clients)]
        listener = threading.Thread(target=listen_for_edits)
        t_start = time.perf_counter()
        writer.start()
        listener.start()
        for thread in threads:
            thread.start()
        stop.wait(args.seconds)
        stop.set()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - t_start
        writer.join()
        listener.join()
        for watcher in watchers:
            watcher.join(60)
        proxy.stop()
        for instance in instances:
            instance.stop()
        admin.dispose()

    done = len(latencies)
    print(f"size {args.size:,} courses, {args.clients} clients through nginx to 2 instances, {elapsed:.0f} s")
    print(f"requests/s {done / elapsed:.1f}  p50 {statistics.median(latencies):.1f} ms  "
          f"p95 {percentile(latencies, 95):.1f} ms  p99 {percentile(latencies, 99):.1f} ms  errors {errors[0]}")
    print(f"import of {args.import_rows} courses in one transaction: {import_report.get('seconds', float('nan')):.1f} s")
    finite = [d for d in delays if d != float("inf")]
    print(f"edits {len(delays) // 2}: edit-to-searchable on every instance: worst {max(delays):.2f} s, "
          f"median {statistics.median(finite):.2f} s, never found {len(delays) - len(finite)}")
    print(f"machine load average at the end (shared machine): {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
