"""Every public page, in every shipped language: right language and direction, and no interface
string left in English. The English strings to look for come from the catalogue itself."""

from __future__ import annotations

import re
from functools import lru_cache

import pytest
from babel.messages.pofile import read_po

from finder import i18n
from finder.i18n.catalogues import TEMPLATE_FILE, po_path
from tests.multilingual import interface_text

RTL = {"ar", "fa", "ckb", "ps", "ur"}
LOCALES = i18n.SHIPPED_LOCALES
SPLIT = re.compile(r"%(?:\([^)]*\))?[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]|<[^>]*>|[“”\"]")


def pages(course_ids) -> dict[str, str]:
    return {
        "home": "/",
        "results": "/search?q=english",
        "results-near": "/search?lat=53.390&lon=-2.969&radius=5",
        "no-results": "/search?creche=1&kind=formal",
        "problems": "/search?level=nonsense&day=funday&postcode=QQ99+9QQ",
        "course": f"/courses/{course_ids['level-1']}",
        "course-in-english": f"/courses/{course_ids['mums-creche']}",
        "organisation": f"/organisations/{course_ids['organisation:college']}",
        "about": "/about",
        "help": "/help/levels",
        "security": "/security",
        "privacy": "/privacy",
        "accessibility": "/accessibility",
        "contact": "/contact",
        "statistics": "/statistics",
        "need": "/need",
        "free": "/help/free?status=refugee&since=not-sure&age=19-plus&benefits=no",
        "not-found": "/no-such-page",
    }


def in_language(path: str, code: str) -> str:
    return path + ("&" if "?" in path else "?") + "lang=" + code


@lru_cache(maxsize=None)
def english_fragments(code: str) -> tuple[str, ...]:
    """Pieces of English interface text (two words or more) that must not show on a page in `code`."""
    with TEMPLATE_FILE.open("rb") as fileobj:
        template = read_po(fileobj)
    translated = {}
    if code != "en":
        with po_path(code).open("rb") as fileobj:
            for message in read_po(fileobj, locale=code):
                if message.id:
                    key = message.id if isinstance(message.id, str) else message.id[0]
                    forms = message.string if isinstance(message.string, (list, tuple)) else [message.string]
                    translated[key] = " ".join(f for f in forms if f)
    fragments = set()
    for message in template:
        if not message.id:
            continue
        for source in ([message.id] if isinstance(message.id, str) else message.id):
            own = translated.get(message.id if isinstance(message.id, str) else message.id[0], "")
            for piece in SPLIT.split(source):
                piece = re.sub(r"\s+", " ", piece).strip(" .,:;·()")
                if len(re.findall(r"[A-Za-z]{2,}", piece)) >= 2 and len(piece) >= 8 and piece not in own:
                    fragments.add(piece)
    return tuple(sorted(fragments))


@pytest.mark.parametrize("code", LOCALES)
def test_every_page_speaks_the_language_and_direction(i18n_client, course_ids, code):
    untranslated = {}
    for name, path in pages(course_ids).items():
        response = i18n_client.get(in_language(path, code), headers={"accept-language": "en"})
        assert response.status_code == (404 if name == "not-found" else 200), (name, code)
        seen = interface_text(response.text, code.replace("_", "-"))
        assert seen.html_lang == code.replace("_", "-"), (name, code)
        assert seen.html_dir == ("rtl" if code in RTL else "ltr"), (name, code)
        if code != "en":
            left = [f for f in english_fragments(code) if f in seen.text]
            if left:
                untranslated[name] = left
    assert not untranslated, f"English left on {code} pages: {untranslated}"


def test_the_english_check_can_see_english(i18n_client, course_ids):
    """The check above is not vacuous: on English pages it finds plenty of catalogue text."""
    found = 0
    for path in pages(course_ids).values():
        seen = interface_text(i18n_client.get(in_language(path, "en")).text, "en")
        found += sum(1 for f in english_fragments("ar") if f in seen.text)
    assert found > 40


def test_course_text_in_english_is_marked_for_screen_readers(i18n_client, course_ids):
    page = i18n_client.get(f"/courses/{course_ids['mums-creche']}?lang=ar").text
    assert '<h1 lang="en" dir="ltr">English for Mums</h1>' in page
    assert 'class="description" lang="en" dir="ltr"' in page
    assert i18n.translations("ar").gettext(
        "This class has not been described in your language yet, so it is shown in English.") in page
