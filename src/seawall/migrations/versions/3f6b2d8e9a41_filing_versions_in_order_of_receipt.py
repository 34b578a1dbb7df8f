"""filing versions in order of receipt: an index bulk scoring's work list reads

Revision ID: 3f6b2d8e9a41
Revises: 7c1e0a9d3b52
Create Date: 2026-11-25 03:20:00.000000
"""

from collections.abc import Sequence

from alembic import op


revision: str = "3f6b2d8e9a41"
down_revision: str | None = "7c1e0a9d3b52"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_filing_versions_received_at", "filing_versions", ["received_at", "id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_filing_versions_received_at", table_name="filing_versions")
