"""The plan's risk register (Charnwood's "Risk Assessment Register": the severity of each
risk, its likelihood, the actions relating to it and the partner managing it).

A risk scores severity × likelihood, each 1 to 5, on the usual 5 × 5 grid: 1–4 is low,
5–9 medium, 10–14 high and 15–25 very high. A risk whose review date has passed is
overdue for review. Edits are undoable commands, one transaction each.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from asbdesk.changes import Change, FieldWorkChanged
from asbdesk.commands import find_or_create
from asbdesk.desk import Desk
from asbdesk.models import Node, Partner, Risk, risk_node, utcnow

SCALE = range(1, 6)
# (lowest score, band, colour) from the top band down.
BANDS = (
    (15, "Very high", "#C00000"),
    (10, "High", "#FF0000"),
    (5, "Medium", "#FFC000"),
    (1, "Low", "#00B050"),
)
SEVERITY_WORDS = {1: "Negligible", 2: "Minor", 3: "Moderate", 4: "Major", 5: "Severe"}
LIKELIHOOD_WORDS = {1: "Rare", 2: "Unlikely", 3: "Possible", 4: "Likely", 5: "Almost certain"}


def band(score: int) -> tuple[str, str]:
    """The band of a score and its colour: band(12) == ("High", "#FF0000")."""
    for lowest, name, colour in BANDS:
        if score >= lowest:
            return name, colour
    raise ValueError(f"A risk score runs from 1 to 25, not {score}.")


class RiskError(ValueError):
    """A risk that cannot be saved as given; the message says why."""


@dataclass(frozen=True)
class RiskFields:
    description: str
    severity: int
    likelihood: int
    owner: str = ""  # a partner's name
    review_date: date | None = None
    action_ids: tuple[int, ...] = ()  # the plan's nodes that mitigate it

    def checked(self) -> RiskFields:
        description = self.description.strip()
        if not description:
            raise RiskError("Describe the risk.")
        for name, value in (("Severity", self.severity), ("Likelihood", self.likelihood)):
            if isinstance(value, bool) or not isinstance(value, int) or value not in SCALE:
                raise RiskError(f"{name} runs from 1 to 5, not {value}.")
        return replace(
            self,
            description=description,
            owner=self.owner.strip(),
            action_ids=tuple(dict.fromkeys(self.action_ids)),
        )

    @property
    def score(self) -> int:
        return self.severity * self.likelihood


def write(s: Session, risk: Risk, f: RiskFields) -> None:
    """Set a risk record to `f` (checked), its owner and mitigating actions included."""
    risk.description = f.description
    risk.severity = f.severity
    risk.likelihood = f.likelihood
    risk.review_date = f.review_date
    risk.owner_id = find_or_create(s, Partner, f.owner).id if f.owner else None
    linked = list(
        s.scalars(
            select(risk_node.c.node_id)
            .where(risk_node.c.risk_id == risk.id)
            .order_by(risk_node.c.position)
        )
    )
    # A linked action deleted since is not shown, so it is not in `f`; the link is kept,
    # for when the delete is undone. An action that is already linked is not checked
    # again: undoing an edit restores the links as they were, deleted actions' too.
    hidden = [n for n in linked if n not in f.action_ids and _deleted(s, n)]
    actions = []
    for node_id in [*f.action_ids, *hidden]:
        node = s.get(Node, node_id)
        if node_id not in linked:
            if node is None or node.plan_id != risk.plan_id or node.deleted_at is not None:
                raise RiskError("A mitigating action is not in this plan any more; choose again.")
        assert node is not None
        actions.append(node)
    # Through the relationship, so the audit trail sees the actions before and after.
    risk.actions = actions
    s.flush()
    for position, node_id in enumerate([*f.action_ids, *hidden]):  # in the order ticked
        s.execute(
            update(risk_node)
            .where(risk_node.c.risk_id == risk.id, risk_node.c.node_id == node_id)
            .values(position=position)
        )
    risk.updated_at = utcnow()


def _deleted(s: Session, node_id: int) -> bool:
    node = s.get(Node, node_id)
    return node is None or node.deleted_at is not None


def _fields(s: Session, risk: Risk) -> RiskFields:
    s.refresh(risk)
    return RiskFields(
        risk.description,
        risk.severity,
        risk.likelihood,
        risk.owner.name if risk.owner else "",
        risk.review_date,
        tuple(n.id for n in risk.actions),
    )


@dataclass
class AddRisk:
    plan_id: int
    fields: RiskFields
    label: str = "Add risk"
    risk_id: int | None = None

    def do(self, desk: Desk) -> list[Change]:
        with desk.transaction() as s:
            if self.risk_id is None:
                f = self.fields = self.fields.checked()
                last = s.scalar(select(func.max(Risk.position)).where(Risk.plan_id == self.plan_id))
                risk = Risk(plan_id=self.plan_id, position=(last or 0) + 1)
                s.add(risk)
                s.flush()
                write(s, risk, f)
                self.risk_id = risk.id
            else:
                again = s.get(Risk, self.risk_id)
                assert again is not None
                again.deleted_at = None
        return [FieldWorkChanged(self.plan_id, "risks", self.risk_id)]

    def undo(self, desk: Desk) -> list[Change]:
        return _set_deleted(desk, self.plan_id, self.risk_id, deleted=True)


@dataclass
class DeleteRisk:
    plan_id: int
    risk_id: int
    label: str = "Delete risk"

    def do(self, desk: Desk) -> list[Change]:
        return _set_deleted(desk, self.plan_id, self.risk_id, deleted=True)

    def undo(self, desk: Desk) -> list[Change]:
        return _set_deleted(desk, self.plan_id, self.risk_id, deleted=False)


def _set_deleted(desk: Desk, plan_id: int, risk_id: int | None, *, deleted: bool) -> list[Change]:
    with desk.transaction() as s:
        risk = s.get(Risk, risk_id)
        assert risk is not None
        risk.deleted_at = utcnow() if deleted else None
    return [FieldWorkChanged(plan_id, "risks", risk_id)]


@dataclass
class EditRisk:
    plan_id: int
    risk_id: int
    fields: RiskFields
    label: str = "Edit risk"
    _old: RiskFields | None = None

    def do(self, desk: Desk) -> list[Change]:
        with desk.transaction() as s:
            risk = s.get(Risk, self.risk_id)
            assert risk is not None
            if self._old is None:
                self.fields = self.fields.checked()
                self._old = _fields(s, risk)
            write(s, risk, self.fields)
        return [FieldWorkChanged(self.plan_id, "risks", self.risk_id)]

    def undo(self, desk: Desk) -> list[Change]:
        assert self._old is not None
        with desk.transaction() as s:
            risk = s.get(Risk, self.risk_id)
            assert risk is not None
            write(s, risk, self._old)
        return [FieldWorkChanged(self.plan_id, "risks", self.risk_id)]


# ---------------------------------------------------------------------------------------
# Reading


@dataclass(frozen=True)
class RiskRow:
    id: int
    description: str
    severity: int
    likelihood: int
    owner: str
    review_date: date | None
    actions: tuple[tuple[int, str], ...]  # (node id, "1.2 a) Create risk assessment")
    overdue: bool  # the review date has passed

    @property
    def score(self) -> int:
        return self.severity * self.likelihood

    @property
    def band(self) -> str:
        return band(self.score)[0]

    @property
    def fields(self) -> RiskFields:
        return RiskFields(
            self.description,
            self.severity,
            self.likelihood,
            self.owner,
            self.review_date,
            tuple(node_id for node_id, _label in self.actions),
        )


def read_risks(con: sqlite3.Connection, plan_id: int, today: date) -> list[RiskRow]:
    """The plan's live risks, highest score first (then the register's order)."""
    actions: dict[int, list[tuple[int, str]]] = {}
    for risk_id, node_id, ref, title in con.execute(
        "SELECT x.risk_id, n.id, n.ref, n.title FROM risk_node x JOIN node n ON n.id = x.node_id"
        " WHERE n.deleted_at IS NULL ORDER BY x.risk_id, x.position"
    ):
        actions.setdefault(risk_id, []).append((node_id, f"{ref} {title}".strip()))
    rows = []
    for rid, description, severity, likelihood, owner, review in con.execute(
        "SELECT r.id, r.description, r.severity, r.likelihood, p.name, r.review_date FROM risk r"
        " LEFT JOIN partner p ON p.id = r.owner_id WHERE r.plan_id = ? AND r.deleted_at IS NULL"
        " ORDER BY r.severity * r.likelihood DESC, r.position",
        (plan_id,),
    ):
        review_date = date.fromisoformat(review) if review else None
        rows.append(
            RiskRow(
                rid,
                description,
                severity,
                likelihood,
                owner or "",
                review_date,
                tuple(actions.get(rid, ())),
                review_date is not None and review_date < today,
            )
        )
    return rows


def heat_map(risks: list[RiskRow]) -> dict[tuple[int, int], list[RiskRow]]:
    """The 5 × 5 grid: (severity, likelihood) → the risks in that cell; every cell present."""
    grid: dict[tuple[int, int], list[RiskRow]] = {(s, lk): [] for s in SCALE for lk in SCALE}
    for risk in risks:
        grid[(risk.severity, risk.likelihood)].append(risk)
    return grid
