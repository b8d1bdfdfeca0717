"""Tests for asbdesk.desk: opening, creating, refusing and migrating desk files."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from asbdesk.desk import (
    Desk,
    DeskError,
    DeskTooNewError,
    NotADeskError,
    _backup_copy,
    head_revision,
    open_desk,
)
from asbdesk.json_io import export_desk
from asbdesk.models import Base, Plan


def _sqlite(path: Path, *sql: str) -> None:
    con = sqlite3.connect(path)
    try:
        for statement in sql:
            con.execute(statement)
        con.commit()
    finally:
        con.close()


def _plans_without_stamp(desk: Desk) -> list[dict[str, object]]:
    plans: list[dict[str, object]] = export_desk(desk)["plans"]
    return plans


# ---------------------------------------------------------------------------------------
# A new desk


def test_open_desk_on_a_new_path_creates_a_migrated_desk(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "folder" / "My plans.asbdesk"
    with open_desk(path) as desk:
        assert path.is_file()
        assert desk.path == path.resolve()
        with desk.session() as s:
            version = s.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
            assert version == [head_revision()]
            assert s.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert s.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert s.scalar(select(func.count()).select_from(Plan)) == 0


def test_a_new_desk_is_empty_and_exports_no_plans(desk: Desk) -> None:
    data = export_desk(desk)
    assert data["format"] == "asbdesk-desk"
    assert data["plans"] == []


def test_the_migrated_schema_matches_the_models(desk: Desk) -> None:
    with desk.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diffs == []


def test_foreign_keys_are_enforced(desk: Desk) -> None:
    with pytest.raises(IntegrityError, match="FOREIGN KEY"):
        with desk.transaction() as s:
            s.execute(
                text(
                    "INSERT INTO milestone (node_id, position, text, uuid, created_at, "
                    "created_by, updated_at, updated_by) VALUES "
                    "(12345, 0, 'x', 'u', '2019-01-01', 'me', '2019-01-01', 'me')"
                )
            )


def test_reopening_a_current_desk_keeps_its_plans_and_takes_no_copy(
    demo_desk: Desk, tmp_path: Path
) -> None:
    before = _plans_without_stamp(demo_desk)
    path = demo_desk.path
    demo_desk.close()
    with open_desk(path, create=False) as again:
        assert _plans_without_stamp(again) == before
    assert [p.name for p in tmp_path.iterdir() if "before-migration" in p.name] == []


def test_a_failed_transaction_writes_nothing(demo_desk: Desk) -> None:
    before = _plans_without_stamp(demo_desk)
    with pytest.raises(RuntimeError):
        with demo_desk.transaction() as s:
            plan = s.scalars(select(Plan)).first()
            assert plan is not None
            plan.title = "Half-done edit"
            s.flush()
            raise RuntimeError("power cut")
    assert _plans_without_stamp(demo_desk) == before


# ---------------------------------------------------------------------------------------
# Files that are not desks, or not for this asbdesk


def test_missing_desk_without_create_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.asbdesk"
    with pytest.raises(DeskError, match="There is no desk"):
        open_desk(path, create=False)
    assert not path.exists()


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DeskError, match="is a folder"):
        open_desk(tmp_path)


def test_a_desk_from_a_newer_asbdesk_is_refused_and_left_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "newer.asbdesk"
    open_desk(path).close()
    _sqlite(path, "UPDATE alembic_version SET version_num = '9999'")
    before = path.read_bytes()
    with pytest.raises(DeskTooNewError, match="newer version") as err:
        open_desk(path)
    assert "9999" in str(err.value)
    assert path.read_bytes() == before
    # No copy taken, no WAL file left behind.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["newer.asbdesk"]


@pytest.mark.parametrize(
    "content",
    [
        b"Action plan notes\nSee the spreadsheet.\n",
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
        b"hi",
    ],
    ids=["text", "pdf", "short"],
)
def test_a_file_that_is_not_a_database_is_refused_and_left_unchanged(
    tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "plan.asbdesk"
    path.write_bytes(content)
    with pytest.raises(NotADeskError, match="not an asbdesk desk"):
        open_desk(path)
    assert path.read_bytes() == content
    assert [p.name for p in tmp_path.iterdir()] == ["plan.asbdesk"]


def _other_database(path: Path) -> None:
    _sqlite(
        path,
        "CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT)",
        "INSERT INTO contacts (name) VALUES ('PCSO Smith')",
    )


def test_a_database_of_another_program_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "contacts.db"
    _other_database(path)
    with pytest.raises(NotADeskError, match="is a database, but not an asbdesk desk"):
        open_desk(path)
    con = sqlite3.connect(path)
    try:
        assert con.execute("SELECT name FROM contacts").fetchall() == [("PCSO Smith",)]
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master")}
    finally:
        con.close()
    assert "alembic_version" not in tables and "plan" not in tables


def test_a_database_of_another_program_is_left_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "contacts.db"
    _other_database(path)
    before = path.read_bytes()
    with pytest.raises(NotADeskError):
        open_desk(path)
    assert path.read_bytes() == before


# ---------------------------------------------------------------------------------------
# The copy taken before a migration


def test_backup_copy_is_a_readable_desk_with_the_same_plans(
    demo_desk: Desk, tmp_path: Path
) -> None:
    before = _plans_without_stamp(demo_desk)
    original_bytes = demo_desk.path.read_bytes()
    copy = _backup_copy(demo_desk.path, "0001")
    assert copy.parent == demo_desk.path.parent
    assert copy.name.startswith("demo.before-migration-0001-")
    assert copy.suffix == ".asbdesk"
    assert demo_desk.path.read_bytes() == original_bytes
    with open_desk(copy, create=False) as restored:
        assert _plans_without_stamp(restored) == before
    assert len(before) == 2


def test_backup_copy_of_an_unversioned_file_is_named_none(desk: Desk) -> None:
    copy = _backup_copy(desk.path, None)
    assert ".before-migration-none-" in copy.name
    con = sqlite3.connect(copy)
    try:
        versions = con.execute("SELECT version_num FROM alembic_version").fetchall()
    finally:
        con.close()
    assert versions == [(head_revision(),)]


# ---------------------------------------------------------------------------------------
# No Qt outside asbdesk.gui

_NO_QT_SCRIPT = textwrap.dedent(
    """
    import importlib, json, pkgutil, sys
    import asbdesk

    imported = []

    def walk(path, prefix):
        for m in pkgutil.iter_modules(path, prefix):
            # asbdesk.gui may use Qt; asbdesk.__main__ would start the window.
            if m.name in ("asbdesk.gui", "asbdesk.__main__"):
                continue
            module = importlib.import_module(m.name)
            imported.append(m.name)
            if m.ispkg:
                walk(module.__path__, m.name + ".")

    walk(asbdesk.__path__, "asbdesk.")
    from asbdesk.cli import main

    code = main(["info", sys.argv[1]])
    qt = sorted(name for name in sys.modules if name.split(".")[0] == "PySide6")
    print(json.dumps({"imported": imported, "code": code, "qt": qt}))
    """
)


def test_nothing_outside_gui_imports_pyside6(demo_desk: Desk) -> None:
    result = subprocess.run(
        [sys.executable, "-c", _NO_QT_SCRIPT, str(demo_desk.path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert any(line.startswith("Plans: 2") for line in lines)  # `info` really ran
    report = json.loads(lines[-1])
    assert report["code"] == 0
    assert {
        "asbdesk.cli",
        "asbdesk.commands",
        "asbdesk.desk",
        "asbdesk.json_io",
        "asbdesk.plan_tree",
        "asbdesk.rag",
        "asbdesk.tree",
    } <= set(report["imported"])
    assert report["qt"] == []


def test_the_program_knows_every_migration_in_db_versions() -> None:
    """Opening reads the revision without Alembic, so its list must match db/versions."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from asbdesk import paths
    from asbdesk.desk import KNOWN_REVISIONS, SCHEMA_HEAD

    cfg = Config()
    cfg.set_main_option("script_location", str(paths.db_dir()))
    script = ScriptDirectory.from_config(cfg)
    in_order = [rev.revision for rev in reversed(list(script.walk_revisions()))]
    assert list(KNOWN_REVISIONS) == in_order
    assert SCHEMA_HEAD == script.get_current_head() == head_revision()


def test_save_a_copy_holds_the_same_plans_and_refuses_the_desk_itself(demo_desk, tmp_path):
    from asbdesk.desk import copy_database
    from asbdesk.info import desk_info

    target = tmp_path / "copy.asbdesk"
    copy_database(demo_desk.path, target)
    with open_desk(target, create=False) as copy:
        assert desk_info(copy)["plans"] == desk_info(demo_desk)["plans"]
    assert not (tmp_path / "copy.asbdesk.part").exists()
    with pytest.raises(ValueError, match="different file"):
        copy_database(demo_desk.path, demo_desk.path)


def test_migrations_run_with_foreign_keys_off_and_are_checked(tmp_path, monkeypatch):
    """A batch migration drops and rebuilds tables; with foreign keys on, the drop would
    cascade and empty the desk. So they are off while migrating, and checked after."""
    from alembic import command

    real_upgrade = command.upgrade
    seen: list[int] = []

    def upgrade(cfg, revision):
        conn = cfg.attributes["connection"]
        seen.append(conn.exec_driver_sql("PRAGMA foreign_keys").scalar())
        real_upgrade(cfg, revision)

    monkeypatch.setattr(command, "upgrade", upgrade)
    with open_desk(tmp_path / "new.asbdesk") as desk:
        with desk.engine.connect() as conn:  # and on again for the desk's own work
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    assert seen == [0]


def test_a_migration_that_would_break_links_is_refused_and_rolled_back(tmp_path, monkeypatch):
    from alembic import command

    from asbdesk.desk import DeskError

    def upgrade(cfg, revision):
        conn = cfg.attributes["connection"]
        conn.exec_driver_sql("CREATE TABLE parent (id INTEGER PRIMARY KEY)")
        conn.exec_driver_sql(
            "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent(id))"
        )
        conn.exec_driver_sql("INSERT INTO child (id, parent_id) VALUES (1, 99)")

    monkeypatch.setattr(command, "upgrade", upgrade)
    target = tmp_path / "new.asbdesk"
    with pytest.raises(DeskError, match="broken links"):
        open_desk(target)
    con = sqlite3.connect(target)
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    con.close()
    assert "child" not in tables  # nothing of the failed migration was kept


# One desk per earlier schema, written by the program of that time (tests/data/desks).
SAMPLE_DESKS = Path(__file__).parent / "data" / "desks"


# What each sample holds that a later schema must keep: (table, rows) beyond the plans.
SAMPLE_EXTRAS = {
    "0001": {},
    "0002": {"partner_export": 1},  # and one internal update
    # The demo desk of its time: field sessions (with officers and partners), the risk
    # register (with mitigating actions), a partner export, an internal update, two extra
    # fields (one internal).
    "0003": {
        "partner_export": 1,
        "field_session": 23,
        "session_officer": 23,
        "session_partner": 22,
        "risk": 5,
        "risk_node": 7,
        "extra_field": 2,
    },
}


def _every_row(con: sqlite3.Connection) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, each with the columns it had in the sample."""
    tables = [
        r[0]
        for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'alembic_version'"
        )
    ]
    out = {}
    for table in tables:
        columns = ", ".join(f'"{c[1]}"' for c in con.execute(f'PRAGMA table_info("{table}")'))
        out[table] = con.execute(f'SELECT {columns} FROM "{table}" ORDER BY rowid').fetchall()
    return out


@pytest.mark.parametrize("revision", ["0001", "0002", "0003"])
def test_a_desk_from_an_earlier_schema_opens_with_all_its_data(tmp_path, revision):
    import sqlite3

    from asbdesk.desk import KNOWN_REVISIONS
    from asbdesk.info import desk_info

    sample = tmp_path / "old.asbdesk"
    sample.write_bytes((SAMPLE_DESKS / f"schema-{revision}.asbdesk").read_bytes())
    con = sqlite3.connect(sample)
    assert con.execute("SELECT version_num FROM alembic_version").fetchone() == (revision,)
    tables = ("plan", "node", "progress_update", "extra_field", "milestone", "indicator")
    before = {
        t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        for t in (*tables, *SAMPLE_EXTRAS[revision])
    }
    internal_before = (
        con.execute("SELECT count(*) FROM progress_update WHERE internal").fetchone()[0]
        if revision >= "0002"
        else 0
    )
    rows_before = _every_row(con)
    con.close()
    assert before["node"] > 0 and before["progress_update"] > 0
    for table, rows in SAMPLE_EXTRAS[revision].items():
        assert before[table] == rows, table

    with open_desk(sample, create=False) as desk:
        info = desk_info(desk)
        con = desk.reader
        after = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in before}
        internal = con.execute("SELECT count(*) FROM progress_update WHERE internal").fetchone()
        version = con.execute("SELECT version_num FROM alembic_version").fetchone()
        # Every row of the sample, every column it had, is still there, as it was.
        rows_after = _every_row(con)
        for table, rows in rows_before.items():
            width = len(rows[0]) if rows else 0
            assert [r[:width] for r in rows_after[table]] == rows, table
        # Tables added since start empty: nothing of the sample's past was recorded.
        new_tables = set(rows_after) - set(rows_before)
        assert new_tables and all(rows_after[t] == [] for t in new_tables), new_tables
        assert "audit_entry" in new_tables
    assert after == before
    assert version == (KNOWN_REVISIONS[-1],)
    assert internal == (internal_before,)  # nothing was internal before the flag existed
    assert [p["title"][:9] for p in info["plans"]] == ["Broxtowe ", "Welwyn Ha"]
    assert any(p.name.startswith(f"old.before-migration-{revision}-") for p in tmp_path.iterdir())


def test_every_earlier_schema_has_a_sample_desk():
    from asbdesk.desk import KNOWN_REVISIONS

    samples = sorted(p.stem.removeprefix("schema-") for p in SAMPLE_DESKS.glob("*.asbdesk"))
    assert samples == list(KNOWN_REVISIONS[:-1]) == sorted(SAMPLE_EXTRAS)
