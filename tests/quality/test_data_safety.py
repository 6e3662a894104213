"""Data safety: kill -9 mid-import or mid-save loses nothing committed and leaves nothing half-written;
a deleted or corrupted search index is rebuilt from the database by itself."""

from __future__ import annotations

import contextlib
import gc
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select
from starlette.testclient import TestClient

from finder.models import Course, CourseSession
from finder.services import build_services
from finder.web.app import create_app

ROOT = Path(__file__).resolve().parents[2]

sqlite_only = pytest.mark.skipif(bool(os.environ.get("ESOL_FINDER_TEST_DATABASE_URL")),
                                 reason="kills a writer of the embedded SQLite file")

WRITER = textwrap.dedent("""
    import json, sys
    from finder.settings import load_settings
    from finder.services import build_services
    from tests import factories

    mode, data_dir, database_url, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    services = build_services(load_settings(data_dir=data_dir, database_url=database_url, secret_key="x"))
    courses = [factories.course(f"bulk-{n}", f"Bulk class {n}", "library",
                                [factories.session("mon", "10:00", "11:00", "library-central"),
                                 factories.session("thu", "18:00", "19:30", "library-central")],
                                description="A class loaded in bulk. " * 20)
               for n in range(count)]
    if mode == "import":  # one big all-or-nothing import
        print("started", flush=True)
        services.catalogue.load_catalogue(factories.catalogue(courses), status="published", source="bulk")
        print("finished", flush=True)
    else:  # one save after another, each its own transaction
        for n, data in enumerate(courses):
            services.catalogue.load_catalogue(factories.catalogue([data]), status="published", source="one by one")
            print(f"saved bulk-{n}", flush=True)
""")


def start_writer(settings, mode: str, count: int) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ESOL_FINDER_")}
    return subprocess.Popen([sys.executable, "-c", WRITER, mode, str(settings.data_dir), settings.database_url,
                             str(count)], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def database_file(settings) -> Path:
    return Path(settings.database_url.removeprefix("sqlite:///"))


def integrity(settings) -> str:
    with contextlib.closing(sqlite3.connect(database_file(settings))) as connection:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]


def bulk_state(services) -> tuple[int, int]:
    with services.sessions() as db:
        courses = db.scalar(select(func.count()).select_from(Course).where(Course.key.like("bulk-%")))
        sessions = db.scalar(select(func.count()).select_from(CourseSession).join(Course)
                             .where(Course.key.like("bulk-%")))
    return courses, sessions


def kill(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    process.stdout.close()
    process.stderr.close()


@sqlite_only
def test_kill_9_in_the_middle_of_an_import_leaves_nothing_of_it(fixture_catalogue, client):
    services = fixture_catalogue
    writer = start_writer(services.settings, "import", 3000)
    assert writer.stdout.readline().strip() == "started", writer.stderr.read()
    time.sleep(1.5)  # validating and writing 3,000 courses takes several seconds: stop it part-way
    assert writer.poll() is None, "the import finished before it could be interrupted: make it bigger"
    kill(writer)

    assert integrity(services.settings) == "ok"
    assert bulk_state(services) == (0, 0)  # nothing half-written
    after = build_services(services.settings)  # the next process to start
    try:
        after.prepare()
        with TestClient(create_app(services=after, prepare=False)) as fresh:
            assert fresh.get("/search.json").json()["total"] == 7  # everything committed before is there
            assert fresh.get("/search.json?q=bulk").json()["total"] == 0
    finally:
        after.close()


@sqlite_only
def test_kill_9_between_saves_keeps_every_committed_save_whole(fixture_catalogue):
    services = fixture_catalogue
    writer = start_writer(services.settings, "saves", 400)
    saved = []
    while len(saved) < 15:
        line = writer.stdout.readline()
        assert line, writer.stderr.read()
        saved.append(line.split()[-1])
    kill(writer)  # it was saving the next course when it died

    assert integrity(services.settings) == "ok"
    courses, sessions = bulk_state(services)
    assert len(saved) <= courses < 400  # every save it reported is there; the rest never started or rolled back
    assert sessions == 2 * courses  # no course without its sessions
    with services.sessions() as db:
        keys = set(db.scalars(select(Course.key).where(Course.key.like("bulk-%"))))
    assert set(saved) <= keys
    after = build_services(services.settings)
    try:
        after.prepare()  # the index catches up with what was committed
        with TestClient(create_app(services=after, prepare=False)) as fresh:
            assert fresh.get("/search.json?q=bulk&per_page=100").json()["total"] == courses
    finally:
        after.close()


def search_titles(client, query: str) -> list[str]:
    response = client.get(f"/search.json?{query}")
    assert response.status_code == 200
    return sorted(r["title"] for r in response.json()["results"])


def scribble(index_dir: Path) -> int:
    """Write garbage over every file of the index (and its pointer)."""
    files = [p for p in index_dir.rglob("*") if p.is_file()]
    for path in files:
        path.write_bytes(os.urandom(64) + b"\x00garbage\x00" * 10)
    return len(files)


# Whoosh leaves the file it failed to read open until garbage collection: harmless here, and not ours.
@pytest.mark.filterwarnings("ignore:unclosed file:ResourceWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize("damage", ["deleted", "garbage", "garbage-kept-pointer"])
def test_a_damaged_index_is_rebuilt_from_the_database_by_itself(fixture_catalogue, damage):
    services = fixture_catalogue
    index_dir = services.settings.index_dir
    with TestClient(create_app(services=services, prepare=False)) as client:
        expected = search_titles(client, "creche=1")
        assert expected == ["English for Mums"]
        words = search_titles(client, "q=conversation")
    services.search.store.close()

    if damage == "deleted":
        shutil.rmtree(index_dir)
    elif damage == "garbage":
        assert scribble(index_dir) > 3
    else:
        pointer = (index_dir / "CURRENT").read_text()
        scribble(index_dir)
        (index_dir / "CURRENT").write_text(pointer)  # the pointer is fine, the segments behind it are not

    # A worker that starts now, with no start-up step, answers correctly from its first request.
    worker = build_services(services.settings)
    try:
        with TestClient(create_app(services=worker, prepare=False)) as client:
            assert search_titles(client, "creche=1") == expected
            assert search_titles(client, "q=conversation") == words
            page = client.get("/search?creche=1")
            assert page.status_code == 200 and "English for Mums" in page.text
    finally:
        worker.close()
    assert services.search.store.version() is not None  # a sound index is in place again
    gc.collect()  # release Whoosh's abandoned file handles while the warning filters above apply


def test_a_restart_rebuilds_a_stale_index(fixture_catalogue):
    """An index left at an older catalogue version (e.g. restored from an old disk) is rebuilt at start-up."""
    services = fixture_catalogue
    name = (services.settings.index_dir / "CURRENT").read_text().strip()
    stamp = services.settings.index_dir / name / "catalogue.json"
    meta = json.loads(stamp.read_text())
    meta["version"] = meta["version"] - 1
    stamp.write_text(json.dumps(meta))
    services.search.store.close()
    worker = build_services(services.settings)
    try:
        worker.prepare()
        with TestClient(create_app(services=worker, prepare=False)) as client:
            assert len(search_titles(client, "per_page=100")) == 7
    finally:
        worker.close()
    assert json.loads((services.settings.index_dir / (services.settings.index_dir / "CURRENT").read_text().strip()
                       / "catalogue.json").read_text())["version"] == meta["version"] + 1
