"""The tests use the package's public and package-level names, never its private ones.

Private names (``_x``) may change with any refactoring, so a test reaching one
pins an implementation, not a behaviour. Whoosh's own private members are
used only by the suites in ``tests/store/``, the checklist for a Whoosh upgrade.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
TEST_MODULES = sorted(TESTS.rglob("*.py"))


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _reaches(path: Path) -> list[str]:
    """What the test module at ``path`` reaches that it should not, with line numbers."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    whoosh_allowed = path.parent.name == "store"
    ours: set[str] = set()  # local names of our modules and objects
    theirs: set[str] = set()  # local names of Whoosh's
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                local = (alias.asname or alias.name).split(".")[0]
                if alias.name.split(".")[0] == "searcher":
                    ours.add(local)
                    if any(map(_private, alias.name.split("."))):
                        found.append(f"line {node.lineno}: imports {alias.name}")
                elif alias.name.split(".")[0] == "whoosh":
                    theirs.add(local)
        elif isinstance(node, ast.ImportFrom) and node.module:
            top = node.module.split(".")[0]
            if top == "searcher":
                if any(map(_private, node.module.split("."))):
                    found.append(f"line {node.lineno}: imports from {node.module}")
                for alias in node.names:
                    ours.add(alias.asname or alias.name)
                    if _private(alias.name):
                        found.append(f"line {node.lineno}: imports {alias.name}")
            elif top == "whoosh":
                theirs.update(alias.asname or alias.name for alias in node.names)
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Attribute) and _private(node.attr)):
            continue
        base = node.value
        while isinstance(base, ast.Attribute):
            base = base.value
        root = base.id if isinstance(base, ast.Name) else ""
        if node.attr == "_ix" or root in ours:
            found.append(f"line {node.lineno}: reaches {ast.unparse(node)}")
        elif root in theirs and not whoosh_allowed:
            found.append(f"line {node.lineno}: reaches Whoosh's {ast.unparse(node)}")
    return found


@pytest.mark.parametrize("path", TEST_MODULES, ids=lambda p: str(p.relative_to(TESTS)))
def test_tests_use_public_names(path: Path) -> None:
    assert _reaches(path) == []


def test_the_check_sees_a_private_reach(tmp_path: Path) -> None:
    module = tmp_path / "test_x.py"
    module.write_text(
        "from searcher.ingest._common import decode\n"
        "from searcher.query import ranking\n"
        "from whoosh import highlight\n"
        "ranking._idf(1, 1)\n"
        "ix._ix\n"
        "highlight.Highlighter._merge_matched_tokens\n"
    )
    assert len(_reaches(module)) == 4
