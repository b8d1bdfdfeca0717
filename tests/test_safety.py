"""A desk is safe with the team's data: one writer, read-only media, damage, disk full,
backups and restoring them (issue 7).

The read-only and disk-full cases run the real thing where the machine allows it: a
child process in its own user and mount namespace (`unshare`) gets a read-only mount, or
a 1 MB filesystem, holding a desk. Where it does not, the read-only case uses file
permissions (which root ignores, hence the namespace).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from asbdesk import backups
from asbdesk.commands import EditNode
from asbdesk.desk import (
    Desk,
    DeskDamagedError,
    DeskError,
    DeskInUseError,
    DeskReadOnlyError,
    open_desk,
)
from asbdesk.lock import STALE_AFTER_S, lock_path
from tests.xlsx_helpers import node, plan_id

ROOT = Path(__file__).resolve().parent.parent


def _title(desk: Desk, node_id: int) -> str:
    row = desk.reader.execute("SELECT title FROM node WHERE id = ?", (node_id,)).fetchone()
    return str(row[0])


def _some_action(desk: Desk) -> int:
    return node(desk, plan_id(desk, "Broxtowe"), "1.1")[0]


def _rename(desk: Desk, node_id: int, title: str) -> None:
    EditNode(node_id, {"title": title}).do(desk)


# -- one writer ---------------------------------------------------------------------


def test_a_second_program_is_told_who_has_the_desk_and_may_look_read_only(
    demo_desk: Desk,
) -> None:
    path = demo_desk.path
    demo_desk.close()
    first = open_desk(path, lock=True)
    try:
        assert lock_path(path).exists()
        with pytest.raises(DeskInUseError) as caught:
            open_desk(path, lock=True)
        message = str(caught.value)
        assert "open for editing by" in message and "this computer" in message
        assert "Only one person can change a desk at a time" in message

        viewer = open_desk(path, read_only=True)
        action = _some_action(first)
        _rename(first, action, "Renamed by the first")
        # The viewer reads the writer's saves, and refuses to write.
        assert _title(viewer, action) == "Renamed by the first"
        with pytest.raises(DeskReadOnlyError):
            _rename(viewer, action, "Renamed by the viewer")
        assert _title(first, action) == "Renamed by the first"
        viewer.close()
    finally:
        first.close()
    assert not lock_path(path).exists()
    open_desk(path, lock=True).close()  # free again once the first has closed


def _write_lock(path: Path, *, host: str, pid: int, age_s: float = 0) -> None:
    lock = lock_path(path)
    lock.write_text(
        json.dumps({"user": "jsmith", "host": host, "pid": pid, "since": "2026-11-02T09:15:00"}),
        encoding="utf-8",
    )
    if age_s:
        past = time.time() - age_s
        os.utime(lock, (past, past))


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_lock_left_by_a_crash_on_this_computer_is_cleared(desk: Desk) -> None:
    path = desk.path
    desk.close()
    _write_lock(path, host=socket.gethostname(), pid=_dead_pid())
    d = open_desk(path, lock=True)  # the crashed program's lock is gone
    assert d.lock is not None and d.lock.still_ours()
    d.close()


def test_another_computers_lock_holds_until_it_goes_quiet(desk: Desk) -> None:
    path = desk.path
    desk.close()
    _write_lock(path, host="LAPTOP-ASB-07", pid=4242)
    with pytest.raises(DeskInUseError) as caught:
        open_desk(path, lock=True)
    assert "jsmith on LAPTOP-ASB-07 (since 02/11/2026 at 09:15)" in str(caught.value)
    # Not touched for longer than a live holder ever leaves it: that computer is gone.
    _write_lock(path, host="LAPTOP-ASB-07", pid=4242, age_s=STALE_AFTER_S + 60)
    open_desk(path, lock=True).close()


def test_a_desk_taken_over_while_its_holder_slept_refuses_the_sleepers_edits(
    demo_desk: Desk,
) -> None:
    path = demo_desk.path
    demo_desk.close()
    sleeper = open_desk(path, lock=True)
    action = _some_action(sleeper)
    past = time.time() - STALE_AFTER_S - 60
    os.utime(lock_path(path), (past, past))
    # Same process, so the "is its process alive" test cannot tell: only the age counts.
    other = open_desk(path, lock=True)
    _rename(other, action, "Kept by the one who took over")
    with pytest.raises(DeskReadOnlyError, match="taken over"):
        _rename(sleeper, action, "Lost")
    assert sleeper.lock is not None and not sleeper.lock.refresh()
    sleeper.close()  # does not remove the other's lock
    assert lock_path(path).exists()
    assert _title(other, action) == "Kept by the one who took over"
    other.close()


# -- read-only media ------------------------------------------------------------------

_READ_ONLY_CHILD = """
import sys
from asbdesk.desk import DeskReadOnlyError, open_desk
from asbdesk.commands import EditNode
from tests.xlsx_helpers import node, plan_id

d = open_desk(sys.argv[1], lock=True)
print("read_only", d.read_only)
print("reason", d.read_only_reason)
action = node(d, plan_id(d, "Broxtowe"), "1.1")[0]
print("title", d.reader.execute("SELECT title FROM node WHERE id = ?", (action,)).fetchone()[0])
try:
    EditNode(action, {"title": "x"}).do(d)
except DeskReadOnlyError as exc:
    print("refused", exc)
from pathlib import Path
from asbdesk.desk import copy_database
copy_database(d.path, Path(sys.argv[2]), source_uri=d.reading_uri())  # Save a copy as…
d.close()
print("copied", open_desk(sys.argv[2]).reader.execute("SELECT count(*) FROM plan").fetchone())
"""


def _unshare_works() -> bool:
    if not shutil.which("unshare") or sys.platform != "linux":
        return False
    probe = subprocess.run(
        ["unshare", "-rm", "sh", "-c", "mount -t tmpfs tmpfs /mnt && umount /mnt"],
        capture_output=True,
    )
    return probe.returncode == 0


def _in_namespace(script: str, mount: str, *args: str) -> subprocess.CompletedProcess[str]:
    """`script` run by this Python after `mount` (a shell snippet) in a new namespace."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    shell = f'{mount} && exec "$0" -c "$1" "${{@:2}}"'
    return subprocess.run(
        ["unshare", "-rm", "bash", "-c", shell, sys.executable, script, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        cwd=ROOT,
    )


def test_a_desk_on_read_only_media_opens_read_only_with_a_message(
    demo_desk: Desk, tmp_path: Path
) -> None:
    demo_desk.close()
    media = tmp_path / "stick"
    media.mkdir()
    shutil.copyfile(demo_desk.path, media / "Plan.asbdesk")
    if _unshare_works():
        mount = (
            f"mount -t tmpfs tmpfs {media} && cp {demo_desk.path} {media}/Plan.asbdesk "
            f"&& mount -o remount,ro {media}"
        )
        done = _in_namespace(
            _READ_ONLY_CHILD, mount, str(media / "Plan.asbdesk"), str(tmp_path / "copy.asbdesk")
        )
        assert done.returncode == 0, done.stderr
        out = done.stdout
    elif os.geteuid() != 0:
        (media / "Plan.asbdesk").chmod(0o444)
        media.chmod(0o555)
        try:
            done = subprocess.run(
                [
                    sys.executable,
                    "-c",
                    _READ_ONLY_CHILD,
                    str(media / "Plan.asbdesk"),
                    str(tmp_path / "copy.asbdesk"),
                ],
                capture_output=True,
                text=True,
                cwd=ROOT,
                env={**os.environ, "PYTHONPATH": str(ROOT)},
            )
        finally:
            media.chmod(0o755)
        assert done.returncode == 0, done.stderr
        out = done.stdout
    else:
        pytest.skip("running as root without user namespaces: no read-only media to test on")
    assert "read_only True" in out
    assert "cannot be written to here" in out and "Save a copy" in out
    assert "title Hold alternating weekly drop in sessions" in out
    assert "refused Nothing was saved" in out
    assert "copied (2,)" in out  # a copy to edit, as the message suggests
    assert not list(media.glob("*.lock"))


# -- damage -------------------------------------------------------------------------


def _overwrite(path: Path, at: int, size: int) -> None:
    with path.open("r+b") as f:
        f.seek(at)
        f.write(b"\xa5" * size)


def test_a_desk_with_bytes_overwritten_is_refused_and_left_as_it_was(demo_desk: Desk) -> None:
    path = demo_desk.path
    demo_desk.close()
    page = sqlite3.connect(path).execute("PRAGMA page_size").fetchone()[0]
    _overwrite(path, page * 3, 600)  # the heart of a b-tree page
    before = path.read_bytes()
    with pytest.raises(DeskDamagedError) as caught:
        open_desk(path, lock=True)
    assert "is damaged" in str(caught.value) and "It has not been changed" in str(caught.value)
    assert path.read_bytes() == before
    assert not lock_path(path).exists()


# -- disk full --------------------------------------------------------------------------


def test_a_full_database_refuses_the_edit_and_keeps_the_last_good_state(
    demo_desk: Desk,
) -> None:
    """SQLite's own "database or disk is full", with the desk capped at its size."""
    from sqlalchemy import event

    action = _some_action(demo_desk)
    _rename(demo_desk, action, "Before the disk filled")
    pages = demo_desk.reader.execute("PRAGMA page_count").fetchone()[0]

    def cap(dbapi_connection: object, _record: object) -> None:
        dbapi_connection.execute(f"PRAGMA max_page_count={pages}")  # type: ignore[attr-defined]

    demo_desk.close()
    capped = open_desk(demo_desk.path)
    event.listen(capped.engine, "connect", cap)
    from asbdesk.commands import AddUpdate

    with pytest.raises(Exception, match="full"):
        AddUpdate(action, date(2019, 11, 1), "Q3 2019/20", "x" * 200_000, "A", None).do(capped)
    capped.close()
    again = open_desk(demo_desk.path)
    assert _title(again, action) == "Before the disk filled"
    n = again.reader.execute(
        "SELECT count(*) FROM progress_update WHERE node_id = ? AND length(text) = 200000",
        (action,),
    ).fetchone()[0]
    assert n == 0
    again.close()


_FILL_CHILD = """
import sys
from datetime import date
from asbdesk.desk import open_desk
from asbdesk.commands import AddUpdate
from tests.xlsx_helpers import node, plan_id

d = open_desk(sys.argv[1], lock=True)
action = node(d, plan_id(d, "Broxtowe"), "1.1")[0]
for i in range(10_000):
    try:
        AddUpdate(action, date(2019, 11, 1), "Q3 2019/20", f"update {i} " + "x" * 20_000,
                  "A", None).do(d)
    except Exception as exc:
        print("failed", i, type(exc).__name__, exc, flush=True)
        break
    print("saved", i, flush=True)
d.close()
# Out of the small filesystem, as it lies: the file and its write-ahead log, if the
# full disk kept the log from being folded back in.
import os, shutil
for tail in ("", "-wal"):
    if os.path.exists(sys.argv[1] + tail):
        shutil.copyfile(sys.argv[1] + tail, sys.argv[2] + tail)
"""


def test_a_full_disk_loses_no_saved_edit(demo_desk: Desk, tmp_path: Path) -> None:
    """A real 3 MB filesystem fills up while a program keeps saving updates."""
    if not _unshare_works():
        pytest.skip("needs user namespaces to mount a small filesystem")
    demo_desk.close()
    small = tmp_path / "small"
    small.mkdir()
    out = tmp_path / "after.asbdesk"
    mount = f"mount -t tmpfs -o size=3m tmpfs {small} && cp {demo_desk.path} {small}/d.asbdesk"
    done = _in_namespace(_FILL_CHILD, mount, f"{small}/d.asbdesk", str(out))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    saved = [int(line.split()[1]) for line in lines if line.startswith("saved")]
    failed = [line for line in lines if line.startswith("failed")]
    assert saved and failed, done.stdout[-500:]
    assert "full" in failed[0]
    d = open_desk(out)
    assert d.reader.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    texts = {
        r[0].split(" x")[0]
        for r in d.reader.execute("SELECT substr(text, 1, 20) FROM progress_update")
    }
    assert {f"update {i}" for i in saved} <= texts
    assert f"update {max(saved) + 1}" not in texts
    d.close()


# -- backups ----------------------------------------------------------------------------


def test_a_backup_is_taken_at_most_daily_and_old_ones_rotate_out(demo_desk: Desk) -> None:
    monday = datetime(2026, 11, 2, 9, 0)
    first = backups.back_up_if_due(demo_desk, monday)
    assert first is not None and first.parent == backups.folder_for(demo_desk.path)
    assert backups.back_up_if_due(demo_desk, monday + timedelta(hours=23)) is None
    for day in range(1, 20):
        backups.back_up_if_due(demo_desk, monday + timedelta(days=day))
    kept = backups.list_backups(demo_desk.path)
    # Kept for 14 days by default, counted back from the last (21/11): 07/11 to 21/11.
    assert [b.taken_at.day for b in kept] == list(range(21, 6, -1))
    backups.set_keep_days(3)
    assert len(backups.prune(demo_desk.path, monday + timedelta(days=19))) == 11
    assert [b.taken_at.day for b in backups.list_backups(demo_desk.path)] == [21, 20, 19, 18]
    # The newest is always kept, however old.
    backups.prune(demo_desk.path, monday + timedelta(days=400))
    assert len(backups.list_backups(demo_desk.path)) == 1


def test_a_backup_lists_its_plans_and_restores_into_a_new_file(
    demo_desk: Desk, tmp_path: Path
) -> None:
    action = _some_action(demo_desk)
    original = _title(demo_desk, action)
    backups.back_up_if_due(demo_desk, datetime(2026, 11, 2, 9, 0))
    _rename(demo_desk, action, "Changed after the backup")

    (listed,) = backups.list_backups(demo_desk.path)
    assert listed.taken_at == datetime(2026, 11, 2, 9, 0)
    titles = {p.title: p.actions for p in listed.plans or ()}
    assert any("Broxtowe" in t for t in titles) and any("Welwyn" in t for t in titles)
    assert all(n > 0 for n in titles.values())

    with pytest.raises(ValueError, match="never restored over the open desk"):
        backups.restore(listed.path, demo_desk.path, open_desk_path=demo_desk.path)
    with pytest.raises(ValueError, match="already exists"):
        backups.restore(listed.path, demo_desk.path)
    target = backups.restore(listed.path, tmp_path / "restored.asbdesk")
    restored = open_desk(target, lock=True)
    assert _title(restored, action) == original
    restored.close()
    assert _title(demo_desk, action) == "Changed after the backup"


def test_the_latest_good_backup_skips_a_damaged_one(demo_desk: Desk) -> None:
    good = backups.back_up_if_due(demo_desk, datetime(2026, 11, 2, 9, 0))
    bad = backups.back_up_if_due(demo_desk, datetime(2026, 11, 3, 9, 0))
    assert good is not None and bad is not None
    page = sqlite3.connect(bad).execute("PRAGMA page_size").fetchone()[0]
    _overwrite(bad, page * 3, 600)
    newest, older = backups.list_backups(demo_desk.path)
    assert not newest.good and older.good
    assert backups.latest_good(demo_desk.path) == older
    with pytest.raises(ValueError, match="damaged"):
        backups.restore(bad, bad.with_name("x.asbdesk"))


def test_backups_of_two_desks_of_the_same_name_are_kept_apart(
    demo_desk: Desk, desk: Desk, tmp_path: Path
) -> None:
    other_dir = tmp_path / "stick"
    other_dir.mkdir()
    shutil.copyfile(desk.path, other_dir / demo_desk.path.name)
    assert backups.folder_for(demo_desk.path) != backups.folder_for(other_dir / demo_desk.path.name)


_COPY_CHILD = """
import sys
from pathlib import Path
from asbdesk.desk import copy_database
target = Path(sys.argv[2])
try:
    copy_database(Path(sys.argv[1]), target)
except Exception as exc:
    print("failed", type(exc).__name__, exc)
print("left", sorted(p.name for p in target.parent.iterdir()))
"""


def test_a_copy_to_a_full_disk_leaves_nothing_half_written(demo_desk: Desk, tmp_path: Path) -> None:
    """Save a copy as…, backups and restores all copy with copy_database."""
    if not _unshare_works():
        pytest.skip("needs user namespaces to mount a small filesystem")
    small = tmp_path / "small"
    small.mkdir()
    mount = f"mount -t tmpfs -o size=64k tmpfs {small}"
    done = _in_namespace(_COPY_CHILD, mount, str(demo_desk.path), f"{small}/copy.asbdesk")
    assert done.returncode == 0, done.stderr
    assert "failed" in done.stdout and "full" in done.stdout, done.stdout
    assert "left []" in done.stdout


@pytest.mark.parametrize("name", ["Plan%41 2019.asbdesk", "What? #1 & more.asbdesk"])
def test_a_desk_whose_name_looks_like_a_url_opens_that_file_and_no_other(
    demo_desk: Desk, tmp_path: Path, name: str
) -> None:
    folder = tmp_path / "odd"
    folder.mkdir()
    path = folder / name
    shutil.copyfile(demo_desk.path, path)
    d = open_desk(path, lock=True)
    action = _some_action(d)
    _rename(d, action, "Saved in the right file")
    d.close()
    viewer = open_desk(path, read_only=True)
    assert _title(viewer, action) == "Saved in the right file"
    viewer.close()
    assert sorted(p.name for p in folder.iterdir() if not p.name.endswith(("-wal", "-shm"))) == [
        name
    ]


def test_a_backup_dated_in_the_future_does_not_stop_todays(demo_desk: Desk) -> None:
    """A laptop whose clock was wrong once must not go without backups, nor take one an hour."""
    assert backups.back_up_if_due(demo_desk, datetime(2027, 6, 1, 9, 0)) is not None
    today = datetime(2026, 11, 29, 9, 0)
    assert backups.back_up_if_due(demo_desk, today) is not None
    assert backups.back_up_if_due(demo_desk, today + timedelta(hours=1)) is None


def test_a_lock_that_cannot_be_written_whole_is_not_left_behind(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk while writing the lock: no empty lock keeps the team out."""
    path = desk.path
    desk.close()

    def full(_fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(DeskError, match="lock file beside it could not be written"):
        open_desk(path, lock=True)
    assert not lock_path(path).exists()
    monkeypatch.undo()
    open_desk(path, lock=True).close()


def test_a_read_only_desk_exports_a_copy_to_read_but_not_one_to_send_back(
    demo_desk: Desk, tmp_path: Path
) -> None:
    from asbdesk.xlsx_export import ExportError, ExportOptions, write_workbook

    path = demo_desk.path
    demo_desk.close()
    writer = open_desk(path, lock=True)
    viewer = open_desk(path, read_only=True)
    plan = plan_id(viewer, "Broxtowe")
    with pytest.raises(ExportError, match="open read-only"):
        write_workbook(viewer, ExportOptions(plan), tmp_path / "back.xlsx")
    assert not (tmp_path / "back.xlsx").exists()
    result = write_workbook(viewer, ExportOptions(plan, for_partners=False), tmp_path / "r.xlsx")
    assert result.path.exists() and result.actions == 16
    assert viewer.reader.execute("SELECT count(*) FROM partner_export").fetchone() == (0,)
    viewer.close()
    writer.close()


def test_the_command_line_refuses_to_write_to_a_desk_in_use_and_says_what_to_do(
    demo_desk: Desk, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from asbdesk.cli import main

    path = demo_desk.path
    demo_desk.close()
    writer = open_desk(path, lock=True)
    try:
        out = tmp_path / "plan.xlsx"
        assert (
            main(["export", str(path), "--format", "xlsx", "--plan", "broxtowe", "-o", str(out)])
            == 1
        )
        err = capsys.readouterr().err
        assert "open for editing by" in err and "once they have closed it" in err
        assert not out.exists()
        # A copy to read is not recorded, so it needs no lock.
        assert (
            main(
                [
                    "export",
                    str(path),
                    "--format",
                    "xlsx",
                    "--plan",
                    "broxtowe",
                    "--no-returns",
                    "-o",
                    str(out),
                ]
            )
            == 0
        )
        assert out.exists()
        assert main(["info", str(path)]) == 0  # reading is always fine
    finally:
        writer.close()


def test_a_lock_left_half_written_is_cleared_after_a_minute(desk: Desk) -> None:
    path = desk.path
    desk.close()
    lock_path(path).write_bytes(b"")  # its program stopped between making and writing it
    with pytest.raises(DeskInUseError, match="someone on an unknown computer"):
        open_desk(path, lock=True)  # it might be being written this moment
    past = time.time() - 61
    os.utime(lock_path(path), (past, past))
    open_desk(path, lock=True).close()
