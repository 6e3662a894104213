"""Signposting sheets for schools and support workers: the nearest matching classes on one
printable A4 page, in the parent's language beside English, with a QR code to the live search.

/signpost takes the search URL's parameters; the parent's language is `parent` (a language code),
else the page's language (`lang`, as everywhere). The builder around the sheet stays in the page's
language (the staff member's), the sheet itself is in the parent's language beside English:
each of its text blocks is rendered twice, once in each language.
"""

from __future__ import annotations

import datetime as dt

import segno
from markupsafe import Markup
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.routing import Route

from finder import i18n
from finder.web.kit.pages import services as app_services
from finder.web.kit.rendering import render
from finder.web.kit.searching import perform_off_loop
from finder.web.sharing.share import format_choices, link_for, query_params, search_choices, search_link, shareable

SHEET_SIZE = 6  # classes on one A4 sheet
SHEET_PARAMS = ("q", "creche", "level", "kind", "day", "time", "free", "women", "mode", "speaks",
                "postcode", "radius", "lat", "lon", "sort")


def qr_svg(url: str, title: str) -> Markup:
    """The QR code as inline SVG: paths only, no style attributes (the CSP forbids inline styles)."""
    code = segno.make(url, error="m")
    svg = code.svg_inline(scale=1, border=2, svgclass="qr", lineclass=None, omitsize=True, title=title)
    # segno's own SVG markup; the title and URL inside it are escaped by segno
    return Markup(svg)  # nosec B704


def languages_for(locale: str) -> list[str]:
    """The sheet's languages: the parent's first, then English (once, if the parent reads English)."""
    return [locale] if locale == i18n.DEFAULT_LOCALE else [locale, i18n.DEFAULT_LOCALE]


def render_in(request: Request, code: str, template: str, context: dict) -> Markup:
    """A partial template rendered in another language (the page itself stays in its own)."""
    with i18n.use_locale(code):
        env = request.app.state.templates.env
        html = env.get_template(template).render({**context, "locale": code, "dir": i18n.text_direction(code)})
    # the output of our own autoescaping template environment
    return Markup(html)  # nosec B704


async def signpost(request: Request):
    services = app_services(request)
    params = [(k, v) for k, v in request.query_params.multi_items() if k in SHEET_PARAMS]
    context: dict = {"asked": bool(params)}
    page = await perform_off_loop(services, QueryParams(params + [("per_page", str(SHEET_SIZE))]), explain_empty=False)
    context["page"] = page
    parent = i18n.match_locale(request.query_params.get("parent", "")) or i18n.get_locale()
    context["parent"] = parent
    if params:
        with i18n.use_locale(parent):  # the links on the sheet open in the parent's language
            live_url = search_link(request, page.query)
            sheet_url = link_for(request, "/signpost", query_params(shareable(request, page.query)))
        printed = dt.date.today()
        languages = languages_for(parent)
        heads = {code: render_in(request, code, "signpost/_heading.html", {
            "page": page, "choices": _choices_in(code, page)}) for code in languages}
        items = [(course, {code: render_in(request, code, "signpost/_course.html", {"course": course, "hit": hit})
                           for code in languages})
                 for course, hit in page.items]
        foot = {code: render_in(request, code, "signpost/_foot.html", {"printed": printed}) for code in languages}
        with i18n.use_locale(parent):
            qr = qr_svg(live_url, i18n.gettext("QR code: scan it to see all the classes"))
        context.update(languages=languages, dirs={code: i18n.text_direction(code) for code in languages}, heads=heads, items=items, foot=foot, qr=qr,
                       live_url=live_url, sheet_url=sheet_url)
    return render(request, "signpost/sheet.html", context)


def _choices_in(code: str, page) -> str:
    with i18n.use_locale(code):
        return format_choices(search_choices(page.query, page.place_label))


routes = [Route("/signpost", signpost, name="signpost")]
