"""Showing the listing form (shared by the public, partner and coordinator pages)."""

from __future__ import annotations

from finder import domain, i18n
from finder.domain import submissions


def options(vocab_name: str) -> list[tuple[str, str]]:
    return [(slug, str(term.label)) for slug, term in getattr(domain, vocab_name).items()]


def form_context(payload: dict, errors: dict | None = None, **extra) -> dict:
    errors = errors or {}
    return {
        "values": submissions.form_values(payload),
        "errors": {name: [str(m) for m in messages] for name, messages in errors.items()},
        "options": options,
        "error_anchor": submissions.error_anchor,
        "translation_languages": [(code, i18n.autonym(code)) for code in i18n.SHIPPED_LOCALES if code != "en"],
        **extra,
    }
