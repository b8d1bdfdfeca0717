"""The desk's records, as SQLAlchemy tables: plans, their tree of nodes, and what hangs off a node.

Every record carries a UUID and created / updated stamps (when, by whom) so that export
round trips and merges between laptops can match records. Nodes, milestones and updates
are deleted softly (`deleted_at`), which keeps their identity for undo and for merges.
"""

from __future__ import annotations

import uuid as uuidlib
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from asbdesk.rag import DEFAULT_COLOUR_KEY
from asbdesk.who import current_user, set_current_user  # noqa: F401 (re-exported)
from asbdesk.words import level_name


def utcnow() -> datetime:
    # Stored naive, in UTC: SQLite has no time zones and every stamp is written here.
    return datetime.now(UTC).replace(tzinfo=None)


def new_uuid() -> str:
    return str(uuidlib.uuid4())


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[str]: JSON}


class Stamped:
    """Identity and provenance shared by every record."""

    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(120), default=current_user)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    updated_by: Mapped[str] = mapped_column(
        String(120), default=current_user, onupdate=current_user
    )


class Plan(Stamped, Base):
    __tablename__ = "plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(Text, default="")
    council: Mapped[str] = mapped_column(Text, default="")
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    level_names: Mapped[list[str]] = mapped_column(JSON, default=lambda: ["Action"])
    colour_key: Mapped[dict[str, Any]] = mapped_column(
        JSON, default=lambda: dict(DEFAULT_COLOUR_KEY)
    )
    amber_lag: Mapped[float] = mapped_column(Float, default=0.0)
    red_lag: Mapped[float] = mapped_column(Float, default=0.2)
    rollup_status: Mapped[str] = mapped_column(String(16), default="worst")
    rollup_percent: Mapped[str] = mapped_column(String(16), default="mean")
    position: Mapped[int] = mapped_column(Integer, default=0)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime)

    nodes: Mapped[list[Node]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", passive_deletes=True
    )
    indicators: Mapped[list[Indicator]] = relationship(
        back_populates="plan",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Indicator.position",
    )

    def level_name(self, depth: int) -> str:
        return level_name(self.level_names, depth)


node_officer = Table(
    "node_officer",
    Base.metadata,
    Column("node_id", ForeignKey("node.id", ondelete="CASCADE"), primary_key=True),
    Column("officer_id", ForeignKey("officer.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, nullable=False, default=0),
)

node_partner = Table(
    "node_partner",
    Base.metadata,
    Column("node_id", ForeignKey("node.id", ondelete="CASCADE"), primary_key=True),
    Column("partner_id", ForeignKey("partner.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, nullable=False, default=0),
)


class Officer(Stamped, Base):
    """A lead officer or post ("ASB Team Leader"), reused across nodes and plans."""

    __tablename__ = "officer"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200, collation="NOCASE"), unique=True)


class Department(Stamped, Base):
    __tablename__ = "department"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200, collation="NOCASE"), unique=True)


class Partner(Stamped, Base):
    """A partner organisation: police, a housing association, Victim Care …"""

    __tablename__ = "partner"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200, collation="NOCASE"), unique=True)


class Node(Stamped, Base):
    """One node of a plan's tree: a commitment, an objective, an action … by the plan's names."""

    __tablename__ = "node"
    __table_args__ = (Index("ix_node_tree", "plan_id", "parent_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("node.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    ref: Mapped[str] = mapped_column(String(40), default="")
    title: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str] = mapped_column(Text, default="")
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("department.id", ondelete="SET NULL")
    )
    target_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str | None] = mapped_column(String(16))
    status_reason: Mapped[str] = mapped_column(Text, default="")
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Every node removed by one delete shares this mark, so undo restores that subtree only.
    deletion_mark: Mapped[str | None] = mapped_column(String(36))

    plan: Mapped[Plan] = relationship(back_populates="nodes")
    department: Mapped[Department | None] = relationship()
    officers: Mapped[list[Officer]] = relationship(
        secondary=node_officer, order_by=node_officer.c.position
    )
    partners: Mapped[list[Partner]] = relationship(
        secondary=node_partner, order_by=node_partner.c.position
    )
    milestones: Mapped[list[Milestone]] = relationship(
        back_populates="node",
        order_by="Milestone.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    updates: Mapped[list[Update]] = relationship(
        back_populates="node",
        order_by="(Update.date, Update.id)",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    extras: Mapped[list[ExtraField]] = relationship(
        back_populates="node",
        order_by="ExtraField.name",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class Milestone(Stamped, Base):
    """A step towards an action; countable ones ("20 x Stapleford") feed delivered %."""

    __tablename__ = "milestone"

    id: Mapped[int] = mapped_column(primary_key=True)
    node_id: Mapped[int] = mapped_column(ForeignKey("node.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(Text, default="")
    target_count: Mapped[int | None] = mapped_column(Integer)
    done_count: Mapped[int | None] = mapped_column(Integer)
    due_date: Mapped[date | None] = mapped_column(Date)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime)

    node: Mapped[Node] = relationship(back_populates="milestones")


class Update(Stamped, Base):
    """One entry of a node's progress history; never overwritten, only added to."""

    __tablename__ = "progress_update"
    __table_args__ = (Index("ix_update_node_date", "node_id", "date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    node_id: Mapped[int] = mapped_column(ForeignKey("node.id", ondelete="CASCADE"))
    date: Mapped[date] = mapped_column(Date)
    period: Mapped[str] = mapped_column(String(20), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    author: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str | None] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16), default="progress")
    # Internal updates stay in the desk: no export for partners carries them.
    internal: Mapped[bool] = mapped_column(default=False, server_default=false())
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime)

    node: Mapped[Node] = relationship(back_populates="updates")


class ExtraField(Stamped, Base):
    """A named value with no field of its own (a column an import brought), kept, not dropped."""

    __tablename__ = "extra_field"
    __table_args__ = (UniqueConstraint("node_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    node_id: Mapped[int] = mapped_column(ForeignKey("node.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    value: Mapped[str] = mapped_column(Text, default="")
    # Internal fields stay in the desk: no export for partners carries them.
    internal: Mapped[bool] = mapped_column(default=False, server_default=false())

    node: Mapped[Node] = relationship(back_populates="extras")


class Indicator(Stamped, Base):
    """A performance indicator ("Number of Hate Crime Incidents reported") of a plan."""

    __tablename__ = "indicator"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    group: Mapped[str] = mapped_column(Text, default="")
    name: Mapped[str] = mapped_column(Text, default="")
    unit: Mapped[str] = mapped_column(String(16), default="count")
    direction: Mapped[str] = mapped_column(String(16), default="lower")
    target: Mapped[float | None] = mapped_column(Float)
    source: Mapped[str] = mapped_column(Text, default="")

    plan: Mapped[Plan] = relationship(back_populates="indicators")
    values: Mapped[list[IndicatorValue]] = relationship(
        back_populates="indicator",
        order_by="IndicatorValue.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class IndicatorValue(Stamped, Base):
    """An indicator's value for one period; a partial period and "not yet available" are states."""

    __tablename__ = "indicator_value"

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(
        ForeignKey("indicator.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    period: Mapped[str] = mapped_column(String(20))
    value: Mapped[float | None] = mapped_column(Float)
    partial: Mapped[str | None] = mapped_column(String(40))
    available: Mapped[bool] = mapped_column(default=True)

    indicator: Mapped[Indicator] = relationship(back_populates="values")


class PartnerExport(Stamped, Base):
    """A workbook sent out for partners' updates; its UUID is written into the workbook, so
    the one that comes back is matched to this record (and known when it comes back twice)."""

    __tablename__ = "partner_export"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    partner: Mapped[str] = mapped_column(Text, default="")
    scope: Mapped[str] = mapped_column(Text, default="")
    rows: Mapped[int] = mapped_column(Integer, default=0)
    file_name: Mapped[str] = mapped_column(Text, default="")
    taken_back_at: Mapped[datetime | None] = mapped_column(DateTime)
    taken_back_by: Mapped[str | None] = mapped_column(String(120))


session_officer = Table(
    "session_officer",
    Base.metadata,
    Column("session_id", ForeignKey("field_session.id", ondelete="CASCADE"), primary_key=True),
    Column("officer_id", ForeignKey("officer.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, nullable=False, default=0),
)

session_partner = Table(
    "session_partner",
    Base.metadata,
    Column("session_id", ForeignKey("field_session.id", ondelete="CASCADE"), primary_key=True),
    Column("partner_id", ForeignKey("partner.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, nullable=False, default=0),
)


class FieldSession(Stamped, Base):
    """Work done away from the desk: a drop-in, roadshow, patrol, litter pick, campaign or
    meeting. One may count towards a countable milestone ("20 x Stapleford")."""

    __tablename__ = "field_session"
    __table_args__ = (Index("ix_field_session_plan_date", "plan_id", "date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"))
    date: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[str] = mapped_column(String(40), default="drop-in")
    contacts: Mapped[int] = mapped_column(Integer, default=0)
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    notes: Mapped[str] = mapped_column(Text, default="")
    follow_ups: Mapped[str] = mapped_column(Text, default="")
    milestone_id: Mapped[int | None] = mapped_column(
        ForeignKey("milestone.id", ondelete="SET NULL"), index=True
    )
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime)

    officers: Mapped[list[Officer]] = relationship(
        secondary=session_officer, order_by=session_officer.c.position
    )
    partners: Mapped[list[Partner]] = relationship(
        secondary=session_partner, order_by=session_partner.c.position
    )
    milestone: Mapped[Milestone | None] = relationship()


risk_node = Table(
    "risk_node",
    Base.metadata,
    Column("risk_id", ForeignKey("risk.id", ondelete="CASCADE"), primary_key=True),
    Column("node_id", ForeignKey("node.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, nullable=False, default=0),
)


class Risk(Stamped, Base):
    """A risk of the plan's risk register, scored severity × likelihood (1 to 5 each), owned
    by a partner, mitigated by actions of the plan, reviewed by a date."""

    __tablename__ = "risk"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    description: Mapped[str] = mapped_column(Text, default="")
    severity: Mapped[int] = mapped_column(Integer, default=1)
    likelihood: Mapped[int] = mapped_column(Integer, default=1)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id", ondelete="SET NULL"))
    review_date: Mapped[date | None] = mapped_column(Date)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime)

    owner: Mapped[Partner | None] = relationship()
    actions: Mapped[list[Node]] = relationship(secondary=risk_node, order_by=risk_node.c.position)

    @property
    def score(self) -> int:
        return self.severity * self.likelihood


class AuditEntry(Base):
    """One line of the audit trail: who changed which field of what, when, from what to what,
    and why, as the officer reads it (dates dd/mm/yyyy, status words). Written as each change
    commits (`asbdesk.audit`) and never changed after.

    Node and plan are plain ids, not foreign keys, and the node's ref and title are copied:
    the history outlives the record it tells of."""

    __tablename__ = "audit_entry"
    __table_args__ = (
        Index("ix_audit_entry_node", "node_id", "id"),
        Index("ix_audit_entry_plan", "plan_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)  # UTC
    who: Mapped[str] = mapped_column(String(120), default=current_user)
    plan_id: Mapped[int | None] = mapped_column(Integer)
    node_id: Mapped[int | None] = mapped_column(Integer)
    node_ref: Mapped[str] = mapped_column(String(40), default="")
    node_title: Mapped[str] = mapped_column(Text, default="")
    # What was changed: "node", "milestone", "update", "field", "plan", "indicator" …
    entity: Mapped[str] = mapped_column(String(20))
    item: Mapped[str] = mapped_column(Text, default="")  # which milestone, update …
    field: Mapped[str] = mapped_column(String(60))  # "Status", "Target date", "Added" …
    old: Mapped[str | None] = mapped_column(Text)
    new: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    action: Mapped[str] = mapped_column(Text, default="")  # "Change status", "Undo: …"


# Every change is recorded as it commits; installed with the models, which every writer
# imports, so no transaction can leave it out.
from asbdesk import audit  # noqa: E402, F401
