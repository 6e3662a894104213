"""Import and reindex benchmark: a synthetic CSV of 1,000, 10,000 and 100,000 courses.

For each size, in a fresh data directory: `esol-finder init`, then `esol-finder import --dry-run
--as-status published FILE`, `esol-finder import --as-status published FILE` (courses, organisations,
venues and their audit entries, then the search index brought up to date with every course: from
5,000 on, a rebuild) and `esol-finder reindex` (of those published courses), each in its own
process. Prints rows a second for the dry run and the import, the reindex's seconds, and each
command's peak memory (its largest process: an index build forks a writer per core). The import
limits are raised through `ESOL_FINDER_IMPORT_MAX_ROWS` and `ESOL_FINDER_IMPORT_MAX_BYTES` for the run.

    python bench/bench_import.py                  # all sizes
    python bench/bench_import.py --sizes 1000 10000

Targets (issue 14; 2-core machine): import at least 1,000 rows a second (100,000 in under two
minutes), the dry run faster still, and a 100,000-course reindex under 60 s; builds at most 1 GB.

Measured 2 December 2026 (2 cores, SQLite), rows a second / seconds / peak MB:

    size     dry run        import (with its index rebuild)   reindex
    1,000     732 r/s         453 r/s    2.2 s    157 MB      1.7 s   157 MB
    10,000  2,203 r/s         941 r/s   10.6 s    193 MB      5.9 s   157 MB
    100,000 2,649 r/s  570 MB 891 r/s  112.3 s    887 MB     52.0 s   635 MB

3 December 2026, 100,000 rows, after the import empties its checked rows once written (before the
index rebuild): dry run 2,412 r/s (573 MB), import 946 r/s in 105.7 s (707 MB), reindex 40.7 s (640 MB).
4 December 2026, the same code on a quiet machine: dry run 3,741 r/s (573 MB), import 1,511 r/s in
66.2 s (706 MB), reindex 27.1 s (652 MB).

Before (the ORM import, ORM-loaded rebuild), same script: 1,000 rows 290 r/s (dry run 388); 10,000
rows 520 r/s (dry run 639), reindex 4.5 s; a 100,000-course reindex took 60 s. About 2 s of every
command is start-up (imports, migrations check), so 1,000 rows cannot reach 1,000 a second. Without
`--as-status published` (new courses pending, no index work) 100,000 rows import in 39 s.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_search import DAYS, LEVELS, ORG_WORDS, TEXT_WORDS, TITLE_WORDS  # noqa: E402

POSTCODES = ["L1 8JQ", "M1 1AE", "B1 1BB", "LS1 1UR", "WC2N 5DU"]
COLUMNS = ["id", "title", "description", "organisation", "levels", "venue_name", "venue_address", "venue_postcode",
           "session_1_day", "session_1_start", "session_1_end"]


def write_csv(path: Path, size: int) -> None:
    rng = random.Random(size)
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(COLUMNS)
        for i in range(1, size + 1):
            hour = rng.choice((9, 10, 13, 14, 18))
            org = f"{rng.choice(ORG_WORDS)} {rng.choice(ORG_WORDS)} {i % 700}"
            out.writerow([f"bench-{i}", " ".join(rng.sample(TITLE_WORDS, 3)), " ".join(rng.choices(TEXT_WORDS, k=30)),
                          org, "; ".join(rng.sample(LEVELS, rng.choice((1, 2)))), f"{org} Hall",
                          f"{i % 700} High Street", POSTCODES[i % 700 % len(POSTCODES)], rng.choice(DAYS),
                          f"{hour:02d}:00", f"{hour + 2:02d}:00"])


def timed(args: list[str], env: dict) -> tuple[float, float]:
    """Seconds and peak memory (MB) of one command in its own process."""
    probe = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
             "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL); s = time.perf_counter() - t; "
             "print(r.returncode, s, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)")
    done = subprocess.run([sys.executable, "-c", probe, *args], env=env, capture_output=True, text=True, check=True)
    code, seconds, rss = done.stdout.split()
    if code != "0":
        raise SystemExit(f"{' '.join(args)} failed ({code}): {done.stderr[-2000:]}")
    return float(seconds), float(rss)


def run_size(size: int) -> dict:
    cli = [sys.executable, "-m", "finder.cli"]
    with tempfile.TemporaryDirectory() as root:
        env = dict(os.environ, ESOL_FINDER_DATA_DIR=root, ESOL_FINDER_IMPORT_MAX_ROWS=str(size),
                   ESOL_FINDER_IMPORT_MAX_BYTES=str(1024 * 1024 * 1024))
        env.pop("ESOL_FINDER_DATABASE_URL", None)
        subprocess.run(cli + ["init"], env=env, check=True, capture_output=True)
        path = Path(root) / "courses.csv"
        write_csv(path, size)
        # Published, so that the import's index update and the reindex each index every course.
        dry_s, dry_mb = timed(cli + ["import", "--dry-run", "--as-status", "published", str(path)], env)
        import_s, import_mb = timed(cli + ["import", "--as-status", "published", str(path)], env)
        reindex_s, reindex_mb = timed(cli + ["reindex"], env)
    return {"size": size, "dry_run_rows_s": round(size / dry_s), "dry_run_mb": round(dry_mb),
            "import_rows_s": round(size / import_s), "import_s": round(import_s, 1), "import_mb": round(import_mb),
            "reindex_s": round(reindex_s, 1), "reindex_mb": round(reindex_mb)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    for size in parser.parse_args().sizes:
        print(json.dumps(run_size(size)), flush=True)


if __name__ == "__main__":
    main()
