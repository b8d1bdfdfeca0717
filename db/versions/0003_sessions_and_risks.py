"""field sessions and the risk register

Drop-ins, roadshows, patrols and other work away from the desk are logged as sessions
(with their officers, partners, contacts, ASB categories raised, and the countable
milestone they count towards); each plan keeps a risk register, its risks linked to the
actions that mitigate them.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 09:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "risk",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("severity", sa.Integer(), nullable=False),
        sa.Column("likelihood", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("review_date", sa.Date(), nullable=True),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["partner.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["plan_id"], ["plan.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("uuid"),
    )
    op.create_index(op.f("ix_risk_plan_id"), "risk", ["plan_id"], unique=False)
    op.create_table(
        "risk_node",
        sa.Column("risk_id", sa.Integer(), nullable=False),
        sa.Column("node_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["node_id"], ["node.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["risk_id"], ["risk.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("risk_id", "node_id"),
    )
    op.create_table(
        "field_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("contacts", sa.Integer(), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("follow_ups", sa.Text(), nullable=False),
        sa.Column("milestone_id", sa.Integer(), nullable=True),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(["milestone_id"], ["milestone.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["plan_id"], ["plan.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("uuid"),
    )
    op.create_index(
        op.f("ix_field_session_milestone_id"), "field_session", ["milestone_id"], unique=False
    )
    op.create_index(
        "ix_field_session_plan_date", "field_session", ["plan_id", "date"], unique=False
    )
    op.create_table(
        "session_officer",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["officer_id"], ["officer.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["session_id"], ["field_session.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("session_id", "officer_id"),
    )
    op.create_table(
        "session_partner",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["partner_id"], ["partner.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["session_id"], ["field_session.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("session_id", "partner_id"),
    )


def downgrade() -> None:
    op.drop_table("session_partner")
    op.drop_table("session_officer")
    op.drop_index("ix_field_session_plan_date", table_name="field_session")
    op.drop_index(op.f("ix_field_session_milestone_id"), table_name="field_session")
    op.drop_table("field_session")
    op.drop_table("risk_node")
    op.drop_index(op.f("ix_risk_plan_id"), table_name="risk")
    op.drop_table("risk")
