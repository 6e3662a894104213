"""The optional online geocoder: a street address to a point, when the site turns it on.

Postcodes never need it (they come from the offline directory). It wraps one of geopy's
keyless OpenStreetMap geocoders — Nominatim (the default) or Photon, public or self-hosted
via `domain` — behind geopy's RateLimiter, restricted to the United Kingdom. It never raises
to the caller: a missing answer or a failing service gives None and a logged warning.
Call `geocode_async` from request handlers so the network wait stays off the event loop.
"""

from __future__ import annotations

import logging
from typing import Any

from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import Nominatim, Photon
from starlette.concurrency import run_in_threadpool

from finder.geo.shapes import Place

log = logging.getLogger(__name__)

DEFAULT_USER_AGENT = "esol-finder/0.1 (+https://github.com/esol-finder)"

# A box round the UK (including Northern Ireland, Shetland and the Scilly Isles): answers
# outside it are dropped, whatever the provider did with the country restriction.
UK_BOUNDS = (49.8, 61.0, -8.7, 2.0)  # min_lat, max_lat, min_lon, max_lon

# Provider name -> geopy class and the keyword arguments that keep answers in the UK.
PROVIDERS: dict[str, tuple[type, dict[str, Any]]] = {
    "nominatim": (Nominatim, {"country_codes": "gb"}),
    "photon": (Photon, {"bbox": [(UK_BOUNDS[0], UK_BOUNDS[2]), (UK_BOUNDS[1], UK_BOUNDS[3])]}),
}


class AddressGeocoder:
    """Addresses to places through an online geocoder, at most one request per `min_delay_seconds`."""

    def __init__(self, provider: str = "nominatim", domain: str | None = None, scheme: str = "https",
                 user_agent: str = DEFAULT_USER_AGENT, min_delay_seconds: float = 1.0, timeout: float = 5):
        key = provider.strip().lower()
        if key not in PROVIDERS:
            raise ValueError(f"unknown geocoder {provider!r}: use one of {', '.join(sorted(PROVIDERS))}")
        geocoder_class, self._restriction = PROVIDERS[key]
        options: dict[str, Any] = {"scheme": scheme, "user_agent": user_agent, "timeout": timeout}
        if domain:
            options["domain"] = domain
        self.provider = key
        self._geocoder = geocoder_class(**options)
        self._limited = RateLimiter(self._geocoder.geocode, min_delay_seconds=min_delay_seconds,
                                    max_retries=0, swallow_exceptions=False)

    def geocode(self, address: str) -> Place | None:
        """The place for a UK address, or None when it is not found or the service fails."""
        address = " ".join(address.split())
        if not address:
            return None
        try:
            location = self._limited(address, exactly_one=True, **self._restriction)
        except Exception as error:  # the contract is "never raise": any failure is a miss
            log.warning("%s geocoder failed for %r: %s: %s", self.provider, address, type(error).__name__, error)
            return None
        if location is None:
            return None
        latitude, longitude = float(location.latitude), float(location.longitude)
        min_lat, max_lat, min_lon, max_lon = UK_BOUNDS
        if not (min_lat <= latitude <= max_lat and min_lon <= longitude <= max_lon):
            log.warning("%s geocoder placed %r outside the UK; ignored", self.provider, address)
            return None
        return Place(label=location.address or address, latitude=latitude, longitude=longitude,
                     precision="address")

    async def geocode_async(self, address: str) -> Place | None:
        """`geocode` in a worker thread, for use from async request handlers."""
        return await run_in_threadpool(self.geocode, address)

    def close(self) -> None:
        """Close the geocoder's pooled HTTP connections."""
        self._geocoder.__exit__(None, None, None)

    def __enter__(self) -> AddressGeocoder:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
