"""Domain packages depend one way: the layers README's architecture paragraph describes."""

from __future__ import annotations

import ast
from pathlib import Path

import ceatlas

ROOT = Path(ceatlas.__file__).parent
SHARED = {"config", "db", "orm", "embeddings", "signing"}
# What each domain package may import besides itself and the shared modules.
ALLOWED: dict[str, set[str]] = {
    "kb": set(),
    "exports": set(),
    "mail": set(),
    "catalog": {"kb"},
    "search": {"catalog", "kb"},
    "accounts": {"catalog", "exports", "mail"},
    "compliance": {"accounts", "catalog", "kb", "exports"},
    "planner": {"accounts", "catalog", "kb", "search", "compliance", "exports"},
    "recommend": {"catalog", "kb", "search"},
    "notify": {"accounts", "catalog", "compliance", "kb", "mail", "search", "recommend"},
    "quality": {"catalog", "kb", "search", "recommend", "planner", "compliance", "accounts"},
}


def _imported_packages(package: str) -> set[str]:
    found: set[str] = set()
    for path in (ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            for name in names:
                parts = name.split(".")
                if parts[0] == "ceatlas" and len(parts) > 1:
                    found.add(parts[1])
    return found - {package} - SHARED


def test_domain_packages_depend_one_way() -> None:
    wrong = {
        package: sorted(_imported_packages(package) - allowed)
        for package, allowed in ALLOWED.items()
        if _imported_packages(package) - allowed
    }
    assert wrong == {}


def test_web_does_not_reach_into_the_cli() -> None:
    assert "cli" not in _imported_packages("web")
