"""Defining a plan's indicators and entering their values, as undoable commands.

An indicator has a name, a group ("Reports of Anti-Social Behaviour"), a unit (a count
or a %), a direction (lower or higher is better), an optional target and a source. Its
values are per financial year or quarter ("2019/20", "Q3 2019/20"); a value may be for
part of a period so far ("Q1–Q2"), and "not yet available" is a state, not a number.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from asbdesk.changes import Change, FieldWorkChanged
from asbdesk.desk import Desk
from asbdesk.models import Indicator, IndicatorValue
from asbdesk.periods import PeriodError, parse_period

UNITS = {"count": "Count", "percent": "%"}
DIRECTIONS = {"lower": "Lower is better", "higher": "Higher is better"}


class IndicatorError(ValueError):
    """An indicator or value that cannot be saved as given; the message says why."""


@dataclass(frozen=True)
class IndicatorFields:
    name: str
    group: str = ""
    unit: str = "count"
    direction: str = "lower"
    target: float | None = None
    source: str = ""

    def checked(self) -> IndicatorFields:
        name = self.name.strip()
        if not name:
            raise IndicatorError("Give the indicator a name.")
        if self.unit not in UNITS:
            raise IndicatorError(f"The unit is a count or a %, not '{self.unit}'.")
        if self.direction not in DIRECTIONS:
            raise IndicatorError("Say whether lower or higher is better.")
        if self.unit == "percent" and self.target is not None and not 0 <= self.target <= 100:
            raise IndicatorError(f"A target of {self.target:g}% is not a percentage.")
        return replace(self, name=name, group=self.group.strip(), source=self.source.strip())


@dataclass(frozen=True)
class ValueFields:
    """One period's value: a number, perhaps for part of the period, or not yet available
    (then no number). `value` None with `available` true clears the period."""

    period: str
    value: float | None = None
    partial: str = ""  # "Q1–Q2": the part of the period the value covers so far
    available: bool = True

    def checked(self) -> ValueFields:
        text = self.period.strip()
        try:
            period = parse_period(text)
        except PeriodError as exc:
            raise IndicatorError(str(exc)) from None
        if not self.available and self.value is not None:
            raise IndicatorError("A value that is not yet available has no number.")
        return replace(self, period=period.label, partial=self.partial.strip())


def _get(s: Session, indicator_id: int) -> Indicator:
    ind = s.get(Indicator, indicator_id)
    if ind is None:
        raise IndicatorError("That indicator is not in this desk any more.")
    return ind


_FIELDS = ("name", "group", "unit", "direction", "target", "source")


def _snapshot(ind: Indicator) -> dict[str, Any]:
    return {
        "row": {c: getattr(ind, c) for c in ("id", "uuid", "plan_id", "position", *_FIELDS)},
        "values": [
            {
                c: getattr(v, c)
                for c in ("id", "uuid", "position", "period", "value", "partial", "available")
            }
            for v in ind.values
        ],
    }


def _restore(s: Session, snapshot: dict[str, Any]) -> None:
    ind = Indicator(**snapshot["row"])
    s.add(ind)
    s.flush()
    for v in snapshot["values"]:
        s.add(IndicatorValue(indicator_id=ind.id, **v))


@dataclass
class AddIndicator:
    plan_id: int
    fields: IndicatorFields
    label: str = "Add indicator"
    indicator_id: int | None = None
    _snapshot: dict[str, Any] | None = None

    def do(self, desk: Desk) -> list[Change]:
        with desk.transaction() as s:
            if self._snapshot is not None:
                _restore(s, self._snapshot)
            else:
                f = self.fields = self.fields.checked()
                last = s.scalar(
                    select(func.max(Indicator.position)).where(Indicator.plan_id == self.plan_id)
                )
                ind = Indicator(
                    plan_id=self.plan_id,
                    position=(last if last is not None else -1) + 1,
                    **{c: getattr(f, c) for c in _FIELDS},
                )
                s.add(ind)
                s.flush()
                self.indicator_id = ind.id
        return [FieldWorkChanged(self.plan_id, "indicators", self.indicator_id)]

    def undo(self, desk: Desk) -> list[Change]:
        assert self.indicator_id is not None
        with desk.transaction() as s:
            ind = _get(s, self.indicator_id)
            self._snapshot = _snapshot(ind)
            s.delete(ind)
        return [FieldWorkChanged(self.plan_id, "indicators", self.indicator_id)]


@dataclass
class DeleteIndicator:
    plan_id: int
    indicator_id: int
    label: str = "Delete indicator"
    _snapshot: dict[str, Any] | None = None

    def do(self, desk: Desk) -> list[Change]:
        with desk.transaction() as s:
            ind = _get(s, self.indicator_id)
            self._snapshot = _snapshot(ind)
            s.delete(ind)
        return [FieldWorkChanged(self.plan_id, "indicators", self.indicator_id)]

    def undo(self, desk: Desk) -> list[Change]:
        assert self._snapshot is not None
        with desk.transaction() as s:
            _restore(s, self._snapshot)
        return [FieldWorkChanged(self.plan_id, "indicators", self.indicator_id)]


@dataclass
class EditIndicator:
    plan_id: int
    indicator_id: int
    fields: IndicatorFields
    label: str = "Edit indicator"
    _old: IndicatorFields | None = None

    def do(self, desk: Desk) -> list[Change]:
        with desk.transaction() as s:
            ind = _get(s, self.indicator_id)
            if self._old is None:
                self.fields = self.fields.checked()
                self._old = IndicatorFields(**{c: getattr(ind, c) for c in _FIELDS})
            for c in _FIELDS:
                setattr(ind, c, getattr(self.fields, c))
        return [FieldWorkChanged(self.plan_id, "indicators", self.indicator_id)]

    def undo(self, desk: Desk) -> list[Change]:
        assert self._old is not None
        with desk.transaction() as s:
            ind = _get(s, self.indicator_id)
            for c in _FIELDS:
                setattr(ind, c, getattr(self._old, c))
        return [FieldWorkChanged(self.plan_id, "indicators", self.indicator_id)]


@dataclass
class SetIndicatorValue:
    """Set (or clear) one period's value of an indicator."""

    plan_id: int
    indicator_id: int
    fields: ValueFields
    label: str = "Set indicator value"
    _old: ValueFields | None = None
    _checked: bool = False

    def do(self, desk: Desk) -> list[Change]:
        if not self._checked:
            self.fields = self.fields.checked()
            self._checked = True
        with desk.transaction() as s:
            ind = _get(s, self.indicator_id)
            if self._old is None:
                self._old = _value_of(ind, self.fields.period)
            _set_value(s, ind, self.fields)
        return [FieldWorkChanged(self.plan_id, "indicators", self.indicator_id)]

    def undo(self, desk: Desk) -> list[Change]:
        assert self._old is not None
        with desk.transaction() as s:
            _set_value(s, _get(s, self.indicator_id), self._old)
        return [FieldWorkChanged(self.plan_id, "indicators", self.indicator_id)]


def _value_of(ind: Indicator, period: str) -> ValueFields:
    for v in ind.values:
        if v.period == period:
            return ValueFields(period, v.value, v.partial or "", v.available)
    return ValueFields(period)  # none: undo clears it


def _set_value(s: Session, ind: Indicator, f: ValueFields) -> None:
    existing = next((v for v in ind.values if v.period == f.period), None)
    if f.value is None and f.available:
        if existing is not None:
            ind.values.remove(existing)
            s.delete(existing)
        return
    if existing is None:
        existing = IndicatorValue(
            period=f.period, position=max((v.position for v in ind.values), default=-1) + 1
        )
        ind.values.append(existing)
    existing.value = f.value
    existing.partial = f.partial or None
    existing.available = f.available
