"""Jinja2 set-up: the i18n extension with per-request (context variable) gettext, and the
helpers templates use to show courses in the reader's language and format."""

from __future__ import annotations

import datetime as dt
import hashlib
import sys
from functools import lru_cache
from urllib.parse import urlencode

import jinja2
from markupsafe import Markup, escape
from starlette.templating import Jinja2Templates

from finder import PROJECT_DIR, domain, i18n
from finder.web.kit import translating
from finder.web.kit.csrf import csrf_field

TEMPLATES_DIR = PROJECT_DIR / "templates"
STATIC_DIR = PROJECT_DIR / "static"


@lru_cache(maxsize=None)
def _fingerprint(name: str) -> str:
    path = STATIC_DIR / name
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    except FileNotFoundError:
        return "0"


def static_url(name: str) -> str:
    """A cache-busting URL for a static file: its content hash is in the query string."""
    return f"/static/{name}?v={_fingerprint(name)}"


def term_label(vocab_name: str, slug: str) -> str:
    vocab = getattr(domain, vocab_name)
    term = vocab.get(slug)
    return str(term.label) if term else slug


def term_explanation(vocab_name: str, slug: str) -> str:
    term = getattr(domain, vocab_name).get(slug)
    return str(term.explanation) if term and term.explanation else ""


def availability_detail(course) -> str:
    """The line after the availability's label: the next intake's date, the usual wait, or what it means."""
    if course.availability == "next-intake" and course.next_intake:
        return i18n.gettext("Next intake: %(date)s", date=i18n.format_date(course.next_intake, "long"))
    if course.availability == "waiting-list" and course.wait_weeks is not None:
        return i18n.ngettext("The usual wait is about %(num)s week.", "The usual wait is about %(num)s weeks.",
                             course.wait_weeks)
    return term_explanation("AVAILABILITY", course.availability)


def creche_ages_text(course) -> str:
    """The crèche's ages from the listing's numbers in the reader's language; the partner's own words
    when they gave no numbers."""
    text = i18n.format_age_range(course.creche_age_from, course.creche_age_to, course.creche_age_unit)
    return text or i18n.isolate(course.creche_ages or "")


def sessions_text(session) -> str:
    return i18n.gettext("%(day)s %(start)s to %(end)s", day=i18n.weekday_name(domain.WEEKDAY_INDEX[session.weekday]),
                        start=i18n.format_time(session.start_time), end=i18n.format_time(session.end_time))


def localised(course) -> dict:
    """The course's title and description in the reader's language where the partner gave them."""
    locale = i18n.get_locale()
    translation = course.translation(locale) if locale != "en" else None
    if translation and translation.title:
        return {"title": translation.title, "description": translation.description or course.description,
                "fallback": False, "lang": locale}
    return {"title": course.title, "description": course.description, "fallback": locale != "en", "lang": "en"}


def view_key(course_id: int, *key) -> tuple:
    """The key a view of one course (`kept`) is kept under: with the reader's language."""
    return ("view", course_id, i18n.get_locale(), *key)


def kept(course, key: tuple, make, size=sys.getsizeof):
    """What `make()` makes of this course record alone (its result's HTML or JSON) in the reader's
    language: kept for a record read from the index, with the commit it came from (its `keep` and
    `views`, `SearchService.search_records`); made afresh for a record from the database.
    `size(value)`: about how many bytes it holds."""
    full = view_key(course.id, *key)
    views = getattr(course, "views", None)
    if views is not None and full in views:
        return views[full]
    keep = getattr(course, "keep", None)
    if keep is None:
        return make()
    return keep(full, make, size)


RESULT_HTML = "result_of_course"  # the macro of a result's HTML (templates/_macros/search.html)


def result_views(course_id: int) -> list[tuple]:
    """What a results page asks `kept` for of each course (`SearchService.search_records`)."""
    return [view_key(course_id, RESULT_HTML)]


def kept_html(course, macro) -> Markup:
    """A macro's rendering of one course alone (`kept`)."""
    return kept(course, (macro.name,), lambda: macro(course))


def choice(kind: str):
    """A search form's checkbox or radio button with its label (about fifty on every search page:
    a function, several times quicker than a Jinja macro). Every value is escaped."""
    if kind not in ("checkbox", "radio"):
        raise ValueError(kind)

    # Every value is escaped as it goes in (an f-string of escape(): 2.7 times quicker than Markup's
    # `%` here); `kind` is one of the two above.
    def field(name, value, label, checked) -> Markup:
        return Markup(f'<label class="choice"><input type="{kind}" name="{escape(name)}" '  # nosec B704
                      f'value="{escape(value)}" {"checked" if checked else ""}> {escape(label)}</label>\n')

    return field


def query_url(path: str, params=(), **extra) -> str:
    items = list(params) + [(k, v) for k, v in extra.items() if v not in (None, "")]
    return path + ("?" + urlencode(items) if items else "")


def miles(value: float | None) -> str:
    if value is None:
        return ""
    return i18n.format_distance(value)


def nl2br(text: str) -> Markup:
    return Markup("<br>").join(jinja2.utils.markupsafe.escape(text or "").split("\n"))


def warm_pages(templates: Jinja2Templates) -> None:
    """Compile the public pages' templates and load every shipped language's CLDR data now (a
    server's start-up), not in a visitor's first search: every page's language picker names each
    language in its own, and the first search page had taken 120 ms at 100,000 courses (babel's
    data about 105 of them), the next 9."""
    env = templates.env
    for name in env.list_templates(filter_func=lambda n: n.startswith(("public/", "errors/", "_macros/", "base"))):
        env.get_template(name)
    for code in i18n.SHIPPED_LOCALES:
        i18n.autonym(code)
        i18n.text_direction(code)


def make_templates() -> Jinja2Templates:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        # Templates ship with the code: compiled once per process, never re-checked on disk per render.
        auto_reload=False,
    )
    # Installed once; the functions read the locale from a context variable per request.
    translating.install(env)
    env.globals.update(
        domain=domain, static_url=static_url, term_label=term_label, term_explanation=term_explanation, sessions_text=sessions_text,
        availability_detail=availability_detail, creche_ages_text=creche_ages_text,
        localised=localised, kept_html=kept_html, checkbox=choice("checkbox"), radio=choice("radio"),
        query_url=query_url, miles=miles, format_date=i18n.format_date,
        format_time=i18n.format_time, weekday_name=i18n.weekday_name, language_name=i18n.language_name,
        autonym=i18n.autonym, shipped_locales=i18n.SHIPPED_LOCALES, today=dt.date.today,
        csrf_field=csrf_field,
    )
    env.filters["nl2br"] = nl2br
    return Jinja2Templates(env=env)
