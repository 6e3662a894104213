"""Summing the demand counts for the pages, the CSV files and the report (reads only)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from finder.domain import evidence as rules
from finder.evidence.counting import flush
from finder.models import DemandCount


@dataclass(frozen=True)
class DemandRow:
    week: str
    district: str
    need: str
    outcome: str
    source: str
    n: int


def demand_rows(sessions: sessionmaker[Session], weeks: list[str] | None = None,
                district: str = "") -> list[DemandRow]:
    """The counts of the given ISO weeks (all when None), for one district or all (""); this process's
    pending counts are written first."""
    flush(sessions)
    statement = select(DemandCount.week, DemandCount.district, DemandCount.need, DemandCount.outcome,
                       DemandCount.source, DemandCount.n)
    if weeks is not None:
        statement = statement.where(DemandCount.week.in_(weeks))
    if district:
        statement = statement.where(DemandCount.district == district)
    statement = statement.order_by(DemandCount.week, DemandCount.district, DemandCount.need, DemandCount.outcome,
                                   DemandCount.source)
    with sessions() as db:
        return [DemandRow(*row) for row in db.execute(statement)]


@dataclass
class Tally:
    searches: int = 0
    no_result: int = 0
    stated: int = 0

    def add(self, row: DemandRow) -> None:
        if row.source == "stated":
            self.stated += row.n
        else:
            self.searches += row.n
            if row.outcome == "0":
                self.no_result += row.n


@dataclass
class DemandSummary:
    total: Tally = field(default_factory=Tally)
    by_outcome: dict[str, int] = field(default_factory=dict)
    by_week: dict[str, Tally] = field(default_factory=dict)
    by_district: dict[str, Tally] = field(default_factory=dict)
    by_filter: dict[tuple[str, str], Tally] = field(default_factory=dict)

    def districts_ranked(self, limit: int | None = None) -> list[tuple[str, Tally]]:
        ranked = sorted(self.by_district.items(), key=lambda item: (-(item[1].searches + item[1].stated), item[0]))
        return ranked[:limit] if limit else ranked


def summarise(rows: list[DemandRow], weeks: list[str] | None = None) -> DemandSummary:
    summary = DemandSummary(by_outcome={band: 0 for band in rules.OUTCOMES},
                            by_week={week: Tally() for week in weeks or ()})
    by_district: dict[str, Tally] = defaultdict(Tally)
    by_filter: dict[tuple[str, str], Tally] = defaultdict(Tally)
    for row in rows:
        summary.total.add(row)
        if row.source == "search" and row.outcome in summary.by_outcome:
            summary.by_outcome[row.outcome] += row.n
        summary.by_week.setdefault(row.week, Tally()).add(row)
        by_district[row.district].add(row)
        for pair in rules.filter_names(rules.parse_need_key(row.need)):
            by_filter[pair].add(row)
    summary.by_week = dict(sorted(summary.by_week.items()))
    summary.by_district = dict(by_district)
    summary.by_filter = dict(sorted(by_filter.items(), key=lambda item: (-item[1].searches - item[1].stated,
                                                                         item[0])))
    return summary
