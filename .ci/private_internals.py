"""Fail when the project reaches into another library's private internals.

ruff's SLF001 catches ``other._name``; this catches what it cannot see:
- imports of private modules or names (``import psycopg._queries``,
  ``from taggit.managers import _TaggableManager``);
- ``self._name``, ``cls._name`` or ``super()._name`` where ``_name`` is not
  defined anywhere in the project: an attribute inherited from a library
  class (``self._int4_dumper``, ``self._registry``).

A line may carry ``# private-api: <why no public API serves>``: the single,
commented exception the README allows. Tests and migrations are not checked.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("newsroom", "alliances", "bench")
MARK = "# private-api:"
# Underscore names Django documents for models (as ruff's ignore-names).
DOCUMENTED = {"_meta", "_default_manager", "_base_manager", "_state"}


def project_files() -> list[Path]:
    files = []
    for package in PACKAGES:
        files += [p for p in (ROOT / package).rglob("*.py") if "migrations" not in p.parts]
    return sorted(files)


def private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def own_names(trees: dict[Path, ast.Module]) -> set[str]:
    """Underscore names the project defines itself: functions, methods,
    classes, and attributes it assigns."""
    names = set()
    for tree in trees.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names.add(node.name)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                names.add(node.attr)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
    return {name for name in names if private(name)}


def is_self_like(node: ast.expr) -> bool:
    if isinstance(node, ast.Name):
        return node.id in ("self", "cls")
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "super"


def problems(path: Path, tree: ast.Module, lines: list[str], own: set[str]) -> list[str]:
    found = []

    def report(node: ast.AST, what: str) -> None:
        if MARK not in lines[node.lineno - 1]:
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {what}")

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] not in PACKAGES and any(map(private, alias.name.split("."))):
                    report(node, f"imports the private module {alias.name}")
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.split(".")[0] in PACKAGES:
                continue
            if any(map(private, node.module.split("."))):
                report(node, f"imports from the private module {node.module}")
            for alias in node.names:
                if private(alias.name):
                    report(node, f"imports the private name {node.module}.{alias.name}")
        elif (
            isinstance(node, ast.Attribute)
            and private(node.attr)
            and is_self_like(node.value)
            and node.attr not in own | DOCUMENTED
        ):
            report(node, f"reaches the inherited private attribute {node.attr}")
    return found


def main() -> int:
    trees, sources = {}, {}
    for path in project_files():
        sources[path] = path.read_text().splitlines()
        trees[path] = ast.parse("\n".join(sources[path]), filename=str(path))
    own = own_names(trees)
    found = [line for path, tree in trees.items() for line in problems(path, tree, sources[path], own)]
    for line in found:
        print(line)
    if found:
        print(f"{len(found)} reach(es) into private internals; use a public API, or mark the line '{MARK} <why>'.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
