"""The language is chosen at the edges only.

The edges are the command line (`scheduler/cli.py`), the server (`scheduler/web/`), the use cases
both call (`scheduler/usecases.py`, which hand the language to the writers), the writers
(`scheduler/export/`, `scheduler/sweep/results.py`; the planner's workbook,
`models/workbook/write.py` and `marks.py`, with `layout.py`, the format's words in both languages;
`models/published/to_workbook.py`, which writes a bureau's table as that workbook) and the text they
say things with (`scheduler/messages.py`, `models/phrase.py`). Everything below them returns
sentences (`models.phrase.Phrase`) or structured reasons, to be said in the reader's language by the
edge that shows them: no module there has a parameter named `lang`, compares a `lang`, or imports
the language switch (`say`, `term`, `said_all`, `language`, `LANGUAGES` of `scheduler.messages`).
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.helpers import ROOT

EDGES = (
    "scheduler/cli.py", "scheduler/web/", "scheduler/usecases.py", "scheduler/export/",
    "scheduler/sweep/results.py", "scheduler/messages.py",
    "models/published/to_workbook.py", "models/phrase.py", "models/workbook/write.py",
    "models/workbook/marks.py", "models/workbook/layout.py",
)
SWITCH = {"say", "term", "said_all", "language", "LANGUAGES"}


def _below_the_edges() -> list[Path]:
    return sorted(path for folder in ("models", "scheduler")
                  for path in (ROOT / folder).rglob("*.py")
                  if not path.relative_to(ROOT).as_posix().startswith(EDGES))


def _choices(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, what) for each place the module chooses a language."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            arguments = node.args
            names = [argument.arg for argument in (*arguments.posonlyargs, *arguments.args,
                                                   *arguments.kwonlyargs)]
            names += [extra.arg for extra in (arguments.vararg, arguments.kwarg) if extra]
            if "lang" in names:
                found.append((node.lineno, "a parameter lang"))
        if isinstance(node, ast.Compare) and any(
                (isinstance(side, ast.Name) and side.id == "lang")
                or (isinstance(side, ast.Attribute) and side.attr == "lang")
                for side in (node.left, *node.comparators)):
            found.append((node.lineno, "compares lang"))
        if isinstance(node, ast.ImportFrom) and node.module == "scheduler.messages":
            found.extend((node.lineno, f"imports {alias.name}")
                         for alias in node.names if alias.name in SWITCH)
    return sorted(found)


def test_no_module_below_the_edges_chooses_a_language():
    chosen = [f"{path.relative_to(ROOT).as_posix()}:{line} {what}"
              for path in _below_the_edges()
              for line, what in _choices(ast.parse(path.read_text("utf-8")))]
    assert chosen == []


def test_the_check_sees_a_language_chosen():
    tree = ast.parse("from scheduler.messages import say\n"
                     "def f(x, lang='en'):\n    return x if lang == 'zh' else self.lang != 1\n")
    assert [what for _, what in _choices(tree)] == [
        "imports say", "a parameter lang", "compares lang", "compares lang"]
