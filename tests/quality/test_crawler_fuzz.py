"""A hypothesis-driven crawler over every HTML route and public form: hostile numbers, ids, postcodes,
radii, Unicode, huge values and repeated parameters never get a 500, and every answer, error pages
included, carries the security headers. (The JSON API has schemathesis: test_openapi_fuzz.py.)"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.routing import Mount, Route

from tests.accounts import csrf_from

pytestmark = pytest.mark.usefixtures("fixture_catalogue")

HOSTILE_TEXT = st.one_of(
    st.sampled_from(["inf", "-inf", "nan", "1e400", "-1", "0", "99999999999999999999999", "9223372036854775808",
                     "L8 1ST", "l81st", "L8", "ZZ99 9ZZ", "O8 1ST", "BT1 1AA", "<script>alert(1)</script>",
                     "' OR 1=1 --", 'AND ( "*', "%00", "\u202e\u0644\u0639\u0631\u0628\u064a", "𝕏" * 50,
                     "x" * 3000, "", " ", "mon", "monday", "entry-1", "formal", "morning", "ar", "zh-Hans",
                     "2026-02-30", "18:61", "javascript:alert(1)"]),
    st.text(max_size=60),
    st.integers(min_value=-10**30, max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)
PARAMETERS = ["q", "creche", "level", "kind", "day", "time", "free", "women", "mode", "speaks", "postcode",
              "radius", "sort", "page", "per_page", "lat", "lon", "lang", "next", "format", "size", "published"]
QUERY = st.lists(st.tuples(st.sampled_from(PARAMETERS), HOSTILE_TEXT), max_size=8)
FUZZ = settings(max_examples=40, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def _get_paths(app) -> list[str]:
    paths = []

    def walk(routes, prefix=""):
        for route in routes:
            if isinstance(route, Mount):
                walk(route.routes or [], prefix + route.path)
            elif isinstance(route, Route) and "GET" in (route.methods or ()):
                paths.append(prefix + route.path)

    walk(app.routes)
    # The ORUK API is a mounted app of its own (behind its CORS middleware): its GET routes by name.
    return paths + [f"/oruk{path}" for path in ("/", "/services", "/services/{id}", "/service_at_locations",
                                                "/service_at_locations/{id}", "/taxonomies", "/taxonomies/{id}",
                                                "/taxonomy_terms", "/taxonomy_terms/{id}", "/openapi.json")]


def _fill(path: str, value: str) -> str:
    path = re.sub(r"\{[a-z_]+:(?:int|id)\}", value if value.isdigit() else "1", path)
    return re.sub(r"\{[a-z_]+(?::str)?\}", re.sub(r"[^A-Za-z0-9._-]", "x", value)[:40] or "x", path)


def _assert_safe(response, what):
    assert response.status_code < 500, (what, response.status_code, response.text[:300])
    assert "content-security-policy" in response.headers, what
    assert response.headers.get("x-content-type-options") == "nosniff", what


def test_the_crawler_reaches_every_page_kind(client):
    paths = _get_paths(client.app)
    assert {"/search", "/courses/{course_id:id}", "/signpost", "/embed", "/backoffice/courses", "/check/{token}",
            "/oruk/services"} <= set(paths)


@FUZZ
@given(query=QUERY, value=HOSTILE_TEXT)
def test_every_page_answers_any_query_without_a_server_error(client, query, value):
    for path in _get_paths(client.app):
        url = _fill(path, value)
        response = client.get(url, params=query, follow_redirects=False)
        _assert_safe(response, (url, query))


FORMS = {
    "/add-a-class": ["title", "description", "organisation", "levels", "session-1-weekday", "session-1-start",
                     "session-1-end", "session-1-venue_name", "session-1-venue_postcode", "translation-1-locale",
                     "translation-1-title", "submitter_email", "next_start", "contact_phone", "website"],
    "/courses/{course_id}/report": ["problem", "details", "email"],
    "/backoffice/login": ["email", "password", "next"],
}


@FUZZ
@given(fields=st.lists(st.tuples(st.sampled_from(sorted({f for names in FORMS.values() for f in names})),
                                 HOSTILE_TEXT), max_size=12))
def test_every_public_form_takes_any_values_without_a_server_error(client, ids, fields):
    course_id = ids()["entry-1-day"]
    for path in FORMS:
        url = path.format(course_id=course_id)
        token = csrf_from(client.get(url).text)
        data: dict[str, list[str]] = {"csrf_token": [token]}
        for name, value in fields:  # repeated fields too
            data.setdefault(name, []).append(value)
        response = client.post(url, data=data, follow_redirects=False)
        _assert_safe(response, (url, fields))
