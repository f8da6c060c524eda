"""The layers as docs/architecture.md draws them: front ends talk to the core and nothing below.

Every import of the package's own modules is read from the source (also those inside functions),
so a shortcut from the window or the CLI into services/, storage/ or sync/ fails here with the
file and line that took it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "stock_tracker_desktop"
NAME = "stock_tracker_desktop"
# What a front end may import: the core, the domain's words, the package's top-level helpers
# (configuration, logging, package data, reading user files) and the platform integration.
FRONT_END_MAY_USE = {
    "core",
    "domain",
    "platform",
    "config",
    "logs",
    "memory",
    "package_data",
    "user_files",
    "__init__",
}
# The CLI also starts the window (``stock-tracker`` alone) and serves the simulator.
FRONT_ENDS = {
    "ui": FRONT_END_MAY_USE | {"ui"},
    "cli": FRONT_END_MAY_USE | {"cli", "ui", "simulator"},
}
# Below the front ends, imports point down only.
ORDER = [
    "domain", "security", "licensing", "storage", "marketplaces", "exporters", "services", "team",
    "sync", "core",
]  # fmt: skip


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == NAME:
                found.append((node.lineno, parts[1] if len(parts) > 1 else "__init__"))
    return found


def _layer_of(path: Path) -> str:
    relative = path.relative_to(PACKAGE)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


@pytest.mark.parametrize("front_end", sorted(FRONT_ENDS))
def test_front_ends_talk_to_the_core_only(front_end: str) -> None:
    allowed = FRONT_ENDS[front_end]
    wrong = [
        f"{path.relative_to(PACKAGE.parent)}:{line} imports {NAME}.{layer}"
        for path in sorted((PACKAGE / front_end).rglob("*.py"))
        for line, layer in _imports(path)
        if layer not in allowed
    ]
    assert wrong == []


def test_layers_below_import_downwards_only() -> None:
    rank = {layer: i for i, layer in enumerate(ORDER)}
    wrong = []
    for layer in ORDER:
        for path in sorted((PACKAGE / layer).rglob("*.py")):
            for line, used in _imports(path):
                if used in rank and rank[used] > rank[layer]:
                    wrong.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports {used}")
    assert wrong == []


def test_only_team_mode_talks_to_postgresql() -> None:
    """The server is where desktops meet, never a dependency of the rest (docs/team.md)."""
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if _layer_of(path) == "team":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                modules = (
                    [node.module or ""]
                    if isinstance(node, ast.ImportFrom)
                    else [alias.name for alias in node.names]
                )
                if any(m.split(".")[0] == "psycopg" for m in modules):
                    wrong.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}")
    assert wrong == []
