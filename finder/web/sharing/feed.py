"""/feed.atom: newly published courses as an Atom feed, for partners' newsletters (feedgen)."""

from __future__ import annotations

import datetime as dt

from feedgen.feed import FeedGenerator
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from finder import i18n
from finder.queries import listings
from finder.web.kit.addresses import base_url
from finder.web.kit.pages import services as app_services
from finder.web.kit.templating import localised, sessions_text, term_label

FEED_SIZE = 50


def _utc(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.timezone.utc) if value.tzinfo is None else value


def _summary(course) -> str:
    text = localised(course)
    lines = [course.organisation.name]
    lines += [sessions_text(s) + (f" · {s.venue.name}, {s.venue.postcode}" if s.venue else "") for s in course.sessions]
    lines.append(", ".join(term_label("LEVELS", level) for level in course.levels or []))
    lines.append(term_label("COSTS", course.cost))
    if text["description"]:
        lines.append(text["description"])
    return "\n".join(lines)


def build_feed(courses, base_url: str) -> bytes:
    locale = i18n.get_locale()
    suffix = "" if locale == i18n.DEFAULT_LOCALE else f"?lang={locale}"
    feed = FeedGenerator()
    feed.id(f"{base_url}/feed.atom")
    feed.title(i18n.gettext("New English classes on ESOL Finder"))
    feed.subtitle(i18n.gettext("English classes (ESOL) newly listed in the finder."))
    feed.link(href=f"{base_url}/feed.atom{suffix}", rel="self", type="application/atom+xml")
    feed.link(href=f"{base_url}/{suffix}", rel="alternate", type="text/html")
    feed.language(locale.replace("_", "-"))
    feed.generator("ESOL Finder")
    newest = max((_utc(c.published_at) for c in courses), default=dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc))
    feed.updated(newest)
    for course in reversed(courses):  # feedgen puts the last added entry first
        text = localised(course)
        entry = feed.add_entry()
        entry.id(f"{base_url}/courses/{course.id}")
        entry.title(text["title"])
        entry.link(href=f"{base_url}/courses/{course.id}{suffix}", rel="alternate", type="text/html")
        entry.author(name=course.organisation.name)
        entry.published(_utc(course.published_at))
        entry.updated(_utc(max(course.published_at, course.updated_at or course.published_at)))
        entry.summary(_summary(course))
        for level in course.levels or []:
            entry.category(term=level, label=term_label("LEVELS", level))
    return feed.atom_str(pretty=True)


async def atom_feed(request: Request):
    services = app_services(request)
    with services.sessions() as db:
        courses = listings.recently_published(db, FEED_SIZE)
    body = build_feed(courses, base_url(request))
    return Response(body, media_type="application/atom+xml; charset=utf-8",
                    headers={"Cache-Control": "public, max-age=600", "Access-Control-Allow-Origin": "*"})


routes = [Route("/feed.atom", atom_feed, name="feed")]
