"""The public API and the module layering rules of STYLE.md §9."""

from __future__ import annotations

import ast
import doctest
from pathlib import Path

import pytest

import searcher
from tests.conftest import REPO

PACKAGE = REPO / "searcher"


def test_public_api_is_sorted_and_exported() -> None:
    assert searcher.__all__ == sorted(searcher.__all__)
    for name in searcher.__all__:
        assert hasattr(searcher, name), name


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


MODULES = sorted(p for p in PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_layering(path: Path) -> None:
    imports = _imports(path)
    name = path.relative_to(PACKAGE).as_posix()
    if not name.startswith("cli/") and name != "__main__.py":
        assert not any(i == "click" or i.startswith("click.") for i in imports), (
            "only cli imports click"
        )
        assert "searcher.cli" not in imports
    if name.startswith("ingest/"):
        assert not any(i.startswith("whoosh") for i in imports), "ingest never imports whoosh"
        assert not any(
            i.startswith("searcher.")
            and not i.startswith(
                ("searcher.ingest", "searcher.models", "searcher.errors", "searcher.dates")
            )
            for i in imports
        )
    if name in ("analysis.py", "schema.py"):
        assert not any(i.startswith("searcher.ingest") for i in imports)
    if name in ("errors.py", "models.py", "config.py", "dates.py", "safetext.py"):
        assert not any(i.startswith(("searcher", "whoosh", "nltk", "bs4")) for i in imports)


def test_library_never_prints() -> None:
    for path in MODULES:
        if path.relative_to(PACKAGE).parts[0] in ("cli", "__main__.py"):
            continue
        tree = ast.parse(path.read_text())
        calls = [
            n
            for n in ast.walk(tree)
            if isinstance(n, ast.Call)
            and isinstance(n.func, ast.Name)
            and n.func.id in ("print", "exit")
        ]
        assert not calls, f"{path.name} prints or exits"


def test_readme_examples_run_as_printed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every ``>>>`` example in README.md gives the output printed there."""
    monkeypatch.chdir(REPO)  # the examples index corpus/ into $SEARCHER_INDEX
    failures, tried = doctest.testfile(
        str(REPO / "README.md"), module_relative=False, optionflags=doctest.ELLIPSIS
    )
    assert tried > 0
    assert failures == 0
