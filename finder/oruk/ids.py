"""Stable UUIDs for ORUK ids, derived (uuid5) from the catalogue's internal keys.

The same key always gives the same id, on every install. Records imported from another
directory keep their own ids: their keys are "oruk-<uuid>", and that uuid is their id.
"""

from __future__ import annotations

import uuid

NAMESPACE = uuid.UUID("5b0f7e3c-2d1a-4c8e-9f61-7a2b9c4d8e10")  # ESOL Finder's own namespace
IMPORTED_PREFIX = "oruk-"


def stable(kind: str, *parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join((kind, *parts))))


def imported_uuid(key: str) -> str | None:
    if not key.startswith(IMPORTED_PREFIX):
        return None
    try:
        return str(uuid.UUID(key[len(IMPORTED_PREFIX):]))
    except ValueError:
        return None


def entity_id(kind: str, key: str) -> str:
    """The ORUK id of an organisation, venue or course (kind: organization, location, service)."""
    return imported_uuid(key) or stable(kind, key)


def key_for(kind: str, oruk_id: str, known: dict[str, str]) -> str:
    """The internal key for an ORUK id: an existing record's key, or a new 'oruk-<uuid>' key."""
    if oruk_id in known:
        return known[oruk_id]
    try:
        return IMPORTED_PREFIX + str(uuid.UUID(str(oruk_id)))
    except ValueError:
        return IMPORTED_PREFIX + stable(kind, "foreign", str(oruk_id))


def is_uuid(text: str) -> bool:
    try:
        return str(uuid.UUID(text)) == text.lower()
    except (ValueError, AttributeError, TypeError):
        return False
