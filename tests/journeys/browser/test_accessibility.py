"""axe-core finds no accessibility violation on any page, in English and in Arabic."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from tests.journeys.browser.conftest import ARTIFACTS, axe_violations

# Pages that exist in every build, and pages other parts add (checked once they answer).
PUBLIC_PAGES = ["/", "/search?creche=1", "/search?q=zzzzqqq&creche=1", "/search?level=entry-1&page=1&per_page=2",
                "/about", "/help/levels", "/security", "/no-such-page", "/map?creche=1"]
LATER_PAGES = ["/signpost?creche=1", "/embed?creche=1", "/embed/builder", "/add-a-class"]


def answers(server, path: str) -> bool:
    try:
        with urllib.request.urlopen(server.url(path), timeout=30) as response:
            return response.status == 200
    except urllib.error.HTTPError:
        return False


@pytest.fixture(scope="module")
def public_pages(server) -> list[str]:
    with urllib.request.urlopen(server.url("/search.json?per_page=100"), timeout=10) as response:
        results = json.load(response)["results"]
    courses = [f"/courses/{r['id']}" for r in results if r["title"] in ("English for Mums", "Level 1 English",
                                                                          "Online speaking practice")]
    with urllib.request.urlopen(server.url(courses[0]), timeout=10) as response:
        html = response.read().decode()
    organisation = html.split('href="/organisations/', 1)[1].split('"', 1)[0]
    later = [path for path in LATER_PAGES if answers(server, path)]
    return PUBLIC_PAGES + courses + [f"/organisations/{organisation}"] + later


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_no_axe_violations_on_public_pages(server, page, axe_script, public_pages, lang):
    found = {}
    for path in public_pages:
        page.goto(server.url(path + ("&" if "?" in path else "?") + f"lang={lang}"))
        violations = axe_violations(page, axe_script)
        if violations:
            found[path] = violations
    report = "\n".join(f"{path}: {line}" for path, lines in found.items() for line in lines)
    (ARTIFACTS / f"axe-{lang}.txt").unlink(missing_ok=True)
    if found:
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / f"axe-{lang}.txt").write_text(report, encoding="utf-8")
    assert found == {}, report
