"""Issue 13 in a real browser: a newcomer reading Arabic on a 360×740 phone asks for a place, and the
organisation answers from its private link with one click ("still running, full")."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import create_engine, select

from finder.models import Course, OutboxMessage, PlaceRequest

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def phone(browser):
    context = browser.new_context(locale="ar", viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    context.set_default_timeout(15_000)
    yield context
    context.close()


def _database(server):
    return create_engine(server.env["ESOL_FINDER_DATABASE_URL"])


def test_a_newcomer_asks_for_a_place_in_arabic_and_the_partner_answers_with_one_click(server, phone):
    engine = _database(server)
    with engine.connect() as db:
        course_id = db.scalar(select(Course.id).where(Course.key == "entry-1-day"))
    page = phone.new_page()
    page.goto(server.url(f"/courses/{course_id}?lang=ar"))
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.get_by_role("link", name="اطلب مكانًا").click()
    page.wait_for_selector("form.ask")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # no sideways scrolling

    page.get_by_label("اسمك").fill("أمل حداد")
    page.get_by_label("بالهاتف").check()
    page.get_by_label("رقم هاتفك").fill("07700 900123")
    # The phone number reads left to right inside the right-to-left page.
    assert page.locator("#phone").evaluate("e => getComputedStyle(e).direction") == "ltr"
    page.get_by_role("button", name="أرسل طلبي").click()
    # Without consent: the error summary names it, and nothing typed is lost.
    page.wait_for_selector(".error-summary")
    assert "ضع علامة في المربع" in page.locator(".error-summary").inner_text()
    assert page.get_by_label("اسمك").input_value() == "أمل حداد"
    page.locator("input[name=consent]").check()
    page.get_by_role("button", name="أرسل طلبي").click()
    page.wait_for_selector("h1:has-text('أُرسل طلبك')")
    assert "/requests/" in page.url
    assert page.locator("main").evaluate("e => getComputedStyle(e).direction") == "rtl"

    with engine.connect() as db:
        [request] = db.execute(select(PlaceRequest.name, PlaceRequest.language)).all()
        body = db.scalars(select(OutboxMessage.body).order_by(OutboxMessage.id.desc())).first()
    assert tuple(request) == ("أمل حداد", "ar")
    link = re.search(r"(http://\S+/check/[^/\s]+)/requests", body).group(1)

    # The organisation opens its private link: the request, then one click for "still running, full".
    partner = phone.browser.new_context(locale="en-GB", viewport=PHONE)
    try:
        desk = partner.new_page()
        desk.goto(link + "/requests")
        assert "أمل حداد" in desk.locator("main").inner_text()
        desk.goto(link)
        desk.get_by_role("button", name="Still running, full").click()
        desk.wait_for_selector("text=The listing now says: Full")
    finally:
        partner.close()
    page.goto(server.url(f"/courses/{course_id}?lang=en"))
    assert page.locator("dd.availability strong").inner_text() == "Full"
    engine.dispose()
