"""Which desk the window opens, and opening others: first run, last desk, bad files."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from asbdesk import settings
from asbdesk.desk import open_desk
from asbdesk.gui import app
from asbdesk.gui.app import DeskController, _startup_desk


@pytest.fixture
def warnings(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Messages the user would have been shown, instead of modal boxes."""
    shown: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "warning", staticmethod(lambda _parent, _title, text, *a: shown.append(text))
    )
    return shown


def test_first_run_opens_the_demo_desk() -> None:
    desk, message = _startup_desk(None, demo=False)
    try:
        assert message is None
        assert desk.path == settings.demo_desk_path().resolve()
        titles = [r[1] for r in desk.reader.execute("SELECT id, title FROM plan")]
        assert any("Broxtowe" in t for t in titles) and any("Welwyn" in t for t in titles)
    finally:
        desk.close()


def test_the_last_desk_used_opens_next_time(tmp_path: Path) -> None:
    mine = tmp_path / "team.asbdesk"
    open_desk(mine).close()
    settings.remember_desk(mine)
    desk, message = _startup_desk(None, demo=False)
    try:
        assert desk.path == mine.resolve() and message is None
    finally:
        desk.close()


def test_a_broken_last_desk_gives_a_message_and_the_demo(tmp_path: Path) -> None:
    broken = tmp_path / "broken.asbdesk"
    broken.write_bytes(b"PK\x03\x04 this is a zip, not a desk")
    settings.remember_desk(broken)
    desk, message = _startup_desk(broken, demo=False)
    try:
        assert message is not None and "not an asbdesk desk" in message
        assert desk.path == settings.demo_desk_path().resolve()
        assert broken.read_bytes().startswith(b"PK\x03\x04")  # left as it was
    finally:
        desk.close()


def test_opening_another_desk_replaces_the_window(qtbot, tmp_path: Path, warnings) -> None:
    controller = DeskController()
    first = controller.show(app.open_or_make_demo())
    qtbot.addWidget(first)
    other = tmp_path / "other.asbdesk"
    assert controller.open_path(other, create=True)
    second = controller.window
    assert second is not None and second is not first
    qtbot.addWidget(second)
    assert second.desk.path == other.resolve()
    assert second.plan_combo.count() == 0  # a new desk holds no plan yet
    assert settings.recent_desks()[0] == other.resolve()
    assert warnings == []
    second.close()
    second.desk.close()


def test_new_desk_never_replaces_an_existing_file(qtbot, tmp_path: Path, warnings) -> None:
    controller = DeskController()
    window = controller.show(app.open_or_make_demo())
    qtbot.addWidget(window)
    taken = tmp_path / "taken.asbdesk"
    taken.write_bytes(b"somebody's notes")
    assert not controller.open_path(taken, create=True)
    assert taken.read_bytes() == b"somebody's notes"
    assert controller.window is window
    assert warnings and "already exists" in warnings[0]
    window.close()
    window.desk.close()


def test_opening_a_file_that_is_not_a_desk_keeps_the_current_one(
    qtbot, tmp_path: Path, warnings
) -> None:
    controller = DeskController()
    window = controller.show(app.open_or_make_demo())
    qtbot.addWidget(window)
    pdf = tmp_path / "plan.asbdesk"
    pdf.write_bytes(b"%PDF-1.7 renamed")
    assert not controller.open_path(pdf, create=False)
    assert controller.window is window
    assert warnings and "not an asbdesk desk" in warnings[0]
    assert pdf.read_bytes() == b"%PDF-1.7 renamed"
    window.close()
    window.desk.close()
