"""How long "Can I join for free?" (/help/free with four answers) takes to answer as the catalogue grows:
every published free or concessions listing is weighed against the rules on each request.

Builds a throwaway catalogue of N synthetic listings (a third free, a third concessions naming groups,
a third with a fee), then times requests through Starlette's TestClient (in-process, no network).

    .venv/bin/python bench/bench_help_free.py [--courses 1000 5000] [--requests 20]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("ESOL_FINDER_ALLOWED_HOSTS", "testserver")

from starlette.testclient import TestClient  # noqa: E402

from finder.services import build_services  # noqa: E402
from finder.settings import load_settings  # noqa: E402
from finder.web.app import create_app  # noqa: E402
from tests import factories  # noqa: E402

ANSWERS = {"status": "asylum", "since": "6-months-to-3-years", "age": "19-plus", "benefits": "not-sure"}
GROUPS = [["refugees"], ["asylum-seekers", "refugees"], ["benefits", "residents"], ["anyone"]]


def catalogue(count: int) -> dict:
    courses = []
    for n in range(count):
        kind = n % 3
        cost = ("free", "concessions", "fee")[kind]
        courses.append(factories.course(f"bench-{n}", f"Bench English {n}", ("college", "library", "church")[kind],
                                        [factories.session("mon", "10:00", "12:00", "college-main")], cost=cost,
                                        eligibility=GROUPS[n % len(GROUPS)] if cost == "concessions" else ["anyone"]))
    return factories.catalogue(courses)


def measure(count: int, requests: int) -> None:
    data = Path(tempfile.mkdtemp(prefix="esol-bench-free-"))
    settings = load_settings(data_dir=data, database_url=f"sqlite:///{data / 'bench.sqlite3'}", secret_key="bench")
    services = build_services(settings)
    services.prepare()
    services.catalogue.load_catalogue(catalogue(count))
    with TestClient(create_app(services=services, prepare=False)) as client:
        client.get("/help/free", params=ANSWERS)  # warm up
        times = []
        for _ in range(requests):
            start = time.perf_counter()
            response = client.get("/help/free", params=ANSWERS)
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
        size = len(response.content)
    services.close()
    times.sort()
    print(f"{count:>6} listings: p50 {statistics.median(times):7.1f} ms, p95 {times[int(len(times) * 0.95) - 1]:7.1f} ms,"
          f" page {size / 1024:.0f} KB uncompressed")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--courses", type=int, nargs="+", default=[100, 1000, 5000])
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()
    for count in args.courses:
        measure(count, args.requests)


if __name__ == "__main__":
    main()
