"""the audit trail

Every change is recorded as it commits: who changed which field of what, when, from what
to what, and the reason given, with the command that did it ("Undo: …" for an undo). Node
and plan are kept as plain ids with a copy of the node's ref and title, so a node's
history outlives the node.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 11:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("who", sa.String(length=120), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=True),
        sa.Column("node_id", sa.Integer(), nullable=True),
        sa.Column("node_ref", sa.String(length=40), nullable=False),
        sa.Column("node_title", sa.Text(), nullable=False),
        sa.Column("entity", sa.String(length=20), nullable=False),
        sa.Column("item", sa.Text(), nullable=False),
        sa.Column("field", sa.String(length=60), nullable=False),
        sa.Column("old", sa.Text(), nullable=True),
        sa.Column("new", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("action", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_audit_entry_node", "audit_entry", ["node_id", "id"], unique=False)
    op.create_index("ix_audit_entry_plan", "audit_entry", ["plan_id", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_audit_entry_plan", table_name="audit_entry")
    op.drop_index("ix_audit_entry_node", table_name="audit_entry")
    op.drop_table("audit_entry")
