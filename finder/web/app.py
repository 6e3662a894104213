"""The Starlette application factory."""

from __future__ import annotations

import contextlib
import functools
import logging
import threading

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from finder.i18n import gettext as _
from finder.search.service import IndexNotReady
from finder.services import Services, build_services
from finder.settings import Settings, load_settings
from finder.web import backoffice, health, partners
from finder.web.backoffice import bulk, eligibility
from finder.web.backoffice import evidence as evidence_pages
from finder.web.kit.middleware import LocaleMiddleware, RequestLogMiddleware
from finder.web.kit.rendering import render
from finder.web.kit.security import outer_ring
from finder.web.kit.templating import STATIC_DIR, make_templates, warm_pages
from finder.web.public import api, demand, pages, place_requests, statistics
from finder.web.public import help as help_pages
from finder.web.sharing import calendar, embed, feed, oruk, share, signpost

log = logging.getLogger(__name__)


class CachedStatic(StaticFiles):
    """Static files are fingerprinted (?v=hash), so browsers may keep them for a year."""

    def file_response(self, *args, **kwargs):
        response = super().file_response(*args, **kwargs)
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return response


class FinderApp(Starlette):
    """Starlette with `outer` wrapped around its whole middleware stack, 500 handler included."""

    def __init__(self, *, outer, **kwargs):
        self._outer = outer
        super().__init__(**kwargs)

    def build_middleware_stack(self):
        return self._outer(super().build_middleware_stack())


async def not_found(request: Request, exc: HTTPException):
    if exc.status_code == 404:
        return render(request, "errors/404.html", {}, status_code=404)
    if exc.status_code == 403:
        return render(request, "errors/403.html", {"detail": exc.detail}, status_code=403)
    return render(request, "errors/error.html", {"status": exc.status_code, "detail": exc.detail},
                  status_code=exc.status_code)


async def index_not_ready(request: Request, exc: Exception):
    """This instance's search index is being built from scratch: 503, which a proxy retries on
    another instance (see deploy/nginx/esol-finder.conf), and a plain page for a visitor who has one."""
    response = render(request, "errors/error.html",
                      {"status": 503, "detail": _("Search is getting ready. Please try again in a moment.")},
                      status_code=503)
    response.headers["Retry-After"] = "5"
    return response


async def server_error(request: Request, exc: Exception):
    log.exception("unhandled error on %s", request.url.path, exc_info=exc)
    return render(request, "errors/500.html", {}, status_code=500)


def create_app(settings: Settings | None = None, services: Services | None = None, prepare: bool = True,
               follow: bool = False) -> Starlette:
    """The app. With `follow` (a served instance, `finder.web.asgi`), start-up does not wait for the search
    index: a thread follows the database's change feed and builds or catches up the index while `/readyz`
    says whether it is ready; without (tests, one-off uses) the index is brought up to date first."""
    settings = settings or (services.settings if services else load_settings())
    services = services or build_services(settings)

    @contextlib.asynccontextmanager
    async def lifespan(app):
        if follow:
            services.search.start_following(services.engine)
            # Open (or build, about 20 s, once per data directory) the postcode table now, not in a visitor's search.
            threading.Thread(target=lambda: services.postcodes.directory, name="postcodes", daemon=True).start()
        yield
        services.close()

    if prepare:
        services.prepare(index=not follow)
        if not follow:
            services.search.warm()

    routes = [
        *health.routes,
        *pages.routes,
        *api.routes,
        *demand.routes, *statistics.routes, *place_requests.routes,
        *backoffice.routes,
        *partners.routes,
        *bulk.routes, *eligibility.routes, *help_pages.routes,
        *evidence_pages.routes,
        *share.routes, *calendar.routes, *signpost.routes, *embed.routes, *feed.routes,
        Mount("/oruk", app=oruk.make_app(services)),
        Mount("/static", CachedStatic(directory=str(STATIC_DIR)), name="static"),
    ]
    app = FinderApp(
        outer=functools.partial(outer_ring, tile_url=settings.tile_url, base_url=settings.base_url,
                                hosts=settings.hosts),
        routes=routes,
        middleware=[
            Middleware(RequestLogMiddleware, personal=settings.log_personal),
            Middleware(GZipMiddleware, minimum_size=500, compresslevel=6),  # 6: the bytes of 9 within 1%, less CPU
            Middleware(LocaleMiddleware, default_locale=settings.default_locale),
            Middleware(SessionMiddleware, secret_key=settings.secret_key, session_cookie="esol_session", max_age=12 * 3600, same_site="lax", https_only=settings.secure_cookies),
        ],
        exception_handlers={HTTPException: not_found, IndexNotReady: index_not_ready, 500: server_error},
        lifespan=lifespan,
    )
    app.state.services = services
    app.state.rate_limits = {}  # name -> RateLimiter (finder.web.kit.ratelimit)
    app.state.templates = make_templates()
    app.state.templates.env.globals.update(share.template_globals)
    if prepare:
        warm_pages(app.state.templates)
    return app
