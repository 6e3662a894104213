"""`esol-finder import FILE` and `esol-finder export FILE`."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path

import click

from finder.cli.common import open_services


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and say what would change, without changing anything.")
@click.option("--as-status", type=click.Choice(["published", "pending", "draft"]), default=None,
              help="Status for rows whose status column is blank (default: new courses are pending, "
                   "existing ones keep theirs).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def import_command(file: Path, dry_run: bool, as_status: str | None, as_json: bool) -> None:
    """Import courses from a CSV or XLSX file (all or nothing).

    Exits with status 1, changing nothing, when any row is wrong.
    """
    from finder.imports.plan import commit, make_plan
    from finder.imports.plan import dry_run as simulate

    services = open_services()
    content = file.read_bytes()
    bars = []

    def progress(done: int, total: int) -> None:
        if not bars:
            bars.append(click.progressbar(length=total, label="Checking rows", file=sys.stderr, show_pos=True))
        bars[0].update(1)

    plan = make_plan(services, content, file.name, default_status=as_status, progress=progress, simulate=False)
    if bars:
        bars[0].render_finish()
    if plan.ok and not dry_run:
        commit(services, plan, actor=f"import by {getpass.getuser()} from {file.name}", default_status=as_status)
    else:
        simulate(services, plan, default_status=as_status)
    click.echo(plan.as_json() if as_json else plan.as_text(), nl=False)
    if not plan.ok:
        click.echo("Nothing was changed: fix the rows above and import the file again.", err=True)
        sys.exit(1)
    if dry_run:
        click.echo("Dry run: nothing was changed.", err=True)
    else:
        click.echo(f"Imported: {plan.changes} courses added or changed.", err=True)


@click.command("export")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.option("--published-only", is_flag=True, help="Only published courses (default: every status).")
def export_command(file: Path, published_only: bool) -> None:
    """Export the catalogue to FILE: .csv or .xlsx, in the import columns."""
    from finder.imports import exports

    fmt = file.suffix.lower().lstrip(".")
    if fmt not in exports.FORMATS:
        raise click.BadParameter("the file name must end in .csv or .xlsx", param_hint="FILE")
    services = open_services()
    with services.sessions() as db:
        export = exports.export_catalogue(db, published_only=published_only)
    file.write_bytes(exports.render(export.rows, fmt))
    for key in export.too_many_sessions:
        click.echo(f"Warning: course {key} has more than 4 sessions; only the first 4 were exported.", err=True)
    click.echo(f"Exported {len(export.rows)} courses to {file}.")


commands = [import_command, export_command]
