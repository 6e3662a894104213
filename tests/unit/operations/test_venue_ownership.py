"""A partner, or an approved public submission, never changes another organisation's venue, even
when its own venue has the same name and postcode (and so the same key)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from finder.models import Course, Venue
from tests.unit.operations.test_catalogue_operations import payload, prepared

pytestmark = pytest.mark.postgres


def _venue(services, key):
    with services.sessions() as db:
        return db.scalar(select(Venue).where(Venue.key == key))


def _first_listing(services, address: str, organisation: str):
    return services.catalogue.save_listing(prepared(services, payload(
        organisation=organisation, sessions=[{"weekday": "thu", "start": "10:00", "end": "12:00",
                                              "venue_name": "Toxteth Library", "venue_address": address,
                                              "venue_postcode": "L8 1XF"}])), status="published")


def test_another_organisations_address_does_not_overwrite_ours(services):
    ours = _first_listing(services, "Windsor Street", "Toxteth Friends")
    key = _venue(services, "toxteth-library-l8-1xf").key
    theirs = _first_listing(services, "1 Somewhere Else Road", "Other Group")
    ours_now = _venue(services, key)
    assert ours_now.address == "Windsor Street"
    with services.sessions() as db:
        their_venue = db.get(Course, theirs.id).sessions[0].venue
        our_venue = db.get(Course, ours.id).sessions[0].venue
        assert their_venue.address == "1 Somewhere Else Road" and their_venue.id != our_venue.id
        assert their_venue.organisation.name == "Other Group"


def test_an_approved_submission_cannot_rewrite_another_organisations_venue(services):
    _first_listing(services, "Windsor Street", "Toxteth Friends")
    data = payload(organisation="Another Charity", sessions=[{
        "weekday": "mon", "start": "18:00", "end": "20:00", "venue_name": "Toxteth Library",
        "venue_address": "Fake address shown to the public", "venue_postcode": "L8 1XF"}])
    submission = services.catalogue.submit("new", data, submitter_email="x@example.org")
    services.catalogue.approve_submission(submission.id, prepared(services, data), actor="cora")
    assert _venue(services, "toxteth-library-l8-1xf").address == "Windsor Street"


def test_the_same_place_is_shared_as_it_is(services):
    ours = _first_listing(services, "Windsor Street", "Toxteth Friends")
    theirs = _first_listing(services, "", "Other Group")
    with services.sessions() as db:
        assert db.get(Course, theirs.id).sessions[0].venue.id == db.get(Course, ours.id).sessions[0].venue.id
    assert _venue(services, "toxteth-library-l8-1xf").address == "Windsor Street"
