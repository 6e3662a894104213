"""eligibility rules: coordinators' changes to the shipped rules of "Can I join for free?"

Revision ID: 0007
Revises: 0006

One row per shipped rule (finder.domain.eligibility.DEFAULT_RULES) a coordinator has changed; a
rule with no row is as shipped. No answers of the helper are ever stored. Portable column types only.
"""
from alembic import op
import sqlalchemy as sa


revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "eligibility_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("statuses", sa.JSON(), nullable=False),
        sa.Column("min_months", sa.Integer(), nullable=False),
        sa.Column("ages", sa.JSON(), nullable=False),
        sa.Column("needs_benefits", sa.Boolean(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )


def downgrade() -> None:
    op.drop_table("eligibility_rules")
