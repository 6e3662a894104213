"""The index is built from plain records read with Core (`listings.plain_published_courses`), not ORM
objects: each course's document must be exactly the one its ORM object gives."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from finder.models import Course
from finder.queries import listings
from finder.search.index import course_document

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("fixture_catalogue")]


def test_plain_records_give_the_same_documents_as_orm_objects(services):
    with services.sessions() as db:
        # A draft, so that only published courses are read (level-1 has two sessions and a translation).
        db.scalar(select(Course).where(Course.key == "welcome-cafe")).status = "draft"
        db.commit()
        orm = [course_document(course) for course in db.scalars(listings.published_courses_query())]
        plain = [course_document(course) for course in listings.plain_published_courses(db, batch=2)]
        ids = [int(document["id"]) for document in orm]
        chosen = [course_document(course) for course in listings.plain_published_courses(db, ids[1::2] + [10**6])]
    assert len(orm) == 6 and any(document.get("translated") for document in orm)
    assert plain == orm
    assert chosen == orm[1::2]
