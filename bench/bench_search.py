"""Search benchmark: synthetic catalogues of 1,000, 10,000 and 100,000 courses.

Prints, per size: index build time, search latency p50/p95 for words + crèche + level, for
words + crèche + 5 miles of a postcode (courses spread over several cities), and peak memory.
Each size runs in its own process so peak memory is its own.

    python bench/bench_search.py                 # all sizes
    python bench/bench_search.py --sizes 1000 10000 --searches 500

Targets (2-core machine, 100,000 courses): p95 under 50 ms, build under 2 minutes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

CITIES = {  # centre latitude, longitude and a real postcode near the centre
    "Liverpool": (53.4084, -2.9916, "L1 8JQ"),
    "Manchester": (53.4808, -2.2426, "M1 1AE"),
    "Birmingham": (52.4862, -1.8904, "B1 1BB"),
    "Leeds": (53.8008, -1.5491, "LS1 1UR"),
    "London": (51.5072, -0.1276, "WC2N 5DU"),
}
TITLE_WORDS = ["ESOL", "English", "conversation", "club", "class", "speaking", "reading", "writing", "beginners",
               "women", "parents", "evening", "weekend", "community", "practice", "skills", "café", "welcome"]
TEXT_WORDS = ("learn practise improve confidence friendly volunteers teacher group everyday shopping doctor school "
              "work interview pronunciation grammar listening vocabulary tea coffee children crèche free library "
              "church mosque centre college qualification exam certificate online home family health").split()
ORG_WORDS = ["Community", "Library", "College", "Church", "Centre", "Trust", "Group", "Refugee", "Welcome", "Family"]
LEVELS = ["pre-entry", "entry-1", "entry-2", "entry-3", "level-1", "level-2", "mixed"]
DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
QUERIES = ["english", "conversation club", "esol beginners", "speaking practice", "women class", "englsh",
           "reading writing", "community cafe", "evening english", "convrsation"]


def synthetic_course(i: int, rng: random.Random):
    city, (lat, lon, _) = rng.choice(list(CITIES.items()))
    venue = SimpleNamespace(name=f"{rng.choice(ORG_WORDS)} Hall {i % 500}", address=f"{i} High Street, {city}",
                            postcode="", latitude=lat + rng.uniform(-0.12, 0.12), longitude=lon + rng.uniform(-0.2, 0.2))
    sessions = []
    for _ in range(rng.choice((1, 1, 2))):
        hour = rng.choice((9, 10, 13, 14, 18, 19))
        sessions.append(SimpleNamespace(weekday=rng.choice(DAYS), start_time=dt.time(hour, rng.choice((0, 30))), venue=venue))
    return SimpleNamespace(
        id=i, title=" ".join(rng.sample(TITLE_WORDS, 3)), description=" ".join(rng.choices(TEXT_WORDS, k=30)),
        organisation=SimpleNamespace(name=f"{city} {rng.choice(ORG_WORDS)} {rng.choice(ORG_WORDS)}"),
        venues=[venue], sessions=sessions, translations=[],
        levels=rng.sample(LEVELS, rng.choice((1, 1, 2))), kind=rng.choice(("formal", "informal")),
        creche=rng.choice(("none", "none", "on-site", "childcare-support")), free=rng.random() < 0.7,
        women_only=rng.random() < 0.15, mode=rng.choice(("in-person", "in-person", "online", "blended")),
        languages=rng.sample(["ar", "fa", "uk", "pl", "so", "ti"], 2), last_checked=dt.date.today(),
        published_at=None, updated_at=None)


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def run_size(size: int, searches: int) -> dict:
    from finder.geo.shapes import PostcodeError  # noqa: F401  (the geo room must be importable)
    from finder.search import engine
    from finder.search.index import IndexStore, course_document
    from finder.search.params import parse

    rng = random.Random(size)
    root = Path(tempfile.mkdtemp(prefix=f"bench-{size}-"))
    store = IndexStore(root)
    started = time.perf_counter()
    store.rebuild((course_document(synthetic_course(i, rng)) for i in range(1, size + 1)), version=1, expected=size)
    build = time.perf_counter() - started
    started = time.perf_counter()
    store.rows()  # what the app reads at start-up (SearchService.warm): places and session times
    figures = {"size": size, "build_s": round(build, 2), "warm_s": round(time.perf_counter() - started, 2)}

    def measure(make_params, place_for):
        timings, totals = [], []
        for n in range(searches):
            parsed = parse(make_params(n))
            place = place_for(n)
            t0 = time.perf_counter()
            outcome = engine.run(store, parsed.query, place, visible_since=0, explain_empty=False)
            timings.append((time.perf_counter() - t0) * 1000)
            totals.append(outcome.total)
        return timings, totals

    def words_creche_level(n):
        return {"q": QUERIES[n % len(QUERIES)], "creche": "1", "level": LEVELS[n % 6]}
    timings, totals = measure(words_creche_level, lambda n: None)
    figures.update(words_creche_level_p50_ms=round(statistics.median(timings), 1),
                   words_creche_level_p95_ms=round(percentile(timings, 95), 1),
                   words_creche_level_mean_hits=round(statistics.mean(totals), 1))

    cities = list(CITIES.values())
    def near(n):
        return {"q": QUERIES[n % len(QUERIES)], "creche": "1", "postcode": cities[n % len(cities)][2],
                          "radius": "5", "sort": "distance"}
    def place(n):
        return engine.SearchArea(cities[n % len(cities)][0], cities[n % len(cities)][1], 5)
    timings, totals = measure(near, place)
    figures.update(words_creche_5mi_p50_ms=round(statistics.median(timings), 1),
                   words_creche_5mi_p95_ms=round(percentile(timings, 95), 1),
                   words_creche_5mi_mean_hits=round(statistics.mean(totals), 1))
    store.close()
    # This process (which also fed the build) and the largest of the build's writer processes.
    figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    figures["writer_rss_mb"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)
    index_bytes = sum(f.stat().st_size for f in root.rglob("*") if f.is_file())
    figures["index_mb"] = round(index_bytes / 1e6, 1)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--searches", type=int, default=1000)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_size(args.one, args.searches)))
        return
    print(f"{'courses':>8} {'build s':>8} {'warm s':>7} {'w+c+l p50':>10} {'w+c+l p95':>10} {'w+c+5mi p50':>12} {'w+c+5mi p95':>12} {'peak MB':>8} {'writer MB':>9} {'index MB':>9}")
    for size in args.sizes:
        out = subprocess.run([sys.executable, __file__, "--one", str(size), "--searches", str(args.searches)],
                             check=True, capture_output=True, text=True).stdout
        f = json.loads(out.strip().splitlines()[-1])
        print(f"{f['size']:>8} {f['build_s']:>8} {f['warm_s']:>7} {f['words_creche_level_p50_ms']:>10} {f['words_creche_level_p95_ms']:>10} "
              f"{f['words_creche_5mi_p50_ms']:>12} {f['words_creche_5mi_p95_ms']:>12} {f['peak_rss_mb']:>8} {f['writer_rss_mb'] or '-':>9} {f['index_mb']:>9}",
              flush=True)
    print("latencies in ms over every search, the first (cold) ones included; w+c+l = words + crèche + level;\n"
          "w+c+5mi = words + crèche + within 5 miles of a postcode, nearest first; warm s = reading places and\n"
          "session times into memory, as the app does at start-up; peak MB = the searching process (which also fed\n"
          "the build); writer MB = the largest of the build's writer processes (builds of 5,000 courses or more)")


if __name__ == "__main__":
    main()
