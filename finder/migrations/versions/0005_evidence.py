"""evidence: anonymous demand counts, monthly provision snapshots

Revision ID: 0005
Revises: 0004

Counts only (finder.domain.evidence): a need, a postcode district, an ISO week, an outcome band and
a number; no words, full postcodes, coordinates, addresses, cookies or times finer than the week.
Only portable column types and constraints: the same on SQLite and PostgreSQL.
"""
from alembic import op
import sqlalchemy as sa


revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "evidence_demand",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("week", sa.String(length=8), nullable=False),
        sa.Column("district", sa.String(length=8), nullable=False),
        sa.Column("need", sa.String(length=300), nullable=False),
        sa.Column("outcome", sa.String(length=4), nullable=False),
        sa.Column("source", sa.String(length=8), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("week", "district", "need", "outcome", "source", name="uq_evidence_demand_key"),
    )
    op.create_index("ix_evidence_demand_week", "evidence_demand", ["week"])

    op.create_table(
        "evidence_provision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("district", sa.String(length=8), nullable=False),
        sa.Column("dimension", sa.String(length=12), nullable=False),
        sa.Column("value", sa.String(length=40), nullable=False),
        sa.Column("courses", sa.Integer(), nullable=False),
        sa.Column("sessions", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("month", "district", "dimension", "value", name="uq_evidence_provision_key"),
    )
    op.create_index("ix_evidence_provision_month", "evidence_provision", ["month"])

    op.create_table(
        "evidence_months",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("taken_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("month"),
    )


def downgrade() -> None:
    op.drop_table("evidence_months")
    op.drop_index("ix_evidence_provision_month", table_name="evidence_provision")
    op.drop_table("evidence_provision")
    op.drop_index("ix_evidence_demand_week", table_name="evidence_demand")
    op.drop_table("evidence_demand")
