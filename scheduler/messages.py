"""What the command line says, in the planner's language, and text laid out by display width.

`say(key, lang, **values)` gives one message of `MESSAGES` in English or Chinese; `language()`
is the language a command speaks when not told (the locale's: Chinese when LC_ALL, LC_MESSAGES
or LANG starts with "zh"). A terminal shows a Chinese character two columns wide, so tables
pad by `display_width`, not by len().
"""

from __future__ import annotations

import unicodedata


def display_width(text: str) -> int:
    """Columns `text` takes in a terminal: two for a wide (CJK) character, one for others."""
    return sum(2 if unicodedata.east_asian_width(character) in "WF" else 1
               for character in text)


def pad(text: str, width: int, align: str = "<") -> str:
    """`text` filled with spaces to `width` columns, on the right ("<") or the left (">")."""
    fill = " " * max(width - display_width(text), 0)
    return text + fill if align == "<" else fill + text
