"""A burst of 60 wrong logins at once while one visitor searches: the visitor's search latency
before and during the burst, and how long the burst takes. Shows that password hashing stays off
the event loop and a few at a time.

Starts the app with uvicorn on a free port of 127.0.0.1 (demo catalogue, a throwaway data dir, the
login rate limit raised so every login is really checked), and stops it at the end.

    .venv/bin/python bench/bench_login_burst.py
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx2 as httpx

ROOT = Path(__file__).resolve().parent.parent
LOGINS = 60


def main() -> None:
    data = Path(tempfile.mkdtemp(prefix="esol-bench-login-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("ESOL_FINDER_")}
    env.update(ESOL_FINDER_DATA_DIR=str(data), ESOL_FINDER_SECRET_KEY="bench", ESOL_FINDER_RATE_LIMIT_LOGINS="1000")
    shared = ROOT / "var" / "postcodes.sqlite"  # reuse a built postcode table when there is one (20 s otherwise)
    if shared.exists():
        shutil.copy(shared, data / "postcodes.sqlite")
    subprocess.run([sys.executable, "-m", "finder.cli", "demo"], env=env, cwd=ROOT, check=True, capture_output=True)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "uvicorn", "finder.web.asgi:app", "--port", str(port),
                               "--log-level", "warning"], env=env, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                if httpx.get(base + "/", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        visitor = httpx.Client(base_url=base, timeout=120)

        def search() -> float:
            start = time.perf_counter()
            assert visitor.get("/search?q=english").status_code == 200
            return (time.perf_counter() - start) * 1000

        for _ in range(10):
            search()
        quiet = [search() for _ in range(100)]

        def login(n: int) -> None:
            with httpx.Client(base_url=base, timeout=120) as client:
                token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/backoffice/login").text).group(1)
                client.post("/backoffice/login", data={"email": f"u{n}@example.org", "password": "wrong",
                                                       "csrf_token": token})

        threads = [threading.Thread(target=login, args=(n,)) for n in range(LOGINS)]
        start = time.perf_counter()
        for thread in threads:
            thread.start()
        busy = []
        while any(thread.is_alive() for thread in threads):
            busy.append(search())
        took = time.perf_counter() - start

        def p95(values):
            return statistics.quantiles(values, n=100)[94] if len(values) > 1 else values[0]

        print(f"search alone: p50 {statistics.median(quiet):.0f} ms, p95 {p95(quiet):.0f} ms")
        print(f"during {LOGINS} wrong logins: p50 {statistics.median(busy):.0f} ms, p95 {p95(busy):.0f} ms, "
              f"max {max(busy):.0f} ms over {len(busy)} searches; the logins took {took:.1f} s")
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
