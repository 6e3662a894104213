"""Unloaded latency over HTTP: the app as served (`esol-finder serve`, one worker) on a data directory
you loaded, one request at a time, every one of the harness's 200 queries as `/search` and
`/search.json`, and near-me searches (the words + crèche + 5 miles of L8 1ST).

Each query is asked twice: first on a freshly started server (cold: worked out, rendered and kept with
the index commit) and then again (answered from what was kept). Prints p50/p95/p99/max in ms per kind
and pass. Targets (issue 14, 100,000 courses, a 2-core machine): p95 at most 25 ms and p99 at most
40 ms for every query, broad ones and near-me included.

    python bench/bench_http.py --data-dir /tmp/perf/app100000 --queries ../shared/bench/queries.tsv

(the data directory loaded as the README's "Search at national scale" says).
"""

from __future__ import annotations

import argparse
import http.client
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_search import harness_queries, percentile  # noqa: E402

NEAR = [("creche", "1"), ("postcode", "L8 1ST"), ("radius", "5")]


def wait_ready(port: int, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/readyz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit("the server did not become ready")


def timed(connection: http.client.HTTPConnection, path: str) -> float:
    started = time.perf_counter()
    connection.request("GET", path, headers={"Accept-Encoding": "gzip"})
    response = connection.getresponse()
    response.read()
    if response.status != 200:
        raise SystemExit(f"{path}: {response.status}")
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", required=True, help="an ESOL_FINDER_DATA_DIR with courses in it")
    parser.add_argument("--queries", help="the harness's queries.tsv (../shared/bench/queries.tsv)")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--slowest", type=int, default=3, help="how many of the slowest requests to name")
    args = parser.parse_args()

    queries = harness_queries(args.queries)
    words = [dict(params).get("q", "") for params in queries]
    kinds = {
        "/search.json": [f"/search.json?{urlencode(params)}" for params in queries],
        "/search": [f"/search?{urlencode(params)}" for params in queries],
        "near me (json)": [f"/search.json?{urlencode([('q', w)] + NEAR)}" for w in words if w],
        "near me (html)": [f"/search?{urlencode([('q', w)] + NEAR)}" for w in words if w],
    }
    env = dict(os.environ, ESOL_FINDER_DATA_DIR=args.data_dir, ESOL_FINDER_DEMO_BANNER="0")
    command = [sys.executable, "-m", "finder.cli", "serve", "--host", "127.0.0.1", "--port", str(args.port)]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_ready(args.port)
        connection = http.client.HTTPConnection("127.0.0.1", args.port, timeout=30)
        print(f"{'kind':16} {'pass':5} {'n':>4} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'max ms':>7}")
        for name, paths in kinds.items():
            for label in ("cold", "kept"):
                times = [timed(connection, path) for path in paths]
                slowest = sorted(zip(times, paths, strict=True), reverse=True)[:args.slowest]
                print(f"{name:16} {label:5} {len(times):4} {percentile(times, 50):7.1f} {percentile(times, 95):7.1f} "
                      f"{percentile(times, 99):7.1f} {max(times):7.1f}   slowest: "
                      + ", ".join(f"{path} {ms:.0f}" for ms, path in slowest))
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
