"""generation counter for the anonymous page cache

Revision ID: 0102
Revises: 0101
Create Date: 2026-11-22
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0102"
down_revision: str | None = "0101"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    generation = op.create_table(
        "generation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_generation")),
    )
    now = datetime.now(UTC).replace(tzinfo=None)
    op.bulk_insert(generation, [{"id": 1, "value": 1, "changed_at": now}])


def downgrade() -> None:
    op.drop_table("generation")
