"""Print the shape of the code: its import floors (the longest chain of the project's own
module-level imports) and its largest classes (lines and methods).

    python scripts/code_shape.py [--top 5]

An import inside a function or under `if TYPE_CHECKING:` is not a floor: it does not load the
module it names when the importing one is loaded.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("models", "scheduler")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def sources() -> dict[str, ast.Module]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            found[module_name(path)] = ast.parse(path.read_text(encoding="utf-8"))
    return found


def _top_level_imports(tree: ast.Module, name: str, is_package: bool) -> set[str]:
    """The modules this one imports when it is loaded (not in functions, not for type checks)."""
    named: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        for inner in ast.walk(node) if not isinstance(node, (ast.FunctionDef, ast.ClassDef)) \
                else ():
            if isinstance(inner, ast.Import):
                named.update(alias.name for alias in inner.names)
            elif isinstance(inner, ast.ImportFrom):
                base = inner.module or ""
                if inner.level:
                    anchor = name.split(".")
                    anchor = anchor if is_package else anchor[:-1]
                    anchor = anchor[:len(anchor) - inner.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                named.add(base)
                named.update(f"{base}.{alias.name}" for alias in inner.names)
    return named


def import_graph(trees: dict[str, ast.Module], packages: set[str]) -> dict[str, set[str]]:
    graph = {}
    for name, tree in trees.items():
        named = _top_level_imports(tree, name, name in packages)
        graph[name] = {module for module in named if module in trees and module != name}
    return graph


def longest_chain(graph: dict[str, set[str]]) -> list[str]:
    @functools.cache
    def chain(module: str, seen: frozenset[str] = frozenset()) -> tuple[str, ...]:
        best: tuple[str, ...] = ()
        for imported in graph[module] - seen:
            candidate = chain(imported, seen | {module})
            if len(candidate) > len(best):
                best = candidate
        return (module, *best)
    longest = max((chain(module) for module in graph), key=len)
    return list(longest)


def classes(trees: dict[str, ast.Module]) -> list[tuple[int, int, str]]:
    found = []
    for name, tree in trees.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                methods = sum(isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))
                              for item in node.body)
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                found.append((lines, methods, f"{name}.{node.name}"))
    return sorted(found, reverse=True)


@click.command()
@click.option("--top", default=5, show_default=True, help="How many of the largest classes.")
def main(top: int) -> None:
    trees = sources()
    packages = {module_name(path) for package in PACKAGES
                for path in (ROOT / package).rglob("__init__.py")}
    chain = longest_chain(import_graph(trees, packages))
    click.echo(f"modules: {len(trees)}")
    click.echo(f"import floors: {len(chain)}")
    click.echo("  " + " -> ".join(chain))
    click.echo("largest classes (lines, methods):")
    for lines, methods, name in classes(trees)[:top]:
        click.echo(f"  {lines:5} {methods:3}  {name}")


if __name__ == "__main__":
    main()
