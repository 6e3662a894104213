"""Private check links: which token belongs to which listing (the tokens are made by
`finder.operations.catalogue.Catalogue.check_token`)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from finder.models import CheckToken


def tokens_for(db: Session, course_ids: list[int]) -> dict[int, str]:
    """Course id -> its check link token, for the listings that have one."""
    if not course_ids:
        return {}
    rows = db.execute(select(CheckToken.course_id, CheckToken.token).where(CheckToken.course_id.in_(course_ids)))
    return {course_id: token for course_id, token in rows}


def course_id_for(db: Session, token: str) -> int | None:
    """The listing a check link token belongs to, or None."""
    return db.scalar(select(CheckToken.course_id).where(CheckToken.token == token))
