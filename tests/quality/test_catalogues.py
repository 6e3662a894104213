"""The translation workflow and its check: complete catalogues, intact placeholders and tags,
plural rules that agree with CLDR, compiled in memory with no build step."""

from __future__ import annotations

import io

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po
from click.testing import CliRunner

from finder import i18n
from finder.i18n import catalogues as i18n_cli


def test_the_i18n_check_passes_on_the_committed_catalogues():
    report = i18n_cli.check()
    assert report.ok, "\n".join(report.problems[:60])


def test_the_check_command_reports_success():
    from finder.cli import main

    result = CliRunner().invoke(main, ["i18n", "check"])
    assert result.exit_code == 0, result.output
    assert "complete and consistent" in result.output


def problems_for(message: Message, code: str = "fr", count: int = 3) -> list[str]:
    report = i18n_cli.Report()
    i18n_cli.check_message(code, message, count, report)
    return report.problems


def test_a_missing_translation_is_reported():
    assert "not translated" in problems_for(Message("Find classes", ""))[0]
    assert "fuzzy" in problems_for(Message("Find classes", "Trouver", flags=["fuzzy"]))[0]


def test_a_broken_placeholder_is_reported():
    assert problems_for(Message("Call %(phone)s", "Appelez %(telephone)s"))
    assert problems_for(Message("Call %(phone)s", "Appelez"))
    assert problems_for(Message("Page %(page)s of %(pages)s", "Page %(page)s sur %(page)s"))
    assert not problems_for(Message("Page %(page)s of %(pages)s", "Page %(page)s sur %(pages)s"))
    assert not problems_for(Message("100%% free", "100%% gratuit"))


def test_a_broken_html_tag_is_reported():
    assert problems_for(Message("Read <a href=\"/help\">the guide</a>", "Lisez <a href=\"/aide\">le guide</a>"))
    assert problems_for(Message("<strong>Free</strong>", "Gratuit"))
    assert not problems_for(Message("<strong>Free</strong>", "<strong>Gratuit</strong>"))


def test_plural_messages_need_every_form_with_the_count():
    message = Message(("%(num)s class", "%(num)s classes"), ("%(num)s cours", "%(num)s de cours", ""))
    assert "3 plural form" in problems_for(message)[0]
    message = Message(("%(num)s class", "%(num)s classes"), ("%(num)s cours", "de cours", "%(num)s cours"))
    assert "placeholders" in problems_for(message)[0]


@pytest.mark.parametrize("code", i18n_cli.translated_locales())
def test_our_plural_rules_agree_with_cldr(code):
    catalog = Catalog(locale=code)
    catalog.mime_headers = [("Plural-Forms", i18n_cli.PLURAL_FORMS[code])]
    report = i18n_cli.Report()
    i18n_cli.check_plural_forms(code, catalog, report)
    assert report.ok, report.problems


@pytest.mark.parametrize("code, header", [
    ("fa", "nplurals=1; plural=0;"),                      # what pybabel init writes for Persian
    ("ti", "nplurals=2; plural=(n != 1);"),               # 0 is singular in Tigrinya
    ("ar", "nplurals=2; plural=(n != 1);"),
    ("fr", "nplurals=2; plural=(n > 1);"),                # CLDR 47 has a form for millions
    ("pl", "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 ? 1 : 2);"),  # 12-14 are 'many'
])
def test_plural_rules_that_differ_from_cldr_are_reported(code, header):
    catalog = Catalog(locale=code)
    catalog.mime_headers = [("Plural-Forms", header)]
    report = i18n_cli.Report()
    i18n_cli.check_plural_forms(code, catalog, report)
    assert not report.ok


def test_every_shipped_language_has_a_catalogue_with_a_review_status():
    for code in i18n_cli.translated_locales():
        with i18n_cli.po_path(code).open("rb") as fileobj:
            catalog = read_po(fileobj, locale=code)
        assert i18n_cli.review_status(catalog) in i18n_cli.REVIEW_STATUSES


def test_catalogues_compile_in_memory_with_no_build_step(tmp_path, monkeypatch):
    code = "fr"
    target = tmp_path / code / "LC_MESSAGES"
    target.mkdir(parents=True)
    catalog = Catalog(locale=code)
    catalog.mime_headers = [("Plural-Forms", i18n_cli.PLURAL_FORMS[code])]
    catalog.add("Find classes", "Trouver des cours")
    catalog.add(("%(num)s class", "%(num)s classes"), ("%(num)s cours", "%(num)s de cours", "%(num)s cours"))
    buffer = io.BytesIO()
    write_po(buffer, catalog)
    (target / "messages.po").write_bytes(buffer.getvalue())
    monkeypatch.setattr(i18n, "LOCALES_DIR", tmp_path)
    i18n.clear_translation_cache()
    try:
        with i18n.use_locale(code):
            assert i18n.gettext("Find classes") == "Trouver des cours"
            assert i18n.ngettext("%(num)s class", "%(num)s classes", 2) == "2 cours"
            assert i18n.ngettext("%(num)s class", "%(num)s classes", 1_000_000) == "1\u202f000\u202f000 de cours"
    finally:
        monkeypatch.undo()
        i18n.clear_translation_cache()


def test_a_broken_translation_shows_english_rather_than_failing(monkeypatch):
    class Broken:
        def gettext(self, message):
            return "Appelez %(telephone)s"

    monkeypatch.setattr(i18n, "translations", lambda code: Broken())
    with i18n.use_locale("fr"):
        assert i18n.gettext("Call %(phone)s", phone="0151") == "Call 0151"


def test_extract_finds_strings_in_python_and_templates():
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in i18n_cli.extract_catalog() if m.id}
    assert "Which class is for me?" in ids           # template
    assert "Entry 1" in ids                          # finder/domain.py, lazy_gettext as _l
    assert "Monday" in ids                           # lazy_pgettext with a context
    assert "%(num)s class found" in ids              # ngettext in a template


def test_extract_reads_macro_folders_too():
    ids = {m.id for m in i18n_cli.extract_catalog() if isinstance(m.id, str)}
    assert "What are you looking for?" in ids        # templates/_macros/search.html
