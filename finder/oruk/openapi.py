"""The OpenAPI 3.0 document of ESOL Finder's Open Referral UK API (served at /oruk/openapi.json).

It describes exactly what this app answers (paths, parameters, responses, errors), in the shape
of the HSDS-UK 3.0 OpenAPI, so tools such as schemathesis can test the API against it.
"""

from __future__ import annotations

from finder.oruk import VERSION
from finder.oruk.selection import DEFAULT_PER_PAGE, MAX_PER_PAGE, MAX_PROXIMITY_METRES

UUID = {"type": "string", "format": "uuid"}
TEXT = {"type": "string"}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _page_of(name: str) -> dict:
    return {"allOf": [_ref("Page"), {"type": "object", "properties": {"contents": {"type": "array", "items": _ref(name)}}}]}


def _ok(description: str, schema: dict) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERRORS = {
    "400": _ok("A query parameter was not understood.", _ref("Error")),
    "404": _ok("Nothing has this id.", _ref("Error")),
}

TOO_LONG = {"description": "The address (path and query string) is longer than 8 KB.",
            "content": {"text/plain": {"schema": {"type": "string"}}}}

PARAMETERS = {
    "page": {"name": "page", "in": "query", "required": False, "description": "Page number, from 1.",
             "schema": {"type": "integer", "minimum": 1, "maximum": 1_000_000}},
    "per_page": {"name": "per_page", "in": "query", "required": False,
                 "description": f"Results per page (default {DEFAULT_PER_PAGE}).",
                 "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE}},
    "text": {"name": "text", "in": "query", "required": False, "description": "Words to search for (as `search`).",
             "schema": {"type": "string", "maxLength": 200}},
    "search": {"name": "search", "in": "query", "required": False, "description": "Full text search.",
               "schema": {"type": "string", "maxLength": 200}},
    "taxonomy_term_id": {"name": "taxonomy_term_id", "in": "query", "required": False,
                         "description": "Only services with this taxonomy term (several, comma-separated: all of them).",
                         "schema": UUID},
    "taxonomy_id": {"name": "taxonomy_id", "in": "query", "required": False,
                    "description": "Only services with a term from this taxonomy.", "schema": UUID},
    "organization_id": {"name": "organization_id", "in": "query", "required": False,
                        "description": "Only services of this organization.", "schema": UUID},
    "lat": {"name": "lat", "in": "query", "required": False, "description": "Latitude of a point (with `long`).",
            "schema": {"type": "number", "minimum": -90, "maximum": 90}},
    "long": {"name": "long", "in": "query", "required": False, "description": "Longitude of a point (with `lat`).",
             "schema": {"type": "number", "minimum": -180, "maximum": 180}},
    "postcode": {"name": "postcode", "in": "query", "required": False,
                 "description": "A UK postcode, district or sector: services near its centre.", "schema": TEXT},
    "modified_after": {"name": "modified_after", "in": "query", "required": False,
                       "description": "Only services modified on or after this date-time (ISO 8601; UTC when no offset).",
                       "schema": {"type": "string", "format": "date-time"}},
    "proximity": {"name": "proximity", "in": "query", "required": False,
                  "description": "Distance in metres from the point or postcode (default 8047, five miles).",
                  "schema": {"type": "number", "minimum": 1, "maximum": MAX_PROXIMITY_METRES}},
}
LIST_FILTERS = ["text", "search", "taxonomy_term_id", "taxonomy_id", "organization_id", "lat", "long", "postcode",
                "proximity", "modified_after", "page", "per_page"]


def _params(*names: str) -> list[dict]:
    return [{"$ref": f"#/components/parameters/{name}"} for name in names]


def _by_id(summary: str, schema: str) -> dict:
    return {"parameters": [{"name": "id", "in": "path", "required": True, "schema": UUID}],
            "get": {"summary": summary, "responses": {"200": _ok(summary, _ref(schema)), "404": ERRORS["404"]}}}


def _term_schema() -> dict:
    return {"type": "object", "required": ["id", "name", "description"], "properties": {
        "id": UUID, "name": TEXT, "description": TEXT, "parent_id": UUID, "taxonomy": TEXT, "taxonomy_id": UUID,
        "term_uri": {"type": "string", "format": "uri"}, "term": TEXT}}


def _organization_schema() -> dict:
    return {"type": "object", "required": ["id", "name", "description"], "properties": {
        "id": UUID, "name": TEXT, "description": TEXT, "email": {"type": "string", "format": "email"},
        "website": {"type": "string", "format": "uri"}}}


def _service_list_schema() -> dict:
    return {"type": "object", "required": ["id", "name", "status"], "properties": {
        "id": UUID, "organization_id": UUID, "name": TEXT, "description": TEXT,
        "url": {"type": "string", "format": "uri"}, "email": {"type": "string", "format": "email"},
        "status": {"type": "string", "enum": ["active", "inactive", "defunct", "temporarily closed"]},
        "fees": TEXT, "assured_date": TEXT, "last_modified": {"type": "string", "format": "date-time"},
        "organization": _ref("Organization")}}


def _location_schema() -> dict:
    return {"type": "object", "required": ["id", "location_type"], "properties": {
        "id": UUID, "location_type": {"type": "string", "enum": ["physical", "postal", "virtual"]}, "name": TEXT,
        "description": TEXT, "latitude": {"type": "number"}, "longitude": {"type": "number"},
        "addresses": {"type": "array", "items": {"type": "object", "required": [
            "id", "address_1", "city", "state_province", "postal_code", "country", "address_type"],
            "properties": {"id": UUID, "location_id": UUID, "address_1": TEXT, "city": TEXT, "state_province": TEXT,
                           "postal_code": TEXT, "country": TEXT,
                           "address_type": {"type": "string", "enum": ["physical", "postal", "virtual"]}}}},
        "accessibility": {"type": "array", "items": {"type": "object", "required": ["id"], "properties": {
            "id": UUID, "location_id": UUID, "description": TEXT}}}}}


def _service_schema() -> dict:
    schema = _service_list_schema()
    schema["properties"] = dict(schema["properties"], **{
        "service_at_locations": {"type": "array", "items": {"type": "object", "required": ["id"], "properties": {
            "id": UUID, "service_id": UUID, "location_id": UUID, "location": _ref("Location")}}},
        "schedules": {"type": "array", "items": {"type": "object", "required": ["id"], "properties": {
            "id": UUID, "service_id": UUID, "service_at_location_id": UUID, "valid_from": TEXT, "valid_to": TEXT,
            "dtstart": TEXT, "freq": {"type": "string", "enum": ["WEEKLY", "MONTHLY"]}, "interval": {"type": "number"},
            "byday": TEXT, "opens_at": TEXT, "closes_at": TEXT, "description": TEXT, "attending_type": TEXT,
            "notes": TEXT}}},
        "languages": {"type": "array", "items": {"type": "object", "required": ["id"], "properties": {
            "id": UUID, "service_id": UUID, "name": TEXT, "code": TEXT}}},
        "cost_options": {"type": "array", "items": {"type": "object", "required": ["id"], "properties": {
            "id": UUID, "service_id": UUID, "option": TEXT, "amount": {"type": "number"}, "amount_description": TEXT}}},
        "contacts": {"type": "array", "items": {"type": "object", "required": ["id"], "properties": {
            "id": UUID, "service_id": UUID, "name": TEXT, "email": {"type": "string", "format": "email"}}}},
        "attributes": {"type": "array", "items": {"type": "object", "required": ["id"], "properties": {
            "id": UUID, "link_id": UUID, "link_type": TEXT, "taxonomy_term_id": UUID,
            "taxonomy_term": _ref("TaxonomyTerm")}}},
        "service_areas": {"type": "array", "items": {"type": "object"}},
        "funding": {"type": "array", "items": {"type": "object"}},
    })
    return schema


def document(base_url: str) -> dict:
    doc = _document(base_url)
    # Every address longer than the server's limit is refused before routing (finder.web.kit.security).
    for item in doc["paths"].values():
        item["get"]["responses"].setdefault("414", TOO_LONG)
    return doc


def _document(base_url: str) -> dict:
    return {
        "openapi": "3.0.3",
        "info": {"title": "ESOL Finder: Open Referral UK API", "version": VERSION,
                 "description": "English classes (ESOL) as HSDS-UK 3.0 services. Read-only; every response allows "
                                "any origin (CORS). Filters combine with AND. ESOL level, crèche, languages and the "
                                "rest are attributes linking to the taxonomies under /taxonomies."},
        "servers": [{"url": f"{base_url}/oruk"}],
        "paths": {
            "/": {"get": {"summary": "About this API and its profile.", "responses": {"200": _ok("About this API.", {
                "type": "object", "required": ["version", "profile", "openapi_url"], "properties": {
                    "version": TEXT, "profile": {"type": "string", "format": "uri"},
                    "openapi_url": {"type": "string", "format": "uri"}}})}}},
            "/services": {"get": {"summary": "Services, filtered and paginated.", "parameters": _params(*LIST_FILTERS),
                                  "responses": {"200": _ok("A page of services.", _page_of("ServiceListItem")),
                                                "400": ERRORS["400"]}}},
            "/services/{id}": _by_id("A fully nested service.", "Service"),
            "/taxonomies": {"get": {"summary": "The taxonomies this app publishes.", "parameters": _params("page", "per_page"),
                                    "responses": {"200": _ok("A page of taxonomies.", _page_of("Taxonomy")),
                                                  "400": ERRORS["400"]}}},
            "/taxonomies/{id}": _by_id("A taxonomy with its terms.", "Taxonomy"),
            "/taxonomy_terms": {"get": {"summary": "Taxonomy terms.",
                                        "parameters": _params("taxonomy_id", "page", "per_page"),
                                        "responses": {"200": _ok("A page of taxonomy terms.", _page_of("TaxonomyTerm")),
                                                      "400": ERRORS["400"]}}},
            "/taxonomy_terms/{id}": _by_id("A taxonomy term.", "TaxonomyTerm"),
            "/service_at_locations": {"get": {"summary": "Services at their locations, filtered and paginated.",
                                              "parameters": _params(*LIST_FILTERS),
                                              "responses": {"200": _ok("A page of services at locations.",
                                                                       _page_of("ServiceAtLocation")),
                                                            "400": ERRORS["400"]}}},
            "/service_at_locations/{id}": _by_id("A service at a location, fully nested.", "ServiceAtLocation"),
            "/openapi.json": {"get": {"summary": "This document.", "responses": {"200": _ok("OpenAPI 3.0", {"type": "object"})}}},
        },
        "components": {
            "parameters": PARAMETERS,
            "schemas": {
                "Page": {"type": "object", "required": ["total_items", "total_pages", "page_number", "size", "first_page",
                                                        "last_page", "empty", "contents"],
                         "properties": {"total_items": {"type": "integer"}, "total_pages": {"type": "integer"},
                                        "page_number": {"type": "integer"}, "size": {"type": "integer"},
                                        "first_page": {"type": "boolean"}, "last_page": {"type": "boolean"},
                                        "empty": {"type": "boolean"}, "contents": {"type": "array"}}},
                "Error": {"type": "object", "required": ["error"], "properties": {"error": TEXT, "param": TEXT}},
                "Organization": _organization_schema(),
                "Location": _location_schema(),
                "TaxonomyTerm": _term_schema(),
                "Taxonomy": {"type": "object", "required": ["id", "name", "description"], "properties": {
                    "id": UUID, "name": TEXT, "description": TEXT, "uri": {"type": "string", "format": "uri"},
                    "version": TEXT, "taxonomy_terms": {"type": "array", "items": _ref("TaxonomyTerm")}}},
                "ServiceListItem": _service_list_schema(),
                "Service": _service_schema(),
                "ServiceAtLocation": {"type": "object", "required": ["id"], "properties": {
                    "id": UUID, "service_id": UUID, "location_id": UUID, "location": _ref("Location"),
                    "service": {"type": "object", "required": ["id", "name", "status"]}}},
            },
        },
    }
