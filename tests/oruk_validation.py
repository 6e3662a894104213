"""Validating answers against the published Open Referral UK 3.0 schemas (copied in tests/oruk_schemas)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SCHEMAS = Path(__file__).resolve().parent / "oruk_schemas"
PROFILE = "https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/"
OPENAPI = "https://openreferraluk.org/specifications/3.0/openapi.json"


@lru_cache(maxsize=None)
def registry() -> Registry:
    resources = []
    for path in (SCHEMAS / "uk-profile" / "schema").rglob("*.json"):
        uri = PROFILE + path.relative_to(SCHEMAS / "uk-profile" / "schema").as_posix()
        resources.append((uri, Resource.from_contents(json.loads(path.read_text()), default_specification=DRAFT202012)))
    openapi = json.loads((SCHEMAS / "openapi.json").read_text())
    resources.append((OPENAPI, Resource.from_contents(openapi, default_specification=DRAFT202012)))
    return Registry().with_resources(resources)


def _pointer(*parts: str) -> str:
    return "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


def response_schema(path: str) -> dict:
    """The published OpenAPI's schema for a 200 answer on `path`."""
    return {"$ref": OPENAPI + "#/" + _pointer("paths", path, "get", "responses", "200", "content", "application/json",
                                              "schema")}


def profile_schema(name: str) -> dict:
    return {"$ref": PROFILE + name}


def errors(instance, schema: dict) -> list[str]:
    validator = Draft202012Validator(schema, registry=registry(), format_checker=Draft202012Validator.FORMAT_CHECKER)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(instance)]


def assert_valid(instance, schema: dict) -> None:
    found = errors(instance, schema)
    assert not found, "\n".join(found[:20])
