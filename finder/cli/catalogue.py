"""Catalogue commands: `esol-finder init`, `demo`, `serve` and `reindex`."""

from __future__ import annotations

import json

import click

from finder import PROJECT_DIR
from finder.cli.common import open_services
from finder.db import migrate
from finder.geo.postcodes import is_current
from finder.queries import listings

DEMO_CATALOGUE = PROJECT_DIR / "data" / "demo" / "catalogue.json"


@click.command()
def init() -> None:
    """Create or upgrade the database, build the search index and the offline postcode table."""
    services = open_services()
    click.echo(f"Database ready at {services.settings.database_url}")
    click.echo(f"Search index at {services.settings.index_dir}")
    ensure_postcodes(services)


def ensure_postcodes(services) -> None:
    """Build the offline postcode table once (about 20 s), so no visitor waits for it."""
    path = services.settings.postcodes_path
    if not is_current(path):
        click.echo("Building the offline UK postcode table (once; about 20 seconds)…")
    services.postcodes.directory  # noqa: B018 - opening it builds the table if missing
    click.echo(f"Postcodes ready at {path}")


def load_demo(services) -> None:
    data = json.loads(DEMO_CATALOGUE.read_text(encoding="utf-8"))
    report = services.catalogue.load_catalogue(data, status="published", source="demo")
    click.echo(f"Demo catalogue: {report.created} courses added, {report.updated} updated, "
               f"{report.unchanged} unchanged, from {report.organisations} organisations at {report.venues} venues.")


@click.command()
def demo() -> None:
    """Load the bundled demonstration catalogue (safe to run again: nothing is duplicated)."""
    services = open_services()
    ensure_postcodes(services)
    load_demo(services)


LOCAL_NAMES = ("127.0.0.1", "localhost", "0.0.0.0", "::1", "::")  # nosec B104 - names compared, not bound


def links_notice(settings, host: str, port: int) -> list[tuple[str, bool]]:
    """What `serve` says about the address it puts in links: (line, is it a warning)."""
    from urllib.parse import urlsplit

    if not settings.base_url_configured:
        return [(f"Links (short links, QR codes, e-mails, calendar files) use the address each request "
                 f"arrives at, such as http://{host}:{port}; set ESOL_FINDER_BASE_URL to fix one.", False)]
    lines = [(f"Links (short links, QR codes, e-mails, calendar files) point at ESOL_FINDER_BASE_URL: {settings.base_url}", False)]
    parts = urlsplit(settings.base_url)
    base_port = parts.port or (443 if parts.scheme == "https" else 80)
    if (parts.hostname or "") in (host, *LOCAL_NAMES) and base_port != port:
        lines.append((f"Warning: ESOL_FINDER_BASE_URL says port {base_port} but this server listens on port {port}: "
                      f"links will point at {settings.base_url}, not here. Unset ESOL_FINDER_BASE_URL or set it "
                      f"to http://{host}:{port}.", True))
    return lines


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--demo", "with_demo", is_flag=True, help="Load the demo catalogue first if the catalogue is empty.")
@click.option("--workers", default=1, show_default=True, type=int)
def serve(host: str, port: int, with_demo: bool, workers: int) -> None:
    """Run the web app with uvicorn."""
    import uvicorn

    services = open_services()
    ensure_postcodes(services)
    if with_demo:
        with services.sessions() as db:
            empty = listings.count_published(db) == 0
        if empty:
            load_demo(services)
    click.echo(f"ESOL Finder on http://{host}:{port}/")
    for line, warning in links_notice(services.settings, host, port):
        click.echo(line, err=warning)
    # No access log unless the operator asks for one (ESOL_FINDER_ACCESS_LOG=1): it would record every
    # visitor's address and every search's words, postcode and coordinates.
    uvicorn.run("finder.web.asgi:app", host=host, port=port, workers=workers, proxy_headers=True, log_level="info",
                access_log=services.settings.access_log,
                # X-Forwarded-For/-Proto believed only from ESOL_FINDER_TRUSTED_PROXIES (none by default: an
                # empty list, not uvicorn's own default of 127.0.0.1), as finder.web.kit.ratelimit does.
                forwarded_allow_ips=list(services.settings.trusted_proxies))


@click.command()
def reindex() -> None:
    """Rebuild the search index from the database."""
    services = open_services(prepare=False)
    migrate(services.engine)
    count = services.search.rebuild()
    click.echo(f"Indexed {count} published courses.")




commands = [init, demo, serve, reindex]
