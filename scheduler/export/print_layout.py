"""How a table is laid out on paper: its text measured and broken into lines where a Chinese
reader expects, its columns as wide as their lines, and its pages broken between months.

A spreadsheet program wraps a cell's Chinese text between any two characters: a closing bracket
may land on a line of its own, a date may be cut in two ("4月7日—4月" / "8日"). So the print
tables break their lines themselves, and every column is made wide enough for its longest line,
measured generously, so that no program wraps a line again.
"""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
from collections.abc import Hashable, Sequence

# A character a CJK font draws a full em wide: the wide and full-width ones, and the ambiguous
# ones (the dash of a date span, curly quotes), which Chinese fonts draw wide too.
WIDE = ("W", "F", "A")
# Excel draws a hanzi a little wider than two of its width units (15 pixels against 7 a unit):
# columns get this much more than their text measures, and two units for the cell's margins.
WIDTH_SLACK = 1.1
CELL_MARGIN = 2

# Units that no line may begin with (closing punctuation) or end with (opening punctuation),
# and the characters after which a line had best be broken: list separators and spaces.
CLOSING = frozenset("）」』】》〉、，。；：！？”’)]},.;:!?%")
OPENING = frozenset("（「『【《〈“‘([{")
SEPARATORS = frozenset("、，；,; ")
# Never broken inside: a date or span of dates as the tables write them, a number or a word.
_UNIT = re.compile(r"\d{1,2}月\d{1,2}日(?:—\d{1,2}月\d{1,2}日)?|[0-9A-Za-z][0-9A-Za-z.+/-]*|.")

# The printed page: A4 landscape (in points) and its margins (in inches, as the sheets set them).
SIDE_MARGIN, TOP_MARGIN = 0.4, 0.6
PRINTABLE_WIDTH = 841.9 - 2 * SIDE_MARGIN * 72
PRINTABLE_HEIGHT = 595.3 - 2 * TOP_MARGIN * 72
# A width unit in points as Excel prints it (7 pixels with its default font). LibreOffice
# takes a unit wider, so it shrinks the table more and fits more rows on a page than counted
# here: a page break placed by this count comes no later than either program's own.
UNIT_POINTS = 7 * 0.75
PAGE_SLACK = 0.95  # rounding in the programs' scaling
# A month is moved whole to the next page when no more of this one than this is left empty.
KEEP_TOGETHER = 1 / 3


def text_width(text: str) -> int:
    """Width in Excel's character units: a hanzi (or other wide character) counts two."""
    return sum(2 if unicodedata.east_asian_width(char) in WIDE else 1 for char in text)


def column_width(text_units: int) -> int:
    """The width to give a column whose longest line measures `text_units`."""
    return math.ceil(text_units * WIDTH_SLACK) + CELL_MARGIN


def wrap(text: str, width: int) -> str:
    """The text with its lines broken to at most `width` units each, never inside a date, a
    number or a word, never before a closing bracket or separator nor after an opening one; a
    line is broken after a separator (、；，) or before a bracket when that leaves it at least
    a third full. A line broken in k is broken as evenly as k lines allow, so that no word is
    left alone on the last. Lines already in the text stay as they are."""
    return "\n".join(part.rstrip() for line in text.split("\n")
                     for part in _balanced(line, width))


def _balanced(line: str, width: int) -> list[str]:
    """The line broken into as few lines as at `width`, each as short as that allows without
    breaking at fewer separators or brackets."""
    lines = _wrap_line(line, width)
    if len(lines) == 1:
        return lines
    for narrower in range(math.ceil(text_width(line) / len(lines)), width):
        even = _wrap_line(line, narrower)
        if len(even) == len(lines) and _good_breaks(even) >= _good_breaks(lines):
            return even
    return lines


def _good_breaks(lines: list[str]) -> int:
    """How many of the breaks between `lines` fall after a separator or before a bracket."""
    return sum(before[-1:] in SEPARATORS or after[:1] in OPENING
               for before, after in itertools.pairwise(lines))


def _wrap_line(line: str, width: int) -> list[str]:
    lines: list[str] = []
    current: list[str] = []
    for unit in _units(line):
        while current and text_width("".join(current) + unit.rstrip()) > width:
            cut = _best_cut(current, unit, width)
            lines.append("".join(current[:cut]))
            current = current[cut:]
            while current and current[0].isspace():
                current.pop(0)
        if current or not unit.isspace():
            current.append(unit)
    if current or not lines:
        lines.append("".join(current))
    return lines


def _units(line: str) -> list[str]:
    """The line cut where it may be broken: a closing mark joins the unit before it, an opening
    mark the unit after it."""
    units: list[str] = []
    opening = ""
    for unit in _UNIT.findall(line):
        if unit in OPENING:
            opening += unit
        elif unit in CLOSING and units and not opening:
            units[-1] += unit
        else:
            units.append(opening + unit)
            opening = ""
    if opening:
        units.append(opening)
    return units


def _best_cut(units: list[str], following: str, width: int) -> int:
    """Where to end the line made of `units` (`following` comes next): after its last
    separator or before its last opening bracket if the line keeps a third of its width, else
    after its last unit."""
    for cut in range(len(units), 0, -1):
        if text_width("".join(units[:cut])) * 3 < width:
            break
        after = units[cut] if cut < len(units) else following
        if units[cut - 1][-1] in SEPARATORS or after[0] in OPENING:
            return cut
    return len(units)


def lay_out_columns(headers: Sequence[str], rows: Sequence[Sequence[object]],
                    most: Sequence[int | None]) -> tuple[list[list[object]], list[int]]:
    """The rows with their text wrapped, and the column widths: each column as wide as its
    longest line and header, its text wrapped to `most` units where it has a limit (None: as
    wide as its text)."""
    wrapped: list[list[object]] = [list(row) for row in rows]
    widths = []
    for index, (header, limit) in enumerate(zip(headers, most, strict=True)):
        longest = max([text_width(_text(row[index])) for row in rows] + [text_width(header)])
        target = longest if limit is None else min(limit, longest)
        for row in wrapped:
            value = row[index]
            if isinstance(value, str):
                row[index] = wrap(value, target)
        lines = [line for row in wrapped for line in _text(row[index]).split("\n")]
        widths.append(column_width(max([text_width(line) for line in lines] + [
            min(text_width(header), target)])))
    return wrapped, widths


def _text(value: object) -> str:
    return "" if value is None else str(value)


def page_starts(heights: Sequence[float], groups: Sequence[Hashable], first_page: float,
                page: float, keep_together: float = KEEP_TOGETHER) -> list[int]:
    """The rows (indices into `heights`, in points) that begin a new page. A group of rows
    (consecutive rows of equal `groups`) that does not fit the rest of a page begins the next
    one if it fits a page and at most `keep_together` of this one is left (a third by
    default; 0: every page is filled); else it fills this page and goes on on the next.
    `first_page` and `page` are the heights the rows may take on the first page and on every
    other."""
    starts: list[int] = []
    room, used = first_page, False
    index = 0
    while index < len(heights):
        end = index
        while end < len(heights) and groups[end] == groups[index]:
            end += 1
        need = sum(heights[index:end])
        if used and room < need <= page and room <= page * keep_together:
            starts.append(index)
            room, used = page, False
        for row in range(index, end):
            if used and heights[row] > room:
                starts.append(row)
                room, used = page, False
            room -= heights[row]
            used = True
        index = end
    return starts


def print_scale(widths: Sequence[float]) -> float:
    """The most the table may be scaled to print one page wide (at most 1)."""
    return min(1.0, PRINTABLE_WIDTH / (sum(widths) * UNIT_POINTS))


def rows_room(widths: Sequence[float]) -> float:
    """The height, in the sheet's points, that the rows of one printed page may take."""
    return PRINTABLE_HEIGHT * PAGE_SLACK / print_scale(widths)
