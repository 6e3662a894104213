"""Catalogue commands: `esol-finder init`, `demo`, `serve` and `reindex`."""

from __future__ import annotations

import json
import socket

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
    services = open_services(prepare=False)
    migrate(services.engine)  # init always migrates, on PostgreSQL too (like `esol-finder migrate`)
    services.search.ensure_current()
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
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Worker processes; each has its own listening socket (SO_REUSEPORT) so the kernel spreads "
                   "connections across them.")
def serve(host: str, port: int, with_demo: bool, workers: int) -> None:
    """Run the web app with uvicorn (uvloop and httptools)."""
    services = open_services()
    ensure_postcodes(services)
    if with_demo:
        with services.sessions() as db:
            empty = listings.count_published(db) == 0
        if empty:
            load_demo(services)
    settings = services.settings
    services.close()  # the index was brought up to date once, here; each worker opens its own
    click.echo(f"ESOL Finder on http://{host}:{port}/ ({workers} worker{'s' if workers > 1 else ''})")
    for line, warning in links_notice(settings, host, port):
        click.echo(line, err=warning)
    options = _server_options(settings)
    if workers == 1 or not hasattr(socket, "SO_REUSEPORT"):
        import uvicorn

        uvicorn.run("finder.web.asgi:app", host=host, port=port, workers=workers, **options)
        return
    _serve_workers(host, port, workers, options)


def _server_options(settings) -> dict:
    return dict(
        proxy_headers=True, log_level="info",
        # No access log unless the operator asks for one (ESOL_FINDER_ACCESS_LOG=1): it would record every
        # visitor's address and every search's words, postcode and coordinates.
        access_log=settings.access_log,
        # X-Forwarded-For/-Proto believed only from ESOL_FINDER_TRUSTED_PROXIES (none by default: an
        # empty list, not uvicorn's own default of 127.0.0.1), as finder.web.kit.ratelimit does.
        forwarded_allow_ips=list(settings.trusted_proxies),
        # uvloop and httptools when installed (they are by default), asyncio and h11 otherwise.
        loop="auto", http="auto",
    )


def _listening_socket(host: str, port: int) -> socket.socket:
    """A socket of this worker's own on the shared port: with SO_REUSEPORT the kernel hands each new
    connection to one of the workers' sockets in turn (by a hash of its addresses), where one shared
    socket lets whichever worker wakes first take a whole burst of keep-alive connections."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def _worker(host: str, port: int, options: dict) -> None:
    import uvicorn

    sock = _listening_socket(host, port)
    config = uvicorn.Config("finder.web.asgi:app", **options)
    uvicorn.Server(config).run(sockets=[sock])


def _serve_workers(host: str, port: int, workers: int, options: dict) -> None:
    """Start `workers` processes, each serving on its own SO_REUSEPORT socket; restart any that dies;
    stop them all on Ctrl+C or SIGTERM."""
    import multiprocessing
    import signal
    import time

    _listening_socket(host, port).close()  # the port is free (or this fails here, once, plainly)
    context = multiprocessing.get_context("spawn")
    stopping = False

    def start():
        process = context.Process(target=_worker, args=(host, port, options), daemon=False)
        process.start()
        return process

    def stop(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    processes = [start() for _ in range(workers)]
    try:
        while not stopping:
            time.sleep(0.5)
            for n, process in enumerate(processes):
                if not process.is_alive() and not stopping:
                    click.echo(f"worker {process.pid} stopped (exit code {process.exitcode}): starting another", err=True)
                    processes[n] = start()
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()
        for process in processes:
            process.join(timeout=10)
            if process.is_alive():
                process.kill()


@click.command()
def reindex() -> None:
    """Rebuild the search index from the database."""
    services = open_services(prepare=False)
    migrate(services.engine)
    count = services.search.rebuild()
    click.echo(f"Indexed {count} published courses.")




commands = [init, demo, serve, reindex]
