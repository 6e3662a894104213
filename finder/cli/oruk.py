"""`esol-finder oruk-export FILE` and `esol-finder oruk-import FILE [--dry-run]`."""

from __future__ import annotations

import json
import sys

import click

from finder import domain
from finder.cli.common import open_services


@click.command("oruk-export")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
def oruk_export(file: str) -> None:
    """Write every published course as Open Referral UK (HSDS-UK 3.0) JSON to FILE ('-' for standard output)."""
    from finder.oruk.exchange import export_document

    document = export_document(open_services())
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    if file == "-":
        sys.stdout.write(text)
    else:
        with open(file, "w", encoding="utf-8") as handle:
            handle.write(text)
        click.echo(f"Wrote {len(document['services'])} services to {file}.", err=True)


@click.command("oruk-import")
@click.argument("file", type=click.File("r", encoding="utf-8"))
@click.option("--dry-run", is_flag=True, help="Check every listing and say what would change, writing nothing.")
@click.option("--default-level", "default_levels", multiple=True, type=click.Choice(list(domain.LEVELS)),
              help="Level for services that carry no ESOL level term (repeat for several).")
def oruk_import(file, dry_run: bool, default_levels: tuple[str, ...]) -> None:
    """Load Open Referral UK JSON (our export, a list of services or an API page): all or nothing."""
    from finder.oruk.exchange import ImportProblem, import_document

    try:
        document = json.load(file)
    except json.JSONDecodeError as exc:
        raise click.ClickException(f"{file.name} is not JSON: {exc}") from None
    try:
        plan, report = import_document(open_services(), document, dry_run=dry_run, default_levels=default_levels)
    except ImportProblem as exc:
        raise click.ClickException(str(exc)) from None
    except domain.ValidationErrors as exc:
        click.echo("Nothing was imported. These listings need fixing:", err=True)
        for name, messages in exc.errors.items():
            for message in messages:
                click.echo(f"  {name}: {message}", err=True)
        sys.exit(1)
    for name in plan.skipped:
        click.echo(f"Skipped (not active): {name}", err=True)
    if report is None:
        click.echo(f"Dry run: {plan.new} new and {plan.existing} existing services are valid; nothing was written.")
    else:
        click.echo(f"Imported: {report.created} added, {report.updated} updated, {report.unchanged} unchanged "
                   f"({report.organisations} organisations, {report.venues} venues).")


commands = [oruk_export, oruk_import]
