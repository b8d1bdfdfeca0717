"""Officers' words in messages: plurals of a plan's own level names ("Activity" → "activities")."""

from __future__ import annotations


def plural(word: str) -> str:
    """The English plural of a level name: Target → Targets, Activity → Activities."""
    lower = word.lower()
    if lower.endswith("y") and len(lower) > 1 and lower[-2] not in "aeiou":
        return word[:-1] + ("IES" if word.isupper() else "ies")
    if lower.endswith(("s", "x", "z", "ch", "sh")):
        return word + ("ES" if word.isupper() else "es")
    return word + ("S" if word.isupper() else "s")


def count(n: int, word: str) -> str:
    """ "1 action", "16 actions", "39 activities": the level name as the plan spells it."""
    return f"{n:,} {word if n == 1 else plural(word)}"


def level_name(level_names: list[str], depth: int) -> str:
    """A plan's name for nodes at `depth` (0 = top); deeper nodes take the last name."""
    names = level_names or ["Action"]
    return names[min(depth, len(names) - 1)]
