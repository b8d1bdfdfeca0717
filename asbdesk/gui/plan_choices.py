"""What File ▸ Export to Excel… and File ▸ Report… both offer: the plan's top-level
headings, the officers and partners it names, the status tick boxes with their colour
chips, the rows a choice selects (for the count shown as the officer chooses), and a file
name every system takes, in the folder the last file of its kind went to.
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QWidget

from asbdesk import settings
from asbdesk.gui.status_icon import chip_size, status_icon
from asbdesk.gui.uiload import child
from asbdesk.plan_tree import PlanTree, TreeItem
from asbdesk.rag import Status
from asbdesk.xlsx_export import ExportOptions

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')  # not allowed in Windows file names

# The status tick boxes' names in a form, in the order the tree shows statuses.
STATUS_CHECKS: dict[Status | None, str] = {
    Status.RED: "redCheck",
    Status.AMBER: "amberCheck",
    Status.GREEN: "greenCheck",
    Status.BLUE: "blueCheck",
    Status.GREY: "greyCheck",
    Status.NOT_STARTED: "notStartedCheck",
    None: "notSetCheck",
}

StatusChecks = dict[Status | None, QCheckBox]


def status_checks(form: QWidget) -> StatusChecks:
    """The form's status tick boxes, each with the chip the tree paints beside its word."""
    checks = {status: child(form, QCheckBox, name) for status, name in STATUS_CHECKS.items()}
    for status, box in checks.items():
        box.setIcon(status_icon(status, box))
        box.setIconSize(chip_size(box))
    return checks


def tick_statuses(checks: StatusChecks, statuses: set[Status | None]) -> None:
    for status, box in checks.items():
        box.setChecked(status in statuses)


def ticked_statuses(checks: StatusChecks) -> frozenset[Status | None] | None:
    """The statuses ticked; None when all are (every action, whatever its status)."""
    ticked = frozenset(s for s, box in checks.items() if box.isChecked())
    return None if len(ticked) == len(checks) else ticked


def add_top_levels(combo: QComboBox, tree: PlanTree) -> None:
    """The plan's top-level headings ("1 Raise awareness…"), the id as each one's data."""
    for item in tree.root.children:
        text = f"{item.ref} {item.title}".strip() or "(untitled)"
        combo.addItem(text, item.id)
        combo.setItemData(combo.count() - 1, text, Qt.ItemDataRole.ToolTipRole)


def add_people(tree: PlanTree, partner_combo: QComboBox, officer_combo: QComboBox) -> None:
    """The partners the plan names, and the officers and teams that lead its actions, each
    sorted as a person reads a list, added to their boxes (each name its own data)."""
    partners: set[str] = set()
    officers: set[str] = set()
    for item in tree.walk():
        partners.update(item.partners)
        officers.update(n for n in (*item.officers, item.department) if n)
    for combo, names in ((partner_combo, partners), (officer_combo, officers)):
        for name in sorted(names, key=str.casefold):
            combo.addItem(name, name)


def fit_combo(combo: QComboBox, chars: int = 24) -> None:
    """A box as wide as `chars` characters, whatever the longest title: the full text is
    in the list and the tooltip."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(chars)


def top_of(item: TreeItem | None) -> TreeItem | None:
    """The top-level heading `item` is under (itself when it is one)."""
    while item is not None and item.parent is not None and item.parent.id != 0:
        item = item.parent
    return item


def rows_chosen(tree: PlanTree, options: ExportOptions) -> list[TreeItem]:
    """The rows an export (or a report) of `options` holds, for the count: the selection
    `xlsx_export.read_table` makes, without the milestones and updates it reads besides
    (seconds on a plan of 20,000 actions, against a tenth of one for the selection alone)."""
    from asbdesk.xlsx_export import select_rows

    return [item for item, _open in select_rows(tree, options)]


def safe_file_name(name: str, limit: int = 150) -> str:
    """`name` as a file name every system takes: "2019/20" becomes "2019-20"."""
    cleaned = " ".join(_UNSAFE.sub("-", name).split()).strip(" .")
    return cleaned[:limit].rstrip(" .") or "Plan"


def last_folder(key: str) -> Path:
    """The folder settings.json keeps under `key` (where the last file of a kind went),
    else the officer's Documents folder."""
    saved = settings.get(key)
    if isinstance(saved, str) and Path(saved).is_dir():
        return Path(saved)
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    if documents and Path(documents).is_dir():
        return Path(documents)
    return Path.home()
