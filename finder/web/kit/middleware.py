"""ASGI middleware: the request's locale."""

from __future__ import annotations

from http.cookies import SimpleCookie
from urllib.parse import parse_qs

from finder import i18n

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
