"""`esol-finder backup FILE` and `esol-finder restore FILE`, on `finder.operations.backup`."""

from __future__ import annotations

from pathlib import Path

import click

from finder.cli.common import open_services
from finder.operations.backup import (
    BackupError,
    backup,
    check_database_file,
    check_pg_dump,
    is_postgres,
    pg_backup,
    pg_restore,
    restore,
)
from finder.settings import load_settings


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(file: Path) -> None:
    """Copy the database to FILE while the app keeps running (SQLite: a copy of the file; PostgreSQL:
    pg_dump's custom format)."""
    url = load_settings().database_url
    try:
        written = pg_backup(url, file) if is_postgres(url) else backup(url, file)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Backup written to {written} ({written.stat().st_size:,} bytes).")


@click.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask before replacing the current database.")
def restore_command(file: Path, yes: bool) -> None:
    """Replace the database with the backup FILE, then rebuild the search index (every other instance
    notices and rebuilds its own)."""
    services = open_services(prepare=False)
    postgres = is_postgres(services.settings.database_url)
    try:
        (check_pg_dump if postgres else check_database_file)(file)
        if not yes:
            click.confirm(f"Replace the catalogue at {services.settings.database_url} with {file}?", abort=True)
        report = (pg_restore if postgres else restore)(services, file)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        services.close()
    click.echo(f"Restored {report.courses} courses (schema {report.revision}); {report.indexed} published courses indexed.")


commands = [backup_command, restore_command]
