"""internal updates and fields; partner exports

Updates and extra fields can be marked internal (never exported for partners), and each
workbook sent out for partners' updates is recorded, so the one that comes back is matched
to it and recognised when it comes back twice.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 06:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for table in ("progress_update", "extra_field"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column("internal", sa.Boolean(), nullable=False, server_default=sa.false())
            )
    op.create_table(
        "partner_export",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("partner", sa.Text(), nullable=False),
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("taken_back_at", sa.DateTime(), nullable=True),
        sa.Column("taken_back_by", sa.String(length=120), nullable=True),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["plan.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("uuid"),
    )
    with op.batch_alter_table("partner_export") as batch:
        batch.create_index("ix_partner_export_plan_id", ["plan_id"], unique=False)


def downgrade() -> None:
    op.drop_table("partner_export")
    for table in ("extra_field", "progress_update"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("internal")
