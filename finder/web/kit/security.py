"""Security headers on every response: a strict Content-Security-Policy and friends.

The policy allows nothing inline (no `unsafe-inline` for scripts or styles): pages use one
stylesheet and external scripts from `/static/` only. Map tiles may come from the configured
tile server. Only the embed view (`/embed`, exactly: not its builder page) may be framed by other
sites; every other page refuses to be framed. A response that sets its own Content-Security-Policy
keeps it (the embed view does); every other header here is always set.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.responses import PlainTextResponse

# Paths that partner and school websites may show in an iframe.
FRAMEABLE_PATHS = frozenset({"/embed"})


def tile_origin(tile_url: str) -> str:
    """The scheme and host of the map tile server (`https://{s}.tile.example.org` → `https://*.tile.example.org`)."""
    parts = urlsplit(tile_url or "")
    if not parts.scheme or not parts.netloc:
        return ""
    host = parts.netloc.replace("{s}", "*")
    if "{" in host:  # any other template in the host name: allow its subdomains
        host = "*." + host.split(".", 1)[-1] if "." in host else ""
    return f"{parts.scheme}://{host}" if host else ""


def content_security_policy(tile_url: str = "", frameable: bool = False) -> str:
    img_sources = ["'self'", "data:"]
    tiles = tile_origin(tile_url)
    if tiles:
        img_sources.append(tiles)
    directives = [
        "default-src 'self'",
        "img-src " + " ".join(img_sources),
        "script-src 'self'",
        "style-src 'self'",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors *" if frameable else "frame-ancestors 'none'",
    ]
    return "; ".join(directives)


def is_frameable(path: str) -> bool:
    return (path.rstrip("/") or "/") in FRAMEABLE_PATHS


class SecurityHeadersMiddleware:
    """Pure ASGI middleware: adds the headers to every HTTP response (pages, JSON, static files, errors)."""

    def __init__(self, app, tile_url: str = "", base_url: str = ""):
        self.app = app
        self.hsts = urlsplit(base_url or "").scheme == "https"
        common = [
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"strict-origin-when-cross-origin"),
            (b"cross-origin-opener-policy", b"same-origin"),
            (b"permissions-policy", b"camera=(), microphone=(), payment=(), geolocation=(self)"),
        ]
        if self.hsts:
            common.append((b"strict-transport-security", b"max-age=31536000; includeSubDomains"))
        self.framed_headers = common + [
            (b"content-security-policy", content_security_policy(tile_url, frameable=True).encode()),
        ]
        self.page_headers = common + [
            (b"content-security-policy", content_security_policy(tile_url, frameable=False).encode()),
            (b"x-frame-options", b"DENY"),
        ]
        self.names = {name for name, _ in self.page_headers + self.framed_headers}

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        extra = self.framed_headers if is_frameable(scope.get("path", "")) else self.page_headers

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                own_policy = b"content-security-policy" in present
                headers = [(k, v) for k, v in headers
                           if k.lower() == b"content-security-policy" or k.lower() not in self.names]
                headers += [(k, v) for k, v in extra if not (own_policy and k == b"content-security-policy")]
                message = dict(message, headers=headers)
            await send(message)

        await self.app(scope, receive, send_with_headers)


MAX_URL_BYTES = 8 * 1024  # path and query string: a search link is well under 1 KB


class UrlLengthMiddleware:
    """Refuses a request whose path and query string are longer than MAX_URL_BYTES with 414, before
    any page is built from it (a 70 KB URL once made a 1.3 MB page)."""

    def __init__(self, app, limit: int = MAX_URL_BYTES):
        self.app = app
        self.limit = limit

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"") \
                > self.limit:
            response = PlainTextResponse("414 URI Too Long", status_code=414)
            return await response(scope, receive, send)
        return await self.app(scope, receive, send)


def outer_ring(app, *, tile_url: str, base_url: str, hosts: list[str]):
    """What wraps the whole app, outside even Starlette's 500 handler, so that every answer, errors
    included, carries the security headers: the headers, then the Host check (a request for a host
    that is not ours gets 400, so no link or redirect is built from a forged Host), then the URL limit."""
    return SecurityHeadersMiddleware(TrustedHostMiddleware(UrlLengthMiddleware(app), allowed_hosts=hosts,
                                                           www_redirect=False),
                                     tile_url=tile_url, base_url=base_url)
