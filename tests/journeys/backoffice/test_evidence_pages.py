"""Coordinators' evidence pages, the public statistics, "Tell us what you need" and the counted flag, over HTTP."""

from __future__ import annotations

import csv
import io
import re

import pytest
from sqlalchemy import select

from finder.evidence import counting
from finder.models import DemandCount
from tests.accounts import csrf_from, log_in, make_user

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("fixture_catalogue")]


def counts(services) -> dict:
    counting.flush(services.sessions)  # this process's pending counts, as the evidence pages write them first
    with services.sessions() as db:
        return {(row.district, row.need, row.outcome, row.source): row.n for row in db.scalars(select(DemandCount))}


def test_paging_a_language_switch_and_views_of_one_search_count_once(services, client):
    first = client.get("/search?level=entry-1&per_page=1")
    assert first.status_code == 200
    assert counts(services) == {("", "level=entry-1;lang=en", "3+", "search"): 1}
    next_page = re.search(r'rel="next" href="([^"]+)"', first.text).group(1).replace("&amp;", "&")
    assert "counted=1" in next_page
    client.get(next_page)
    back_to = re.search(r'name="next" value="([^"]+)"', first.text).group(1).replace("&amp;", "&")
    assert "counted=1" in back_to
    client.get("/language", params={"lang": "ar", "next": back_to})  # the language picker, followed back
    map_link = re.search(r'href="(/map\?[^"]+)"', first.text).group(1).replace("&amp;", "&")
    client.get(map_link)
    assert counts(services) == {("", "level=entry-1;lang=en", "3+", "search"): 1}
    client.get("/search?level=entry-1&per_page=1&lang=en")  # a new search (typed again, or from the form): counted
    client.get("/search.json?level=entry-1&lang=ar")
    assert counts(services) == {("", "level=entry-1;lang=en", "3+", "search"): 2,
                                ("", "level=entry-1;lang=ar", "3+", "search"): 1}


def test_use_my_location_counts_as_its_district(services, client):
    client.get("/search?lat=53.3895&lon=-2.9689&radius=1&women=1")
    assert counts(services) == {("L8", "women;lang=en;r=1", "1-2", "search"): 1}


def test_tell_us_what_you_need_adds_a_stated_need(services, client):
    page = client.get("/search?creche=1&kind=formal&postcode=L8+1ST")
    assert "Tell us what you need" in page.text and 'value="L8"' in page.text
    assert "Tell us what you need" not in client.get("/search?level=entry-1").text  # three or more results
    token = csrf_from(page.text)
    sent = client.post("/need", data={"csrf_token": token, "district": "l8", "level": ["entry-1", "entry-2"],
                                      "day": "sat", "time": "morning", "creche": "1"}, follow_redirects=False)
    assert sent.status_code == 303 and sent.headers["location"] == "/need/thanks"
    assert "Thank you for telling us what you need" in client.get("/need/thanks").text
    assert counts(services)[("L8", "creche;level=entry-1,entry-2;day=sat;time=morning;lang=en", "", "stated")] == 1


def test_the_need_form_explains_a_bad_area_and_keeps_the_answers(services, client):
    token = csrf_from(client.get("/need").text)
    response = client.post("/need", data={"csrf_token": token, "district": "nowhere!", "level": "entry-3"})
    assert response.status_code == 400 and "first part of a postcode" in response.text
    assert "<title>Error: Tell us what you need" in response.text
    assert 'value="entry-3" checked' in response.text
    assert not [key for key in counts(services) if key[3] == "stated"]


def test_the_need_form_refuses_no_token_and_ignores_robots(services, client):
    assert client.post("/need", data={"district": "L8"}).status_code == 403
    token = csrf_from(client.get("/need").text)
    robot = client.post("/need", data={"csrf_token": token, "district": "L8", "website_url": "http://spam.example"},
                        follow_redirects=False)
    assert robot.status_code == 303 and counts(services) == {}


def test_the_evidence_pages_are_for_coordinators_only(services, client):
    assert client.get("/backoffice/evidence", follow_redirects=False).status_code == 303
    make_user(services, email="editor@example.org", role="partner", organisation_key="college", name="Ed")
    log_in(client, email="editor@example.org")
    assert 'href="/backoffice/evidence"' not in client.get("/backoffice/").text
    for path in ("/backoffice/evidence", "/backoffice/evidence/gaps.csv", "/backoffice/evidence/report"):
        assert client.get(path).status_code == 403, path


def test_the_dashboard_shows_charts_tables_and_csv_with_suppression(services, client, coordinator):
    for _ in range(6):
        client.get("/search?creche=1&kind=formal&postcode=L8+1ST")
    client.get("/search?women=1&postcode=L4+5XN&radius=1")
    log_in(client)
    assert 'href="/backoffice/evidence"' in client.get("/backoffice/").text  # in the coordinators' menu
    page = client.get("/backoffice/evidence")
    assert page.status_code == 200
    # Eight tables of searches and provision, and two of requests for a place.
    assert page.text.count('role="img"') == 5 and page.text.count("<table") == 10
    assert "No one asked for a place in this period." in page.text
    requests = list(csv.reader(io.StringIO(client.get("/backoffice/evidence/place-requests-by-week.csv").text)))
    assert requests == [["week", "district", "requests", "needing_creche"]]
    assert "<desc" in page.text and "fewer than 5" in page.text
    gaps = list(csv.reader(io.StringIO(client.get("/backoffice/evidence/gaps.csv").text)))
    assert gaps[0][:4] == ["district", "need", "radius_miles", "demand"]
    assert gaps[1][:4] == ["L8", "Crèche on site, Formal course", "5", "6"]
    assert gaps[2][0] == "L4" and gaps[2][3] == "fewer than 5"
    assert "Only an informal class" in gaps[1][5] and "English for Mums" in gaps[1][7]
    demand = client.get("/backoffice/evidence/demand.csv").text
    assert "L8,creche;kind=formal;lang=en;r=5,0,search,6" in demand
    assert client.get("/backoffice/evidence/nothing.csv").status_code == 404
    only_l4 = client.get("/backoffice/evidence/demand-by-district.csv?district=l4").text
    assert "L4" in only_l4 and "L8" not in only_l4
    bad = client.get("/backoffice/evidence?from=yesterday&district=%3Cscript%3E")
    assert bad.status_code == 200 and "is not a date" in bad.text and "<script>" not in bad.text


def test_the_quarterly_report_prints_in_the_coordinators_language(services, client, coordinator):
    client.get("/search?creche=1&kind=formal&postcode=L8+1ST")
    log_in(client)
    english = client.get("/backoffice/evidence/report?quarter=2026-Q4")
    assert english.status_code == 200 and "2026-Q4" in english.text and 'dir="ltr"' in english.text
    arabic = client.get("/backoffice/evidence/report?quarter=2026-Q4&lang=ar")
    assert arabic.status_code == 200 and 'dir="rtl"' in arabic.text and 'direction="rtl"' in arabic.text


def test_public_statistics_and_open_data(services, client):
    page = client.get("/statistics")
    assert page.status_code == 200 and page.text.count('role="img"') == 2 and "fewer than 5" in page.text
    data = client.get("/statistics.csv")
    assert data.status_code == 200 and data.headers["content-type"].startswith("text/csv")
    lines = data.text.splitlines()
    assert "Open Government Licence" in lines[0]
    assert lines[1] == "month,district,dimension,value,courses,weekly_sessions"
    assert any(line.startswith("current (") and ",*,all,,7,8" in line for line in lines)
    assert any(",L8,creche,on-site,fewer than 5,fewer than 5" in line for line in lines)
    assert any(re.match(r"20\d\d-\d\d,\*,all,,7,8", line) for line in lines)  # this month's snapshot


def test_the_privacy_notice_is_linked_from_every_page(client):
    assert 'href="/privacy"' in client.get("/").text
    notice = client.get("/privacy")
    assert notice.status_code == 200 and "counted=1" in notice.text and "fewer than 5" in notice.text


def test_statistics_follow_the_catalogue_when_a_course_is_archived(services, client, ids):
    def city_courses() -> str:
        line = next(line for line in client.get("/statistics.csv").text.splitlines()
                    if line.startswith("current (") and ",*,all,," in line)
        return line.split(",")[-2]

    assert city_courses() == "7"
    services.catalogue.set_status(ids()["welcome-cafe"], "archived")
    services.catalogue.set_status(ids()["level-1"], "archived")
    assert city_courses() == "5"
    services.catalogue.set_status(ids()["conversation-club"], "archived")
    assert city_courses() == "fewer than 5"
