"""Spreadsheet bombs: how long the import takes to refuse each one, and the peak memory of reading it.

Builds every bomb of tests/unit/imports/test_spreadsheet_bombs.py (a 300 MB cell in a 306 KB file,
20 million blank rows, a row numbered 10,000,000, entity bombs, external entities...) and reads it
as an upload is read. Prints the median of 5 reads and tracemalloc's peak of one more.

    .venv/bin/python bench/bench_spreadsheet_bombs.py
"""

from __future__ import annotations

import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from finder.imports.tabular import TableError, read_table  # noqa: E402
from tests.unit.imports import test_spreadsheet_bombs as bombs  # noqa: E402


def measure(content: bytes, limits=None) -> tuple[float, int, str]:
    times, message = [], "read"
    for _ in range(5):
        start = time.monotonic()
        try:
            read_table(content, "bomb.xlsx", limits)
        except TableError as exc:
            message = str(exc.message)
        times.append(time.monotonic() - start)
    tracemalloc.start()
    try:
        read_table(content, "bomb.xlsx", limits)
    except TableError:
        pass
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return statistics.median(times), peak, message


def main() -> None:
    print(f"{'bomb':44} {'file KB':>8} {'ms':>8} {'peak KB':>8}  message")
    cases = [(name, name, None) for name in bombs.BOMBS]
    cases += [(f"{name} (zip checks off)", name, bombs.NO_ZIP_CHECKS)
              for name in ("300 MB cell", "300 MB shared string", "20 million blank rows")]
    for label, name, limits in cases:
        content = bombs.bomb(name)
        seconds, peak, message = measure(content, limits)
        print(f"{label:44} {len(content) / 1024:8.0f} {seconds * 1000:8.2f} {peak / 1024:8.0f}  {message[:60]}")


if __name__ == "__main__":
    main()
