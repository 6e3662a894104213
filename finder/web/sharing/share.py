"""Sharing: short stable links (/c/{id}, /s/{code}) and plain-text messages for WhatsApp or SMS.

Messages are written in the current language with absolute links from finder.web.kit.addresses.base_url.
"""

from __future__ import annotations

import dataclasses
from urllib.parse import quote, urlencode

from babel.lists import format_list
from starlette.datastructures import QueryParams
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import Route

from finder import domain, i18n
from finder.operations.shortlinks import ShortLinks
from finder.search.params import SearchQuery
from finder.web.kit.addresses import base_url
from finder.web.kit.pages import services as app_services
from finder.web.kit.ratelimit import client_key, limiter
from finder.web.kit.rendering import render
from finder.web.kit.searching import perform_off_loop
from finder.web.kit.templating import localised, sessions_text, term_label


def short_links(request: Request) -> ShortLinks:
    services = app_services(request)
    return services.short_links


def _with_lang(url: str) -> str:
    locale = i18n.get_locale()
    return url if locale == i18n.DEFAULT_LOCALE else f"{url}?lang={locale}"


def course_short_url(base_url: str, course) -> str:
    return _with_lang(f"{base_url}/c/{course.id}")


def course_message(course, url: str) -> str:
    """A few lines someone can paste into WhatsApp or a text message, in the current language."""
    text = localised(course)
    lines = [text["title"], course.organisation.name]
    for session in course.sessions:
        when = sessions_text(session)
        if session.venue is None:
            lines.append(i18n.gettext("%(when)s, online", when=when))
        else:
            lines.append(i18n.gettext("%(when)s at %(place)s", when=when,
                                      place=", ".join(p for p in (session.venue.name, session.venue.postcode) if p)))
    lines.append(i18n.gettext("How to join: %(how)s", how=term_label("JOIN_METHODS", course.join_method)))
    lines.append(i18n.gettext("Cost: %(cost)s", cost=term_label("COSTS", course.cost)))
    if course.creche == "on-site":
        lines.append(term_label("CRECHE", "on-site"))
    lines.append(url)
    return "\n".join(lines)


def search_choices(query: SearchQuery, place_label: str = "") -> list[str]:
    """The choices of a search in words, for a message or a sheet's heading."""
    choices = []
    if query.q:
        choices.append(i18n.gettext("“%(words)s”", words=query.q))
    if query.creche:
        choices.append(i18n.gettext("with a crèche"))
    choices += [term_label("LEVELS", level) for level in query.levels]
    if query.kind:
        choices.append(term_label("KINDS", query.kind))
    choices += [i18n.weekday_name(domain.WEEKDAY_INDEX[day]) for day in query.days]
    choices += [term_label("TIMES_OF_DAY", time) for time in query.times]
    if query.free:
        choices.append(i18n.gettext("free"))
    if query.women:
        choices.append(i18n.gettext("women only"))
    if query.mode:
        choices.append(term_label("MODES", query.mode))
    if query.speaks:
        choices.append(i18n.gettext("staff speak %(languages)s", languages=format_choices([i18n.language_name(c) for c in query.speaks])))
    if place_label:
        choices.append(i18n.gettext("within %(radius)s miles of %(place)s", radius=query.radius, place=place_label))
    return choices


def format_choices(items: list[str]) -> str:
    return format_list(items, locale=i18n.babel_locale(i18n.get_locale())) if items else ""


def search_message(query: SearchQuery, place_label: str, total: int, url: str) -> str:
    choices = search_choices(query, place_label)
    lines = [i18n.ngettext("%(num)s English class", "%(num)s English classes", total)]
    if choices:
        lines[0] = i18n.ngettext("%(num)s English class: %(choices)s", "%(num)s English classes: %(choices)s", total,
                                 choices=format_choices(choices))
    lines.append(i18n.gettext("See them here: %(url)s", url=url))
    return "\n".join(lines)


def send_links(message: str) -> dict:
    """Links that open WhatsApp or the phone's messages app with the message filled in."""
    encoded = quote(message, safe="")
    return {"whatsapp": f"https://wa.me/?text={encoded}", "sms": f"sms:?&body={encoded}"}


# New short links one address may make in an hour; past that the page shows the full link instead,
# so an anonymous visitor cannot make the site store a row for every search they can think of.
NEW_LINKS_PER_HOUR = 60


def shareable(request: Request, query: SearchQuery) -> SearchQuery:
    """The search as it may be kept and sent on: "use my location" coordinates become their postcode
    district (never stored to the metre), and paging starts again."""
    query = query.with_page(1)
    if query.lat is not None and query.lon is not None:
        district = app_services(request).postcodes.directory.nearest_district(query.lat, query.lon)
        query = dataclasses.replace(query, lat=None, lon=None, postcode=district.label if district else "")
    return query


def query_params(query: SearchQuery) -> list[tuple[str, str]]:
    params = [(k, v) for k, v in query.to_params() if k != "per_page"]
    if i18n.get_locale() != i18n.DEFAULT_LOCALE:
        params.append(("lang", i18n.get_locale()))
    return params


def link_for(request: Request, path: str, params: list[tuple[str, str]]) -> str:
    """The short link for this page and query (an existing one, or a new one within the hourly limit),
    else the full link."""
    base = base_url(request)
    links = short_links(request)
    code = links.code_for(path, params, create=False)
    if code is None and limiter(request, "short-links", NEW_LINKS_PER_HOUR, 3600).allow(client_key(request)):
        code = links.code_for(path, params)
    return f"{base}/s/{code}" if code else f"{base}{path}?{urlencode(params)}"


def search_link(request: Request, query: SearchQuery, path: str = "/search") -> str:
    return link_for(request, path, query_params(shareable(request, query)))


# -- routes -------------------------------------------------------------------------------

async def course_short(request: Request):
    target = f"/courses/{request.path_params['course_id']}"
    lang = request.query_params.get("lang")
    if lang and i18n.match_locale(lang):
        target += f"?lang={i18n.match_locale(lang)}"
    return RedirectResponse(target, status_code=301)


async def search_short(request: Request):
    target = short_links(request).resolve(request.path_params["code"])
    if target is None:
        raise HTTPException(404)
    return RedirectResponse(target, status_code=301)


async def share_search(request: Request):
    """The share page for a search: its short link and a message to send."""
    services = app_services(request)
    params = QueryParams([(k, v) for k, v in request.query_params.multi_items() if k != "lang"])
    page = await perform_off_loop(services, params, explain_empty=False)
    url = search_link(request, page.query)
    message = search_message(page.query, page.place_label, page.outcome.total, url)
    return render(request, "share/search.html", {
        "page": page, "short_url": url, "message": message, "send": send_links(message)})


def course_share(request: Request, course) -> dict:
    """What the course page's share box shows (template global)."""
    url = course_short_url(base_url(request), course)
    message = course_message(course, url)
    return {"short_url": url, "message": message, "send": send_links(message)}


template_globals = {"course_share": course_share}

routes = [
    Route("/c/{course_id:id}", course_short, name="course_short"),
    Route("/s/{code}", search_short, name="search_short"),
    Route("/share", share_search, name="share_search"),
]
