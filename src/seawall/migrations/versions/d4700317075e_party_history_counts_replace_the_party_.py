"""party history counts replace the party indexes

Revision ID: d4700317075e
Revises: 952a9285e8c4
Create Date: 2026-11-24 20:31:49.939948
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "d4700317075e"
down_revision: str | None = "952a9285e8c4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "risk_party_history",
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("party_key", sa.String(length=400), nullable=False),
        sa.Column("filings", sa.Integer(), nullable=False),
        sa.Column("findings", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("role", "party_key", name=op.f("pk_risk_party_history")),
    )
    # Counted from what is stored, as ``seawall score --recount`` would.
    for role in ("shipper", "consignee"):
        op.execute(
            f"INSERT INTO risk_party_history (role, party_key, filings, findings) "  # noqa: S608
            f"SELECT '{role}', {role}_key, count(*), count(*) FILTER (WHERE filing_id IN "
            f"(SELECT filing_id FROM exam_outcomes WHERE found)) "
            f"FROM risk_assessments WHERE current GROUP BY {role}_key"
        )
    with op.batch_alter_table("risk_assessments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_risk_assessments_consignee_history"))
        batch_op.drop_index(batch_op.f("ix_risk_assessments_shipper_history"))


def downgrade() -> None:
    with op.batch_alter_table("risk_assessments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_risk_assessments_shipper_history"),
            ["shipper_key", "received_at", "current", "filing_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_risk_assessments_consignee_history"),
            ["consignee_key", "received_at", "current", "filing_id"],
            unique=False,
        )

    op.drop_table("risk_party_history")
