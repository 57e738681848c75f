"""The command line and the web pages reach the library through its public API (`scheduler`)
and the use cases both call (`scheduler.usecases`), so that the two cannot drift apart again;
the exports render an analysis worked out before them and run none."""

from __future__ import annotations

import ast
from pathlib import Path

import scheduler
from tests.helpers import ROOT

EDGES = [ROOT / "scheduler" / "cli.py", *sorted((ROOT / "scheduler" / "web").rglob("*.py"))]
OPEN = {"scheduler", "scheduler.usecases", "scheduler.messages", "scheduler.interrupt"}
"""What an edge may import of ours besides its own layer (`scheduler.web.*`): `scheduler.messages`
is the catalogue the edges choose their language in, `scheduler.interrupt` binds Ctrl-C to a
search's `Stop`."""
FIRST_PARTY = ("scheduler", "models")
EXCEPTIONS = {
    # The change form is read with the input layer's own parsers of a day and a number, the
    # ones an instance is read with, so that the form and a file accept the same text.
    ("scheduler/web/changes.py", "models.fields"),
    ("scheduler/web/changes.py", "models.words"),
    # The plan page shows the export layer's tables (the report's plan table, its KPI words)
    # as the files do, so that the page and the files cannot differ.
    ("scheduler/web/views.py", "scheduler.export.plan_table"),
    ("scheduler/web/views.py", "scheduler.export.summaries"),
    # Process plumbing the server's processes share with the comparison's: a child that ends
    # with its parent.
    ("scheduler/web/check.py", "scheduler.children"),
    ("scheduler/web/server.py", "scheduler.children"),
}
"""What an edge imports past the use cases, each with why."""


def imported(path: Path) -> set[str]:
    """Every module the file imports, a name imported from a package of ours as its module."""
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
            if node.module in FIRST_PARTY:  # `from scheduler import why` imports a module
                modules |= {f"{node.module}.{alias.name}" for alias in node.names
                            if alias.name not in _public(node.module)}
    return modules


def _public(package: str) -> set[str]:
    return set(scheduler.__all__) if package == "scheduler" else set()


def test_the_command_line_and_the_web_use_only_the_api_and_the_use_cases():
    beyond = []
    for path in EDGES:
        name = path.relative_to(ROOT).as_posix()
        for module in sorted(imported(path)):
            ours = module.split(".")[0] in FIRST_PARTY
            if (ours and module not in OPEN and not module.startswith("scheduler.web")
                    and (name, module) not in EXCEPTIONS):
                beyond.append(f"{name} imports {module}")
    assert beyond == []


def test_every_exception_is_still_needed():
    used = {(path.relative_to(ROOT).as_posix(), module)
            for path in EDGES for module in imported(path)}
    assert EXCEPTIONS - used == set()


def test_no_exporter_runs_the_analysis_of_the_classes():
    running = [f"{path.relative_to(ROOT).as_posix()} imports {module}"
               for path in sorted((ROOT / "scheduler" / "export").rglob("*.py"))
               for module in imported(path) if module == "scheduler.analysis.class_costs"]
    assert running == []
