"""Postcode directory benchmark: build time, file size and lookup latency.

Builds the full-UK directory from Code-Point Open into a temporary directory (or reuses
--path), then times lookups of random real postcodes (full, sector and district), first
uncached and then a second pass that hits the lookup cache.

    python bench/bench_postcodes.py                  # build afresh, 10,000 lookups
    python bench/bench_postcodes.py --path var/postcodes.sqlite --lookups 50000

Targets (2-core machine): build under 60 s, file under 150 MB, lookups well under 1 ms.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from finder.geo.postcodes import PostcodeDirectory, build, read_codepoint  # noqa: E402


def percentiles(samples: list[float]) -> str:
    cuts = statistics.quantiles(samples, n=100)
    return f"p50 {cuts[49] * 1e6:7.1f} µs   p95 {cuts[94] * 1e6:7.1f} µs   max {max(samples) * 1e6:8.1f} µs"


def time_lookups(directory: PostcodeDirectory, texts: list[str]) -> list[float]:
    samples = []
    for text in texts:
        started = time.perf_counter()
        directory.lookup(text)
        samples.append(time.perf_counter() - started)
    return samples


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--path", type=Path, help="an existing directory file to time (built if missing)")
    parser.add_argument("--lookups", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        path = args.path or Path(scratch) / "postcodes.sqlite"
        if not path.exists():
            cpu = time.process_time()
            figures = build(path)
            cpu = time.process_time() - cpu
            print(f"build: {figures['seconds']:.1f} s wall ({cpu:.1f} s CPU), {figures['postcode']:,} postcodes, "
                  f"{figures['sector']:,} sectors, {figures['district']:,} districts")
            print(f"peak memory during build: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
        print(f"file: {path.stat().st_size / 1e6:.1f} MB")

        codes, _, _ = read_codepoint()
        rng = random.Random(args.seed)
        chosen = rng.sample(codes, args.lookups)
        # Mostly full postcodes typed carelessly, some sectors and districts.
        texts = [code.lower().replace(" ", "") if i % 10 < 8 else code[:-2] if i % 10 == 8 else code.split()[0]
                 for i, code in enumerate(chosen)]
        texts = list(dict.fromkeys(texts))  # each text once, so the first pass never hits the cache
        directory = PostcodeDirectory(path)
        print(f"lookups ({len(texts):,} random, uncached): {percentiles(time_lookups(directory, texts))}")
        recent = texts[-5_000:]  # fits the lookup cache
        print(f"lookups ({len(recent):,} repeated, cached): {percentiles(time_lookups(directory, recent))}")
        directory.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
