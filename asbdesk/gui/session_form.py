"""The session form: log a drop-in, patrol, litter pick … (Edit ▸ Log a session…, Ctrl+L from
anywhere in the window), or correct one from the Sessions tab.

Made for the keyboard, as officers type up a day's sessions on the laptop afterwards:
every field has an Alt letter, Enter in any one-line field saves, Ctrl+Enter saves from
the notes, Esc cancels, Space ticks a category, and "Save and log another" keeps the date,
place, kind, officers and milestone for the next session of the same day. The place, kind
and officers last logged are offered the next time, across runs (`settings.last_session`).
Each save is one command on the window's undo stack; what cannot be saved is said in the
form, at the field, and nothing is written.
"""

from __future__ import annotations

import sqlite3
from datetime import date

from PySide6.QtCore import QDate, QEvent, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QKeyEvent, QPainter, QPalette, QPen
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
    QTreeWidgetItemIterator,
    QVBoxLayout,
    QWidget,
)

from asbdesk import settings
from asbdesk.gui.date_typing import typed_like_text
from asbdesk.gui.operations import Operations
from asbdesk.gui.uiload import child, load_ui
from asbdesk.periods import MAX_YEAR, MIN_YEAR
from asbdesk.sessions import (
    HOME_OFFICE_TYPOLOGY,
    KINDS,
    POLICE_CATEGORIES,
    EditSession,
    LogSession,
    SessionError,
    SessionFields,
    SessionRow,
    countable_milestones,
    describe,
    places,
)

POLICE_GROUP = "Police categories (since 2011)"
_ERROR_STYLE = "color: #a00000;"


def split_names(text: str) -> tuple[str, ...]:
    """ "PC Smith; Jo Bloggs;" as ("PC Smith", "Jo Bloggs")."""
    return tuple(n.strip() for n in text.split(";") if n.strip())


def join_names(names: tuple[str, ...] | list[str]) -> str:
    return "; ".join(names)


class NamesCompleter(QCompleter):
    """Completes the name being typed at the end of a list separated by ';', keeping the
    names before it."""

    def splitPath(self, path: str) -> list[str]:
        return [path.split(";")[-1].strip()]

    def pathFromIndex(self, index: QModelIndex | QPersistentModelIndex) -> str:
        edit = self.widget()
        done = edit.text().split(";")[:-1] if isinstance(edit, QLineEdit) else []
        name = str(index.data(Qt.ItemDataRole.EditRole) or "")
        return join_names([*(n.strip() for n in done if n.strip()), name])


def names_completer(names: list[str], parent: QLineEdit) -> NamesCompleter:
    completer = NamesCompleter(names, parent)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    completer.setFilterMode(Qt.MatchFlag.MatchStartsWith)
    parent.setCompleter(completer)
    return completer


class _FocusedCategory(QStyledItemDelegate):
    """The category under the keyboard, drawn so it is seen: the categories are tick boxes,
    never selected, so the style's thin dotted focus rect was all that showed where Space
    would tick. While the list has the focus, its current row is tinted and outlined in
    the highlight colour, two pixels wide (three at 150 %)."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        focused = bool(option.state & QStyle.StateFlag.State_HasFocus)
        if not focused:
            super().paint(painter, option, index)
            return
        rect = option.rect.adjusted(1, 1, -1, -1)
        colour = option.palette.color(QPalette.ColorRole.Highlight)
        tint = QColor(colour)
        tint.setAlpha(48)
        painter.save()
        painter.fillRect(rect, tint)
        painter.restore()
        plain = QStyleOptionViewItem(option)
        plain.state &= ~QStyle.StateFlag.State_HasFocus
        super().paint(painter, plain, index)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(colour.darker(115), 2))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(rect.adjusted(0, 0, -1, -1), 2, 2)
        painter.restore()


class _CtrlReturnSaves(QObject):
    """Ctrl+Return in a notes box saves, as in the window's other dialogs; a plain Return
    there makes a new line."""

    def __init__(self, form: SessionForm) -> None:
        super().__init__(form)
        self.form = form

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            ctrl = event.modifiers() & Qt.KeyboardModifier.ControlModifier
            if ctrl and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.form.save()
                return True
        return False


class _TabLeavesTheDate(QObject):
    """Tab leaves the date box, as it leaves every other field, rather than stepping from
    the day to the month to the year (/ and the arrow keys do that)."""

    def __init__(self, form: SessionForm) -> None:
        super().__init__(form)
        self.form = form

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab) and not (
                event.modifiers() & ~Qt.KeyboardModifier.ShiftModifier
            ):
                forward = event.key() == Qt.Key.Key_Tab and not (
                    event.modifiers() & Qt.KeyboardModifier.ShiftModifier
                )
                return self.form.focusNextPrevChild(forward)
        return False


class SessionForm(QDialog):
    """Logs a new session of the plan, or edits `row` when one is given."""

    # What was saved, for the window's status bar ("Logged: 12/11/2019 Drop-in at …").
    saved = Signal(str)

    def __init__(
        self,
        ops: Operations,
        plan_id: int,
        today: date,
        row: SessionRow | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("sessionForm")
        self.ops = ops
        self.plan_id = plan_id
        self.row = row
        self.setWindowTitle("Edit session" if row else "Log a session")
        form = load_ui("session_form.ui", self)
        QVBoxLayout(self).addWidget(form)
        self.date_edit = typed_like_text(child(form, QDateEdit, "dateEdit"))
        self.place_combo = child(form, QComboBox, "placeCombo")
        self.kind_combo = child(form, QComboBox, "kindCombo")
        self.officers_edit = child(form, QLineEdit, "officersEdit")
        self.partners_edit = child(form, QLineEdit, "partnersEdit")
        self.contacts_spin = child(form, QSpinBox, "contactsSpin")
        self.milestone_combo = child(form, QComboBox, "milestoneCombo")
        self.categories = child(form, QTreeWidget, "categoriesTree")
        self.notes_edit = child(form, QPlainTextEdit, "notesEdit")
        self.follow_ups_edit = child(form, QPlainTextEdit, "followUpsEdit")
        self.message = child(form, QLabel, "messageLabel")
        buttons = child(form, QDialogButtonBox, "buttonBox")
        save = buttons.button(QDialogButtonBox.StandardButton.Save)
        cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        assert save is not None and cancel is not None
        self.save_button, self.cancel_button = save, cancel
        save.setText("&Save")
        save.setDefault(True)
        save.setObjectName("saveButton")
        cancel.setObjectName("cancelButton")
        self.another_button: QPushButton | None = None
        if row is None:
            self.another_button = buttons.addButton(
                "Save and &log another", QDialogButtonBox.ButtonRole.ActionRole
            )
            self.another_button.setObjectName("anotherButton")
            self.another_button.setToolTip(
                "Save this session and start the next, with the same date, place, kind, "
                "officers and milestone"
            )
            self.another_button.clicked.connect(lambda: self.save(another=True))
        # Clicks and Enter come here, not to QDialogButtonBox.accepted: a refused save
        # must leave the form open.
        save.clicked.connect(lambda: self.save())
        cancel.clicked.connect(self.reject)

        self.date_edit.setDateRange(QDate(MIN_YEAR, 1, 1), QDate(MAX_YEAR, 12, 31))
        for key, label in KINDS.items():
            self.kind_combo.addItem(label, key)
        self._fill_categories()
        self._fill_lists()
        self._fill_milestones()
        self.milestone_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.milestone_combo.setMinimumContentsLength(30)
        self.milestone_combo.currentIndexChanged.connect(self._milestone_tip)
        self.date_edit.installEventFilter(_TabLeavesTheDate(self))
        ctrl_return = _CtrlReturnSaves(self)
        for box in (self.notes_edit, self.follow_ups_edit):
            box.installEventFilter(ctrl_return)
            box.setMinimumHeight(box.fontMetrics().lineSpacing() * 3 + 12)
        self.setTabOrder(self.categories, save)
        if self.another_button is not None:
            self.setTabOrder(save, self.another_button)
            self.setTabOrder(self.another_button, cancel)
        else:
            self.setTabOrder(save, cancel)

        if row is not None:
            self._show(row.fields)
        else:
            place, kind, officers = settings.last_session()
            self._show(
                SessionFields(on=today, place=place, kind=kind or "drop-in", officers=(*officers,))
            )
        self._say("")
        # Wide enough for the milestones' names beside the categories; as tall as the
        # categories need, with a few lines of notes, on a 768-pixel laptop screen.
        hint, least = self.sizeHint(), self.minimumSizeHint()
        width = max(hint.width(), self.fontMetrics().averageCharWidth() * 140)
        self.resize(width, max(least.height(), min(hint.height(), 540)))
        self.date_edit.setFocus()

    # -- filling ---------------------------------------------------------------------------

    def _fill_categories(self) -> None:
        """The Home Office typology's four groups, then the police's three, each category
        a tick box; the groups are headings only."""
        tree = self.categories
        groups = {**HOME_OFFICE_TYPOLOGY, POLICE_GROUP: POLICE_CATEGORIES}
        for group, names in groups.items():
            heading = QTreeWidgetItem([group])
            font = QFont(heading.font(0))
            font.setBold(True)
            heading.setFont(0, font)
            heading.setFlags(Qt.ItemFlag.ItemIsEnabled)
            tree.addTopLevelItem(heading)
            for name in names:
                item = QTreeWidgetItem([name])
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(0, Qt.CheckState.Unchecked)
                item.setToolTip(0, f"{group}: {name}")
                heading.addChild(item)
        tree.setItemDelegate(_FocusedCategory(tree))
        tree.expandAll()
        first = self._category_items()[0]
        tree.setCurrentItem(first)
        tree.setIndentation(tree.fontMetrics().horizontalAdvance("M") * 2)
        rows = sum(1 + len(names) for names in groups.values())
        tree.setMinimumHeight(tree.sizeHintForRow(0) * rows + 2 * tree.frameWidth() + 4)
        bold = QFont(tree.font())
        bold.setBold(True)
        widest = max(
            *(QFontMetrics(bold).horizontalAdvance(g) for g in groups),
            *(
                tree.indentation() + tree.fontMetrics().horizontalAdvance(n) + 24
                for names in groups.values()
                for n in names
            ),
        )
        tree.setMinimumWidth(widest + 2 * tree.frameWidth() + 16)

    def _fill_lists(self) -> None:
        """The places the plan's sessions were held (the most used first), and the desk's
        officers and partners, to complete from."""
        con = self.ops.desk.reader
        self.place_combo.addItems(places(con, self.plan_id))
        completer = self.place_combo.completer()
        if completer is not None:
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        for edit, table in ((self.officers_edit, "officer"), (self.partners_edit, "partner")):
            names = [r[0] for r in con.execute(f"SELECT name FROM {table} ORDER BY name")]
            names_completer(names, edit)

    def _fill_milestones(self) -> None:
        """None, then the plan's countable milestones with their counts as they are now."""
        chosen = self.milestone_combo.currentData()
        self.milestone_combo.blockSignals(True)
        self.milestone_combo.clear()
        self.milestone_combo.addItem("None", None)
        con = self.ops.desk.reader
        for ms in countable_milestones(con, self.plan_id):
            self.milestone_combo.addItem(_milestone_first(con, ms.id, ms.label), ms.id)
            self.milestone_combo.setItemData(
                self.milestone_combo.count() - 1, ms.label, Qt.ItemDataRole.ToolTipRole
            )
        gone = self.row.milestone_id if self.row is not None else None
        if gone is not None and self.milestone_combo.findData(gone) < 0:
            # Shown as it is, not quietly set to None: saving asks for another choice.
            assert self.row is not None
            text = f"{self.row.milestone or 'A milestone'} (no longer countable)"
            self.milestone_combo.addItem(text, gone)
        self.milestone_combo.setCurrentIndex(max(self.milestone_combo.findData(chosen), 0))
        self.milestone_combo.blockSignals(False)
        # The box shows the start of a label; its list, the whole of each (to a point).
        fm = self.milestone_combo.fontMetrics()
        widest = max(
            fm.horizontalAdvance(self.milestone_combo.itemText(i))
            for i in range(self.milestone_combo.count())
        )
        self.milestone_combo.view().setMinimumWidth(min(widest + 40, fm.averageCharWidth() * 110))
        self._milestone_tip()

    def _milestone_tip(self) -> None:
        ms = self.milestone_combo.currentData()
        self.milestone_combo.setToolTip(
            f"{self.milestone_combo.currentText()}\nSaving adds one to its done count."
            if ms is not None
            else "Choose a countable milestone this session adds one to."
        )

    def _show(self, f: SessionFields) -> None:
        self.date_edit.setDate(QDate(f.on.year, f.on.month, f.on.day))
        self.place_combo.setCurrentIndex(-1)
        self.place_combo.setEditText(f.place)
        self.kind_combo.setCurrentIndex(max(self.kind_combo.findData(f.kind), 0))
        self.officers_edit.setText(join_names(f.officers))
        self.partners_edit.setText(join_names(f.partners))
        self.contacts_spin.setValue(f.contacts)
        self.milestone_combo.setCurrentIndex(max(self.milestone_combo.findData(f.milestone_id), 0))
        ticked = set(f.categories)
        for item in self._category_items():
            state = Qt.CheckState.Checked if item.text(0) in ticked else Qt.CheckState.Unchecked
            item.setCheckState(0, state)
        self.notes_edit.setPlainText(f.notes)
        self.follow_ups_edit.setPlainText(f.follow_ups)

    def _category_items(self) -> list[QTreeWidgetItem]:
        out = []
        it = QTreeWidgetItemIterator(self.categories)
        while item := it.value():
            if item.flags() & Qt.ItemFlag.ItemIsUserCheckable:
                out.append(item)
            it += 1
        return out

    # -- reading and saving ------------------------------------------------------------------

    def fields(self) -> SessionFields:
        d = self.date_edit.date()
        return SessionFields(
            on=date(d.year(), d.month(), d.day()),
            place=self.place_combo.currentText(),
            kind=str(self.kind_combo.currentData()),
            officers=split_names(self.officers_edit.text()),
            partners=split_names(self.partners_edit.text()),
            contacts=self.contacts_spin.value(),
            categories=tuple(
                item.text(0)
                for item in self._category_items()
                if item.checkState(0) == Qt.CheckState.Checked
            ),
            notes=self.notes_edit.toPlainText(),
            follow_ups=self.follow_ups_edit.toPlainText(),
            milestone_id=self.milestone_combo.currentData(),
        )

    def save(self, another: bool = False) -> bool:
        """Save the session as one undoable step; True when it was. With `another`, the form
        stays open for the next session of the same day and place."""
        f = self.fields()
        try:
            f = f.checked()
            self._check_milestone(f)
        except SessionError as exc:
            self._say(str(exc), error=True)
            self._field_at_fault(f).setFocus()
            return False
        if self.row is None:
            command: LogSession | EditSession = LogSession(self.plan_id, f)
        elif f != self.row.fields:
            command = EditSession(self.plan_id, self.row.id, f)
        else:
            self.accept()  # nothing changed: nothing to undo
            return True
        if not self.ops.run(command):
            return False  # the desk refused it; Operations said why
        done = self._done_message(f)
        self.saved.emit(done)
        if self.row is None:
            settings.remember_session(f.place, f.kind, list(f.officers))
        if another:
            self._next(f, done)
        else:
            self.accept()
        return True

    def _check_milestone(self, f: SessionFields) -> None:
        """The milestone is still one the session can count towards (another window or an
        undo may have taken it away while the form was open)."""
        if f.milestone_id is None:
            return
        live = {m.id for m in countable_milestones(self.ops.desk.reader, self.plan_id)}
        if f.milestone_id not in live:
            self._fill_milestones()
            raise SessionError("That milestone is no longer in the plan; choose another.")

    def _field_at_fault(self, f: SessionFields) -> QWidget:
        """Where the officer puts right what `SessionFields.checked` or the milestone check
        refused (the boxes themselves keep the kind, the count and the categories valid)."""
        if not f.place.strip():
            return self.place_combo
        if f.kind not in KINDS:
            return self.kind_combo
        return self.milestone_combo

    def _done_message(self, f: SessionFields) -> str:
        shown = describe(
            SessionRow(0, f.on, f.place, f.kind, (), (), f.contacts, (), "", "", None, "")
        )
        verb = "Logged" if self.row is None else "Saved"
        text = f"{verb}: {shown}."
        ms = self.ops.desk.reader.execute(
            "SELECT text, done_count, target_count FROM milestone WHERE id = ?", (f.milestone_id,)
        ).fetchone()
        if ms is not None:
            text += f" {ms[0]}: {ms[1] or 0} of {ms[2]} done."
        return text + " Ctrl+Z takes it back."

    def _next(self, f: SessionFields, done: str) -> None:
        """Ready for the next session: the same date, place, kind, officers and milestone
        (now with its new count); the rest empty."""
        self._fill_milestones()
        self._show(
            SessionFields(
                on=f.on,
                place=f.place,
                kind=f.kind,
                officers=f.officers,
                milestone_id=f.milestone_id,
            )
        )
        self._say(done.replace(" Ctrl+Z takes it back.", " Now the next one."))
        self.date_edit.setFocus()
        self.date_edit.selectAll()

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(_ERROR_STYLE if error else "")
        self.message.setAccessibleName("Problem" if error else "Message")


def _milestone_first(con: sqlite3.Connection, milestone_id: int, label: str) -> str:
    """ "20 x Stapleford (10 of 20 done) – 1.1 Hold alternating weekly drop in …": the
    milestone before its action, so a narrow box still shows which one it is."""
    row = con.execute(
        "SELECT m.text, m.done_count, m.target_count, n.ref, n.title FROM milestone m"
        " JOIN node n ON n.id = m.node_id WHERE m.id = ?",
        (milestone_id,),
    ).fetchone()
    if row is None:
        return label
    text, done, target, ref, title = row
    action = " ".join(f"{ref or ''} {title}".split())
    action = action if len(action) <= 60 else action[:59].rstrip() + "…"
    return f"{text} ({done or 0} of {target} done) – {action}"
