"""seals keyed by seal, and no foreign keys bulk scoring paid for row by row

Revision ID: 7c1e0a9d3b52
Revises: d4700317075e
Create Date: 2026-11-25 02:05:00.000000
"""

from collections.abc import Sequence

from alembic import op


revision: str = "7c1e0a9d3b52"
down_revision: str | None = "d4700317075e"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # SQLite rebuilds the table (without a rowid: the key is the whole row).
    with op.batch_alter_table(
        "risk_seals", recreate="auto", table_kwargs={"sqlite_with_rowid": False}
    ) as batch_op:
        batch_op.drop_index(batch_op.f("ix_risk_seals_seal"))
        batch_op.drop_constraint(
            batch_op.f("fk_risk_seals_assessment_id_risk_assessments"), type_="foreignkey"
        )
        batch_op.drop_constraint(batch_op.f("pk_risk_seals"), type_="primary")
        batch_op.create_primary_key(batch_op.f("pk_risk_seals"), ["seal", "assessment_id"])
    with op.batch_alter_table("risk_assessments", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_risk_assessments_filing_id_filings"), type_="foreignkey"
        )


def downgrade() -> None:
    # Seals whose assessment was deleted by hand (nothing cascades now) would fail the key.
    op.execute(
        "DELETE FROM risk_seals WHERE NOT EXISTS "
        "(SELECT 1 FROM risk_assessments WHERE risk_assessments.id = risk_seals.assessment_id)"
    )
    with op.batch_alter_table("risk_assessments", schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f("fk_risk_assessments_filing_id_filings"), "filings", ["filing_id"], ["id"]
        )
    with op.batch_alter_table(
        "risk_seals", recreate="auto", table_kwargs={"sqlite_with_rowid": True}
    ) as batch_op:
        batch_op.drop_constraint(batch_op.f("pk_risk_seals"), type_="primary")
        batch_op.create_primary_key(batch_op.f("pk_risk_seals"), ["assessment_id", "seal"])
        batch_op.create_foreign_key(
            batch_op.f("fk_risk_seals_assessment_id_risk_assessments"),
            "risk_assessments",
            ["assessment_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_index(batch_op.f("ix_risk_seals_seal"), ["seal"], unique=False)
