"""What anonymous demand counting adds to a search: p50 and p95 of `count_search` as each public search
runs it (the district worked out from the postcode, the need key, one added to the pending counts), and,
beside it, what the background thread's write of the pending counts costs (atomic upserts in one
transaction, off the search's path), on a fresh SQLite database in WAL mode. Target: under 0.5 ms at p95.

    .venv/bin/python bench/bench_evidence_counting.py [--searches 3000]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

from starlette.datastructures import QueryParams

from finder.evidence.counting import count_search, flush, write
from finder.search.params import parse
from finder.services import build_services
from finder.settings import load_settings

POSTCODES = ["L8 1ST", "L4 5XN", "L3 5TR", "L15 4LP", "L7 0AB", ""]
FILTERS = [{}, {"creche": "1"}, {"level": "entry-1"}, {"level": "entry-2", "time": "evening"},
           {"day": "sat"}, {"women": "1", "free": "1"}, {"mode": "online"}, {"speaks": "ar"}]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--searches", type=int, default=3000)
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="esol-bench-evidence-"))
    services = build_services(load_settings(data_dir=data, database_url=f"sqlite:///{data / 'bench.sqlite3'}",
                                            secret_key="bench"))
    from finder.db import migrate

    migrate(services.engine)
    rng = random.Random(7)
    queries = []
    for _ in range(args.searches):
        params = {**rng.choice(FILTERS), "q": "english"}
        postcode = rng.choice(POSTCODES)
        if postcode:
            params["postcode"] = postcode
        queries.append((QueryParams(params), parse(QueryParams(params)).query, rng.choice([0, 1, 2, 5])))
    for params, query, total in queries[:200]:  # warm up: connections, statements
        count_search(services, params, query, total)
    timings = []
    for params, query, total in queries:
        start = time.perf_counter()
        count_search(services, params, query, total)
        timings.append((time.perf_counter() - start) * 1000)
    flush(services.sessions)
    report("count_search, what a search pays", timings, "target p95 < 0.5 ms")
    from collections import Counter

    writes = []
    for index in range(200):  # one background write of 20 pending keys, as a busy second would have
        batch = Counter({("2026-W49", f"L{index % 30}", f"level=entry-{k % 3 + 1}", "0", "search"): 1 + k % 4
                         for k in range(20)})
        start = time.perf_counter()
        write(services.sessions, batch)
        writes.append((time.perf_counter() - start) * 1000)
    report("background write of 20 keys (once a second, not in any search)", writes, "")
    services.close()


def report(what: str, timings: list[float], target: str) -> None:
    timings = sorted(timings)
    p50 = statistics.median(timings)
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(f"{what}: {len(timings)} runs, p50 {p50:.3f} ms, p95 {p95:.3f} ms, max {timings[-1]:.3f} ms"
          + (f" ({target})" if target else ""))


if __name__ == "__main__":
    main()
