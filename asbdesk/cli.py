"""The `asbdesk` command: the window by default, and commands that need no window.

    asbdesk [DESK]                 open the window (the last desk, or the demo desk)
    asbdesk --demo                 open the window on the demo desk
    asbdesk info DESK [--json]
    asbdesk export DESK --format json [-o FILE]
    asbdesk export DESK --format xlsx [--plan NAME] [--partner NAME] [--officer NAME]
                   [--status red,amber] [--no-returns] -o FILE.xlsx
    asbdesk takeback DESK FILE.xlsx [--apply] [--accept-all] [--author NAME]
    asbdesk report DESK [--plan NAME] [--period "Q3 2019/20"] [--portrait] -o FILE.pdf
    asbdesk report DESK --my-actions --officer NAME -o FILE.pdf
    asbdesk demo DESK
    asbdesk import FILE.xlsx --desk DESK [--sheet NAME] [--mapping FILE.json]
    asbdesk history DESK [--plan NAME] [--node REF] -o FILE.csv|FILE.xlsx

The commands never import Qt, so they run on a machine without a screen.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from asbdesk import __version__
from asbdesk.desk import (
    DESK_SUFFIX,
    Desk,
    DeskDamagedError,
    DeskError,
    DeskInUseError,
    open_desk,
)
from asbdesk.rag import Status
from asbdesk.words import count

COMMANDS = ("info", "export", "takeback", "report", "demo", "import", "history")


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


def find_plan(desk: Desk, name: str | None) -> int:
    """The plan whose title is `name` or holds it (any unique part, any case)."""
    plans = desk.reader.execute(
        "SELECT id, title FROM plan WHERE deleted_at IS NULL ORDER BY position, id"
    ).fetchall()
    if not plans:
        raise DeskError("The desk holds no plan.")
    if name is None:
        if len(plans) == 1:
            return int(plans[0][0])
        titles = "; ".join(f"'{t}'" for _i, t in plans)
        raise DeskError(f"The desk holds {len(plans)} plans; name one with --plan: {titles}.")
    wanted = name.casefold()
    exact = [pid for pid, t in plans if t.casefold() == wanted]
    found = exact or [pid for pid, t in plans if wanted in t.casefold()]
    if len(found) == 1:
        return int(found[0])
    if not found:
        raise DeskError(f"No plan's title holds '{name}'.")
    titles = "; ".join(f"'{t}'" for pid, t in plans if pid in found)
    raise DeskError(f"'{name}' is in {len(found)} plans' titles ({titles}); say more of one.")


def _statuses(text: str | None) -> frozenset[Status | None] | None:
    if not text:
        return None
    out: set[Status | None] = set()
    for word in text.split(","):
        w = word.strip().casefold().replace(" ", "_")
        if w in ("none", "not_set", "unset"):
            out.add(None)
            continue
        try:
            out.add(Status(w))
        except ValueError:
            raise DeskError(
                f"'{word.strip()}' is not a status: use {', '.join(s.value for s in Status)}"
                " or not_set."
            ) from None
    return frozenset(out)


def cmd_export(args: argparse.Namespace) -> int:
    if args.format == "xlsx":
        return _export_xlsx(args)
    if args.plan or args.partner or args.officer or args.status:
        raise DeskError("--plan, --partner, --officer and --status go with --format xlsx.")
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


def _export_xlsx(args: argparse.Namespace) -> int:
    from asbdesk.xlsx_export import ExportOptions, write_workbook

    if not args.output or args.output == "-":
        raise DeskError("An Excel export needs a file to write: -o FILE.xlsx.")
    # One for partners to fill in is recorded in the desk, for taking it back: a write,
    # so the lock. A copy to read (--no-returns) is not, and needs none.
    with open_desk(_existing_desk(args.desk), create=False, lock=not args.no_returns) as desk:
        options = ExportOptions(
            plan_id=find_plan(desk, args.plan),
            partner=args.partner or "",
            officer=args.officer or "",
            statuses=_statuses(args.status),
            for_partners=not args.no_returns,
        )
        result = write_workbook(desk, options, args.output)
    print(
        f"Wrote {result.path}: {count(result.rows, 'row')} ({count(result.actions, 'action')}),"
        f" {result.scope}."
    )
    for warning in result.warnings:
        print(f"  {warning}")
    return 0


def cmd_takeback(args: argparse.Namespace) -> int:
    from asbdesk.commands import run
    from asbdesk.periods import parse_target_date
    from asbdesk.takeback import TakeBack, read_review, summary

    with open_desk(_existing_desk(args.desk), create=False, lock=args.apply) as desk:
        review = read_review(desk, args.file)
        if args.date:
            review.on = parse_target_date(args.date)
        if args.accept_all:
            review.accept_all()
        for line in review.lines():
            print(line)
        if not args.apply:
            if review.accepted:
                print(f"Not applied ({summary(review)} ticked): run again with --apply.")
            return 0
        if not review.accepted:
            print("Nothing to apply.")
            return 0
        author = args.author or review.partner
        if not author:
            raise DeskError("Say whom the updates come from: --author NAME.")
        run(desk, TakeBack(review, author, review.on))
    print(f"Applied {summary(review)}, credited to {author}.")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from asbdesk.report import SECTIONS, ReportOptions, write_report

    sections = tuple(s.strip() for s in (args.sections or ",".join(SECTIONS)).split(","))
    unknown = [s for s in sections if s not in SECTIONS]
    if unknown:
        raise DeskError(f"No section {', '.join(unknown)}: choose from {', '.join(SECTIONS)}.")
    with open_desk(_existing_desk(args.desk), create=False) as desk:
        options = ReportOptions(
            plan_id=find_plan(desk, args.plan),
            period=args.period or "",
            partner=args.partner or "",
            officer=args.officer or "",
            statuses=_statuses(args.status),
            orientation="portrait" if args.portrait else "landscape",
            prepared_by=args.prepared_by or "",
            sections=sections,
            kind="actions" if args.my_actions else "committee",
        )
        result = write_report(desk, options, args.output)
    print(
        f"Wrote {result.path}: {count(result.pages, 'page')}, {count(result.actions, 'action')}"
        f", {count(len(result.exceptions), 'exception')} (red or amber)."
    )
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
    from asbdesk.audit import recording
    from asbdesk.xlsx_import import import_workbook, load_mapping

    mapping = load_mapping(args.mapping) if args.mapping else None
    source = Path(args.file).name
    with open_desk(args.desk, lock=True) as desk, recording("Import from Excel", source=source):
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


def find_node(desk: Desk, plan_id: int, ref: str) -> int:
    """The node of the plan with this ref. Refs such as "b)" repeat under each parent, so
    the refs above it may lead, "1.4 b)" (or "1.4/b)"). One deleted since is found too (its
    history is kept), when no live one has it."""
    wanted = ref.replace("/", " ").split()
    rows = desk.reader.execute(
        "SELECT id, parent_id, ref, title, deleted_at FROM node WHERE plan_id = ? "
        "ORDER BY deleted_at IS NOT NULL, id",
        (plan_id,),
    ).fetchall()
    by_id = {r[0]: r for r in rows}

    def path(row: tuple[Any, ...]) -> list[str]:
        refs: list[str] = []
        at: tuple[Any, ...] | None = row
        while at is not None:
            refs.insert(0, str(at[2] or ""))
            at = by_id.get(at[1])
        return refs

    exact = [r for r in rows if r[2] == ref.strip()]
    found = exact or [r for r in rows if wanted and path(r)[-len(wanted) :] == wanted]
    live = [r for r in found if r[4] is None] or found
    if not live:
        raise DeskError(f"No item of the plan has the ref '{ref}'.")
    if len(live) > 1:
        shown = "; ".join(f"'{' '.join(path(r))}' {r[3]}" for r in live[:6])
        more = f" and {len(live) - 6} more" if len(live) > 6 else ""
        raise DeskError(
            f"{len(live)} items have the ref '{ref}' ({shown}{more}). Give the refs above "
            f"it too, as in '{' '.join(path(live[0]))}'."
        )
    return int(live[0][0])


def cmd_history(args: argparse.Namespace) -> int:
    from asbdesk.history import desk_history, write_history

    with open_desk(_existing_desk(args.desk), create=False) as desk:
        plan_id = find_plan(desk, args.plan) if args.plan or args.node else None
        node_id = find_node(desk, plan_id, args.node) if args.node and plan_id else None
        entries = desk_history(desk.reader, plan_id, node_id)
    path = write_history(entries, args.output)
    print(f"Wrote {path}: {count(len(entries), 'change')}.")
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
    p.add_argument("--format", choices=["json", "xlsx"], required=True)
    p.add_argument("-o", "--output", help="file to write (JSON: standard output by default)")
    p.add_argument("--plan", help="xlsx: the plan, by its title or any unique part of it")
    p.add_argument("--partner", help="xlsx: only this partner's actions")
    p.add_argument("--officer", help="xlsx: only the actions this officer or team leads")
    p.add_argument("--status", help="xlsx: only actions of these statuses, e.g. red,amber")
    p.add_argument(
        "--no-returns",
        action="store_true",
        help="xlsx: a read-only copy, without the 'Your update' column and locked cells",
    )
    p.set_defaults(func=cmd_export)
    p = sub.add_parser("takeback", help="review (and apply) a workbook partners sent back")
    p.add_argument("desk")
    p.add_argument("file")
    p.add_argument("--apply", action="store_true", help="apply the ticked changes")
    p.add_argument(
        "--accept-all",
        action="store_true",
        help="tick every change, conflicts and edits to read-only cells included",
    )
    p.add_argument("--author", help="whom the updates come from (default: the export's partner)")
    p.add_argument("--date", help="the date the updates get (default: when the file was saved)")
    p.set_defaults(func=cmd_takeback)
    p = sub.add_parser("import", help="import a plan from an Excel workbook (.xlsx)")
    p.add_argument("file")
    p.add_argument("--desk", required=True, help="the desk to add the plan to (made if new)")
    p.add_argument("--sheet", help="the sheet holding the plan (default: the first with a header)")
    p.add_argument(
        "--mapping", help="a mapping saved from the import wizard, to read the sheet the same way"
    )
    p.set_defaults(func=cmd_import)
    p = sub.add_parser("report", help="a status report of a plan, as a PDF")
    p.add_argument("desk")
    p.add_argument("--plan", help="the plan, by its title or any unique part of it")
    p.add_argument(
        "--period", help='the reporting period shown, e.g. "Progress update – Q3 2019/20"'
    )
    p.add_argument("--partner", help="only this partner's actions")
    p.add_argument("--officer", help="only the actions this officer or team leads")
    p.add_argument("--status", help="only actions of these statuses, e.g. red,amber")
    p.add_argument("--portrait", action="store_true", help="A4 portrait (default: landscape)")
    p.add_argument("--prepared-by", help="the name on the cover")
    p.add_argument("--sections", help="only these sections, e.g. summary,exceptions (default: all)")
    p.add_argument(
        "--my-actions",
        action="store_true",
        help="a sheet of one officer's or partner's actions (with --officer or --partner)",
    )
    p.add_argument("-o", "--output", required=True, help="the PDF to write")
    p.set_defaults(func=cmd_report)
    p = sub.add_parser("history", help="the audit trail of changes, as CSV or Excel")
    p.add_argument("desk")
    p.add_argument("--plan", help="only this plan, by its title or any unique part of it")
    p.add_argument(
        "--node",
        help="only the item with this ref of the plan (1.3; with the refs above "
        "it where refs repeat: '1.4 b)')",
    )
    p.add_argument("-o", "--output", required=True, help="the file to write: FILE.csv or FILE.xlsx")
    p.set_defaults(func=cmd_history)
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
        except BrokenPipeError:
            # `asbdesk info DESK | head`: the reader has had enough, which is no error.
            # Python's recipe: point stdout at devnull so its final flush stays quiet.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 0
        except (DeskError, ValueError, OSError) as exc:
            hint = ""
            if isinstance(exc, DeskDamagedError):
                hint = " Open it in the asbdesk window to restore its latest backup."
            elif isinstance(exc, DeskInUseError):
                hint = " Run this again once they have closed it."
            print(f"asbdesk: {exc}{hint}", file=sys.stderr)
            return 1
    args = window_parser().parse_args(argv)
    from asbdesk.gui.app import run_window

    status: int = run_window(desk=Path(args.desk) if args.desk else None, demo=args.demo)
    return status


if __name__ == "__main__":
    sys.exit(main())
