"""What an edit changed, as the views need to hear it: which node, where it went.

Kept apart from the commands (and their database code) so the window can listen for
changes without loading the ORM.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class NodeChanged:
    node_id: int


@dataclass(frozen=True)
class NodeInserted:
    node_id: int
    parent_id: int | None
    row: int


@dataclass(frozen=True)
class NodeRemoved:
    node_id: int
    parent_id: int | None
    row: int


@dataclass(frozen=True)
class NodeMoved:
    node_id: int
    old_parent_id: int | None
    old_row: int
    new_parent_id: int | None
    new_row: int


@dataclass(frozen=True)
class PlanChanged:
    """Something plan-wide changed (settings, many refs): views reload the plan."""

    plan_id: int


@dataclass(frozen=True)
class PlansChanged:
    """A plan was added (`plan_id`, which views then show) or removed."""

    plan_id: int | None = None


FieldWork = Literal["indicators", "sessions", "risks"]


@dataclass(frozen=True)
class FieldWorkChanged:
    """The plan's sessions, indicators or risks changed: their views reload. `kind` says
    which, so an undo can show the tab it happens on; `item_id` is the session (indicator,
    risk) that changed, when there is one, for its view to select."""

    plan_id: int
    kind: FieldWork
    item_id: int | None = None


Change = (
    NodeChanged
    | NodeInserted
    | NodeRemoved
    | NodeMoved
    | PlanChanged
    | PlansChanged
    | FieldWorkChanged
)
