"""assessments without a foreign key to their filing version (bulk scoring paid for it row by row)

Revision ID: b81e4c7f2a90
Revises: 3f6b2d8e9a41
Create Date: 2026-11-25 04:05:00.000000
"""

from collections.abc import Sequence

from alembic import op


revision: str = "b81e4c7f2a90"
down_revision: str | None = "3f6b2d8e9a41"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # SQLite rebuilds the table.
    with op.batch_alter_table("risk_assessments", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_risk_assessments_filing_version_id_filing_versions"),
            type_="foreignkey",
        )


def downgrade() -> None:
    # Assessments of versions deleted by hand (nothing checks now) would fail the key: they
    # go, with their seals.
    op.execute(
        "DELETE FROM risk_seals WHERE assessment_id IN (SELECT id FROM risk_assessments WHERE "
        "NOT EXISTS (SELECT 1 FROM filing_versions WHERE filing_versions.id = filing_version_id))"
    )
    op.execute(
        "DELETE FROM risk_assessments WHERE NOT EXISTS "
        "(SELECT 1 FROM filing_versions WHERE filing_versions.id = filing_version_id)"
    )
    with op.batch_alter_table("risk_assessments", schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f("fk_risk_assessments_filing_version_id_filing_versions"),
            "filing_versions",
            ["filing_version_id"],
            ["id"],
        )
