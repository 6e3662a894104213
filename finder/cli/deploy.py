"""Deployment commands: `esol-finder migrate` (run once at deploy, before the instances start)."""

from __future__ import annotations

import click

from finder.db import database_revisions, head_revisions, make_engine, migrate
from finder.settings import load_settings


@click.command("migrate")
@click.option("--check", is_flag=True, help="Only say whether the schema is behind (exit 1 if it is); change nothing.")
def migrate_command(check: bool) -> None:
    """Bring the database schema up to this version's migrations. Run it once per deploy; instances on
    PostgreSQL refuse to start on a schema that is behind rather than migrating it concurrently."""
    settings = load_settings()
    engine = make_engine(settings.database_url)
    try:
        before, heads = database_revisions(engine), head_revisions()
        if before == heads:
            click.echo(f"Schema up to date ({', '.join(sorted(heads))}).")
            return
        if check:
            click.echo(f"Schema behind: at {', '.join(sorted(before)) or 'nothing'}, "
                       f"this version needs {', '.join(sorted(heads))}.")
            raise SystemExit(1)
        migrate(engine)
        click.echo(f"Schema migrated from {', '.join(sorted(before)) or 'nothing'} to "
                   f"{', '.join(sorted(database_revisions(engine)))}.")
    finally:
        engine.dispose()


commands = [migrate_command]
