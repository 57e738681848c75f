"""The planner's words for the instance's values, and reading values as a bureau writes them.

A JSON instance may give an enum value in Chinese (`"mode": "线下集中"`), and a workbook cell
may say months as "3-12月", "7—8月", "4月" or "全年", a headcount as "全员" or "约120人", a
priority as "必须". Each reader here takes one value and returns the instance's own value, or
raises `WordError` with the problem in Chinese and in English.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

MODES = {"offline": "线下集中", "blended": "混合式", "online": "线上研修", "offsite": "外出研修"}
"""Each mode's word, as the template's drop-down offers it."""
MODE_ALIASES = {
    "集中": "offline", "集中培训": "offline", "线下": "offline", "面授": "offline",
    "混合": "blended", "线上线下混合": "blended", "线上线下": "blended",
    "线上": "online", "网络": "online", "网络研修": "online", "在线": "online",
    "外出": "offsite", "访学": "offsite", "跟岗": "offsite", "跟岗研修": "offsite",
}
"""Other words a planner writes for a mode, read but never written."""
HOLIDAY_RULES = {"required": "假期内", "forbidden": "假期外", "allowed": "不限"}
VENUE_RURAL = {"required": "必须农村", "preferred": "优先农村"}
DELIVERY = {"central": "集中到场", "to_area": "送教到片区"}
DELIVERY_ALIASES = {"送教下乡": "to_area", "送培下乡": "to_area", "送教": "to_area",
                    "施训到校": "to_area", "集中": "central"}
PUBLIC_HOLIDAYS_CN = "国家规定"
"""The words for `calendar.public_holidays: "CN"`: the statutory holidays built in."""
MANDATORY = "必须"
ALL_TEACHERS = "全员"
ALL_YEAR = "全年"
YES, NO = "是", "否"

_DASHES = "-－—–~～至到"
_MONTH_PART = re.compile(rf"^(\d{{1,2}})\s*(?:月)?\s*(?:[{_DASHES}]+\s*(\d{{1,2}})\s*月?)?$")
_NUMBER = re.compile(r"^(?:约|共|计)?\s*(\d+)\s*(?:人|名)?(?:左右)?$")


class WordError(ValueError):
    """A value the planner wrote that is not one of its kind: `zh` and `en` say why."""

    def __init__(self, zh: str, en: str):
        super().__init__(en)
        self.zh = zh
        self.en = en


def _shown(value: Any) -> str:
    return f'"{value}"' if isinstance(value, str) else str(value)


MAX_DIGITS = 15
"""The most digits of a whole number read: more is no count, day or weight of a plan (and
int() of many thousand digits takes seconds, or refuses)."""


def decimal(text: str) -> int | None:
    """The whole number `text` writes in decimal digits, None for anything else. Full-width
    digits (１２) are digits to int(), as every decimal digit is; a superscript ² or a circled ①
    is not, though str.isdigit() says it is: checking isdigit() and calling int() would fail on
    them with a traceback. More than `MAX_DIGITS` digits are refused too."""
    text = text.strip()
    if text.isdecimal() and len(text) <= MAX_DIGITS:
        return int(text)
    return None


def _whole(value: Any) -> int | None:
    """A whole number given as a number or its digits (Excel may store 4 as 4.0), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) < 10 ** MAX_DIGITS:
        return int(value)
    if isinstance(value, int):
        return value if abs(value) < 10 ** MAX_DIGITS else None
    if isinstance(value, str):
        return decimal(value)
    return None


def from_word(words: dict[str, str], value: Any, aliases: dict[str, str] | None = None) -> Any:
    """The value whose word `value` is (or an alias's value); anything else unchanged, for the
    model's own check to report."""
    if isinstance(value, str):
        text = value.strip()
        for key, word in words.items():
            if text == word:
                return key
        if aliases and text in aliases:
            return aliases[text]
    return value


def parse_months(value: Any) -> list[int] | None:
    """Months as a bureau writes them: 4, "4月", "3-12月", "7—8月", "3、5、9-10月"; "全年" (or
    an empty cell) is None, every month. Ascending, each once."""
    if value is None or (isinstance(value, str) and value.strip() in ("", ALL_YEAR)):
        return None
    whole = _whole(value)
    if whole is not None:
        if not 1 <= whole <= 12:
            raise WordError(f"{_shown(value)} 不是月份", f"{_shown(value)} is not a month")
        return [whole]
    if not isinstance(value, str):
        raise WordError(f"{_shown(value)} 不是月份", f"{_shown(value)} is not a month")
    months: set[int] = set()
    for part in re.split(r"[,，、;；/\s]+", value.strip()):
        if not part:
            continue
        match = _MONTH_PART.match(part)
        first, last = (int(match[1]), int(match[2] or match[1])) if match else (0, 0)
        if not (1 <= first <= 12 and 1 <= last <= 12):
            raise WordError(f"{_shown(value)} 不是月份", f"{_shown(value)} is not a month")
        if last < first:
            raise WordError(f"{_shown(value)}：{first}月在{last}月之后",
                            f"{_shown(value)}: month {first} comes after month {last}")
        months.update(range(first, last + 1))
    if not months:
        raise WordError(f"{_shown(value)} 不是月份", f"{_shown(value)} is not a month")
    return sorted(months)


def months_text(months: list[int] | None) -> str:
    """Months as `parse_months` reads them back: [3, 4, …, 12] is "3-12月", None "全年"."""
    if not months:
        return ALL_YEAR
    runs: list[list[int]] = []
    for month in sorted(set(months)):
        if runs and month == runs[-1][-1] + 1:
            runs[-1].append(month)
        else:
            runs.append([month])
    return "、".join(f"{run[0]}-{run[-1]}" if len(run) > 1 else f"{run[0]}" for run in runs) + "月"


def parse_headcount(value: Any) -> int | str:
    """A headcount: a whole number, "120人", "约120人", or "全员" (every teacher of its
    audiences)."""
    if isinstance(value, str) and value.strip() in (ALL_TEACHERS, "all"):
        return "all"
    number = _whole(value)
    if number is None and isinstance(value, str):
        match = _NUMBER.match(value.strip())
        number = decimal(match[1]) if match else None
    if number is None or number < 1:
        raise WordError(f"{_shown(value)} 不是人数：填正整数或「全员」",
                        f'{_shown(value)} is not a headcount: give a positive whole number or '
                        f'"{ALL_TEACHERS}" (all)')
    return number


def parse_whole(value: Any, least: int = 0) -> int:
    """A whole number of at least `least`."""
    number = _whole(value)
    if number is None or number < least:
        raise WordError(f"{_shown(value)} 不是{'正' if least > 0 else '非负'}整数",
                        f"{_shown(value)} is not a whole number of at least {least}")
    return number


def parse_number(value: Any) -> float:
    """A number, written as one or as digits; a percentage ("30%") is its share (0.3)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            number = float(text[:-1]) / 100 if text.endswith(("%", "％")) else float(text)
        except ValueError:
            number = math.nan
        if math.isfinite(number) and len(text) <= MAX_DIGITS + 10:  # no "inf", no 5,000 digits
            return number
    raise WordError(f"{_shown(value)} 不是数", f"{_shown(value)} is not a number")


def parse_hours_by_audience(value: Any) -> float | dict[str, float]:
    """学时 required: one number for every audience, or 培训对象:number pairs separated as a
    list is ("小学教师:72；初中教师:60"), the audiences by name or id."""
    try:
        return parse_number(value)
    except WordError:
        pass
    pairs: dict[str, float] = {}
    for part in split_list(value):
        name, colon, number = part.replace("：", ":").rpartition(":")
        if not colon or not name.strip():
            raise WordError(
                f"{_shown(value)} 不是学时要求：填一个数，或「小学教师:72；初中教师:60」",
                f'{_shown(value)} is not a requirement of 学时: give a number, or '
                f'"小学教师:72；初中教师:60"')
        pairs[name.strip()] = parse_number(number)
    return pairs


def parse_yes_no(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in (YES, "true", "yes", "y", "1", "√"):
        return True
    if text in (NO, "false", "no", "n", "0", "×"):
        return False
    raise WordError(f"{_shown(value)} 应填「{YES}」或「{NO}」",
                    f'{_shown(value)}: give "{YES}" (yes) or "{NO}" (no)')


def parse_priority(value: Any) -> int | str:
    """"必须" (mandatory) or a whole number of at least 1."""
    if isinstance(value, str) and value.strip() in (MANDATORY, "mandatory"):
        return "mandatory"
    number = _whole(value)
    if number is None or number < 1:
        raise WordError(f"{_shown(value)} 不是优先级：填「{MANDATORY}」或正整数",
                        f'{_shown(value)} is not a priority: give "{MANDATORY}" (mandatory) or '
                        f"a positive whole number")
    return number


def parse_date(value: Any) -> dt.date:
    """A date cell, or its text as 2024-05-01, 2024/5/1, 2024.5.1 or 2024年5月1日."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    match = re.match(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$",
                     str(value))
    if match:
        try:
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            pass
    raise WordError(f"{_shown(value)} 不是日期（如 2024-05-01）",
                    f"{_shown(value)} is not a date (such as 2024-05-01)")


def parse_date_ranges(value: Any) -> list[tuple[dt.date, dt.date]]:
    """Dates and date ranges separated by commas or new lines (a single date is a range of
    one day), as in "2024-05-01—2024-05-10, 2024-06-01"."""
    if isinstance(value, (dt.date, dt.datetime)):
        day = parse_date(value)
        return [(day, day)]
    ranges = []
    for part in re.split(r"[,，、;；\n]+", str(value)):
        if not part.strip():
            continue
        ends = re.split(r"\s*(?:—|–|~|～|至|到|--)\s*", part.strip())
        if len(ends) == 1:
            # A hyphen between two dates, as in "2024-05-01-2024-05-10"
            ends = re.split(r"(?<=\d)-(?=\d{4}\b)", part.strip())
        if len(ends) > 2:
            raise WordError(f"「{part.strip()}」不是日期或日期段",
                            f'"{part.strip()}" is not a date or a range of dates')
        start, end = parse_date(ends[0]), parse_date(ends[-1])
        if end < start:
            raise WordError(f"「{part.strip()}」结束早于开始",
                            f'"{part.strip()}" ends before it starts')
        ranges.append((start, end))
    return ranges


def ranges_text(ranges: list[tuple[dt.date, dt.date]]) -> str:
    """Date ranges as `parse_date_ranges` reads them back."""
    return ", ".join(f"{start}—{end}" if end != start else f"{start}" for start, end in ranges)


SEPARATORS = "、,，;；\n"
_OPENING, _CLOSING = "（(【[《“", "）)】]》”"


def split_list(value: Any) -> list[str]:
    """A cell listing several names: separated by 、 , ， ; ； or new lines, but not within
    brackets, so that "学校财务人员（会计、出纳）" stays one name."""
    if value is None:
        return []
    parts, current, depth = [], "", 0
    for character in str(value):
        depth += (character in _OPENING) - (character in _CLOSING)
        if character in SEPARATORS and depth <= 0:
            parts.append(current)
            current, depth = "", 0
        else:
            current += character
    return [part.strip() for part in [*parts, current] if part.strip()]
