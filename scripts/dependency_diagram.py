"""Regenerate the dependency diagram in docs/architecture.md from the code (grimp, import-linter's graph).

    .venv/bin/python scripts/dependency_diagram.py          rewrite the block between the markers
    .venv/bin/python scripts/dependency_diagram.py --check  fail when the block is out of date (tests call this)

One line per app: the apps it imports (tests left out: they walk journeys across apps on purpose).
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "architecture.md"
BEGIN, END = "<!-- dependency-diagram:begin -->", "<!-- dependency-diagram:end -->"
# Top to bottom, as the layers contract in pyproject.toml has them (read from there, so the two never drift).


def layer_order() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    layers = next(contract["layers"] for contract in config if contract.get("type") == "layers")
    return [name.strip().removeprefix("chuxin.") for layer in layers for name in re.split(r"[|:]", layer)]


ORDER = layer_order()


def app_of(module: str) -> str | None:
    parts = module.split(".")
    if len(parts) < 2 or "tests" in parts:
        return None
    return parts[1]


def edges() -> dict[str, set[str]]:
    sys.path.insert(0, str(ROOT))
    graph = grimp.build_graph("chuxin", cache_dir=None)
    found: dict[str, set[str]] = {app: set() for app in ORDER}
    for module in graph.modules:
        source = app_of(module)
        if source is None:
            continue
        for imported in graph.find_modules_directly_imported_by(module):
            target = app_of(imported)
            if target and target != source:
                found.setdefault(source, set()).add(target)
    return found


def render() -> str:
    found = edges()
    width = max(len(app) for app in found)
    lines = ["```", "app (top first)  imports"]
    for app in sorted(found, key=lambda a: ORDER.index(a) if a in ORDER else len(ORDER)):
        targets = sorted(found[app], key=lambda a: ORDER.index(a) if a in ORDER else len(ORDER))
        lines.append(f"{app:<{width}}  -> {', '.join(targets) if targets else '(nothing)'}")
    lines.append("```")
    return "\n".join(lines)


def main() -> int:
    text = DOC.read_text()
    head, _sep, rest = text.partition(BEGIN)
    _old, _sep2, tail = rest.partition(END)
    new = f"{head}{BEGIN}\n{render()}\n{END}{tail}"
    if "--check" in sys.argv:
        if new != text:
            print("docs/architecture.md: the dependency diagram is out of date; run scripts/dependency_diagram.py")
            return 1
        return 0
    DOC.write_text(new)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
