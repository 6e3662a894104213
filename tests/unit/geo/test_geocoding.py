"""The optional online geocoder, against a stand-in Nominatim server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from finder.geo.geocoding import DEFAULT_USER_AGENT, AddressGeocoder
from finder.geo.shapes import Place

ANSWERS = {  # query -> Nominatim /search answer (status, JSON body)
    "1 Princes Road, Liverpool": (200, [{
        "place_id": 1, "lat": "53.3960", "lon": "-2.9700", "class": "building", "type": "yes",
        "display_name": "1, Princes Road, Toxteth, Liverpool, L8 1TG, United Kingdom",
        "boundingbox": ["53.3959", "53.3961", "-2.9701", "-2.9699"],
    }]),
    "Rue de Rivoli, Paris": (200, [{
        "place_id": 2, "lat": "48.8606", "lon": "2.3376", "display_name": "Rue de Rivoli, Paris, France",
    }]),
    "Nowhere Street": (200, []),
    "Broken": (500, {"error": "internal error"}),
    "Garbled": (200, "this is not json"),
}


class FakeNominatim(BaseHTTPRequestHandler):
    """Answers GET /search like Nominatim, recording each request."""

    requests: list[dict] = []

    def do_GET(self):  # noqa: N802 - the name http.server calls
        url = urlsplit(self.path)
        query = {key: values[0] for key, values in parse_qs(url.query).items()}
        FakeNominatim.requests.append({"at": time.monotonic(), "path": url.path, "query": query,
                                       "user_agent": self.headers.get("User-Agent")})
        status, body = ANSWERS.get(query.get("q", ""), (200, []))
        payload = (body if isinstance(body, str) else json.dumps(body)).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format, *args):  # keep the test output quiet
        pass


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), FakeNominatim)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    thread.join()


@pytest.fixture
def geocoder(server, monkeypatch):
    for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    FakeNominatim.requests.clear()
    with AddressGeocoder(domain=server, scheme="http", min_delay_seconds=0.2, timeout=2) as geocoder:
        yield geocoder


def test_found(geocoder):
    place = geocoder.geocode("  1 Princes Road,   Liverpool ")
    assert place == Place("1, Princes Road, Toxteth, Liverpool, L8 1TG, United Kingdom", 53.396, -2.97, "address")
    (request,) = FakeNominatim.requests
    assert request["path"] == "/search"
    assert request["query"]["q"] == "1 Princes Road, Liverpool"
    assert request["query"]["countrycodes"] == "gb"
    assert request["query"]["format"] == "json"


def test_user_agent_is_sent(geocoder):
    geocoder.geocode("1 Princes Road, Liverpool")
    assert FakeNominatim.requests[0]["user_agent"] == DEFAULT_USER_AGENT


def test_not_found(geocoder):
    assert geocoder.geocode("Nowhere Street") is None
    assert geocoder.geocode("   ") is None
    assert len(FakeNominatim.requests) == 1  # blank text is never sent


def test_answers_outside_the_uk_are_dropped(geocoder, caplog):
    with caplog.at_level(logging.WARNING, logger="finder.geo.geocoding"):
        assert geocoder.geocode("Rue de Rivoli, Paris") is None
    assert "outside the UK" in caplog.text


@pytest.mark.parametrize("address", ["Broken", "Garbled"])
def test_a_failing_service_gives_none_fast(geocoder, caplog, address):
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="finder.geo.geocoding"):
        assert geocoder.geocode(address) is None
    assert time.monotonic() - started < 1.5
    assert len(FakeNominatim.requests) == 1  # no retries
    assert "geocoder failed" in caplog.text


def test_an_unreachable_service_gives_none_fast(caplog):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    started = time.monotonic()
    with AddressGeocoder(domain=f"127.0.0.1:{port}", scheme="http", timeout=2) as geocoder, \
            caplog.at_level(logging.WARNING, logger="finder.geo.geocoding"):
        assert geocoder.geocode("1 Princes Road, Liverpool") is None
    assert time.monotonic() - started < 2
    assert "geocoder failed" in caplog.text


def test_rate_limit_is_honoured(geocoder):
    geocoder.geocode("1 Princes Road, Liverpool")
    geocoder.geocode("Nowhere Street")
    first, second = FakeNominatim.requests
    assert second["at"] - first["at"] >= 0.2 - 0.02  # a little slack for the two clocks' readings


def test_geocode_async(geocoder):
    place = asyncio.run(geocoder.geocode_async("1 Princes Road, Liverpool"))
    assert place is not None and place.precision == "address"


def test_unknown_provider():
    with pytest.raises(ValueError, match="unknown geocoder"):
        AddressGeocoder(provider="yellow-pages")


def test_a_venue_without_a_known_postcode_is_placed_by_the_configured_geocoder(settings, shared_postcodes, geocoder):
    """Saving a listing whose venue has only an address asks the (configured) online geocoder."""
    from sqlalchemy import select

    from finder.models import Venue
    from finder.services import build_services
    from tests import factories

    services = build_services(settings, postcodes=shared_postcodes, geocoder=geocoder)
    services.prepare()
    data = factories.catalogue(
        [factories.course("geo", "Geocoded class", "library", [factories.session("mon", "10:00", "11:00", "princes")])],
        venues=[{"key": "princes", "name": "Princes Road Hall", "address": "1 Princes Road, Liverpool", "postcode": ""}])
    services.catalogue.load_catalogue(data)
    with services.sessions() as db:
        venue = db.scalar(select(Venue).where(Venue.key == "princes"))
    services.close()
    assert (venue.latitude, venue.longitude) == (53.396, -2.97)
