"""A real browser against the real server: uvicorn on 127.0.0.1, Debian's Chromium through Playwright.

One server and one browser for this folder (the test fixture catalogue, which the assertions
know, loaded through the catalogue operations into a fresh data directory);
a fresh browser context per test. When a test fails, a screenshot of its page is saved in
`test-artifacts/`.
"""

from __future__ import annotations

import importlib.util
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.chromium import CHROMIUM, launched_chromium

ROOT = Path(__file__).resolve().parents[3]
AXE = ROOT / "var" / "node" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.browser)
            if not CHROMIUM.exists():
                item.add_marker(pytest.mark.skip(reason="Debian's Chromium is not installed (esol-finder check installs it)"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_answering(url: str, process: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped before answering:\n{log.read_text(errors='replace')[-4000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.2)
    raise RuntimeError(f"the server did not answer within {seconds} s:\n{log.read_text(errors='replace')[-4000:]}")


class Server:
    def __init__(self, base_url: str, env: dict, data_dir: Path):
        self.base_url = base_url
        self.env = env
        self.data_dir = data_dir

    def url(self, path: str) -> str:
        return self.base_url + path

    def cli(self, *args: str, input: str | None = None) -> subprocess.CompletedProcess:
        """Run an esol-finder command against the server's data (e.g. to make a user)."""
        return subprocess.run([sys.executable, "-m", "finder.cli", *args], env=self.env, cwd=ROOT, input=input,
                              capture_output=True, text=True, timeout=120, check=True)


def database_url(data_dir: Path) -> str:
    return f"sqlite:///{data_dir / 'esol-finder.sqlite3'}"


def load_fixture_catalogue(data_dir: Path) -> None:
    from finder.services import build_services
    from finder.settings import load_settings
    from tests import factories

    services = build_services(load_settings(data_dir=data_dir, database_url=database_url(data_dir),
                                            secret_key="browser-tests-secret"))
    try:
        services.prepare()
        services.catalogue.load_catalogue(factories.fixture_catalogue(), status="published", source="tests")
        if importlib.util.find_spec("finder.geo.postcodes") is not None:
            services.postcodes.directory  # noqa: B018 - build the postcode table now, not during the first search
    finally:
        services.close()


# Package scope: the browser and its event loop end with this folder, so later tests that run
# their own asyncio loop or Playwright are not disturbed.
@pytest.fixture(scope="package")
def server(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("browser-data")
    env = {key: value for key, value in os.environ.items() if not key.startswith("ESOL_FINDER_")}
    env.update(ESOL_FINDER_DATA_DIR=str(data_dir), ESOL_FINDER_SECRET_KEY="browser-tests-secret",
               ESOL_FINDER_DEMO_BANNER="1", ESOL_FINDER_DATABASE_URL=database_url(data_dir),
               PYTHONWARNINGS="ignore")
    port = free_port()
    env["ESOL_FINDER_BASE_URL"] = f"http://127.0.0.1:{port}"
    load_fixture_catalogue(data_dir)
    log = data_dir / "server.log"
    with log.open("w") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "finder.web.asgi:app", "--host", "127.0.0.1", "--port", str(port),
             "--log-level", "warning"], env=env, cwd=ROOT, stdout=log_file, stderr=subprocess.STDOUT)
    try:
        wait_until_answering(f"http://127.0.0.1:{port}/", process, log)
        yield Server(f"http://127.0.0.1:{port}", env, data_dir)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="package")
def browser():
    with launched_chromium() as browser:
        yield browser


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def context(browser, request):
    # axe-core is injected as an inline script, which the site's own policy forbids (rightly):
    # tests that inject it ask for a context that bypasses the policy; all others keep it.
    bypass = "axe_script" in request.fixturenames
    context = browser.new_context(locale="en-GB", viewport={"width": 390, "height": 844}, bypass_csp=bypass)
    context.set_default_timeout(15_000)
    yield context
    context.close()


@pytest.fixture
def page(context, request):
    """A page that records console errors (a CSP violation shows there) and is photographed on failure."""
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda message: page.console_errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    page.on("response", lambda response: page.console_errors.append(f"{response.status} {response.url}")
            if response.status >= 400 and response.request.resource_type != "document" else None)
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)[-150:]
        try:
            page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        except Exception as exc:  # the page may be gone; the failure itself is what matters
            print(f"no screenshot for {request.node.nodeid}: {exc}")


@pytest.fixture(scope="session")
def axe_script() -> Path:
    if not AXE.exists():
        pytest.fail(f"axe-core is missing at {AXE}: run `esol-finder check` (it installs axe-core@4.14.1 with npm)")
    return AXE


def axe_violations(page, axe_script: Path) -> list[str]:
    """Run axe-core on the page as it is now; answer one readable line per violation and node."""
    page.add_script_tag(path=str(axe_script))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    lines = []
    for violation in result["violations"]:
        for node in violation["nodes"]:
            lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} at {node['target']}: "
                         f"{node.get('failureSummary', '').strip()}")
    return lines
