"""The dry run: for each row of a file, whether it will be created, updated or left unchanged,
or what is wrong with it. Committing a plan is all or nothing.

The dry run does the real import inside a transaction that is rolled back, so what it
reports is exactly what the commit will do; rows are matched to the database by their
stable id, so importing the same file twice changes nothing the second time.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Callable

from sqlalchemy import select

from finder import i18n
from finder.i18n import lazy_gettext as _l
from finder.imports import tabular
from finder.imports.rows import Lookups, PreparedRow, RowChecker, RowError, normalise_postcode
from finder.models import Organisation, Venue

OUTCOMES = ("created", "updated", "unchanged", "wrong")
OUTCOME_LABELS = {"created": _l("New"), "updated": _l("Changed"), "unchanged": _l("No change"),
                  "wrong": _l("Needs fixing")}


@dataclass(slots=True)  # one per row of a file of up to 100,000: no __dict__ each
class RowPlan:
    number: int
    key: str
    title: str
    outcome: str  # created, updated, unchanged or wrong
    errors: list[RowError] = field(default_factory=list)


@dataclass
class Plan:
    filename: str
    rows: list[RowPlan] = field(default_factory=list)
    notes: list = field(default_factory=list)
    problem: object = None  # the whole file could not be read: a lazy message
    prepared: list[PreparedRow] = field(default_factory=list)
    committed: bool = False

    @property
    def ok(self) -> bool:
        """True when there is something to import and nothing is wrong."""
        return self.problem is None and bool(self.rows) and not self.errors

    @property
    def errors(self) -> list[RowError]:
        return [error for row in self.rows for error in row.errors]

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(OUTCOMES, 0)
        for row in self.rows:
            counts[row.outcome] += 1
        return counts

    @property
    def changes(self) -> int:
        counts = self.counts()
        return counts["created"] + counts["updated"]

    def as_dict(self) -> dict:
        """The report as data (JSON), in the current locale."""
        return {
            "file": self.filename,
            "ok": self.ok,
            "committed": self.committed,
            "problem": str(self.problem) if self.problem is not None else None,
            "notes": [str(note) for note in self.notes],
            "counts": self.counts(),
            "rows": [{"row": row.number, "id": row.key, "title": row.title, "outcome": row.outcome,
                      "errors": [{"column": e.column, "message": str(e.message)} for e in row.errors]}
                     for row in self.rows],
        }

    def as_json(self) -> str:
        return json.dumps(self.as_dict(), ensure_ascii=False, indent=2) + "\n"

    def as_text(self) -> str:
        """The report for people reading a terminal: one line per row, then each problem."""
        lines = []
        if self.problem is not None:
            lines.append(i18n.gettext("%(file)s: %(problem)s", file=self.filename, problem=str(self.problem)))
            return "\n".join(lines) + "\n"
        lines.extend(str(note) for note in self.notes)
        for row in self.rows:
            lines.append(i18n.gettext("Row %(row)s (%(id)s): %(outcome)s", row=row.number, id=row.key,
                                      outcome=str(OUTCOME_LABELS[row.outcome])))
            for error in row.errors:
                lines.append("  " + error_text(error))
        counts = self.counts()
        lines.append(i18n.gettext("%(created)s new, %(updated)s changed, %(unchanged)s with no change, "
                                  "%(wrong)s to fix.", **counts))
        return "\n".join(lines) + "\n"


def error_text(error: RowError) -> str:
    return i18n.gettext("Row %(row)s, column %(column)s: %(problem)s", row=error.row, column=error.column,
                        problem=str(error.message))


def load_lookups(db, postcodes) -> Lookups:
    """Names and keys of the organisations and venues the catalogue already has."""
    lookups = Lookups(postcodes=postcodes)
    for key, name in db.execute(select(Organisation.key, Organisation.name)):
        lookups.organisation_keys.setdefault(name.strip().lower(), key)
    for key, name, postcode in db.execute(select(Venue.key, Venue.name, Venue.postcode)):
        lookups.known_venues.add(key)
        lookups.venue_keys.setdefault((name.strip().lower(), normalise_postcode(postcode or "") or ""), key)
    return lookups


def make_plan(services, content: bytes, filename: str, *, default_status: str | None = None,
              progress: Callable[[int, int], None] | None = None, simulate: bool = True) -> Plan:
    """Read and check a file; `progress(done, total)` after each row.

    With `simulate` (the default) the good rows are then dry-run against the catalogue, so each
    says whether it will be created, updated or left unchanged. Without it, call `commit` (which
    says the same of what it did) or `dry_run`.
    """
    plan = Plan(filename=filename)
    limits = tabular.Limits(max_bytes=services.settings.import_max_bytes, max_rows=services.settings.import_max_rows)
    try:
        table = tabular.read_table(content, filename, limits)
    except tabular.TableError as exc:
        plan.problem = exc.message
        return plan
    plan.notes = list(table.notes)
    with services.sessions() as db:
        lookups = load_lookups(db, services.postcodes)
    checker = RowChecker(table.headings, lookups)
    for done, (number, values) in enumerate(table.rows, start=1):
        result = checker.check(number, values)
        key = values.get("id") or (result.key if isinstance(result, PreparedRow) else "")
        if isinstance(result, PreparedRow):
            plan.prepared.append(result)
            plan.rows.append(RowPlan(number, result.key, result.listing.title, "created"))
        else:
            plan.rows.append(RowPlan(number, key, values.get("title", ""), "wrong", result))
        if progress is not None:
            progress(done, len(table.rows))
    if not plan.rows:
        plan.problem = _l("The file has headings but no courses.")
    if simulate:
        dry_run(services, plan, default_status=default_status)
    return plan


def dry_run(services, plan: Plan, *, default_status: str | None = None) -> Plan:
    """Say of each good row what importing it would do: the real import, rolled back."""
    if plan.prepared:
        report = services.catalogue.import_rows(plan.prepared, default_status=default_status, dry_run=True)
        for row in plan.rows:
            if row.outcome != "wrong":
                row.outcome = report.outcomes[row.number]
    return plan


def commit(services, plan: Plan, *, actor: str, default_status: str | None = None) -> Plan:
    """Write every row of a plan with nothing wrong in it, in one transaction; refuses a plan with errors."""
    if not plan.ok:
        raise ValueError("a plan with errors cannot be committed")
    # Handed over (and emptied once written): the rows are not needed after the commit.
    prepared, plan.prepared = plan.prepared, []
    report = services.catalogue.import_rows(prepared, actor=actor, default_status=default_status, release_rows=True)
    for row in plan.rows:
        row.outcome = report.outcomes[row.number]
    plan.committed = True
    return plan
