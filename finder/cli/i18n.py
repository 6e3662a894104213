"""`esol-finder i18n`: the translation workflow (extract, update, compile, check, status), on `finder.i18n.catalogues`."""

from __future__ import annotations

import sys

import click

from finder import i18n
from finder.i18n.catalogues import (
    ROOT,
    TEMPLATE_FILE,
    check,
    compile_all,
    extract,
    po_path,
    status_rows,
    translated_locales,
    update,
)


@click.group("i18n")
def i18n_command() -> None:
    """Translations: extract, update, compile and check the gettext catalogues in locales/."""


@i18n_command.command("extract")
def extract_command() -> None:
    """Write locales/messages.pot from the Python code and the templates."""
    count = extract()
    click.echo(f"{TEMPLATE_FILE.relative_to(ROOT)}: {count} messages")


@i18n_command.command("update")
def update_command() -> None:
    """Merge messages.pot into every language's messages.po."""
    created = update()
    for code in created:
        click.echo(f"started {po_path(code).relative_to(ROOT)}")
    click.echo(f"updated {len(translated_locales())} catalogues")


@i18n_command.command("compile")
def compile_command() -> None:
    """Write messages.mo files (the app also compiles .po files in memory by itself)."""
    written = compile_all()
    i18n.clear_translation_cache()
    click.echo(f"compiled {len(written)} catalogues")


@i18n_command.command("check")
def check_command() -> None:
    """Fail on an out-of-date template, missing translations, broken placeholders or tags."""
    report = check()
    for problem in report.problems:
        click.echo(problem, err=True)
    if not report.ok:
        click.echo(f"{len(report.problems)} problem(s)", err=True)
        sys.exit(1)
    click.echo(f"all {len(translated_locales())} languages complete and consistent")


@i18n_command.command("status")
def status_command() -> None:
    """Each language's review status and how much of it is translated."""
    for code, name, status, done, total in status_rows():
        click.echo(f"{code:8} {name:28} {status:20} {done}/{total}")


@i18n_command.command("all")
@click.pass_context
def all_command(ctx: click.Context) -> None:
    """extract, then update, then compile."""
    ctx.invoke(extract_command)
    ctx.invoke(update_command)
    ctx.invoke(compile_command)


commands = [i18n_command]
