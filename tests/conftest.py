"""Shared fixtures: a fresh desk per test, copied from templates migrated once per session."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

# Before anything imports Qt: tests never need a screen.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from asbdesk.demo import write_demo  # noqa: E402
from asbdesk.desk import Desk, open_desk  # noqa: E402

# The demo plans are dated 2019/20; tests pin "today" where RAG depends on it.
TODAY = date(2019, 11, 15)


@pytest.fixture(autouse=True)
def _isolated_settings(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keep the recent-desks list and default desks out of the tester's own profile."""
    base = tmp_path_factory.mktemp("profile")
    monkeypatch.setenv("ASBDESK_DATA_DIR", str(base / "data"))
    monkeypatch.setenv("ASBDESK_CONFIG_DIR", str(base / "config"))


@pytest.fixture(scope="session")
def _templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("templates")
    empty = root / "empty.asbdesk"
    open_desk(empty).close()
    demo = root / "demo.asbdesk"
    write_demo(demo).close()
    return {"empty": empty, "demo": demo}


def _copy(template: Path, target: Path) -> Path:
    shutil.copyfile(template, target)
    return target


@pytest.fixture
def desk(_templates: dict[str, Path], tmp_path: Path) -> Iterator[Desk]:
    """An empty, migrated desk of the test's own."""
    d = open_desk(_copy(_templates["empty"], tmp_path / "test.asbdesk"))
    yield d
    d.close()


@pytest.fixture
def demo_desk(_templates: dict[str, Path], tmp_path: Path) -> Iterator[Desk]:
    """The demo desk (Broxtowe 2019/20, Welwyn Hatfield 2019), the test's own copy."""
    d = open_desk(_copy(_templates["demo"], tmp_path / "demo.asbdesk"))
    yield d
    d.close()
