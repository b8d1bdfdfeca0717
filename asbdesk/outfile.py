"""Writing a file the officer asked for (an export, a report) whole, or not at all.

The file is written beside its target as NAME.part and renamed over it when complete, so
a cancelled or failed write never leaves a half-written file under the real name.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def output_path(path: str | Path, suffix: str, error: type[Exception]) -> Path:
    """`path` with `suffix` added when it lacks it; `error` when its folder is missing."""
    path = Path(path)
    if path.suffix.lower() != suffix:
        path = path.with_name(path.name + suffix)
    if not path.parent.is_dir():
        raise error(f"The folder {path.parent} does not exist; nothing was written.")
    return path


@contextmanager
def written_whole(path: Path, error: type[Exception]) -> Iterator[Path]:
    """The `.part` path to write to; renamed to `path` when the block ends normally, removed
    when it does not. An `OSError` becomes `error`, naming the file."""
    part = path.with_name(path.name + ".part")
    try:
        yield part
        part.replace(path)
    except OSError as exc:
        part.unlink(missing_ok=True)
        raise error(f"{path.name} could not be written: {exc.strerror or exc}.") from exc
    except BaseException:
        part.unlink(missing_ok=True)
        raise
