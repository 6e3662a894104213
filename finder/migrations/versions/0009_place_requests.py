"""place requests: a newcomer asks for a place on a course (issue 13)

Revision ID: 0009
Revises: 0008

`place_requests` holds what a person chose to send, deleted at `delete_after` at the latest;
`evidence_place_requests` counts them per course, venue district and ISO week (no people). Portable
column types only.
"""
from alembic import op
import sqlalchemy as sa


revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "place_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("contact_by", sa.String(length=10), nullable=False),
        sa.Column("contact", sa.String(length=254), nullable=False),
        sa.Column("language", sa.String(length=12), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("needs_creche", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("delete_after", sa.DateTime(), nullable=False),
        sa.Column("seen_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["course_id"], ["courses.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token"),
    )
    op.create_index("ix_place_requests_course_id", "place_requests", ["course_id"])
    op.create_index("ix_place_requests_delete_after", "place_requests", ["delete_after"])
    op.create_table(
        "evidence_place_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("week", sa.String(length=8), nullable=False),
        sa.Column("district", sa.String(length=8), nullable=False),
        sa.Column("course_key", sa.String(length=200), nullable=False),
        sa.Column("needs_creche", sa.Integer(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("week", "district", "course_key", name="uq_evidence_place_requests_key"),
    )
    op.create_index("ix_evidence_place_requests_week", "evidence_place_requests", ["week"])


def downgrade() -> None:
    op.drop_index("ix_evidence_place_requests_week", table_name="evidence_place_requests")
    op.drop_table("evidence_place_requests")
    op.drop_index("ix_place_requests_delete_after", table_name="place_requests")
    op.drop_index("ix_place_requests_course_id", table_name="place_requests")
    op.drop_table("place_requests")
