"""Open to anyone: provision statistics (/statistics) and the counts as open data (/statistics.csv),
with the same "fewer than 5" rule as the back office; and the privacy notice (/privacy)."""

from __future__ import annotations

import datetime as dt

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from finder import i18n
from finder.domain import evidence as rules
from finder.evidence import charts, provision, tables
from finder.i18n import gettext
from finder.web.kit.pages import services
from finder.web.kit.rendering import render

LICENCE_NAME = "Open Government Licence v3.0"
LICENCE_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
LICENCE_LINE = (f"ESOL Finder provision statistics. Licence: {LICENCE_NAME} ({LICENCE_URL}). "
                f"Counts under {rules.SUPPRESS_BELOW} are shown as \"{rules.FEWER_THAN_5}\".")


def _statistics(request: Request) -> dict:
    sessions = services(request).sessions
    provision.take_snapshot(sessions)  # this month's, the first time anyone looks (idempotent)
    counts = provision.current(sessions)
    points = provision.trend(sessions)
    rtl = i18n.text_direction(i18n.get_locale()) == "rtl"
    by_district = tables.provision_district_table(counts)
    kinds = tables.provision_dimension_table(counts)
    trend = tables.trend_table(points)
    city = counts.get((provision.ALL_DISTRICTS, "all", ""), [0, 0])
    summary = gettext("%(courses)s published courses with %(sessions)s weekly sessions.",
                      courses=rules.shown(city[0]), sessions=rules.shown(city[1]))
    trend_summary = (gettext("%(num)s months of snapshots, from %(first)s to %(last)s.", num=len(points),
                             first=points[0].month, last=points[-1].month) if points
                     else gettext("No monthly snapshot has been taken yet."))
    everywhere = tables.district_label(provision.ALL_DISTRICTS)
    return {
        "tables": {"provision": by_district, "kinds": kinds, "trend": trend},
        "summaries": {"provision": summary, "trend": trend_summary},
        "charts": {
            "provision": charts.bar_chart("chart-provision", str(by_district.title), summary,
                                          [(str(row[0]), row[1].n) for row in by_district.rows
                                           if row[0] != everywhere][:15], rtl=rtl),
            "trend": charts.column_chart("chart-trend", str(trend.title), trend_summary,
                                         [(p.month, p.courses) for p in points][-12:], rtl=rtl),
        },
    }


async def statistics(request: Request):
    return render(request, "public/statistics.html", _statistics(request))


async def statistics_csv(request: Request):
    """Open data: every provision count, this month's live ones ("current") and each monthly snapshot."""
    sessions = services(request).sessions
    table = tables.Table("statistics", "", [("month", ""), ("district", ""), ("dimension", ""), ("value", ""),
                                            ("courses", ""), ("weekly_sessions", "")])
    today = rules.month_key(dt.date.today())
    for (district, dimension, value), (courses, weekly) in sorted(provision.current(sessions).items()):
        table.rows.append([f"current ({today})", district, dimension, value, tables.Count(courses),
                           tables.Count(weekly)])
    for row in provision.snapshot_rows(sessions):
        table.rows.append([row.month, row.district, row.dimension, row.value, tables.Count(row.courses),
                           tables.Count(row.sessions)])
    return Response(table.to_csv(licence=LICENCE_LINE), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'inline; filename="esol-finder-statistics.csv"',
                             "Access-Control-Allow-Origin": "*", "Cache-Control": "public, max-age=3600"})


async def privacy(request: Request):
    return render(request, "public/privacy.html", {"suppress_below": rules.SUPPRESS_BELOW,
                                                   "counted_flag": "counted"})


routes = [
    Route("/statistics", statistics, methods=["GET"]),
    Route("/statistics.csv", statistics_csv, methods=["GET"]),
    Route("/privacy", privacy, methods=["GET"]),
]
