"""Evidence for coordinators (/backoffice/evidence): demand, provision, the monthly trend and gaps,
as SVG charts each with its table and a text summary; every table as CSV; a print-ready quarterly
report. Coordinators only. Every count under 5 shows as "fewer than 5"."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from finder import i18n
from finder.domain import evidence as rules
from finder.evidence import charts, gaps, provision, reading, tables
from finder.geo.shapes import PostcodeError
from finder.i18n import gettext, ngettext
from finder.queries import place_requests as place_request_queries
from finder.web.kit.auth import login_required
from finder.web.kit.pages import page, services

DEFAULT_WEEKS = 13
GAP_ROWS = 20
REPORT_DISTRICTS = 8


@dataclass
class Period:
    start: dt.date
    end: dt.date
    district: str
    problems: list[str]

    @property
    def weeks(self) -> list[str]:
        return rules.weeks_between(self.start, self.end)


def period_from(request: Request, today: dt.date | None = None) -> Period:
    """The period (from, to) and district chosen on the page; a bad value is reported and replaced."""
    today = today or dt.date.today()
    params = request.query_params
    problems = []
    end = rules.parse_day(params.get("to", "")) or today
    if params.get("to") and rules.parse_day(params["to"]) is None:
        problems.append(gettext("“%(value)s” is not a date, so we used today.", value=params["to"][:20]))
    start = rules.parse_day(params.get("from", "")) or end - dt.timedelta(weeks=DEFAULT_WEEKS) + dt.timedelta(days=1)
    if params.get("from") and rules.parse_day(params["from"]) is None:
        problems.append(ngettext("“%(value)s” is not a date, so we used the last %(num)s week.",
                                 "“%(value)s” is not a date, so we used the last %(num)s weeks.",
                                 DEFAULT_WEEKS, value=params["from"][:20]))
    if start > end:
        problems.append(gettext("The start came after the end, so we swapped them."))
        start, end = end, start
    if (end - start).days > 3 * 366:
        problems.append(gettext("We showed the last three years of that period."))
        start = end - dt.timedelta(days=3 * 366)
    district = rules.clean_district(params.get("district", ""))
    if params.get("district") and not district:
        problems.append(gettext("“%(value)s” is not a postcode district such as L8, so we showed every district.",
                                value=params["district"][:20]))
    return Period(start, end, district, problems)


def centre_finder(services_):
    cache: dict[str, tuple[float, float] | None] = {}

    def centre_of(district: str) -> tuple[float, float] | None:
        if district not in cache:
            try:
                place = services_.postcodes.lookup(district)
                cache[district] = (place.latitude, place.longitude)
            except (PostcodeError, OSError):
                cache[district] = None
        return cache[district]

    return centre_of


def evidence_for(services_, weeks: list[str], district: str = "", months: list[str] | None = None) -> dict:
    """Every table and chart of the dashboard (and the report) for these weeks and district."""
    provision.take_snapshot(services_.sessions)  # this month's, the first time anyone looks (idempotent)
    rtl = i18n.text_direction(i18n.get_locale()) == "rtl"
    rows = reading.demand_rows(services_.sessions, weeks, district)
    summary = reading.summarise(rows, weeks)
    with services_.sessions() as db:
        facts = provision.course_facts(db)
    counts = provision.count_provision(facts)
    if district:
        counts = {key: value for key, value in counts.items() if key[0] in (district, provision.ALL_DISTRICTS)}
    points = provision.trend(services_.sessions, district or provision.ALL_DISTRICTS, months)
    found = gaps.find_gaps(rows, facts, centre_finder(services_), limit=GAP_ROWS)
    with services_.sessions() as db:
        asked = place_request_queries.counts_by_week(db, weeks)
        asked_courses = place_request_queries.counts_by_course(db, weeks)
    if district:
        asked = [row for row in asked if row[1] == district]
        asked_courses = [row for row in asked_courses if row[2] == district]

    t = {
        "outcomes": tables.outcome_table(summary),
        "weeks": tables.weekly_table(summary),
        "districts": tables.district_demand_table(summary),
        "filters": tables.filter_demand_table(summary),
        "provision": tables.provision_district_table(counts),
        "kinds": tables.provision_dimension_table(counts, district or provision.ALL_DISTRICTS),
        "trend": tables.trend_table(points),
        "gaps": tables.gaps_table(found),
        "requests": tables.place_requests_table(asked),
        "requests_by_course": tables.place_requests_by_course_table(asked_courses),
    }
    total = summary.total
    summaries = {
        "outcomes": gettext("%(searches)s searches in this period; %(none)s found no class within their distance, "
                            "and people told us %(stated)s times what they need.",
                            searches=rules.shown(total.searches), none=rules.shown(summary.by_outcome.get("0", 0)),
                            stated=rules.shown(total.stated)),
        "weeks": gettext("Searches each week from %(first)s to %(last)s.", first=weeks[0], last=weeks[-1])
        if weeks else "",
        "districts": _top_text(summary.districts_ranked(3)),
        "provision": gettext("%(courses)s published courses with %(sessions)s weekly sessions.",
                             courses=rules.shown(counts.get((provision.ALL_DISTRICTS, "all", ""), [0, 0])[0]),
                             sessions=rules.shown(counts.get((provision.ALL_DISTRICTS, "all", ""), [0, 0])[1])),
        "trend": _trend_text(points),
        "requests": _requests_text(sum(row[2] for row in asked), sum(row[3] for row in asked)),
        "gaps": gettext("%(num)s combinations of place and need were asked for with nothing within reach.",
                        num=len(found)) if found else gettext("No gaps: everything asked for in this period is "
                                                              "within reach."),
    }
    svg = {
        "outcomes": charts.bar_chart("chart-outcomes", str(t["outcomes"].title), summaries["outcomes"],
                                     [(str(label), count.n) for label, count in t["outcomes"].rows], rtl=rtl),
        "weeks": charts.column_chart("chart-weeks", str(t["weeks"].title), summaries["weeks"],
                                     [(week[5:], tally.searches) for week, tally in summary.by_week.items()], rtl=rtl),
        "districts": charts.bar_chart("chart-districts", str(t["districts"].title), summaries["districts"],
                                      [(str(tables.district_label(d)), tally.searches + tally.stated)
                                       for d, tally in summary.districts_ranked(10)], rtl=rtl),
        "provision": charts.bar_chart("chart-provision", str(t["provision"].title), summaries["provision"],
                                      [(str(row[0]), row[1].n) for row in t["provision"].rows
                                       if row[0] != tables.district_label(provision.ALL_DISTRICTS)][:15], rtl=rtl),
        "trend": charts.column_chart("chart-trend", str(t["trend"].title), summaries["trend"],
                                     [(p.month, p.courses) for p in points][-12:], rtl=rtl),
    }
    return {"tables": t, "summaries": summaries, "charts": svg, "summary": summary, "gaps": found}


def _requests_text(total: int, creche: int) -> str:
    if not total:
        return gettext("No one asked for a place in this period.")
    if rules.suppressed(total):
        return gettext("Fewer than 5 requests for a place in this period.")
    return ngettext("%(num)s request for a place in this period, of which %(creche)s needing a crèche.",
                    "%(num)s requests for a place in this period, of which %(creche)s needing a crèche.",
                    total, creche=rules.shown(creche))


def _top_text(ranked) -> str:
    if not ranked:
        return gettext("No searches were counted in this period.")
    return gettext("Most asked for: %(districts)s.", districts=", ".join(
        f"{tables.district_label(d)} ({rules.shown(t.searches + t.stated)})" for d, t in ranked))


def _trend_text(points) -> str:
    if not points:
        return gettext("No monthly snapshot has been taken yet.")
    first, last = points[0], points[-1]
    return gettext("From %(first)s to %(last)s: %(before)s to %(after)s courses, and %(vbefore)s to %(vafter)s "
                   "different level × time × crèche combinations.", first=first.month, last=last.month,
                   before=rules.shown(first.courses), after=rules.shown(last.courses),
                   vbefore=rules.shown(first.variety), vafter=rules.shown(last.variety))


def _query(period: Period) -> str:
    from urllib.parse import urlencode

    return urlencode([("from", period.start.isoformat()), ("to", period.end.isoformat())] +
                     ([("district", period.district)] if period.district else []))


@login_required("coordinator")
async def dashboard(request: Request):
    period = period_from(request)
    evidence = evidence_for(services(request), period.weeks, period.district)
    today = dt.date.today()
    quarter = rules.quarter_of(today)
    return page(request, "backoffice/evidence/dashboard.html", {
        "period": period, "query": _query(period), "quarters": [quarter, quarter.previous(),
                                                               quarter.previous().previous()], **evidence})


@login_required("coordinator")
async def export(request: Request):
    name = request.path_params["table"]
    period = period_from(request)
    evidence = evidence_for(services(request), period.weeks, period.district)
    table = next((t for t in evidence["tables"].values() if t.name == name), None)
    if name == "demand":
        table = demand_table(reading.demand_rows(services(request).sessions, period.weeks, period.district))
    if table is None:
        raise HTTPException(404)
    filename = f"esol-evidence-{name}-{period.start.isoformat()}-to-{period.end.isoformat()}.csv"
    return Response(table.to_csv(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"})


def demand_table(rows: list[reading.DemandRow]) -> tables.Table:
    """Every demand count as stored (the need as its key), for coordinators' own analysis."""
    table = tables.Table("demand", gettext("Demand counts"),
                         [("week", ""), ("district", ""), ("need", ""), ("outcome", ""), ("source", ""), ("count", "")])
    table.rows = [[r.week, r.district, r.need, r.outcome, r.source, tables.Count(r.n)] for r in rows]
    return table


@login_required("coordinator")
async def report(request: Request):
    """One quarter, on one or two A4 pages, in the coordinator's language: for funders."""
    quarter = rules.parse_quarter(request.query_params.get("quarter", "")) or rules.quarter_of(dt.date.today())
    weeks = rules.weeks_between(quarter.start, quarter.end)
    evidence = evidence_for(services(request), weeks, "", months=quarter.months)
    evidence["tables"]["districts"].rows = evidence["tables"]["districts"].rows[:10]
    evidence["tables"]["gaps"].rows = evidence["tables"]["gaps"].rows[:8]
    # The districts with most courses, then the whole city: the report stays on one or two A4 pages.
    by_district = evidence["tables"]["provision"]
    *districts, city = by_district.rows or [None]
    ranked = sorted((row for row in districts if row), key=lambda row: -row[1].n)[:REPORT_DISTRICTS]
    by_district.rows = ranked + ([city] if city else [])
    return page(request, "backoffice/evidence/report.html", {"quarter": quarter, **evidence})


routes = [
    Route("/backoffice/evidence", dashboard, methods=["GET"]),
    Route("/backoffice/evidence/report", report, methods=["GET"]),
    Route("/backoffice/evidence/{table:str}.csv", export, methods=["GET"]),
]
