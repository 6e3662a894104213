"""Template gettext: new-style (the function fills in the placeholders), escaping the values
it fills in, with whole numbers in the reader's digits. Installed once on the shared Jinja
environment; the locale comes from the request's context variable, never from the environment."""

from __future__ import annotations

import re

import jinja2
from markupsafe import Markup, escape

from finder import i18n


def _fill(context, text: str, source: str, variables: dict) -> str:
    if context.eval_ctx.autoescape:
        # translations are ours (compiled catalogues), not user text; the values are escaped by %
        text, source = Markup(text), Markup(source)  # nosec B704
    values = i18n.localise_params(variables)
    try:
        return text % values
    except (KeyError, ValueError, TypeError):  # a broken translation shows the English, not an error
        return source % values


@jinja2.pass_context
def gettext(__context, __string: str, **variables) -> str:
    return _fill(__context, i18n.raw_gettext(__string), __string, variables)


@jinja2.pass_context
def ngettext(__context, __singular: str, __plural: str, __num: int, **variables) -> str:
    variables.setdefault("num", __num)
    return _fill(__context, i18n.raw_ngettext(__singular, __plural, __num),
                 __singular if __num == 1 else __plural, variables)


@jinja2.pass_context
def pgettext(__context, __string_ctx: str, __string: str, **variables) -> str:
    return _fill(__context, i18n.raw_pgettext(__string_ctx, __string), __string, variables)


def ltr(text: str) -> Markup:
    """Left-to-right text (phone numbers, e-mail addresses, postcodes) isolated inside any page."""
    return Markup('<bdi dir="ltr">%s</bdi>') % text


def isolate(text, lang: str | None = None) -> Markup:
    """Text of unknown direction (a name, an address, a search) kept whole inside a page of either direction:
    the browser works out its direction on its own and it does not reorder what is around it."""
    if lang:
        return Markup('<bdi lang="%s" dir="%s">%s</bdi>') % (lang.replace("_", "-"), i18n.text_direction(lang), text)
    return Markup("<bdi>%s</bdi>") % (text,)


_LEFT_TO_RIGHT_BITS = re.compile(r"(https?://[^\s“”\"]*|[\w.+-]+@[\w-]+\.[\w.-]+|[a-z0-9-]+\.[a-z]{2,}/\S*)", re.I)


def isolate_links(text) -> Markup:
    """A message (an error, a hint) with the web and e-mail addresses in it kept left to right, so
    "https://" does not read "//:https" inside an Arabic sentence."""
    def wrap(match) -> str:
        bit = match.group(0)
        core = bit.rstrip(".,;:!?)")
        return f'<bdi dir="ltr">{core}</bdi>{bit[len(core):]}'

    # the text is escaped first; only our own <bdi> tags are added around what it already says
    return Markup(_LEFT_TO_RIGHT_BITS.sub(wrap, str(escape(text))))  # nosec B704


def install(env: jinja2.Environment) -> None:
    """Enable `{{ _() }}`, `{{ ngettext() }}`, `{{ pgettext() }}` and `{% trans %}` blocks."""
    env.add_extension("jinja2.ext.i18n")
    env.policies["ext.i18n.trimmed"] = True  # the same whitespace rule babel.cfg extracts with
    env.install_gettext_callables(i18n.raw_gettext, i18n.raw_ngettext, newstyle=True, pgettext=i18n.raw_pgettext)
    env.filters["isolate_links"] = isolate_links
    env.globals.update(_=gettext, gettext=gettext, ngettext=ngettext, pgettext=pgettext,
                       current_locale=i18n.get_locale, format_distance=i18n.format_distance,
                       format_integer=i18n.format_integer, text_direction=i18n.text_direction, ltr=ltr,
                       isolate=isolate)
