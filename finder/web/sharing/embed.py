"""Embeds for partner and school websites: /embed is a compact results view made to sit in an
<iframe>; /embed/builder makes the snippet from a postcode, filters and a language.

Only /embed may be framed by other sites. Its responses carry their own complete
Content-Security-Policy with `frame-ancestors *` (and finder/web/security.py lists /embed as
frameable, and keeps a response's own policy); every other page, the builder included, keeps
the site-wide `frame-ancestors 'none'`.
"""

from __future__ import annotations

from urllib.parse import urlencode

from markupsafe import escape
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.routing import Route

from finder import i18n
from finder.domain.numbers import NumberError, parse_integer
from finder.web.kit.addresses import base_url
from finder.web.kit.pages import services as app_services
from finder.web.kit.rendering import render
from finder.web.kit.searching import perform_off_loop

EMBED_SIZES = (3, 5, 10, 20)
DEFAULT_SIZE = 5
EMBED_POLICY = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                "form-action 'self'; base-uri 'none'; object-src 'none'; frame-ancestors *")
SEARCH_PARAMS = ("q", "creche", "level", "kind", "day", "time", "free", "women", "mode", "speaks",
                 "postcode", "radius", "sort")


def _size(raw: str | None) -> int:
    try:
        value = parse_integer(raw or DEFAULT_SIZE)
    except NumberError:
        return DEFAULT_SIZE
    return value if value in EMBED_SIZES else DEFAULT_SIZE


async def embed(request: Request):
    services = app_services(request)
    params = [(k, v) for k, v in request.query_params.multi_items() if k in SEARCH_PARAMS]
    size = _size(request.query_params.get("per_page"))
    page = await perform_off_loop(services, QueryParams(params + [("per_page", str(size))]), explain_empty=False)
    search_params = page.query.with_page(1).to_params()
    search_params = [(k, v) for k, v in search_params if k != "per_page"]
    if i18n.get_locale() != i18n.DEFAULT_LOCALE:
        search_params.append(("lang", i18n.get_locale()))
    full_url = f"{base_url(request)}/search?{urlencode(search_params)}"
    response = render(request, "embed/results.html", {"page": page, "full_url": full_url})
    response.headers["Content-Security-Policy"] = EMBED_POLICY
    return response


async def builder(request: Request):
    services = app_services(request)
    params = [(k, v) for k, v in request.query_params.multi_items() if k in SEARCH_PARAMS]
    size = _size(request.query_params.get("per_page"))
    page = await perform_off_loop(services, QueryParams(params + [("per_page", str(size))]), explain_empty=False)
    context = {"page": page, "size": size, "sizes": EMBED_SIZES, "asked": bool(request.query_params)}
    if request.query_params:
        embed_params = page.query.with_page(1).to_params()
        embed_params = [(k, v) for k, v in embed_params if k != "per_page"] + [("per_page", str(size))]
        embed_params.append(("lang", i18n.get_locale()))
        src = f"{base_url(request)}/embed?{urlencode(embed_params)}"
        title = i18n.gettext("English classes from ESOL Finder")
        height = 120 + size * 110
        snippet = (f'<iframe src="{escape(src)}" title="{escape(title)}" width="100%" height="{height}" '
                   f'loading="lazy"></iframe>')
        context.update(snippet=snippet, preview_src=f"/embed?{urlencode(embed_params)}", title=title, height=height)
    return render(request, "embed/builder.html", context)


routes = [
    Route("/embed", embed, name="embed"),
    Route("/embed/builder", builder, name="embed_builder"),
]
