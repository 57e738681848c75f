"""An explanation of an instance without a plan (`scheduler.core.explanation`, worked out by
`scheduler.analysis.no_plan`) in a planner's language: explain.txt in plain words, explain.json
with the edits by path and the sentences, and the cause and best change that `schedule solve`
and the web pages show."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from models.instance import HolidayRule
from models.phrase import Joined
from models.solution import write_text_atomically
from scheduler.core.explanation import (
    FEASIBLE,
    INFEASIBLE,
    LISTED,
    SEMICOLONS,
    UNKNOWN,
    Explanation,
)
from scheduler.core.sessions import Finding
from scheduler.messages import say

SCHEMA = "training-explanation/1"


def explanation_text(explanation: Explanation, lang: str) -> str:
    """The explanation in plain words, in English ("en") or Chinese ("zh")."""
    lines = [_headline(explanation, lang)]
    if explanation.findings:
        lines += [f"  - {finding.sentence.text(lang)}" for finding in explanation.findings]
        if len(explanation.findings) > 1:
            lines.append(say("fix each", lang))
    if explanation.status == INFEASIBLE and not explanation.findings and not explanation.conflict:
        lines.append(say("fixed rules", lang))
    if explanation.conflict:
        minimal = say("conflict minimal" if explanation.minimal else "conflict not minimal", lang)
        lines.append(say("conflict", lang, count=len(explanation.conflict), why=minimal))
        lines += [f"  {number}. {line.text(lang)}"
                  for number, line in enumerate(explanation.conflict_lines(), start=1)]
    if explanation.status == INFEASIBLE:
        lines.append("")
        lines += _suggestion_lines(explanation, lang)
    if explanation.dropped:
        lines.append("")
        lines.append(say("optional dropped", lang))
        lines += [f"  - {finding.sentence.text(lang)}" for finding in explanation.dropped]
    if explanation.hours:
        lines.append("")
        lines += [f"  - {line.text(lang)}" for line in explanation.hours]
    lines.append("")
    stopped = "" if explanation.complete else say("stopped at limit", lang)
    lines.append(say("explained in", lang, seconds=explanation.seconds, stopped=stopped))
    return "\n".join(lines) + "\n"


def explanation_short(explanation: Explanation, lang: str) -> str:
    """The conflict and the best suggestion, for `schedule solve` on an infeasible plan."""
    if explanation.status != INFEASIBLE:
        return _headline(explanation, lang)
    cause, advice = explanation_gist(explanation, lang)
    return f"{cause}\n{advice}\n{say('whole explanation', lang)}"


def explanation_gist(explanation: Explanation, lang: str) -> tuple[str, str]:
    """Of an infeasible instance: what stands in the way, and the best change that gives a
    plan (or that no single change does), a sentence each."""
    if explanation.findings:
        cause = Joined(tuple(finding.sentence for finding in explanation.findings),
                       (" ", "")).text(lang)
    elif not explanation.conflict:
        cause = say("fixed rules", lang)
    else:
        rules = Joined(tuple(explanation.conflict_lines()), SEMICOLONS)
        cause = say("conflict short", lang, rules=rules)
    if explanation.working:
        advice = say("best change", lang, change=explanation.working[0].sentence)
    else:
        advice = say("no single change", lang)
    return cause, advice


def explanation_dict(explanation: Explanation, lang: str) -> dict[str, Any]:
    """The explanation as data: the edits by path, the sentences in `lang`."""
    return {
        "schema": SCHEMA,
        "instance": explanation.instance,
        "status": explanation.status,
        "seconds": round(explanation.seconds, 3),
        "complete": explanation.complete,
        "findings": [_finding_dict(finding, lang) for finding in explanation.findings],
        "dropped": [_finding_dict(finding, lang) for finding in explanation.dropped],
        "conflict": [{"rule": group.rule, "entities": list(group.entities),
                      "label": group.label.text(lang)} for group in explanation.conflict],
        "minimal": explanation.minimal,
        "suggestions": [{
            "change": suggestion.words.text(lang), "rule": suggestion.rule,
            "entities": list(suggestion.entities), "works": suggestion.works,
            "note": suggestion.note.text(lang) if suggestion.note else "",
            "tier": suggestion.tier, "size": suggestion.size,
            "edits": [{"path": edit.path, "before": _jsonable(edit.before),
                       "after": _jsonable(edit.after)} for edit in suggestion.edits],
        } for suggestion in explanation.suggestions],
        "not_enough": [label.text(lang) for label in explanation.not_enough],
        "hours": [line.text(lang) for line in explanation.hours],
    }


def explanation_json(explanation: Explanation, lang: str) -> str:
    return json.dumps(explanation_dict(explanation, lang), ensure_ascii=False, indent=2)


def write_explanation(explanation: Explanation, out_dir: Path, lang: str) -> list[Path]:
    """Write explain.txt and explain.json (its sentences) in `lang` into `out_dir`, each whole
    or not at all."""
    paths = [Path(out_dir) / "explain.txt", Path(out_dir) / "explain.json"]
    write_text_atomically(paths[0], explanation_text(explanation, lang))
    write_text_atomically(paths[1], explanation_json(explanation, lang) + "\n")
    return paths


def _headline(explanation: Explanation, lang: str) -> str:
    if explanation.status == FEASIBLE:
        return say("feasible", lang, instance=explanation.instance)
    if explanation.status == UNKNOWN:
        return say("undecided", lang, instance=explanation.instance,
                   seconds=explanation.seconds)
    if explanation.findings:
        return say("projects cannot run", lang, instance=explanation.instance,
                   count=len(explanation.findings))
    return say("no plan", lang, instance=explanation.instance)


def _suggestion_lines(explanation: Explanation, lang: str) -> list[str]:
    lines = []
    if explanation.working:
        lines.append(say("what works", lang))
        lines += [f"  {number}. {suggestion.sentence.text(lang)}"
                  for number, suggestion in enumerate(explanation.working, start=1)]
    else:
        lines.append(say("nothing works", lang))
    tried = [suggestion for suggestion in explanation.suggestions if not suggestion.works]
    if tried:
        lines.append(say("tried", lang))
        lines += [f"  - {suggestion.words.text(lang)}" for suggestion in tried]
    if explanation.not_enough:
        lines.append(say("not enough", lang))
        lines += [f"  - {label.text(lang)}" for label in explanation.not_enough[:LISTED]]
        if len(explanation.not_enough) > LISTED:
            lines.append(say("and more listed", lang,
                             count=len(explanation.not_enough) - LISTED))
    return lines


def _finding_dict(finding: Finding, lang: str) -> dict[str, Any]:
    return {"rule": finding.rule, "projects": list(finding.projects),
            "entities": [{"kind": kind, "id": entity} for kind, entity in finding.entities],
            "message": finding.sentence.text(lang), "blocking": finding.blocking}


def _jsonable(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True, exclude_none=True)
    if isinstance(value, (list, tuple)):
        return [_jsonable(item) for item in value]
    if isinstance(value, HolidayRule):
        return value.value
    return value
