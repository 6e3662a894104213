"""ASGI middleware: the request's locale, and the request id and log line of every request."""

from __future__ import annotations

import logging
import re
import time
import uuid
from http.cookies import SimpleCookie
from urllib.parse import parse_qs

from finder import i18n
from finder.web.kit import logs

LANG_COOKIE = "lang"
# Pages made in someone else's language (a parent's signposting sheet, a partner's embed)
# answer in it without changing the language the visitor chose for the rest of the site.
NOT_REMEMBERED = ("/signpost", "/embed")


class LocaleMiddleware:
    """Choose the locale: ?lang= in the URL, then the remembered choice, then Accept-Language,
    then the site's default.

    A language given in the URL wins and is remembered in a cookie, so a shared link opens in
    its language and the choice sticks for the pages that follow. An unknown ?lang= is ignored.
    """

    def __init__(self, app, default_locale: str = "en"):
        self.app = app
        self.default_locale = default_locale

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        from_url = i18n.match_locale(query.get("lang", [""])[0]) if query.get("lang") else None
        cookie = SimpleCookie()
        try:
            cookie.load(headers.get("cookie", ""))
        except Exception:  # a malformed cookie header is ignored, never an error page
            cookie = SimpleCookie()
        from_cookie = i18n.match_locale(cookie[LANG_COOKIE].value) if LANG_COOKIE in cookie else None
        locale = from_url or from_cookie or i18n.negotiate(headers.get("accept-language")) or self.default_locale
        scope.setdefault("state", {})["locale"] = locale
        scope["state"]["locale_from_url"] = bool(from_url)
        token = i18n.set_locale(locale)

        async def send_with_cookie(message):
            if message["type"] == "http.response.start" and not scope.get("path", "").startswith("/static/"):
                headers = list(message.get("headers", []))
                remember = not scope.get("path", "").startswith(NOT_REMEMBERED)
                if from_url and from_url != from_cookie and remember:
                    headers.append((b"set-cookie",
                                    f"{LANG_COOKIE}={from_url}; Path=/; Max-Age=31536000; SameSite=Lax".encode()))
                # The same URL answers in different languages: shared caches must keep them apart.
                headers.append((b"vary", b"Accept-Language, Cookie"))
                headers.append((b"content-language", locale.replace("_", "-").encode()))
                message = dict(message, headers=headers)
            await send(message)

        try:
            await self.app(scope, receive, send_with_cookie)
        finally:
            i18n.reset_locale(token)


_REQUEST_ID = re.compile(r"^[A-Za-z0-9._\-]{1,64}$")
request_log = logging.getLogger("finder.requests")


class RequestLogMiddleware:
    """Gives every request an id (the proxy's X-Request-ID when it sends a sane one, else a new one),
    returns it as X-Request-ID, and logs one line per request: method, path without its query string
    or tokens, status and milliseconds. With `personal` (ESOL_FINDER_LOG_PERSONAL) the client's address
    and the query string are added."""

    def __init__(self, app, personal: bool = False):
        self.app = app
        self.personal = personal

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        incoming = ""
        for name, value in scope.get("headers", []):
            if name == b"x-request-id":
                incoming = value.decode("latin-1")
        rid = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        token = logs.request_id.set(rid)
        started = time.perf_counter()
        status = [500]

        async def send_with_id(message):
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                message = dict(message, headers=[*message.get("headers", []), (b"x-request-id", rid.encode())])
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            fields = {"method": scope.get("method", ""), "path": logs.safe_path(scope.get("path", "")),
                      "status": status[0], "ms": round((time.perf_counter() - started) * 1000, 1)}
            if self.personal:
                fields["client"] = (scope.get("client") or ("", 0))[0]
                fields["query"] = scope.get("query_string", b"").decode("latin-1")
            request_log.info("request", extra={"fields": fields, "request_id": rid})
            logs.request_id.reset(token)
