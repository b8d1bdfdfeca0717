"""The app as it goes to a council laptop: build.spec builds it with PyInstaller, and the
built program, run from its own folder, writes the demo desk (running every migration),
writes a committee report from it as a PDF, and opens its window on it.

Building takes about a minute on the 2-core CI machine. It runs in every test run, CI's
included; outside CI, ASBDESK_SKIP_PACKAGING=1 leaves it out.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader

from asbdesk.gui.about_dialog import LIBRARIES

ROOT = Path(__file__).resolve().parent.parent
BUILD_TIMEOUT = 900  # seconds; about 60 here
RUN_TIMEOUT = 120

pytestmark = [
    pytest.mark.packaging,
    pytest.mark.skipif(
        os.environ.get("ASBDESK_SKIP_PACKAGING") == "1" and not os.environ.get("CI"),
        reason="ASBDESK_SKIP_PACKAGING=1 (never skipped in CI)",
    ),
]


@dataclass(frozen=True)
class Built:
    folder: Path  # dist/asbdesk
    program: Path  # dist/asbdesk/asbdesk(.exe)
    scratch: Path  # desks, reports and the app's settings go here


def _text(output: str | bytes | None) -> str:
    """What a process printed; a timed-out one's output may come as bytes."""
    return output.decode(errors="replace") if isinstance(output, bytes) else output or ""


def _tail(text: str, lines: int = 120) -> str:
    return "\n".join(text.splitlines()[-lines:])


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    base = tmp_path_factory.mktemp("packaging")
    dist, work = base / "dist", base / "build"
    command = [sys.executable, "-m", "PyInstaller", str(ROOT / "build.spec"), "--noconfirm"]
    command += ["--distpath", str(dist), "--workpath", str(work)]
    try:
        result = subprocess.run(
            command, cwd=ROOT, capture_output=True, text=True, timeout=BUILD_TIMEOUT
        )
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"PyInstaller took over {BUILD_TIMEOUT} s:\n{_tail(_text(exc.stderr))}")
    if result.returncode != 0:
        pytest.fail(f"PyInstaller failed ({result.returncode}):\n{_tail(result.stderr)}")
    folder = dist / "asbdesk"
    program = folder / ("asbdesk-cli.exe" if sys.platform == "win32" else "asbdesk")
    assert program.is_file(), f"no {program.name} in {folder}"
    scratch = base / "scratch"
    scratch.mkdir()
    yield Built(folder, program, scratch)


def _run(built: Built, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """The built program, run from outside the checkout with a profile of its own."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    environ.update(
        ASBDESK_DATA_DIR=str(built.scratch / "data"),
        ASBDESK_CONFIG_DIR=str(built.scratch / "config"),
        **env,
    )
    try:
        return subprocess.run(
            [str(built.program), *args],
            cwd=built.scratch,
            env=environ,
            capture_output=True,
            text=True,
            timeout=RUN_TIMEOUT,
        )
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"asbdesk {' '.join(args)} ran over {RUN_TIMEOUT} s:\n{_text(exc.stderr)}")


def _said(result: subprocess.CompletedProcess[str]) -> str:
    return f"exit {result.returncode}\n--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"


@pytest.fixture(scope="module")
def demo(built: Built) -> Path:
    """`asbdesk demo`: a new desk, made by running every migration in db/versions."""
    path = built.scratch / "demo.asbdesk"
    result = _run(built, "demo", str(path))
    assert result.returncode == 0, _said(result)
    assert "Broxtowe Borough Council" in result.stdout, _said(result)
    assert "Welwyn Hatfield" in result.stdout, _said(result)
    assert path.is_file()
    return path


def test_the_app_folder_holds_what_asbdesk_reads_from_files(built: Built) -> None:
    inside = built.folder / "_internal"
    for folder in ("ui", "resources", "db"):
        for source in (ROOT / folder).rglob("*"):
            if source.is_file() and "__pycache__" not in source.parts:
                relative = source.relative_to(ROOT)
                assert (inside / relative).is_file(), f"{relative} is missing from the app"
    assert (inside / "reportlab" / "fonts" / "Vera.ttf").is_file()  # the report's typeface
    # Help ▸ About reads each library's version from its package metadata.
    names = {p.name.split("-")[0].casefold() for p in inside.glob("*.dist-info")}
    for lib in LIBRARIES:
        if lib.dist:
            assert lib.dist.casefold() in names, f"no metadata for {lib.dist}"
    # What only the tests use stays out.
    for unwanted in ("pytest", "_pytest", "hypothesis", "mypy", "tkinter", "PyInstaller"):
        assert not (inside / unwanted).exists(), f"{unwanted} was bundled"
    dangling = [p for p in inside.rglob("*") if p.is_symlink() and not p.exists()]
    assert dangling == []


def test_the_built_app_writes_the_demo_desk(demo: Path) -> None:
    assert demo.stat().st_size > 0


def test_the_built_app_writes_a_committee_report(built: Built, demo: Path) -> None:
    pdf = built.scratch / "r.pdf"
    result = _run(built, "report", str(demo), "--plan", "broxtowe", "-o", str(pdf))
    assert result.returncode == 0, _said(result)
    reader = PdfReader(pdf)
    assert len(reader.pages) > 1
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Broxtowe" in text


def test_the_built_app_opens_its_window_on_the_desk(built: Built, demo: Path) -> None:
    result = _run(built, str(demo), QT_QPA_PLATFORM="offscreen", ASBDESK_BENCH_FIRST_PAINT="1")
    assert result.returncode == 0, _said(result)
    assert "first-paint" in result.stdout, _said(result)
    assert "Traceback" not in result.stderr, _said(result)
    assert "[PYI-" not in result.stderr, _said(result)  # the bootloader's own errors
