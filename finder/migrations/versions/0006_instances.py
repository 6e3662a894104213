"""instances: the change feed every instance follows, and rate limits and login back-off in the database

Revision ID: 0006
Revises: 0005

Several instances share one database: each follows `catalogue_changes` to keep its own search index
in step, and counts rate-limited uses (`rate_hits`) and wrong passwords (`login_failures`) here rather
than in its own memory. Keys are keyed hashes, never addresses. Portable types only.
"""
from alembic import op
import sqlalchemy as sa


revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "catalogue_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("course_ids", sa.JSON(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("version"),
    )
    op.create_table(
        "rate_hits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_rate_hits_at", "rate_hits", ["at"])
    op.create_index("ix_rate_hits_name_key_at", "rate_hits", ["name", "key_hash", "at"])
    op.create_table(
        "login_failures",
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("last", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key_hash"),
    )
    op.create_index("ix_login_failures_last", "login_failures", ["last"])


def downgrade() -> None:
    op.drop_index("ix_login_failures_last", table_name="login_failures")
    op.drop_table("login_failures")
    op.drop_index("ix_rate_hits_name_key_at", table_name="rate_hits")
    op.drop_index("ix_rate_hits_at", table_name="rate_hits")
    op.drop_table("rate_hits")
    op.drop_table("catalogue_changes")
