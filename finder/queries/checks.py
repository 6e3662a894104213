"""Private check links: which token belongs to which listing (the tokens are made by
`finder.operations.catalogue.Catalogue.check_token`)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from finder.domain.values import check_links_made_after
from finder.models import CheckToken, Course


def tokens_for(db: Session, course_ids: list[int], max_age_days: int) -> dict[int, str]:
    """Course id -> its check link token, for the listings that have one still working."""
    if not course_ids:
        return {}
    rows = db.execute(select(CheckToken.course_id, CheckToken.token).where(
        CheckToken.course_id.in_(course_ids), CheckToken.created_at >= check_links_made_after(max_age_days)))
    return {course_id: token for course_id, token in rows}


def course_id_for(db: Session, token: str, max_age_days: int) -> int | None:
    """The listing a check link token belongs to, or None: also for a link older than `max_age_days`
    (it has been made anew since) and for an archived listing."""
    return db.scalar(select(CheckToken.course_id).join(Course, Course.id == CheckToken.course_id).where(
        CheckToken.token == token, CheckToken.created_at >= check_links_made_after(max_age_days),
        Course.status != "archived"))
