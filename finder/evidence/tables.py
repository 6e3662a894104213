"""The evidence as tables: one builder per table, shared by the pages (which show them beside their
charts) and the CSV exports, so every table can be downloaded exactly as it is shown.

A cell is a `Count` (suppressed under 5 wherever it is shown) or text. Column titles are lazy
translations, so a table reads in the coordinator's language; CSV files keep stable English names.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from finder.domain import evidence as rules
from finder.evidence.gaps import Gap
from finder.evidence.provision import ALL_DISTRICTS, Counts, TrendPoint
from finder.evidence.reading import DemandSummary
from finder.i18n import lazy_gettext as _l
from finder.imports.cells import protect


@dataclass(frozen=True)
class Count:
    n: int

    def __str__(self) -> str:
        return str(rules.shown(self.n))

    @property
    def exported(self) -> str:
        return rules.exported(self.n)

    @property
    def suppressed(self) -> bool:
        return rules.suppressed(self.n)


@dataclass
class Table:
    name: str  # the CSV file's name: /backoffice/evidence/<name>.csv
    title: object
    columns: list[tuple[str, object]]  # (CSV name, heading)
    rows: list[list[object]] = field(default_factory=list)

    def to_csv(self, licence: str = "") -> bytes:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        if licence:
            writer.writerow([licence])
        writer.writerow([name for name, _ in self.columns])
        for row in self.rows:
            writer.writerow([cell.exported if isinstance(cell, Count) else protect(str(cell)) for cell in row])
        return buffer.getvalue().encode("utf-8")


def district_label(code: str) -> object:
    if code == ALL_DISTRICTS:
        return _l("All districts")
    if code == rules.ONLINE_DISTRICT:
        return _l("Online")
    return code or _l("No place given")


def outcome_table(summary: DemandSummary) -> Table:
    table = Table("outcomes", _l("Searches by what they found"),
                  [("outcome", _l("Outcome")), ("searches", _l("Searches"))])
    table.rows = [[rules.OUTCOME_LABELS[band], Count(summary.by_outcome.get(band, 0))] for band in rules.OUTCOMES]
    return table


def weekly_table(summary: DemandSummary) -> Table:
    table = Table("weeks", _l("Searches each week"),
                  [("week", _l("Week")), ("searches", _l("Searches")), ("no_result", _l("Found nothing")),
                   ("stated_needs", _l("Stated needs"))])
    table.rows = [[week, Count(t.searches), Count(t.no_result), Count(t.stated)] for week, t in summary.by_week.items()]
    return table


def district_demand_table(summary: DemandSummary, limit: int | None = None) -> Table:
    table = Table("demand-by-district", _l("Demand by district"),
                  [("district", _l("District")), ("searches", _l("Searches")), ("no_result", _l("Found nothing")),
                   ("stated_needs", _l("Stated needs"))])
    table.rows = [[district_label(d), Count(t.searches), Count(t.no_result), Count(t.stated)]
                  for d, t in summary.districts_ranked(limit)]
    return table


def filter_demand_table(summary: DemandSummary) -> Table:
    table = Table("demand-by-filter", _l("Demand by what people asked for"),
                  [("filter", _l("Filter")), ("value", _l("Choice")), ("searches", _l("Searches")),
                   ("no_result", _l("Found nothing")), ("stated_needs", _l("Stated needs"))])
    table.rows = [[rules.FILTER_LABELS[name], rules.value_label(name, value), Count(t.searches), Count(t.no_result),
                   Count(t.stated)] for (name, value), t in summary.by_filter.items()]
    return table


def provision_district_table(counts: Counts) -> Table:
    table = Table("provision-by-district", _l("Provision by district"),
                  [("district", _l("District")), ("courses", _l("Courses")), ("weekly_sessions", _l("Weekly sessions")),
                   ("formal", _l("Formal courses")), ("informal", _l("Informal classes")),
                   ("creche", _l("With a crèche")), ("variety", _l("Different level × time × crèche combinations"))])
    districts = sorted({d for d, dimension, _ in counts if dimension == "all"},
                       key=lambda d: (d == ALL_DISTRICTS, d == rules.ONLINE_DISTRICT, _district_order(d)))

    def n(district, dimension, value="", column=0):
        return Count(counts.get((district, dimension, value), [0, 0])[column])

    table.rows = [[district_label(d), n(d, "all"), n(d, "all", column=1), n(d, "kind", "formal"),
                   n(d, "kind", "informal"), n(d, "creche", "on-site"), n(d, "variety")] for d in districts]
    return table


def _district_order(code: str) -> tuple:
    letters = code.rstrip("0123456789ABCDEFGHJKLMNPRSTUVWXYZ") or code[:2]
    digits = "".join(ch for ch in code if ch.isdigit())
    return (letters, int(digits) if digits else 0, code)


def provision_dimension_table(counts: Counts, district: str = ALL_DISTRICTS) -> Table:
    table = Table("provision-by-kind", _l("Provision by level, kind, crèche, time, day and more"),
                  [("dimension", _l("What")), ("value", _l("Choice")), ("courses", _l("Courses")),
                   ("weekly_sessions", _l("Weekly sessions"))])
    for dimension in rules.PROVISION_DIMENSIONS:
        for (d, dim, value), (courses, weekly) in sorted(counts.items()):
            if d == district and dim == dimension:
                table.rows.append([rules.DIMENSION_LABELS[dimension], _provision_value(dimension, value),
                                   Count(courses), Count(weekly)])
    return table


def _provision_value(dimension: str, value: str) -> object:
    if dimension in ("women", "free"):
        return _l("Yes") if value == "1" else _l("No")
    if dimension == "mode":
        from finder.domain.vocabulary import MODES

        return MODES[value].label if value in MODES else value
    return rules.value_label(dimension, value)


def trend_table(points: list[TrendPoint]) -> Table:
    table = Table("monthly-trend", _l("Provision month by month"),
                  [("month", _l("Month")), ("courses", _l("Courses")), ("weekly_sessions", _l("Weekly sessions")),
                   ("variety", _l("Different level × time × crèche combinations"))])
    table.rows = [[p.month, Count(p.courses), Count(p.sessions), Count(p.variety)] for p in points]
    return table


def _nearest_text(nearest) -> str:
    if nearest is None:
        return str(_l("None listed"))
    where = district_label(nearest.district)
    return str(_l("%(title)s (%(organisation)s), %(where)s, %(miles)s miles", title=nearest.title,
                  organisation=nearest.organisation, where=where, miles=f"{nearest.miles:.1f}"))


def gaps_table(gaps: list[Gap]) -> Table:
    table = Table("gaps", _l("Gaps: asked for, but nothing within reach"),
                  [("district", _l("District")), ("need", _l("What people asked for")),
                   ("radius_miles", _l("Within (miles)")), ("demand", _l("Searches and stated needs")),
                   ("no_result", _l("Found nothing")), ("status", _l("Within reach")),
                   ("nearest_formal", _l("Nearest formal course")), ("nearest_informal", _l("Nearest informal class"))])
    for gap in gaps:
        status = (_l("Only an informal class (such as a conversation club)") if gap.only_informal
                  else _l("Nothing of this kind") if gap.need.kind else _l("Nothing"))
        table.rows.append([district_label(gap.district),
                           ", ".join(str(label) for label in rules.describe(gap.need)), str(gap.radius),
                           Count(gap.demand), Count(gap.no_result), status, _nearest_text(gap.nearest_formal),
                           _nearest_text(gap.nearest_informal)])
    return table


def place_requests_table(rows: list[tuple[str, str, int, int]]) -> Table:
    """Requests for a place per week and district of the course (counts only: no one who asked)."""
    table = Table("place-requests-by-week", _l("Requests for a place, by week and district"),
                  [("week", _l("Week")), ("district", _l("District")), ("requests", _l("Requests for a place")),
                   ("needing_creche", _l("Of which needing a crèche"))])
    table.rows = [[week, district_label(district or rules.ONLINE_DISTRICT), Count(n), Count(creche)]
                  for week, district, n, creche in rows]
    return table


def place_requests_by_course_table(rows: list[tuple[str, str, str, int, int]]) -> Table:
    """Requests for a place per course over the period, most asked for first."""
    table = Table("place-requests-by-course", _l("Requests for a place, by course"),
                  [("course", _l("Course")), ("district", _l("District")), ("requests", _l("Requests for a place")),
                   ("needing_creche", _l("Of which needing a crèche"))])
    table.rows = [[title or key, district_label(district or rules.ONLINE_DISTRICT), Count(n), Count(creche)]
                  for key, title, district, n, creche in rows]
    return table
