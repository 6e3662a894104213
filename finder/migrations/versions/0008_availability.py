"""availability: places now / waiting list / full / next intake / rolling; crèche places and ages as numbers

Revision ID: 0008
Revises: 0007

Adds the course columns of issue 13 and moves today's data over: `enrolment` open → places,
waiting-list → waiting-list, next-start → next-intake with `next_start` as `next_intake` (a next-start
with no date becomes places, since a next intake needs a date); a course with a crèche gets crèche
places "available"; the free text `creche_ages` is parsed ("1 to 4 years", "6 months - 3 years", "0-5")
into from/to/unit, left null when unparseable (the text is kept). `availability_checked` starts as
`last_checked`. The old columns `enrolment`, `next_start` and `creche_ages` are kept (not dropped):
the writer derives the first two from availability, so every reader of them keeps working.
Portable: plain add_column inside batch_alter_table (SQLite), row updates through SQLAlchemy Core.
"""
from alembic import op
import sqlalchemy as sa

from finder.domain.availability import FROM_ENROLMENT, parse_creche_ages


revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

NEW_COLUMNS = ("availability", "wait_weeks", "next_intake", "creche_places", "creche_age_from", "creche_age_to",
               "creche_age_unit", "availability_checked")


def upgrade() -> None:
    with op.batch_alter_table("courses") as batch:
        batch.add_column(sa.Column("availability", sa.String(length=20), nullable=False, server_default="places"))
        batch.add_column(sa.Column("wait_weeks", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("next_intake", sa.Date(), nullable=True))
        batch.add_column(sa.Column("creche_places", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("creche_age_from", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("creche_age_to", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("creche_age_unit", sa.String(length=10), nullable=True))
        batch.add_column(sa.Column("availability_checked", sa.Date(), nullable=True))

    courses = sa.table(
        "courses", sa.column("id", sa.Integer), sa.column("enrolment", sa.String), sa.column("next_start", sa.Date),
        sa.column("creche", sa.String), sa.column("creche_ages", sa.String), sa.column("last_checked", sa.Date),
        *(sa.column(name) for name in NEW_COLUMNS if name not in ()),
    )
    bind = op.get_bind()
    rows = bind.execute(sa.select(courses.c.id, courses.c.enrolment, courses.c.next_start, courses.c.creche,
                                  courses.c.creche_ages, courses.c.last_checked)).all()
    for row in rows:
        availability = FROM_ENROLMENT.get((row.enrolment or "open").strip().lower(), "places")
        next_intake = row.next_start if availability == "next-intake" else None
        if availability == "next-intake" and next_intake is None:
            availability = "places"
        values = {"availability": availability, "next_intake": next_intake,
                  "creche_places": "available" if (row.creche or "none") != "none" else None,
                  "availability_checked": row.last_checked}
        ages = parse_creche_ages(row.creche_ages)
        if ages is not None:
            values.update(creche_age_from=ages[0], creche_age_to=ages[1], creche_age_unit=ages[2])
        bind.execute(sa.update(courses).where(courses.c.id == row.id).values(**values))


def downgrade() -> None:
    with op.batch_alter_table("courses") as batch:
        for name in reversed(NEW_COLUMNS):
            batch.drop_column(name)
