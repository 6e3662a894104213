"""Search benchmark: synthetic catalogues of 1,000, 10,000 and 100,000 courses.

Prints, per size: index build time and the building process's peak memory; the searching
process's peak memory (it builds nothing); search latency p50/p95/p99/max for the harness's 200
queries (with `--queries ../shared/bench/queries.tsv`), broad words that match nearly every course,
words + crèche + level, filters alone, words + crèche + 5 miles of a postcode (courses spread over
several cities), the next session; and how long a single edit takes to be searchable.
Each size runs in its own processes so peak memory is its own.

    python bench/bench_search.py                 # all sizes
    python bench/bench_search.py --sizes 1000 10000 --searches 200 --queries ../shared/bench/queries.tsv

Targets (issue 14; 2-core machine, 100,000 courses): p95 at most 25 ms and p99 at most 40 ms for
every kind of search, broad ones included; search process at most 300 MB, build at most 1 GB.
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
        published_at=None, updated_at=None,
        # From the number, not the random draws, so the catalogue's other fields stay as they were.
        availability=("places", "places", "waiting-list", "rolling", "next-intake", "full")[i % 6],
        wait_weeks=(None, 6)[i % 2], next_intake=dt.date.today() + dt.timedelta(days=i % 90),
        creche_places=(None, "available", "full")[i % 3])


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


# The harness's filters (../shared/bench/queries.tsv, Datasette's column style) as the search URL has them.
HARNESS_FILTERS = {"creche=1": ("creche", "1"), "free=1": ("free", "1"), "women_only=1": ("women", "1"),
                   "kind=formal": ("kind", "formal"), "kind=informal": ("kind", "informal"),
                   "level=Pre-entry": ("level", "pre-entry"), "level=Entry+1": ("level", "entry-1"),
                   "level=Entry+2": ("level", "entry-2"), "level=Entry+3": ("level", "entry-3"),
                   "level=Level+1": ("level", "level-1"), "level=Level+2": ("level", "level-2"),
                   "level=Conversation": ("level", "mixed")}


def harness_queries(path: str | None) -> list[list[tuple[str, str]]]:
    """The harness's 200 queries as search parameters, or the bench's own words with a filter or two."""
    if not path or not Path(path).exists():
        return [[("q", QUERIES[n % len(QUERIES)])] + ([("creche", "1")] if n % 2 else []) for n in range(200)]
    found = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        q, _, filters = line.partition("\t")
        found.append([("q", q)] + [HARNESS_FILTERS[f] for f in filters.split("&") if f])
    return found


BROAD = ["english", "esol", "speaking", "englsh", "inglish", "english class", "esol speaking"]


def build_size(size: int, root: str) -> dict:
    from finder.search.index import IndexStore, course_document

    rng = random.Random(size)
    store = IndexStore(Path(root))
    started = time.perf_counter()
    store.rebuild((course_document(synthetic_course(i, rng)) for i in range(1, size + 1)), version=1, expected=size)
    build = time.perf_counter() - started
    store.close()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    writers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"build_s": round(build, 2), "build_rss_mb": round(max(rss, writers), 1)}


def run_size(size: int, searches: int, queries_path: str | None) -> dict:
    from starlette.datastructures import QueryParams

    from finder.geo.shapes import PostcodeError  # noqa: F401  (the geo room must be importable)
    from finder.search import engine
    from finder.search.index import IndexStore, course_document
    from finder.search.params import parse

    root = Path(tempfile.mkdtemp(prefix=f"bench-{size}-"))
    out = subprocess.run([sys.executable, __file__, "--build", str(size), str(root)], check=True,
                         capture_output=True, text=True).stdout
    figures = {"size": size, **json.loads(out.strip().splitlines()[-1])}
    store = IndexStore(root)
    started = time.perf_counter()
    store.warm()  # what the app reads at start-up (SearchService.warm): places, session times, common postings
    figures["warm_s"] = round(time.perf_counter() - started, 2)

    def measure(name, make_params, place_for, count):
        timings, totals = [], []
        for n in range(count):
            params = make_params(n)
            parsed = parse(QueryParams(params) if isinstance(params, list) else params)
            place = place_for(n)
            t0 = time.perf_counter()
            outcome = engine.run(store, parsed.query, place, visible_since=0, explain_empty=n % 4 == 0)
            timings.append((time.perf_counter() - t0) * 1000)
            totals.append(outcome.total)
        figures[name] = {"p50": round(statistics.median(timings), 1), "p95": round(percentile(timings, 95), 1),
                         "p99": round(percentile(timings, 99), 1), "max": round(max(timings), 1),
                         "hits": round(statistics.mean(totals), 1)}

    harness = harness_queries(queries_path)
    measure("harness", lambda n: harness[n % len(harness)], lambda n: None, max(searches, len(harness)))
    measure("broad", lambda n: {"q": BROAD[n % len(BROAD)]}, lambda n: None, searches)
    measure("words_creche_level", lambda n: {"q": QUERIES[n % len(QUERIES)], "creche": "1", "level": LEVELS[n % 6]},
            lambda n: None, searches)
    measure("filters_only", lambda n: {"creche": "1", "level": LEVELS[n % 6]}, lambda n: None, searches)

    cities = list(CITIES.values())
    def near(n):
        return {"q": QUERIES[n % len(QUERIES)], "creche": "1", "postcode": cities[n % len(cities)][2],
                "radius": "5", "sort": "distance"}
    def place(n):
        return engine.SearchArea(cities[n % len(cities)][0], cities[n % len(cities)][1], 5)
    measure("near", near, place, searches)
    measure("next", lambda n: {"q": BROAD[n % len(BROAD)], "sort": "next"}, lambda n: None, searches)

    # A single edit: written to the live index, then found by a search.
    course = synthetic_course(size + 1, random.Random(1))
    course.title = "Zyzzyva welcome cafe"
    started = time.perf_counter()
    store.update([course_document(course)], [], version=2)
    found = engine.run(store, parse({"q": "zyzzyva"}).query, None, visible_since=0).total
    figures["edit_searchable_ms"] = round((time.perf_counter() - started) * 1000, 1) if found == 1 else None
    store.close()
    figures["search_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    index_bytes = sum(f.stat().st_size for f in root.rglob("*") if f.is_file())
    figures["index_mb"] = round(index_bytes / 1e6, 1)
    return figures


SETS = [("harness", "200 harness queries"), ("broad", "broad words"), ("words_creche_level", "words+creche+level"),
        ("filters_only", "filters, no words"), ("near", "words+creche+5mi"), ("next", "broad, next session")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--searches", type=int, default=500)
    parser.add_argument("--queries", help="the harness's queries.tsv (../shared/bench/queries.tsv), if at hand")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--build", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build:
        print(json.dumps(build_size(int(args.build[0]), args.build[1])))
        return
    if args.one:
        print(json.dumps(run_size(args.one, args.searches, args.queries)))
        return
    results = []
    for size in args.sizes:
        command = [sys.executable, __file__, "--one", str(size), "--searches", str(args.searches)]
        if args.queries:
            command += ["--queries", args.queries]
        out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        results.append(json.loads(out.strip().splitlines()[-1]))
    print(f"{'courses':>8} {'build s':>8} {'build MB':>9} {'warm s':>7} {'search MB':>10} {'index MB':>9} {'edit ms':>8}")
    for f in results:
        print(f"{f['size']:>8} {f['build_s']:>8} {f['build_rss_mb']:>9} {f['warm_s']:>7} {f['search_rss_mb']:>10} "
              f"{f['index_mb']:>9} {f['edit_searchable_ms']:>8}")
    print()
    print(f"{'courses':>8} {'searches':<22} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'max ms':>7} {'mean hits':>10}")
    for f in results:
        for key, label in SETS:
            m = f[key]
            print(f"{f['size']:>8} {label:<22} {m['p50']:>7} {m['p95']:>7} {m['p99']:>7} {m['max']:>7} {m['hits']:>10}")
    print("latencies in ms over every search in one process (the first, cold ones included; one in four explains\n"
          "an empty result as the page does); build MB = the building process or the largest of its writers;\n"
          "search MB = peak memory of the searching process (index opened, rows, caches), which builds nothing;\n"
          "edit ms = one changed course written to the live index and found by a search.")


if __name__ == "__main__":
    main()
