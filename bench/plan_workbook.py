"""Generates a large action-plan workbook for benchmarks, laid out as councils lay theirs
out (tests/data/welwyn-hatfield-2019.xlsx): a title, a colour key of filled swatches, then
per commitment a banner merged across the table and the header repeated below it, and one
row per objective with lettered actions "a) … b) …" in one cell, an outcome, lettered
progress notes, the accountable officer and a status told by the cell's fill.

    python bench/plan_workbook.py OUT.xlsx [--rows 20000]

Written in openpyxl's normal mode (write-only mode cannot merge cells), then its inline
strings moved into a shared-strings part, as Excel and LibreOffice save them.
"""

from __future__ import annotations

import argparse
import random
import re
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

HEADINGS = ["Objective", "Action", "Outcome", "Progress", "Accountable Officer", "Status"]
KEY = [
    ("FF0000", "Red – Progress or delivery well below target; serious intervention needed"),
    ("FFC000", "Amber - Progress or delivery up to (say) 20% below target; attention needed"),
    ("00B050", "Green - Progress on or ahead of schedule and on track to deliver as planned"),
    ("0070C0", "Blue – All actions completed"),
]
VERBS = "Finalise Draft Review Develop Train Promote Support Agree Publish Monitor Extend".split()
THINGS = [
    "the ASB policy",
    "a risk assessment for identifying need",
    "referral processes with the police",
    "the satisfaction survey on case closure",
    "mediation practice for neighbourhood staff",
    "the PSPO patrol rota",
    "information sharing with registered providers",
    "the community trigger procedure",
    "diversionary activity with the Community Safety Partnership",
    "case reviews at the JAG",
    "the noise app trial",
    "training on hate crime reporting",
]
PLACES = "Hatfield Welwyn Stapleford Beeston Kimberley Eastwood Panshanger Oldings".split()
OUTCOMES = [
    "A consistent approach to delivering the ASB service under a framework of good practice",
    "Harm and impact of ASB is measured regularly and interventions planned accordingly",
    "People have a range of ways to reach the service for a quicker response",
    "Low level disputes resolved before they escalate",
    "A co-ordinated response to ASB and better outcomes for victims",
]
PROGRESS = [
    "Workshop planned for {month} to devise the procedure",
    "Meetings held with providers; {n} cases reviewed",
    "Trial concluded in {place} and procedures being set up",
    "Survey completed but needs building into case closure",
    "Rota being developed with SNT for {place}",
]
OFFICERS = [
    "Neighbourhood and Enforcement Manager ASB Team",
    "ASB Team Leader ASB Team",
    "Community Safety Manager",
    "Environmental Protection Team Leader",
    "Housing Services Manager",
]
MONTHS = "January February March April May June July August September October".split()
BANNER_FILL = PatternFill("solid", fgColor="D9E1F2")
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
STATUS_FILLS = [PatternFill("solid", fgColor=rgb) for rgb, _ in KEY] + [None]
WRAP = Alignment(wrap_text=True, vertical="top")


def _lettered(items: list[str]) -> str:
    return "\n".join(f"{chr(ord('a') + i)}) {item}" for i, item in enumerate(items))


def make_plan_workbook(path: Path, rows: int = 20_000, objectives: int = 20, seed: int = 7) -> int:
    """Write the workbook; returns the number of objective rows."""
    rnd = random.Random(seed)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Action Plan"
    for letter, width in zip("ABCDEF", (30, 50, 40, 50, 28, 10), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet["A1"] = "Appendix B | Anti-Social Behaviour Strategy Action Plan 2024"
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A3"] = "Colour Key"
    for i, (rgb, words) in enumerate(KEY, start=4):
        sheet.cell(i, 1).fill = PatternFill("solid", fgColor=rgb)
        sheet.cell(i, 2, words)
    r, commitment, objective_rows = 9, 0, 0
    while r + 2 <= rows:
        commitment += 1
        sheet.cell(r, 1, f"Commitment {commitment} - {rnd.choice(OUTCOMES)}").fill = BANNER_FILL
        sheet.merge_cells(start_row=r, start_column=1, end_row=r, end_column=6)
        r += 1
        for c, heading in enumerate(HEADINGS, start=1):
            cell = sheet.cell(r, c, heading)
            cell.fill = HEADER_FILL
            cell.font = Font(bold=True, color="FFFFFF")
        r += 1
        for j in range(1, objectives + 1):
            if r > rows:
                break
            place = rnd.choice(PLACES)
            actions = [
                f"{rnd.choice(VERBS)} {rnd.choice(THINGS)} in {place}"
                for _ in range(rnd.randint(1, 4))
            ]
            notes = [
                rnd.choice(PROGRESS).format(
                    month=rnd.choice(MONTHS), n=rnd.randint(2, 40), place=place
                )
                for _ in actions
            ]
            values = [
                f"{commitment}.{j} {rnd.choice(VERBS)} {rnd.choice(THINGS)}",
                _lettered(actions),
                rnd.choice(OUTCOMES),
                _lettered(notes) if rnd.random() < 0.8 else None,
                rnd.choice(OFFICERS),
            ]
            for c, value in enumerate(values, start=1):
                cell = sheet.cell(r, c, value)
                cell.alignment = WRAP
            fill = rnd.choice(STATUS_FILLS)
            if fill is not None:
                sheet.cell(r, 6).fill = fill
            objective_rows += 1
            r += 1
    book.save(path)
    _share_strings(path)
    return objective_rows


_INLINE = re.compile(
    r'<c r="(?P<ref>[A-Z]+\d+)"(?P<style> s="\d+")? t="inlineStr"><is>'
    r"<t(?: xml:space=\"preserve\")?>(?P<text>.*?)</t></is></c>",
    re.DOTALL,
)
_SHEET = "xl/worksheets/sheet1.xml"
_SST = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_SST_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_SST_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def _share_strings(path: Path) -> None:
    """openpyxl writes each text into its cell; Excel keeps texts in xl/sharedStrings.xml
    and the cell holds an index, which is what councils' files look like to a reader."""
    with zipfile.ZipFile(path) as src:
        parts = {info.filename: src.read(info) for info in src.infolist()}
    index: dict[str, int] = {}
    count = 0

    def shared(m: re.Match[str]) -> str:
        nonlocal count
        count += 1
        n = index.setdefault(m["text"], len(index))
        return f'<c r="{m["ref"]}"{m["style"] or ""} t="s"><v>{n}</v></c>'

    parts[_SHEET] = _INLINE.sub(shared, parts[_SHEET].decode()).encode()
    items = "".join(f'<si><t xml:space="preserve">{text}</t></si>' for text in index)
    parts["xl/sharedStrings.xml"] = (
        f'<sst xmlns="{_SST}" count="{count}" uniqueCount="{len(index)}">{items}</sst>'
    ).encode()
    types = parts["[Content_Types].xml"].decode()
    parts["[Content_Types].xml"] = types.replace(
        "</Types>",
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_SST_TYPE}"/></Types>',
    ).encode()
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    parts["xl/_rels/workbook.xml.rels"] = rels.replace(
        "</Relationships>",
        f'<Relationship Id="rIdShared" Type="{_SST_REL}" Target="sharedStrings.xml"/>'
        "</Relationships>",
    ).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            out.writestr(name, data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--rows", type=int, default=20_000)
    args = parser.parse_args()
    count = make_plan_workbook(args.out, args.rows)
    print(f"{args.out}: {args.rows} rows, {count} objectives")


if __name__ == "__main__":
    main()
