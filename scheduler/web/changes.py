"""The change form of the plan page, read into a scenario's changes (`models.scenario`): close
a venue for a range, a trainer away for a range, a project's months, the rural quota.

The form repeats one block of fields per scenario, each field named with the block's prefix
(`s0_venue`, `s1_quota`, … ; `r_` for a re-plan). A problem names the scenario and the field as
the page shows them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from models.fields import parse_date
from models.words import decimal

MAX_SCENARIOS = 6
"""Scenarios compared at once: each one is a solve of its own."""
FIELDS = ("name", "venue", "venue_start", "venue_end", "trainer", "trainer_start",
          "trainer_end", "project", "months", "quota")


@dataclass
class ChangeBlock:
    """One filled block: the scenario's name and its changes, or the problems found."""

    name: str
    changes: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def read_block(form: Mapping[str, str], prefix: str, label: str) -> ChangeBlock:
    """The changes the block with `prefix` asks for; `label` names it in problems."""
    value = {name: str(form.get(prefix + name, "")).strip() for name in FIELDS}
    block = ChangeBlock(value["name"] or label)
    for kind, what in (("venue", "场地"), ("trainer", "专家")):
        if value[kind]:
            _closed_range(block, value, kind, what, label)
    if value["project"]:
        months = _months(value["months"])
        if months is None:
            block.problems.append(f"{label}：项目月份请填 1 到 12 的月份，用逗号分开，例如 5,6")
        else:
            block.changes.append({"set": f"projects.{value['project']}.months", "value": months,
                                  "note": "改变项目月份"})
    if value["quota"]:
        try:
            quota = float(value["quota"])
        except ValueError:
            quota = -1.0
        if not 0 <= quota <= 1:
            block.problems.append(f"{label}：乡村比例请填 0 到 1 之间的数，例如 0.3")
        else:
            block.changes.append({"set": "policy.rural_quota", "value": quota,
                                  "note": "改变乡村比例"})
    return block


def read_blocks(form: Mapping[str, str], count: int) -> list[ChangeBlock]:
    """The scenario blocks s0_ … s{count-1}_ that ask for some change."""
    blocks = []
    for index in range(min(count, MAX_SCENARIOS)):
        block = read_block(form, f"s{index}_", f"方案{index + 1}")
        if block.changes or block.problems:
            blocks.append(block)
    return blocks


def _closed_range(block: ChangeBlock, value: dict[str, str], kind: str, what: str,
                  label: str) -> None:
    start, end = value[f"{kind}_start"], value[f"{kind}_end"]
    try:
        first, last = parse_date(start), parse_date(end or start)
    except ValueError:
        block.problems.append(f"{label}：{what}不可用的起止日期请按 2024-05-01 的格式填写")
        return
    if last < first:
        block.problems.append(f"{label}：{what}不可用的结束日期 {last} 早于开始日期 {first}")
        return
    block.changes.append({"unavailable": f"{kind}s.{value[kind]}", "start": first.isoformat(),
                          "end": last.isoformat(),
                          "note": f"{what}{first.isoformat()} 至 {last.isoformat()} 不可用"})


def _months(text: str) -> list[int] | None:
    parts = [part for part in re.split(r"[\s,，、;；]+", text) if part]
    months = [decimal(part) for part in parts]
    if not parts or not all(month is not None and 1 <= month <= 12 for month in months):
        return None
    return sorted({month for month in months if month is not None})
