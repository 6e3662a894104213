"""The esol-finder command line: one click group, the same commands for people, the README and CI.

A module per audience: `catalogue` (init, demo, serve, reindex), `backoffice` (create-user, remind),
`imports` (import, export), `oruk` (oruk-import, oruk-export), `backup` (backup, restore), `deploy` (migrate),
`evidence` (snapshot), `i18n`
(the translation workflow) and `dev` (check, lock).
"""

from __future__ import annotations

import logging

import click

from finder.cli import backoffice, backup, catalogue, deploy, dev, evidence, i18n, imports, oruk


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Say more about what is happening.")
def main(verbose: bool) -> None:
    """ESOL Finder: a searchable catalogue of English classes (ESOL/EAL)."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")


for module in (catalogue, deploy, backoffice, imports, oruk, backup, evidence, i18n, dev):
    for command in module.commands:
        main.add_command(command)
