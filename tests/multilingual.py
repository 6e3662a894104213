"""Shared by the language tests in several rooms: courses described in other languages (added to the
fixture catalogue by the `i18n_services` fixture in tests/conftest.py and by the right-to-left
browser journey), and the text a reader sees or hears on a page."""

from __future__ import annotations

import html.parser
import re

from tests import factories

MULTILINGUAL_COURSES = [
    factories.course(
        "ukrainian-welcome", "Speaking club for Ukrainian families", "library",
        [factories.session("sun", "15:00", "16:30", "library-central")],
        description="A relaxed club for families from Ukraine.",
        translations={"uk": {"title": "Розмовний клуб для українських родин",
                             "description": "Невимушена зустріч для родин з України: чай і англійська."}}),
    factories.course(
        "chinese-mandarin", "English for Chinese speakers", "college",
        [factories.session("thu", "10:00", "12:00")],
        description="Beginners' English with a Mandarin-speaking assistant.",
        translations={"zh_Hans": {"title": "华人英语课程", "description": "为初学者开设的英语课，有会说普通话的助教。"}}),
]


class InterfaceText(html.parser.HTMLParser):
    """The text a reader sees or hears on a page, leaving out content marked as another language
    (course text shown in English, the language picker's names) and scripts."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
    SPOKEN_ATTRIBUTES = ("placeholder", "aria-label", "title", "alt", "data-locate-label", "data-locating-label",
                         "data-locate-failed-label")

    def __init__(self, page_lang: str):
        super().__init__(convert_charrefs=True)
        self.page_lang = page_lang
        self.stack: list[tuple[str, bool]] = []
        self.parts: list[str] = []
        self.html_lang = None
        self.html_dir = None

    def _skipping(self) -> bool:
        return any(skip for _, skip in self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.html_lang, self.html_dir = attrs.get("lang"), attrs.get("dir")
            return
        other_language = "lang" in attrs and attrs["lang"] != self.page_lang
        skip = other_language or tag in ("script", "style")
        if not skip and not self._skipping():
            self.parts += [attrs[a] for a in self.SPOKEN_ATTRIBUTES if attrs.get(a)]
            if tag == "meta" and attrs.get("name") == "description":
                self.parts.append(attrs.get("content") or "")
        if tag not in self.VOID:
            self.stack.append((tag, skip))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        if not self._skipping():
            self.parts.append(data)

    @property
    def text(self) -> str:
        return re.sub(r"\s+", " ", " ".join(self.parts))


def interface_text(page: str, page_lang: str) -> InterfaceText:
    parser = InterfaceText(page_lang)
    parser.feed(page)
    parser.close()
    return parser
