"""Reads for "Can I join for free?": the rules in force (shipped, with coordinators' changes) and
the listings the helper weighs. Nothing here reads or keeps anyone's answers."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from finder.domain import eligibility
from finder.models import Course, EligibilityRule
from finder.search.index import checked_ordinal


def changes(db: Session) -> dict[str, dict]:
    """Coordinators' changes by rule key (only rules that are still shipped)."""
    found = {}
    for row in db.scalars(select(EligibilityRule)):
        if row.key in eligibility.DEFAULTS_BY_KEY:
            found[row.key] = {"statuses": frozenset(row.statuses or ()), "min_months": row.min_months,
                              "ages": frozenset(row.ages or ()), "needs_benefits": row.needs_benefits,
                              "enabled": row.enabled, "changed_on": row.updated_at.date()}
    return found


def rules(db: Session) -> list[eligibility.Rule]:
    """The rules in force, in their shipped order."""
    return eligibility.with_changes(changes(db))


def rule(db: Session, key: str) -> eligibility.Rule | None:
    return next((r for r in rules(db) if r.key == key), None)


def candidate_courses(db: Session, hide_after_days: int, today: dt.date | None = None) -> list[Course]:
    """Published listings that are free or free for some (organisation and translations loaded),
    by title; as search does, listings not checked for `hide_after_days` are left out."""
    visible_since = (today or dt.date.today()).toordinal() - hide_after_days
    found = db.scalars(select(Course).where(Course.status == "published", Course.cost.in_(("free", "concessions")))
                       .options(selectinload(Course.organisation), selectinload(Course.translations))
                       .order_by(Course.title, Course.id))
    return [c for c in found if checked_ordinal(c) >= visible_since]


def fee_course_count(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(Course)
                     .where(Course.status == "published", Course.cost.not_in(("free", "concessions")))) or 0
