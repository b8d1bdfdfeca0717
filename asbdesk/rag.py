"""The RAG rules: statuses, the colour key, the suggested status and the roll-up to parents.

Officers set a node's status; the program suggests one from the evidence (target date,
today, milestone counts) and says when the two disagree, and why. Blue means complete;
Grey means monitored only, not rated.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from asbdesk.periods import format_date


class Status(StrEnum):
    RED = "red"
    AMBER = "amber"
    GREEN = "green"
    BLUE = "blue"
    GREY = "grey"
    NOT_STARTED = "not_started"

    @property
    def word(self) -> str:
        return _WORDS[self]

    @property
    def colour(self) -> str:
        return _COLOURS[self]

    @classmethod
    def parse(cls, value: str | None) -> Status | None:
        if value is None or value == "":
            return None
        return cls(value)


_WORDS = {
    Status.RED: "Red",
    Status.AMBER: "Amber",
    Status.GREEN: "Green",
    Status.BLUE: "Blue",
    Status.GREY: "Grey",
    Status.NOT_STARTED: "Not started",
}

# Fills councils use in their sheets (Welwyn Hatfield's key), so prints match what they know.
_COLOURS = {
    Status.RED: "#FF0000",
    Status.AMBER: "#FFC000",
    Status.GREEN: "#00B050",
    Status.BLUE: "#0070C0",
    Status.GREY: "#A6A6A6",
    Status.NOT_STARTED: "#FFFFFF",
}

# Order in which the status bar and reports list them.
STATUS_ORDER = [
    Status.RED,
    Status.AMBER,
    Status.GREEN,
    Status.BLUE,
    Status.GREY,
    Status.NOT_STARTED,
]

# Welwyn Hatfield's wording, typical of UK councils; each plan may reword it.
DEFAULT_COLOUR_KEY: dict[str, str] = {
    "red": "Red – Progress or delivery well below target; serious intervention needed",
    "amber": "Amber – Progress or delivery up to (say) 20% below target; attention needed",
    "green": "Green – Progress on or ahead of schedule and on track to deliver as planned",
    "blue": "Blue – All actions completed",
    "grey": "Grey – Monitoring only; not rated",
    "not_started": "Not started",
}

# Worst first: a parent shows the worst of its children. Grey is not rated, so it never
# outweighs a rated child; "not started" sits below green because nothing is yet late.
_SEVERITY = {
    Status.RED: 5,
    Status.AMBER: 4,
    Status.GREEN: 3,
    Status.NOT_STARTED: 2,
    Status.BLUE: 1,
}


@dataclass(frozen=True)
class Thresholds:
    """How far delivery may lag the time elapsed: beyond `amber_lag` Amber, beyond `red_lag` Red."""

    amber_lag: float = 0.0
    red_lag: float = 0.2


@dataclass(frozen=True)
class Suggestion:
    status: Status
    why: str


@dataclass(frozen=True)
class Delivery:
    """Milestone counts summed over a node's countable milestones."""

    done: int = 0
    target: int = 0

    @property
    def fraction(self) -> float | None:
        if self.target <= 0:
            return None
        return min(self.done / self.target, 1.0)


def suggest(
    *,
    today: date,
    start: date | None,
    target_date: date | None,
    delivery: Delivery,
    status: Status | None,
    thresholds: Thresholds = Thresholds(),
) -> Suggestion | None:
    """The status the evidence points to, with the reason in an officer's words.

    None when there is no evidence to judge by (no countable milestone and no target
    date), or when the node is Grey: monitored only, so not rated.
    """
    if status is Status.GREY:
        return None
    delivered = delivery.fraction
    if delivered is not None and delivered >= 1.0:
        return Suggestion(Status.BLUE, f"all {delivery.target} milestones delivered")
    if status is Status.BLUE and delivered is None:
        return None  # marked complete and no counts say otherwise
    if target_date is not None and today > target_date:
        return Suggestion(
            Status.RED, f"target date {format_date(target_date)} has passed and it is not complete"
        )
    if delivered is None or target_date is None:
        return None
    elapsed = _elapsed_fraction(today, start, target_date)
    if elapsed is None:
        return None
    # Rounded so that 0.9 - 0.7 counts as the 20 % it is, not 20.000000000000007 %.
    lag = round(elapsed - delivered, 9)
    figures = (
        f"{delivery.done} of {delivery.target} delivered ({delivered:.0%}) "
        f"with {elapsed:.0%} of the time gone"
    )
    if lag > thresholds.red_lag:
        return Suggestion(Status.RED, f"{figures}: more than {thresholds.red_lag:.0%} behind")
    if lag > thresholds.amber_lag:
        return Suggestion(Status.AMBER, f"{figures}: behind by up to {thresholds.red_lag:.0%}")
    return Suggestion(Status.GREEN, f"{figures}: on track")


def _elapsed_fraction(today: date, start: date | None, end: date) -> float | None:
    if start is None or start >= end:
        return None
    if today <= start:
        return 0.0
    return min((today - start).days / (end - start).days, 1.0)


def disagreement(status: Status | None, suggestion: Suggestion | None) -> str | None:
    """Why the officer's status and the evidence disagree, or None when they do not."""
    if suggestion is None or status is None or status is Status.GREY:
        return None
    if status is suggestion.status:
        return None
    evidence = suggestion.status.word
    return f"Marked {status.word}, but the evidence suggests {evidence}: {suggestion.why}."


def worst(statuses: Iterable[Status | None]) -> Status | None:
    """The roll-up of children's statuses: the worst rated one; Grey only if all are Grey.

    A child with no status counts as Not started once a sibling is rated (Grey is not
    rated), so a parent
    is Blue ("all actions completed") only when every rated child really is Blue.
    """
    given = list(statuses)
    rated = [s for s in given if s is not None]
    if not rated:
        return None
    if len(rated) < len(given) and any(s in _SEVERITY for s in rated):
        rated.append(Status.NOT_STARTED)
    scored = [s for s in rated if s in _SEVERITY]
    if not scored:
        return Status.GREY
    return max(scored, key=lambda s: _SEVERITY[s])


def mean_percent(values: Iterable[float | None]) -> float | None:
    """Children's delivered % averaged. A child with nothing to count weighs in as 0 once
    a sibling has a figure, as in the status roll-up: one completed action beside three
    unmeasured ones is not 100 % delivered."""
    given = list(values)
    known = [v for v in given if v is not None]
    if not known:
        return None
    return sum(known) / len(given)


def count_statuses(statuses: Iterable[Status | None]) -> dict[Status | None, int]:
    counts: dict[Status | None, int] = {s: 0 for s in STATUS_ORDER}
    counts[None] = 0
    for s in statuses:
        counts[s] = counts.get(s, 0) + 1
    return counts
