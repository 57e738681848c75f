"""`changes.csv`: the change list of a re-plan (`scheduler.core.diff.session_changes`) as a table,
its headers, kinds and reasons in the planner's language."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from models import Instance
from models.cell_text import csv_table
from models.phrase import said
from models.solution import write_text_atomically
from scheduler.core.diff import SessionChange, describe
from scheduler.messages import term

CHANGE_COLUMNS = ["project", "name", "session", "phase", "change", "before", "after", "why"]


def changes_table(instance: Instance, changes: list[SessionChange],
                  lang: str = "en") -> pd.DataFrame:
    """The changes as a table (changes.csv): one row per session-phase, the headers, kinds
    and reasons in `lang`."""
    names = {project.id: project.name for project in instance.projects}
    return pd.DataFrame(
        [[change.project, names.get(change.project, ""), change.session, change.phase,
          ", ".join(term(kind, lang) for kind in change.kinds),
          describe(instance, change.before), describe(instance, change.after),
          said(change.reason, lang)] for change in changes],
        columns=[term(column, lang) for column in CHANGE_COLUMNS])


def write_changes(instance: Instance, changes: list[SessionChange], out_dir: Path,
                  lang: str = "en") -> Path:
    """`changes.csv` in `out_dir`: `changes_table`, UTF-8 with a byte-order mark so that Excel
    reads the Chinese, written whole or not at all; formula-like text guarded
    (`models.cell_text`)."""
    path = out_dir / "changes.csv"
    write_text_atomically(path, "\ufeff" + csv_table(changes_table(instance, changes, lang))
                          .to_csv(index=False))
    return path
