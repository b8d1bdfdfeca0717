"""Refs as councils write them: 1, 1.1, a) … and the next one in a run of siblings."""

from __future__ import annotations

import re
import string
from collections.abc import Sequence


def letter_ref(index: int) -> str:
    """a), b) … z), aa) …: the lettering councils use for actions inside an objective."""
    letters = string.ascii_lowercase
    text = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        text = letters[rem] + text
    return f"{text})"


def default_ref_styles(level_count: int) -> list[str]:
    """Numbers for every level but the last of a three-level plan, lettered as councils do."""
    if level_count >= 3:
        return ["number"] * (level_count - 1) + ["letter"]
    return ["number"] * max(level_count, 1)


_LETTER_REF = re.compile(r"^([a-z]+)\)$")
_NUMBER_REF = re.compile(r"^(.*?)(\d+)$")


def _letters_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + (ord(ch) - ord("a") + 1)
    return index - 1


def next_ref(parent_ref: str, sibling_refs: Sequence[str], depth: int, level_count: int) -> str:
    """The ref a new node would get after its siblings, in the style they already use:
    "1.4" after "1.3", "c)" after "b)", "R5" after "R4"; the plan's default style when it
    is the first child. Empty when the siblings follow no pattern it can continue."""
    refs = [r.strip() for r in sibling_refs if r.strip()]
    letters = [m.group(1) for r in refs if (m := _LETTER_REF.match(r))]
    if letters:
        return letter_ref(max(_letters_index(x) for x in letters) + 1)
    numbered = [(int(m.group(2)), m.group(1)) for r in refs if (m := _NUMBER_REF.match(r))]
    if numbered:
        number, prefix = max(numbered)
        return f"{prefix}{number + 1}"
    if refs:
        return ""
    styles = default_ref_styles(level_count)
    if styles[min(depth, len(styles) - 1)] == "letter":
        return letter_ref(0)
    if parent_ref and _NUMBER_REF.match(parent_ref):
        return f"{parent_ref}.1"
    return "1"
