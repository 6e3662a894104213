"""Rendering a template with what every page needs (locale, direction, language links)."""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request

from finder import i18n
from finder.web.kit.addresses import base_url


def page_context(request: Request) -> dict:
    locale = i18n.get_locale()
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]

    def in_language(code: str | None) -> str:
        """This page in another language; None: with no language (the x-default alternate)."""
        chosen = params + ([("lang", code)] if code else [])
        return request.url.path + ("?" + urlencode(chosen) if chosen else "")

    return {
        "request": request,
        "locale": locale,
        "html_lang": locale.replace("_", "-"),
        "dir": i18n.text_direction(locale),
        "settings": request.app.state.services.settings,
        "base_url": base_url(request),
        "form_fields": [],  # filled in by the form macros as a page renders (backoffice/_forms.html)
        "in_language": in_language,
        "current_path": request.url.path + (("?" + request.url.query) if request.url.query else ""),
    }


def render(request: Request, template: str, context: dict, status_code: int = 200, **kwargs):
    templates = request.app.state.templates
    return templates.TemplateResponse(request, template, {**page_context(request), **context},
                                      status_code=status_code, **kwargs)
