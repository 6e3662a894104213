"""How the language is chosen: Accept-Language, then a remembered choice, then ?lang= in the URL
(which wins and is remembered); links and forms carry it; alternates for each language."""

from __future__ import annotations

import html
import re

import pytest

from finder import i18n


@pytest.mark.parametrize("header, expected", [
    ("ar", "ar"),
    ("fr;q=0.5, ar;q=0.9, en;q=0.1", "ar"),
    ("de, pl;q=0.8", "pl"),
    ("zh-CN,zh;q=0.9", "zh_Hans"),
    ("zh-Hans-CN", "zh_Hans"),
    ("zh-TW", None),
    ("ku", "ckb"),
    ("ckb-IQ", "ckb"),
    ("fa-AF;q=1.0", "fa"),
    ("en-GB,en;q=0.9", "en"),
    ("uk-UA, ru;q=0.8", "uk"),
    ("*;q=0.5, ar;q=0", None),
    ("ar;q=nonsense, so", "so"),
    ("", None),
])
def test_accept_language_negotiation(header, expected):
    assert i18n.negotiate(header) == expected


def html_lang(page: str) -> str:
    return re.search(r'<html lang="([^"]+)" dir="(\w+)"', page).group(1)


def test_browser_language_is_used_when_nothing_was_chosen(client):
    response = client.get("/", headers={"accept-language": "so,en;q=0.5"})
    assert html_lang(response.text) == "so"
    assert response.headers["content-language"] == "so"
    assert "Accept-Language" in response.headers["vary"] and "Cookie" in response.headers["vary"]


def test_an_unsupported_browser_language_gets_english(client):
    assert html_lang(client.get("/", headers={"accept-language": "de-DE"}).text) == "en"


def test_the_picker_remembers_a_choice_over_the_browser_language(client):
    response = client.get("/language", params={"lang": "uk", "next": "/about"}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/about?lang=uk"
    assert "lang=uk" in response.headers["set-cookie"]
    client.cookies.set("lang", "uk")
    assert html_lang(client.get("/help/levels", headers={"accept-language": "ar"}).text) == "uk"


def test_choosing_again_replaces_the_language_in_the_url(client):
    response = client.get("/language", params={"lang": "fr", "next": "/search?q=club&lang=ar"},
                          follow_redirects=False)
    assert response.headers["location"] == "/search?q=club&lang=fr"
    response = client.get("/language", params={"lang": "en", "next": "/search?q=club&lang=ar"},
                          follow_redirects=False)
    assert response.headers["location"] == "/search?q=club"


def test_the_picker_never_sends_people_off_site(client):
    for target in ("https://evil.example", "//evil.example", "/\\evil.example"):
        response = client.get("/language", params={"lang": "ar", "next": target}, follow_redirects=False)
        assert response.headers["location"] == "/?lang=ar"


def test_a_language_in_the_url_wins_and_is_remembered(client):
    client.cookies.set("lang", "pl")
    response = client.get("/?lang=ti", headers={"accept-language": "ar"})
    assert html_lang(response.text) == "ti"
    assert "lang=ti" in response.headers["set-cookie"]
    client.cookies.set("lang", "ti")
    assert html_lang(client.get("/about", headers={"accept-language": "ar"}).text) == "ti"


def test_an_unknown_language_in_the_url_is_ignored(client):
    response = client.get("/?lang=xx-nonsense", headers={"accept-language": "ro"})
    assert response.status_code == 200
    assert html_lang(response.text) == "ro"
    assert "set-cookie" not in response.headers or "lang=" not in response.headers["set-cookie"]


def test_the_search_form_carries_the_language_so_results_links_keep_it(client):
    page = client.get("/?lang=fa").text
    assert '<input type="hidden" name="lang" value="fa">' in page
    assert 'name="lang" value="en"' not in client.get("/?lang=en").text


def test_alternates_name_every_language_with_absolute_urls(client, settings):
    page = client.get("/search?q=club&lang=ar").text
    alternates = {lang: html.unescape(href)
                  for lang, href in re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', page)}
    assert set(alternates) == {c.replace("_", "-") for c in i18n.SHIPPED_LOCALES} | {"x-default"}
    assert alternates["zh-Hans"] == "http://testserver/search?q=club&lang=zh_Hans"
    assert alternates["x-default"] == "http://testserver/search?q=club"


def test_the_picker_lists_each_language_in_its_own_name_and_script(client):
    page = client.get("/?lang=en").text
    for code, name in [("ar", "العربية"), ("fa", "فارسی"), ("uk", "українська"), ("am", "አማርኛ"),
                       ("ti", "ትግርኛ"), ("zh-Hans", "中文"), ("pl", "polski"), ("so", "Soomaali")]:
        assert re.search(rf'<option value="[^"]+" lang="{code}" dir="(ltr|rtl)"\s*>{name}', page), code
