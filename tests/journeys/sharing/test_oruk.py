"""The Open Referral UK API under /oruk/: valid against the published HSDS-UK 3.0 schemas,
paginated, filtered with AND, read-only, open to every origin."""

from __future__ import annotations

import pytest

from tests.oruk_validation import assert_valid, errors, profile_schema, response_schema

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("fixture_catalogue")]

TAXONOMY_NAMES = {"esol-finder-level", "esol-finder-creche", "esol-finder-language", "esol-finder-course-kind"}


def _all(client, path: str, **params) -> list[dict]:
    page = client.get(path, params={**params, "per_page": 2}).json()
    items = list(page["contents"])
    for number in range(2, page["total_pages"] + 1):
        items += client.get(path, params={**params, "per_page": 2, "page": number}).json()["contents"]
    return items


def _term_id(client, taxonomy: str, term: str) -> str:
    return next(t["id"] for t in _all(client, "/oruk/taxonomy_terms") if t["taxonomy"] == taxonomy and t["term"] == term)


def _names(client, **params) -> set[str]:
    response = client.get("/oruk/services", params={**params, "per_page": 100})
    assert response.status_code == 200, response.text
    return {s["name"] for s in response.json()["contents"]}


def test_root_says_version_profile_and_where_the_openapi_is(client):
    body = client.get("/oruk/").json()
    assert_valid(body, response_schema("/"))
    assert body["version"] == "HSDS-UK-3.0" and body["openapi_url"] == "http://testserver/oruk/openapi.json"
    assert client.get(body["openapi_url"].replace("http://testserver", "")).json()["openapi"].startswith("3.0")


def test_every_page_of_services_validates_and_the_pages_add_up(client):
    first = client.get("/oruk/services", params={"per_page": 3}).json()
    assert (first["total_items"], first["total_pages"], first["size"]) == (7, 3, 3)
    assert first["first_page"] and not first["last_page"] and not first["empty"]
    seen = []
    for number in (1, 2, 3):
        page = client.get("/oruk/services", params={"per_page": 3, "page": number}).json()
        assert_valid(page, response_schema("/services"))
        for item in page["contents"]:
            assert_valid(item, profile_schema("compiled/service_list.json"))
        seen += [item["id"] for item in page["contents"]]
    assert page["last_page"] and page["size"] == 1
    assert len(set(seen)) == 7
    beyond = client.get("/oruk/services", params={"per_page": 3, "page": 9}).json()
    assert beyond["empty"] and beyond["contents"] == [] and beyond["total_items"] == 7


def test_every_fixture_course_is_a_valid_full_service(client):
    services = _all(client, "/oruk/services")
    assert len(services) == 7
    for item in services:
        response = client.get(f"/oruk/services/{item['id']}")
        assert response.status_code == 200
        assert_valid(response.json(), response_schema("/services/{id}"))


def test_full_service_carries_organisation_locations_schedules_and_vocabulary(client):
    mums = next(s for s in _all(client, "/oruk/services") if s["name"] == "English for Mums")
    service = client.get(f"/oruk/services/{mums['id']}").json()
    assert service["organization"]["name"] == "Dingle Children's Centre"
    (at_location,) = service["service_at_locations"]
    address = at_location["location"]["addresses"][0]
    assert (address["address_1"], address["city"], address["postal_code"]) == ("Park Road", "Liverpool", "L8 6SQ")
    (schedule,) = service["schedules"]
    assert (schedule["freq"], schedule["byday"], schedule["opens_at"], schedule["closes_at"]) == ("WEEKLY", "WE", "10:00", "11:30")
    assert schedule["service_at_location_id"] == at_location["id"]
    terms = {(a["taxonomy_term"]["taxonomy"], a["taxonomy_term"]["term"]) for a in service["attributes"]}
    assert {("esol-finder-level", "entry-1"), ("esol-finder-level", "entry-2"), ("esol-finder-creche", "on-site"),
            ("esol-finder-audience", "women")} <= terms
    assert service["cost_options"][0]["option"] == "Free" and service["cost_options"][0]["amount"] == 0
    cafe = next(s for s in _all(client, "/oruk/services") if s["name"] == "Welcome Café")
    languages = client.get(f"/oruk/services/{cafe['id']}").json()["languages"]
    assert {(lang["code"], lang["name"]) for lang in languages} == {("ti", "Tigrinya"), ("ar", "Arabic")}


def test_taxonomies_and_terms_validate_and_publish_the_vocabulary(client):
    listing = client.get("/oruk/taxonomies").json()
    assert_valid(listing, response_schema("/taxonomies"))
    assert TAXONOMY_NAMES <= {t["name"] for t in listing["contents"]}
    for taxonomy in listing["contents"]:
        detail = client.get(f"/oruk/taxonomies/{taxonomy['id']}").json()
        assert_valid(detail, response_schema("/taxonomies/{id}"))
        assert detail["taxonomy_terms"], taxonomy["name"]
    terms_page = client.get("/oruk/taxonomy_terms", params={"per_page": 10}).json()
    assert_valid(terms_page, response_schema("/taxonomy_terms"))
    for term in _all(client, "/oruk/taxonomy_terms"):
        detail = client.get(f"/oruk/taxonomy_terms/{term['id']}")
        assert detail.status_code == 200
        assert_valid(detail.json(), response_schema("/taxonomy_terms/{id}"))
    levels = {t["term"]: t["name"] for t in _all(client, "/oruk/taxonomy_terms") if t["taxonomy"] == "esol-finder-level"}
    assert levels["entry-1"] == "Entry 1" and levels["pre-entry"] == "Pre-entry" and len(levels) == 7


def test_service_at_locations_validate_as_lists_and_in_full(client):
    page = client.get("/oruk/service_at_locations", params={"per_page": 4}).json()
    assert_valid(page, response_schema("/service_at_locations"))
    items = _all(client, "/oruk/service_at_locations")
    assert len(items) == 6  # seven courses, one of them online only
    for item in items:
        assert_valid(item, profile_schema("compiled/service_at_location_list.json"))
        detail = client.get(f"/oruk/service_at_locations/{item['id']}").json()
        assert_valid(detail, profile_schema("compiled/service_at_location.json"))
        # The published OpenAPI names the full service schema here: our answer satisfies it too.
        assert_valid(detail, response_schema("/service_at_locations/{id}"))


def test_filters_by_text_term_taxonomy_and_proximity_combine_with_and(client):
    assert _names(client, text="conversation") == {"Conversation Club"}
    assert _names(client, search="mums") == {"English for Mums"}
    entry_1 = _term_id(client, "esol-finder-level", "entry-1")
    assert _names(client, taxonomy_term_id=entry_1) == {"ESOL Entry 1", "English for Mums", "Welcome Café"}
    creche = _term_id(client, "esol-finder-creche", "on-site")
    assert _names(client, taxonomy_term_id=f"{entry_1},{creche}") == {"English for Mums"}
    arabic = _term_id(client, "esol-finder-language", "ar")
    assert _names(client, taxonomy_term_id=arabic) == {"ESOL Entry 1", "Welcome Café"}
    creche_taxonomy = next(t["id"] for t in _all(client, "/oruk/taxonomies") if t["name"] == "esol-finder-creche")
    assert _names(client, taxonomy_id=creche_taxonomy) == {"English for Mums"}
    # Within 1.5 km of Liverpool city centre (Clarence Street and William Brown Street), nearest first.
    near = client.get("/oruk/services", params={"lat": 53.4080, "long": -2.9775, "proximity": 1500}).json()
    assert [s["name"] for s in near["contents"]][:1] in (["ESOL Entry 1"], ["ESOL Entry 2 evening class"], ["Level 1 English"])
    assert {s["name"] for s in near["contents"]} == {"ESOL Entry 1", "ESOL Entry 2 evening class", "Level 1 English",
                                                     "Conversation Club"}
    assert _names(client, lat=53.4080, long=-2.9775, proximity=1500, taxonomy_term_id=entry_1) == {"ESOL Entry 1"}
    assert _names(client, lat=53.4080, long=-2.9775, proximity=1500, text="tea") == {"Conversation Club"}


def test_unknown_ids_and_bad_parameters_get_json_errors_with_cors(client):
    for path in ("/oruk/services/2f0c5f8e-0000-4000-8000-000000000000", "/oruk/services/not-a-uuid",
                 "/oruk/taxonomies/2f0c5f8e-0000-4000-8000-000000000000", "/oruk/nothing-here"):
        response = client.get(path)
        assert response.status_code == 404 and response.json()["error"], path
        assert response.headers["access-control-allow-origin"] == "*"
    for params, blamed in (({"page": "abc"}, "page"), ({"page": "0"}, "page"), ({"per_page": "5000"}, "per_page"),
                           ({"lat": "53.4"}, "long"), ({"lat": "91", "long": "0"}, "lat"),
                           ({"taxonomy_term_id": "entry-1"}, "taxonomy_term_id"), ({"proximity": "100"}, "proximity")):
        response = client.get("/oruk/services", params=params)
        assert response.status_code == 400, params
        assert response.json()["param"] == blamed and response.headers["access-control-allow-origin"] == "*"


def test_read_only_with_cors_on_every_answer(client):
    for method in ("post", "put", "delete", "patch"):
        response = client.request(method.upper(), "/oruk/services")
        assert response.status_code == 405 and "GET" in response.headers["allow"]
        assert response.headers["access-control-allow-origin"] == "*"
    preflight = client.options("/oruk/services", headers={"Origin": "https://council.example",
                                                          "Access-Control-Request-Method": "GET"})
    assert preflight.status_code == 204 and preflight.headers["access-control-allow-origin"] == "*"
    for path in ("/oruk/", "/oruk/services", "/oruk/taxonomies", "/oruk/taxonomy_terms", "/oruk/service_at_locations",
                 "/oruk/openapi.json"):
        assert client.get(path).headers["access-control-allow-origin"] == "*", path


def test_the_schemas_catch_what_they_should(client):
    """The validation is real: a broken service fails it."""
    service = client.get(f"/oruk/services/{_all(client, '/oruk/services')[0]['id']}").json()
    broken = dict(service, id="42", status="open", url="not a uri")
    found = " ".join(errors(broken, response_schema("/services/{id}")))
    assert "'42' is not a 'uuid'" in found and "'open' is not one of" in found and "'not a uri' is not a 'uri'" in found
