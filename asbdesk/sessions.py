"""Field work: drop-ins, roadshows, patrols, litter picks, campaigns and meetings, logged
as sessions of a plan ("40 x fortnightly community safety drop-in sessions: 20 x Eastwood,
20 x Stapleford").

A session may count towards a countable milestone of an action: logging it adds one to
the milestone's done count (and deleting it takes that one away), so the milestone's
"10 of 20 done", the action's delivered % and its suggested status follow the log.

Each edit is a command with `do()` and `undo()`, one transaction each, like
`asbdesk.commands`. The reads are plain sqlite3, for the window and the reports.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy import update
from sqlalchemy.orm import Session

from asbdesk.changes import Change, FieldWorkChanged, NodeChanged
from asbdesk.commands import find_or_create, unique_names
from asbdesk.desk import Desk
from asbdesk.models import (
    FieldSession,
    Milestone,
    Officer,
    Partner,
    session_officer,
    session_partner,
    utcnow,
)
from asbdesk.periods import Quarter, format_date

KINDS = {
    "drop-in": "Drop-in",
    "roadshow": "Roadshow",
    "patrol": "Patrol",
    "litter-pick": "Litter pick",
    "campaign": "Campaign",
    "meeting": "Meeting",
}

# The Home Office typology (../shared/domain.md), by its four core areas.
HOME_OFFICE_TYPOLOGY: dict[str, tuple[str, ...]] = {
    "Misuse of public space": (
        "Drug or substance misuse",
        "Street drinking",
        "Begging",
        "Prostitution",
        "Kerb crawling",
        "Sexual acts",
        "Abandoned cars",
        "Vehicle-related nuisance",
    ),
    "Disregard for community or personal well-being": (
        "Noise",
        "Rowdy behaviour",
        "Nuisance behaviour",
        "Hoax calls",
        "Animal-related problems",
    ),
    "Acts directed at people": ("Intimidation and harassment",),
    "Environmental damage": ("Criminal damage and vandalism", "Litter and rubbish"),
}
# How the police have recorded ASB since 2011.
POLICE_CATEGORIES = ("Personal", "Nuisance", "Environmental")
CATEGORIES: tuple[str, ...] = (
    *(c for group in HOME_OFFICE_TYPOLOGY.values() for c in group),
    *POLICE_CATEGORIES,
)


class SessionError(ValueError):
    """A session that cannot be saved as given; the message says why."""


@dataclass(frozen=True)
class SessionFields:
    """What the form holds."""

    on: date
    place: str
    kind: str = "drop-in"
    officers: tuple[str, ...] = ()
    partners: tuple[str, ...] = ()
    contacts: int = 0
    categories: tuple[str, ...] = ()
    notes: str = ""
    follow_ups: str = ""
    milestone_id: int | None = None

    def checked(self) -> SessionFields:
        """The fields tidied (names trimmed and once each), or SessionError saying what is
        wrong."""
        place = self.place.strip()
        if not place:
            raise SessionError("Say where the session was (a place, an estate, a venue).")
        if self.kind not in KINDS:
            raise SessionError(
                f"'{self.kind}' is not a kind of session: use {', '.join(KINDS.values())}."
            )
        if self.contacts < 0:
            raise SessionError("The number of contacts cannot be below 0.")
        unknown = [c for c in self.categories if c not in CATEGORIES]
        if unknown:
            raise SessionError(f"Not an ASB category: {', '.join(unknown)}.")
        return replace(
            self,
            place=place,
            officers=tuple(unique_names(self.officers)),
            partners=tuple(unique_names(self.partners)),
            categories=tuple(c for c in CATEGORIES if c in self.categories),
            notes=self.notes.strip(),
            follow_ups=self.follow_ups.strip(),
        )


def write(s: Session, record: FieldSession, f: SessionFields) -> None:
    """Set a session record to `f` (checked), its officers and partners included."""
    record.date = f.on
    record.place = f.place
    record.kind = f.kind
    record.contacts = f.contacts
    record.categories = list(f.categories)
    record.notes = f.notes
    record.follow_ups = f.follow_ups
    record.milestone_id = f.milestone_id
    # Through the relationships, so the audit trail sees who was there before and after.
    record.officers = [find_or_create(s, Officer, name) for name in f.officers]
    record.partners = [find_or_create(s, Partner, name) for name in f.partners]
    s.flush()
    for table, key, ids in (
        (session_officer, session_officer.c.officer_id, [o.id for o in record.officers]),
        (session_partner, session_partner.c.partner_id, [p.id for p in record.partners]),
    ):
        for position, person_id in enumerate(ids):  # in the order typed
            s.execute(
                update(table)
                .where(table.c.session_id == record.id, key == person_id)
                .values(position=position)
            )
    record.updated_at = utcnow()


def _fields(s: Session, record: FieldSession) -> SessionFields:
    s.refresh(record)
    return SessionFields(
        on=record.date,
        place=record.place,
        kind=record.kind,
        officers=tuple(o.name for o in record.officers),
        partners=tuple(p.name for p in record.partners),
        contacts=record.contacts,
        categories=tuple(record.categories),
        notes=record.notes,
        follow_ups=record.follow_ups,
        milestone_id=record.milestone_id,
    )


def _count(s: Session, milestone_id: int | None, delta: int, changes: list[Change]) -> int:
    """Add `delta` sessions to the milestone's done count, never below 0; what was added.

    A count the officer lowered by hand may have less to take than a session's one, so
    each command keeps what it took and gives back exactly that when it is undone."""
    if milestone_id is None:
        return 0
    ms = s.get(Milestone, milestone_id)
    if ms is None:
        return 0
    before = ms.done_count or 0
    ms.done_count = max(before + delta, 0)
    ms.node.updated_at = utcnow()
    changes.append(NodeChanged(ms.node_id))
    return ms.done_count - before


def _check_milestone(s: Session, plan_id: int, milestone_id: int | None) -> None:
    if milestone_id is None:
        return
    ms = s.get(Milestone, milestone_id)
    if ms is None or ms.deleted_at is not None or ms.node.plan_id != plan_id:
        raise SessionError("That milestone is not in this plan any more; choose another.")
    if ms.target_count is None:
        raise SessionError(f"'{ms.text}' has no count to add a session to.")


@dataclass
class LogSession:
    plan_id: int
    fields: SessionFields
    label: str = "Log session"
    session_id: int | None = None
    _taken: int = -1  # what the last undo took from the milestone's count (0 or -1)

    def do(self, desk: Desk) -> list[Change]:
        if self.session_id is not None:  # redo
            return _set_deleted(desk, self.plan_id, self.session_id, -self._taken)[0]
        changes: list[Change] = []
        with desk.transaction() as s:
            f = self.fields.checked()
            _check_milestone(s, self.plan_id, f.milestone_id)
            record = FieldSession(plan_id=self.plan_id, date=f.on)
            s.add(record)
            s.flush()
            write(s, record, f)
            self.fields, self.session_id = f, record.id
            _count(s, f.milestone_id, +1, changes)
        return [FieldWorkChanged(self.plan_id, "sessions", self.session_id), *changes]

    def undo(self, desk: Desk) -> list[Change]:
        changes, self._taken = _set_deleted(desk, self.plan_id, self.session_id, None)
        return changes


@dataclass
class DeleteSession:
    plan_id: int
    session_id: int
    label: str = "Delete session"
    _taken: int = -1

    def do(self, desk: Desk) -> list[Change]:
        changes, self._taken = _set_deleted(desk, self.plan_id, self.session_id, None)
        return changes

    def undo(self, desk: Desk) -> list[Change]:
        changes, _ = _set_deleted(desk, self.plan_id, self.session_id, -self._taken)
        return changes


def _set_deleted(
    desk: Desk, plan_id: int, session_id: int | None, give_back: int | None
) -> tuple[list[Change], int]:
    """Delete the session (`give_back` None: one is taken from its milestone's count) or
    restore it (adding `give_back` to the count); the changes, and what was added."""
    changes: list[Change] = [FieldWorkChanged(plan_id, "sessions", session_id)]
    deleted = give_back is None
    with desk.transaction() as s:
        record = s.get(FieldSession, session_id)
        assert record is not None
        if (record.deleted_at is not None) == deleted:
            return changes, 0
        record.deleted_at = utcnow() if deleted else None
        added = _count(s, record.milestone_id, -1 if give_back is None else give_back, changes)
    return changes, added


@dataclass
class EditSession:
    plan_id: int
    session_id: int
    fields: SessionFields
    label: str = "Edit session"
    _old: SessionFields | None = None
    # Moving to another milestone: what each direction took from the one it left.
    _taken: dict[str, int] = field(default_factory=dict)

    def do(self, desk: Desk) -> list[Change]:
        return self._apply(desk, self.fields, "do")

    def undo(self, desk: Desk) -> list[Change]:
        assert self._old is not None
        return self._apply(desk, self._old, "undo")

    def _apply(self, desk: Desk, f: SessionFields, direction: str) -> list[Change]:
        changes: list[Change] = [FieldWorkChanged(self.plan_id, "sessions", self.session_id)]
        with desk.transaction() as s:
            record = s.get(FieldSession, self.session_id)
            assert record is not None
            if self._old is None:
                f = self.fields = f.checked()
                if f.milestone_id != record.milestone_id:  # an unchanged one may have
                    _check_milestone(s, self.plan_id, f.milestone_id)  # lost its count
                self._old = _fields(s, record)
            before = record.milestone_id
            write(s, record, f)
            if before != f.milestone_id and record.deleted_at is None:
                other = "undo" if direction == "do" else "do"
                self._taken[direction] = _count(s, before, -1, changes)
                _count(s, f.milestone_id, -self._taken.get(other, -1), changes)
        return changes


# ---------------------------------------------------------------------------------------
# Reading


@dataclass(frozen=True)
class SessionRow:
    id: int
    on: date
    place: str
    kind: str
    officers: tuple[str, ...]
    partners: tuple[str, ...]
    contacts: int
    categories: tuple[str, ...]
    notes: str
    follow_ups: str
    milestone_id: int | None
    milestone: str  # "1.1 20 x Stapleford", or ""

    @property
    def kind_word(self) -> str:
        return KINDS.get(self.kind, self.kind)

    @property
    def fields(self) -> SessionFields:
        return SessionFields(
            self.on,
            self.place,
            self.kind,
            self.officers,
            self.partners,
            self.contacts,
            self.categories,
            self.notes,
            self.follow_ups,
            self.milestone_id,
        )


@dataclass
class SessionFilter:
    place: str = ""
    kind: str = ""
    officer: str = ""
    start: date | None = None
    end: date | None = None
    partner: str = ""  # sessions the partner was present at

    def keeps(self, row: SessionRow) -> bool:
        return (
            (not self.place or row.place.casefold() == self.place.casefold())
            and (not self.kind or row.kind == self.kind)
            and (
                not self.officer or self.officer.casefold() in (o.casefold() for o in row.officers)
            )
            and (
                not self.partner or self.partner.casefold() in (p.casefold() for p in row.partners)
            )
            and (self.start is None or row.on >= self.start)
            and (self.end is None or row.on <= self.end)
        )


def _names(con: sqlite3.Connection, table: str, model: str, key: str) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for session_id, name in con.execute(
        f"SELECT x.session_id, m.name FROM {table} x JOIN {model} m ON m.id = x.{key}"
        " ORDER BY x.session_id, x.position"
    ):
        out.setdefault(session_id, []).append(name)
    return out


def read_sessions(
    con: sqlite3.Connection, plan_id: int, where: SessionFilter | None = None
) -> list[SessionRow]:
    """The plan's live sessions, newest first, that `where` keeps."""
    officers = _names(con, "session_officer", "officer", "officer_id")
    partners = _names(con, "session_partner", "partner", "partner_id")
    rows = []
    for r in con.execute(
        "SELECT s.id, s.date, s.place, s.kind, s.contacts, s.categories, s.notes,"
        " s.follow_ups, s.milestone_id, n.ref, m.text FROM field_session s"
        # A milestone or action deleted since is not named (the link stays, for undo).
        " LEFT JOIN milestone m ON m.id = s.milestone_id AND m.deleted_at IS NULL"
        " LEFT JOIN node n ON n.id = m.node_id AND n.deleted_at IS NULL"
        " WHERE s.plan_id = ? AND s.deleted_at IS NULL ORDER BY s.date DESC, s.id DESC",
        (plan_id,),
    ):
        row = SessionRow(
            id=r[0],
            on=date.fromisoformat(r[1]),
            place=r[2],
            kind=r[3],
            officers=tuple(officers.get(r[0], ())),
            partners=tuple(partners.get(r[0], ())),
            contacts=r[4],
            categories=tuple(json.loads(r[5] or "[]")),
            notes=r[6],
            follow_ups=r[7],
            milestone_id=r[8],
            milestone=f"{r[9]} {r[10]}".strip() if r[9] is not None else "",
        )
        if where is None or where.keeps(row):
            rows.append(row)
    return rows


@dataclass
class Totals:
    """Sessions, contacts, sessions of each kind and the ASB categories raised, over some
    sessions: a quarter's, or all those shown."""

    label: str
    sessions: int = 0
    contacts: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    categories: Counter[str] = field(default_factory=Counter)

    def add(self, row: SessionRow) -> None:
        self.sessions += 1
        self.contacts += row.contacts
        self.kinds[row.kind] += 1
        self.categories.update(row.categories)

    @property
    def raised(self) -> list[tuple[str, int]]:
        """The categories raised, the most raised first (then by name), as every list of
        them shows them: the window, the report and the export."""
        return sorted(self.categories.items(), key=lambda kv: (-kv[1], kv[0]))


@dataclass(kw_only=True)
class QuarterTotals(Totals):
    quarter: Quarter


def totals_by_quarter(rows: Iterable[SessionRow]) -> list[QuarterTotals]:
    """The totals per financial quarter, oldest first."""
    totals: dict[Quarter, QuarterTotals] = {}
    for row in rows:
        q = Quarter.of(row.on)
        totals.setdefault(q, QuarterTotals(q.label, quarter=q)).add(row)
    return [totals[q] for q in sorted(totals)]


def totals_by_place(rows: Iterable[SessionRow]) -> list[Totals]:
    """The totals per place, the busiest first (then by name); a place typed in another
    case is the same place, labelled as its newest session has it."""
    totals: dict[str, Totals] = {}
    for row in rows:
        totals.setdefault(row.place.casefold(), Totals(row.place)).add(row)
    return sorted(totals.values(), key=lambda t: (-t.sessions, t.label.casefold()))


def grand_total(rows: Iterable[SessionRow]) -> Totals:
    """The totals of all `rows`, labelled "Total"."""
    total = Totals("Total")
    for row in rows:
        total.add(row)
    return total


def places(con: sqlite3.Connection, plan_id: int) -> list[str]:
    """The places sessions of the plan were held, the most used first."""
    return [
        r[0]
        for r in con.execute(
            "SELECT place FROM field_session WHERE plan_id = ? AND deleted_at IS NULL"
            " GROUP BY place COLLATE NOCASE ORDER BY count(*) DESC, place",
            (plan_id,),
        )
    ]


@dataclass(frozen=True)
class CountableMilestone:
    id: int
    label: str  # "1.1 Hold alternating weekly drop in … – 20 x Stapleford (10 of 20 done)"


def countable_milestones(con: sqlite3.Connection, plan_id: int) -> list[CountableMilestone]:
    """The plan's live milestones with a count, which a session can count towards."""
    out = []
    for mid, ref, title, text, target, done in con.execute(
        "SELECT m.id, n.ref, n.title, m.text, m.target_count, m.done_count FROM milestone m"
        " JOIN node n ON n.id = m.node_id WHERE n.plan_id = ? AND n.deleted_at IS NULL"
        " AND m.deleted_at IS NULL AND m.target_count IS NOT NULL ORDER BY n.id, m.position",
        (plan_id,),
    ):
        short = title if len(title) <= 50 else title[:49].rstrip() + "…"
        label = f"{ref} {short} – {text} ({done or 0} of {target} done)".strip()
        out.append(CountableMilestone(mid, label))
    return out


def describe(row: SessionRow) -> str:
    """One line for a list or a message: "12/11/2019 Drop-in at Stapleford, 14 contacts"."""
    contacts = f"{row.contacts} contact" + ("" if row.contacts == 1 else "s")
    return f"{format_date(row.on)} {row.kind_word} at {row.place}, {contacts}"
