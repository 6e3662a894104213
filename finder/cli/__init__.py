"""The esol-finder command line: the same commands for people, the README and CI."""

from __future__ import annotations

from finder import PROJECT_DIR

import json
import logging
import sys
from pathlib import Path

import click

from finder.settings import load_settings

DEMO_CATALOGUE = PROJECT_DIR / "data" / "demo" / "catalogue.json"


def _services():
    from finder.services import build_services

    return build_services(load_settings())


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Say more about what is happening.")
def main(verbose: bool) -> None:
    """ESOL Finder: a searchable catalogue of English classes (ESOL/EAL)."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")


@main.command()
def init() -> None:
    """Create or upgrade the database, build the search index and the offline postcode table."""
    services = _services()
    services.prepare()
    click.echo(f"Database ready at {services.settings.database_url}")
    click.echo(f"Search index at {services.settings.index_dir}")
    ensure_postcodes(services)


def ensure_postcodes(services) -> None:
    """Build the offline postcode table once (about 20 s), so no visitor waits for it."""
    from finder.geo.postcodes import is_current

    path = services.settings.postcodes_path
    if not is_current(path):
        click.echo("Building the offline UK postcode table (once; about 20 seconds)…")
    services.postcodes  # noqa: B018 - builds the table if missing
    click.echo(f"Postcodes ready at {path}")


def load_demo(services) -> None:
    data = json.loads(DEMO_CATALOGUE.read_text(encoding="utf-8"))
    report = services.catalogue.load_catalogue(data, status="published", source="demo")
    click.echo(f"Demo catalogue: {report.created} courses added, {report.updated} updated, "
               f"{report.unchanged} unchanged, from {report.organisations} organisations at {report.venues} venues.")


@main.command()
def demo() -> None:
    """Load the bundled demonstration catalogue (safe to run again: nothing is duplicated)."""
    services = _services()
    services.prepare()
    ensure_postcodes(services)
    load_demo(services)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--demo", "with_demo", is_flag=True, help="Load the demo catalogue first if the catalogue is empty.")
@click.option("--workers", default=1, show_default=True, type=int)
def serve(host: str, port: int, with_demo: bool, workers: int) -> None:
    """Run the web app with uvicorn."""
    import uvicorn

    from finder.queries import listings

    services = _services()
    services.prepare()
    ensure_postcodes(services)
    if with_demo:
        with services.sessions() as db:
            empty = listings.count_published(db) == 0
        if empty:
            load_demo(services)
    click.echo(f"ESOL Finder on http://{host}:{port}/")
    uvicorn.run("finder.web.asgi:app", host=host, port=port, workers=workers, proxy_headers=True, log_level="info")


@main.command()
def reindex() -> None:
    """Rebuild the search index from the database."""
    services = _services()
    from finder.db import migrate

    migrate(services.engine)
    count = services.search.rebuild()
    click.echo(f"Indexed {count} published courses.")


# Commands that live with the room they belong to.
from finder.cli.dev import check, lock  # noqa: E402

main.add_command(check)
main.add_command(lock)
from finder.operations.backup import backup_command, restore_command  # noqa: E402

main.add_command(backup_command); main.add_command(restore_command)  # noqa: E702
from finder.cli.oruk import oruk_export, oruk_import  # noqa: E402

main.add_command(oruk_export); main.add_command(oruk_import)  # noqa: E702
from finder.cli.imports import export_command, import_command  # noqa: E402

main.add_command(import_command)
main.add_command(export_command)
from finder.i18n.catalogues import i18n_command  # noqa: E402

main.add_command(i18n_command)

from finder.cli.backoffice import create_user_command, remind_command  # noqa: E402

main.add_command(create_user_command); main.add_command(remind_command)  # noqa: E702

