"""The import graph of cases/ and federal_requests/ has no circle, every import counted.

import-linter (pyproject.toml) checks the contracts on its own graph; this walk is the plain
reading of the source, with nothing left out: module-level imports, imports inside functions
and imports under ``if TYPE_CHECKING:``. Migrations are skipped (they import historical models
through the app registry, and the maps only to seed data). Run with ``-s`` to see the rooms
(modules), arrows (imports between them) and circles.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("cases", "federal_requests")


def modules(root: Path = ROOT) -> dict[str, Path]:
    """{dotted module name: file} of every module in the packages, migrations left out."""
    found: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if "migrations" in parts:
                continue
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


def imported_names(module: str, path: Path) -> Iterator[str]:
    """Every dotted name the module imports, wherever the statement stands."""
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the module's package, up level - 1 packages
                package = module.split(".") if is_package else module.split(".")[:-1]
                package = package[: len(package) - (node.level - 1)]
                base = ".".join(package + ([node.module] if node.module else []))
            yield base
            # "from cases.uscis import formmap" imports the submodule formmap too.
            yield from (f"{base}.{alias.name}" for alias in node.names if alias.name != "*")


def graph(root: Path = ROOT) -> dict[str, set[str]]:
    """{module: modules it imports}: each import resolved to the longest known module name.

    An import of the module's own package (``from cases import x`` inside cases.y) is not an
    arrow: the package is already being imported when its module is."""
    known = modules(root)

    def resolve(name: str) -> str | None:
        while name and name not in known:
            name = name.rpartition(".")[0]
        return name or None

    arrows: dict[str, set[str]] = {m: set() for m in known}
    for module, path in known.items():
        for name in imported_names(module, path):
            target = resolve(name)
            if target and target != module and not module.startswith(target + "."):
                arrows[module].add(target)
    return arrows


def circles(arrows: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(arrows):
        if start in index:
            continue
        work = [(start, iter(sorted(arrows[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(arrows[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_no_import_circle_counting_function_level_and_type_checking_imports():
    arrows = graph()
    found = circles(arrows)
    count = sum(len(targets) for targets in arrows.values())
    print(f"\nimport graph: {len(arrows)} rooms, {count} arrows, {len(found)} circles")
    for component in found:
        print("  circle: " + " <-> ".join(component))
    assert len(arrows) > 100  # the walk found the packages
    assert not found, "import circles:\n" + "\n".join(" <-> ".join(c) for c in found)


def test_the_walk_sees_function_level_and_type_checking_imports(tmp_path):
    package = tmp_path / "cases"
    package.mkdir()
    (tmp_path / "federal_requests").mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("def f():\n    from cases import b\n")
    (package / "b.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from cases.c import X\n"
    )
    (package / "c.py").write_text("from . import a\n")
    arrows = graph(tmp_path)
    assert arrows["cases.a"] == {"cases.b"}
    assert arrows["cases.b"] == {"cases.c"}
    assert arrows["cases.c"] == {"cases.a"}
    assert circles(arrows) == [["cases.a", "cases.b", "cases.c"]]


if __name__ == "__main__":  # python tests/test_import_graph.py: the numbers alone
    arrows = graph(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT)
    found = circles(arrows)
    print(
        f"rooms {len(arrows)}, arrows {sum(len(t) for t in arrows.values())}, circles {len(found)}"
    )
    for component in found:
        print("  circle: " + " <-> ".join(component))
