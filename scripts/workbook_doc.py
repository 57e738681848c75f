"""Print the workbook's sheets and columns as the Markdown tables of docs/format.md, from the one
layout the template and the reader use (`models.workbook.layout`).

    python scripts/workbook_doc.py     # then paste between the markers in docs/format.md

tests/test_workbook.py checks that docs/format.md holds exactly this text.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from models.workbook.layout import DATA_SHEETS, SETTINGS, TOWNS, Sheet

BEGIN = "<!-- workbook columns: made by scripts/workbook_doc.py -->"
END = "<!-- end of workbook columns -->"


def sheet_table(sheet: Sheet) -> str:
    field = "setting" if sheet is SETTINGS else "field"
    lines = [f"**{sheet.zh} ({sheet.en})**: {sheet.purpose_en}.", "",
             f"| header | English | {field} | default | meaning |", "|---|---|---|---|---|"]
    for column in sheet.columns:
        default = column.default_text("en") or "required"
        meaning = column.meaning_en.replace("|", "/")
        lines.append(f"| {column.zh} | {column.en} | `{column.field}` | {default} | {meaning} |")
    if sheet is TOWNS:
        lines.append("| *(each audience's name)* | | `teachers` | 0 | the town's teachers of "
                     "that audience |")
    return "\n".join(lines)


def workbook_doc() -> str:
    tables = [sheet_table(sheet) for sheet in (*DATA_SHEETS, SETTINGS)]
    return "\n\n".join([BEGIN, *tables, END])


if __name__ == "__main__":
    print(workbook_doc())
