"""Developer chores as commands, so the README and CI run the very same steps.

`esol-finder check` installs what the test suite needs on a bare machine (Debian's
Chromium and Noto fonts, PostgreSQL, axe-core from npm) and runs it: the whole suite on the
embedded SQLite default, then the database-facing tests again against a throwaway PostgreSQL
cluster that it starts (and stops) itself.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import click

from finder import PROJECT_DIR

ROOT = PROJECT_DIR
APT_PACKAGES = ["chromium", "fonts-noto-core", "fonts-noto-cjk", "postgresql", "nginx"]
NPM_PACKAGES = ["axe-core@4.14.1"]
NODE_DIR = ROOT / "var" / "node"
# Tests that talk to the database carry this marker (`pytestmark = pytest.mark.postgres`, registered
# in pyproject.toml) and are run a second time on PostgreSQL.
POSTGRES_MARKER = "postgres"


def _run(cmd: list[str], **kwargs) -> int:
    click.echo("$ " + " ".join(cmd), err=True)
    return subprocess.call(cmd, **kwargs)


def missing_apt_packages() -> list[str]:
    missing = []
    for package in APT_PACKAGES:
        status = subprocess.run(["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True)
        if "install ok installed" not in status.stdout:
            missing.append(package)
    return missing


def ensure_system_packages() -> None:
    if not shutil.which("dpkg-query"):
        click.echo("Not a Debian system: install Chromium, Noto fonts, PostgreSQL and nginx yourself.", err=True)
        return
    missing = missing_apt_packages()
    if not missing:
        return
    if os.geteuid() != 0:
        click.echo(f"Missing system packages (tests that need them will be skipped): {' '.join(missing)}", err=True)
        return
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    _run(["apt-get", "update", "-qq"], env=env)
    if _run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing], env=env) != 0:
        raise click.ClickException("apt-get install failed")


def ensure_node_packages() -> None:
    if (NODE_DIR / "node_modules" / "axe-core" / "axe.min.js").exists():
        return
    if not shutil.which("npm"):
        click.echo("npm not found: accessibility checks will be skipped.", err=True)
        return
    NODE_DIR.mkdir(parents=True, exist_ok=True)
    if _run(["npm", "install", "--no-save", "--no-package-lock", "--no-audit", "--no-fund",
             "--prefix", str(NODE_DIR), *NPM_PACKAGES]) != 0:
        raise click.ClickException("npm install failed")


def postgres_bin_dir() -> Path | None:
    """The newest installed PostgreSQL server's bin directory (Debian keeps them versioned)."""
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name)
                        if p.parent.parent.name.isdigit() else 0)
    if candidates:
        return candidates[-1].parent
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def postgres_cluster():
    """A throwaway PostgreSQL cluster on a Unix socket in a temp dir (fsync off); yields its admin URL."""
    bin_dir = postgres_bin_dir()
    if bin_dir is None:
        raise click.ClickException("PostgreSQL is not installed (apt-get install postgresql)")
    directory = Path(tempfile.mkdtemp(prefix="esol-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root: run it as the postgres user
        shutil.chown(directory, "postgres", "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    data, port = directory / "data", _free_port()
    try:
        subprocess.run([*as_user, str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
                        "-E", "UTF8", "--locale=C.UTF-8"], check=True, capture_output=True)
        subprocess.run([*as_user, str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(directory / "log"), "-w",
                        "-o", f"-p {port} -k {directory} -F -c listen_addresses='' -c max_connections=200",
                        "start"], check=True, capture_output=True)
    except subprocess.CalledProcessError as exc:
        log = directory / "log"
        detail = (exc.stderr or b"").decode(errors="replace") + (log.read_text() if log.exists() else "")
        shutil.rmtree(directory, ignore_errors=True)
        raise click.ClickException(f"could not start PostgreSQL: {detail}") from exc
    try:
        yield f"postgresql+psycopg://postgres@/postgres?host={directory}&port={port}"
    finally:
        subprocess.run([*as_user, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                       capture_output=True)
        shutil.rmtree(directory, ignore_errors=True)


def run_pytest(args: list[str], env: dict | None = None) -> int:
    code = _run([sys.executable, "-m", "pytest", *args], cwd=ROOT, env=env)
    if code == 5:
        raise click.ClickException("pytest collected no tests")
    return code


def run_linters() -> int:
    """ruff over the code and the tests, mypy over the core rooms (both configured in pyproject.toml)."""
    ruff = _run([sys.executable, "-m", "ruff", "check", "finder", "tests", "bench"], cwd=ROOT)
    mypy = _run([sys.executable, "-m", "mypy"], cwd=ROOT)
    if ruff or mypy:
        click.echo("Linters: " + ", ".join(name for name, code in (("ruff", ruff), ("mypy", mypy)) if code)
                   + " found problems (see above)", err=True)
    return ruff or mypy


# Branch coverage of the package over the in-process tests, printed after the SQLite run.
COVERAGE_ARGS = ["--cov=finder", "--cov-branch", "--cov-report=term:skip-covered"]


def run_postgres_suite(pytest_args: tuple[str, ...]) -> int:
    with postgres_cluster() as admin_url:
        click.echo(f"PostgreSQL: running the database-facing tests (-m {POSTGRES_MARKER}) again on {admin_url}",
                   err=True)
        env = dict(os.environ, ESOL_FINDER_TEST_DATABASE_URL=admin_url)
        code = run_pytest(["-m", POSTGRES_MARKER, "-p", "no:cacheprovider", *pytest_args], env=env)
    return code


@click.command(context_settings={"ignore_unknown_options": True})
@click.option("--no-install", is_flag=True, help="Do not install system or npm packages.")
@click.option("--no-postgres", is_flag=True, help="Run on SQLite only (skip the PostgreSQL run).")
@click.option("--postgres-only", is_flag=True, help="Only run the database-facing tests on PostgreSQL.")
@click.option("--no-lint", is_flag=True, help="Skip ruff and mypy.")
@click.option("--no-coverage", is_flag=True, help="Do not measure branch coverage.")
@click.argument("pytest_args", nargs=-1, type=click.UNPROCESSED)
def check(no_install: bool, no_postgres: bool, postgres_only: bool, no_lint: bool, no_coverage: bool,
          pytest_args: tuple[str, ...]) -> None:
    """Install what the tests need, run ruff and mypy, the whole suite with branch coverage, then the
    database tests on PostgreSQL."""
    if not no_install:
        ensure_system_packages()
        ensure_node_packages()
    code = 0
    if not no_lint and not postgres_only:
        code = run_linters()
    if not postgres_only:
        coverage = [] if no_coverage or pytest_args else COVERAGE_ARGS
        code = run_pytest([*coverage, *pytest_args]) or code
    if postgres_only or (not no_postgres and not pytest_args):
        if postgres_bin_dir() is None:
            raise click.ClickException("PostgreSQL is not installed, so the PostgreSQL run cannot happen "
                                       "(install it, or pass --no-postgres)")
        code = run_postgres_suite(pytest_args) or code
    sys.exit(code)


LOCK_FILE = ROOT / "requirements" / "lock.txt"
LOCK_EXTRAS = ("test", "postgres", "lock")


def compile_lock(upgrade: bool, packages: tuple[str, ...]) -> int:
    """Resolve every runtime and test dependency afresh into requirements/lock.txt (pip-tools)."""
    if _run([sys.executable, "-c", "import piptools"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) != 0:
        if _run([sys.executable, "-m", "pip", "install", "-q", "-c", str(LOCK_FILE), "pip-tools"]) != 0:
            raise click.ClickException("could not install pip-tools")
    command = [sys.executable, "-m", "piptools", "compile", "-q", "--strip-extras", "--allow-unsafe",
               "--no-emit-index-url", "--no-emit-find-links", "--no-emit-trusted-host",
               *[f"--extra={extra}" for extra in LOCK_EXTRAS], "--output-file", str(LOCK_FILE.relative_to(ROOT))]
    if upgrade:
        command.append("--upgrade")
    for package in packages:
        command += ["--upgrade-package", package]
    return _run([*command, "pyproject.toml"], cwd=ROOT)


@click.command("lock")
@click.option("--upgrade", is_flag=True, help="Move every dependency to its newest release allowed by pyproject.toml.")
@click.option("--upgrade-package", "-P", "packages", multiple=True, help="Move only this package (repeat for more).")
@click.option("--no-check", is_flag=True, help="Only write the lock file; do not reinstall and run the tests.")
def lock(upgrade: bool, packages: tuple[str, ...], no_check: bool) -> None:
    """Refresh requirements/lock.txt, install exactly it into a fresh virtualenv and run the whole suite there."""
    if compile_lock(upgrade, packages) != 0:
        raise click.ClickException("pip-compile failed")
    click.echo(f"Lock written: {LOCK_FILE.relative_to(ROOT)} (review the diff before committing it)")
    if no_check:
        return
    venv = ROOT / ".venv-lock"
    python = venv / "bin" / "python"
    steps = [[sys.executable, "-m", "venv", "--clear", str(venv)],
             [str(python), "-m", "pip", "install", "-q", "-c", str(LOCK_FILE), "-e", f"{ROOT}[test]"],
             [str(venv / "bin" / "esol-finder"), "check"]]
    for step in steps:
        code = _run(step, cwd=ROOT)
        if code != 0:
            sys.exit(code)


commands = [check, lock]
