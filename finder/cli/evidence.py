"""`esol-finder evidence snapshot`: keep this month's provision counts (for coordinators and /statistics).

The app also takes it by itself on the first visit of a month to /statistics or the evidence pages;
run the command from cron on the 1st so that no month is missed. Taking it twice is harmless."""

from __future__ import annotations

import click

from finder.cli.common import open_services
from finder.domain import evidence as rules
from finder.evidence import provision


@click.group("evidence")
def evidence() -> None:
    """Evidence for coordinators: anonymous demand counts and provision snapshots."""


@evidence.command("snapshot")
def snapshot() -> None:
    """Take this month's provision snapshot, unless it has been taken already."""
    import datetime as dt

    services = open_services(prepare=True)
    try:
        taken = provision.take_snapshot(services.sessions)
        month = rules.month_key(dt.date.today())
        months = provision.snapshot_months(services.sessions)
    finally:
        services.close()
    if taken:
        click.echo(f"Provision snapshot for {month} taken ({len(months)} months kept).")
    else:
        click.echo(f"The provision snapshot for {month} was already taken ({len(months)} months kept).")


commands = [evidence]
