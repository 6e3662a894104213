"""Developer chores as commands, so the README and CI run the very same steps.

`esol-finder check` installs what the test suite needs on a bare machine (Debian's
Chromium and Noto fonts, PostgreSQL, axe-core from npm) and runs it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parent.parent
APT_PACKAGES = ["chromium", "fonts-noto-core", "fonts-noto-cjk", "postgresql"]
NPM_PACKAGES = ["axe-core@4.14.1"]
NODE_DIR = ROOT / "var" / "node"


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
        click.echo("Not a Debian system: install Chromium, Noto fonts and PostgreSQL yourself.", err=True)
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


@click.command()
@click.option("--no-install", is_flag=True, help="Do not install system or npm packages.")
@click.argument("pytest_args", nargs=-1, type=click.UNPROCESSED)
def check(no_install: bool, pytest_args: tuple[str, ...]) -> None:
    """Install what the tests need, then run the whole test suite."""
    if not no_install:
        ensure_system_packages()
        ensure_node_packages()
    code = _run([sys.executable, "-m", "pytest", *pytest_args], cwd=ROOT)
    if code == 5:
        raise click.ClickException("pytest collected no tests")
    sys.exit(code)
