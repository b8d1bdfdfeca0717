"""The `asbdesk` command: the window by default, and commands that need no window.

    asbdesk [DESK]                 open the window (the last desk, or the demo desk)
    asbdesk --demo                 open the window on the demo desk
    asbdesk info DESK [--json]
    asbdesk export DESK --format json [-o FILE]
    asbdesk demo DESK
    asbdesk import FILE.xlsx --desk DESK [--sheet NAME] [--mapping FILE.json]

The commands never import Qt, so they run on a machine without a screen.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from asbdesk import __version__
from asbdesk.desk import DESK_SUFFIX, DeskError, open_desk

COMMANDS = ("info", "export", "demo", "import")


def _existing_desk(path: str) -> Path:
    p = Path(path)
    if not p.exists():
        raise DeskError(f"There is no desk at {p}.")
    return p


def cmd_info(args: argparse.Namespace) -> int:
    from asbdesk.info import desk_info, format_info

    with open_desk(_existing_desk(args.desk), create=False) as desk:
        info = desk_info(desk)
    print(json.dumps(info, indent=2, ensure_ascii=False) if args.json else format_info(info))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from asbdesk.json_io import export_desk

    with open_desk(_existing_desk(args.desk), create=False) as desk:
        data = export_desk(desk)
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if args.output and args.output != "-":
        out = Path(args.output)
        if not out.parent.is_dir():
            raise DeskError(f"The folder {out.parent} does not exist; nothing was written.")
        tmp = out.with_name(out.name + ".part")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(out)  # a half-written export never takes the real name
        print(f"Wrote {out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from asbdesk.demo import write_demo
    from asbdesk.info import desk_info, format_info

    path = Path(args.desk)
    if not path.suffix:
        path = path.with_suffix(DESK_SUFFIX)  # so File ▸ Open desk lists it
    with write_demo(path) as desk:
        print(format_info(desk_info(desk)))
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from asbdesk.words import count
    from asbdesk.xlsx_import import import_workbook, load_mapping

    mapping = load_mapping(args.mapping) if args.mapping else None
    with open_desk(args.desk) as desk:
        result = import_workbook(desk, args.file, sheet=args.sheet, mapping=mapping)
    print(f"Imported '{result.title}' from the sheet '{result.sheet}' into {args.desk}:")
    print("  " + ", ".join(count(n, name.lower()) for name, n in result.counts.items()))
    for note in result.notes:
        print(f"  {note}")
    if result.warnings:
        print(f"{count(len(result.warnings), 'warning')}:")
        for warning in result.warnings:
            print(f"  {warning}")
    return 0


def command_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="asbdesk", description="asbdesk without a window.")
    parser.add_argument("--version", action="version", version=f"asbdesk {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("info", help="a desk's plans, node counts per level and RAG counts")
    p.add_argument("desk")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_info)
    p = sub.add_parser("export", help="write a desk as JSON")
    p.add_argument("desk")
    p.add_argument("--format", choices=["json"], required=True)
    p.add_argument("-o", "--output", help="file to write (default: standard output)")
    p.set_defaults(func=cmd_export)
    p = sub.add_parser("import", help="import a plan from an Excel workbook (.xlsx)")
    p.add_argument("file")
    p.add_argument("--desk", required=True, help="the desk to add the plan to (made if new)")
    p.add_argument("--sheet", help="the sheet holding the plan (default: the first with a header)")
    p.add_argument(
        "--mapping", help="a mapping saved from the import wizard, to read the sheet the same way"
    )
    p.set_defaults(func=cmd_import)
    p = sub.add_parser("demo", help="write the demo desk to a new file")
    p.add_argument("desk")
    p.set_defaults(func=cmd_demo)
    return parser


def window_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="asbdesk",
        description="Keep a council's anti-social behaviour action plan. "
        f"Commands without a window: {', '.join(COMMANDS)} (asbdesk COMMAND --help).",
    )
    parser.add_argument("--version", action="version", version=f"asbdesk {__version__}")
    parser.add_argument("desk", nargs="?", help="the desk file to open (default: the last one)")
    parser.add_argument("--demo", action="store_true", help="open the demo desk")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in COMMANDS:
        args = command_parser().parse_args(argv)
        try:
            result: int = args.func(args)
            return result
        except (DeskError, ValueError, OSError) as exc:
            print(f"asbdesk: {exc}", file=sys.stderr)
            return 1
    args = window_parser().parse_args(argv)
    from asbdesk.gui.app import run_window

    status: int = run_window(desk=Path(args.desk) if args.desk else None, demo=args.demo)
    return status


if __name__ == "__main__":
    sys.exit(main())
