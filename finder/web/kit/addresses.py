"""The address this site is reached at, for every absolute link it writes (short links, QR codes,
share text, calendar files, hreflang, e-mails, check links, feeds).

ESOL_FINDER_BASE_URL, when set, is used as it is. When it is not set, the address comes from the
request: its scheme and Host (the Host has already been checked against the allowed hosts).
Behind a proxy listed in ESOL_FINDER_TRUSTED_PROXIES the proxy's X-Forwarded-Proto is believed
(uvicorn applies it already when serving with `esol-finder serve`), and its X-Forwarded-Host when
that names one of our allowed hosts.
"""

from __future__ import annotations

import ipaddress
import re

from starlette.requests import Request

_HOST = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*|\[[0-9a-f:.]+\])(?::[0-9]{1,5})?$")


def _first(value: str | None) -> str:
    return (value or "").split(",")[0].strip().lower()


def _name(host: str) -> str:
    return host.split("]")[0] + "]" if host.startswith("[") else host.split(":")[0]


def _allowed(host: str, hosts: list[str]) -> bool:
    if not _HOST.match(host):
        return False
    name = _name(host)
    return "*" in hosts or name in hosts or any(h.startswith("*.") and name.endswith(h[1:]) for h in hosts)


def _trusted(peer: str, proxies: tuple[str, ...]) -> bool:
    try:
        address = ipaddress.ip_address(peer)
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(net, strict=False) for net in proxies
               if ipaddress.ip_network(net, strict=False).version == address.version)


def base_url(request: Request) -> str:
    """`https://esol.example.org` (no trailing slash): where the links this response writes point."""
    settings = request.app.state.services.settings
    if settings.base_url_configured:
        return settings.base_url
    scheme = request.url.scheme if request.url.scheme in ("http", "https") else "http"
    host = _first(request.headers.get("host")) or request.url.netloc
    if settings.trusted_proxies:
        peer = request.client.host if request.client else ""
        if _trusted(peer, settings.trusted_proxies):
            proto = _first(request.headers.get("x-forwarded-proto"))
            if proto in ("http", "https"):
                scheme = proto
        forwarded_host = _first(request.headers.get("x-forwarded-host"))
        if forwarded_host and _allowed(forwarded_host, settings.hosts):
            host = forwarded_host
    if (scheme, host.rsplit(":", 1)[-1]) in (("http", "80"), ("https", "443")) and not host.endswith("]"):
        host = host.rsplit(":", 1)[0]
    return f"{scheme}://{host}"
