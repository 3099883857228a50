"""The public API, its docs, and the layers of ARCHITECTURE.md, checked by import-linter."""

from __future__ import annotations

import ast
import doctest
import importlib
import os
import pkgutil
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import searcher
from tests.conftest import REPO

PACKAGE = REPO / "searcher"


def test_public_api_is_sorted_and_exported() -> None:
    assert searcher.__all__ == sorted(searcher.__all__)
    for name in searcher.__all__:
        assert hasattr(searcher, name), name


MODULES = sorted(p for p in PACKAGE.rglob("*.py"))
LINT_IMPORTS = str(Path(sys.executable).with_name("lint-imports"))


def _lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """Run import-linter's contracts (pyproject.toml) over the package in ``root``."""
    return subprocess.run(
        [LINT_IMPORTS, "--no-logo", "--no-cache"],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_layers_and_walls_hold() -> None:
    done = _lint_imports(REPO)
    assert done.returncode == 0, done.stdout


@pytest.mark.parametrize(
    ("module", "statement", "broken"),
    [
        # Upward, and lazy: grimp reads imports inside functions too.
        ("store/readers.py", "from searcher.query import search", "searcher.store is not allowed"),
        ("query/present.py", "from searcher.indexing import run", "searcher.query is not allowed"),
        ("text/dates.py", "from searcher import schema", "searcher.text is not allowed"),
        ("query/present.py", "from whoosh.matching import ListMatcher", "whoosh.matching"),
        ("query/present.py", "from whoosh.highlight import Highlighter as H; H._x", "private"),
        ("ingest/text.py", "import whoosh", "The readers never import Whoosh BROKEN"),
        ("schema.py", "import click", "Only the CLI imports click BROKEN"),
        ("index.py", "import starlette", "Only the web shell imports Starlette"),
        ("web/api.py", "from searcher.cli import render", "searcher.web is not allowed"),
    ],
)
def test_a_crossing_import_breaks_a_contract(
    tmp_path: Path, module: str, statement: str, broken: str
) -> None:
    for name in ("searcher", "tools"):
        shutil.copytree(REPO / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", tmp_path)
    with (tmp_path / "searcher" / module).open("a") as source:
        source.write(f"\n\ndef _crossing() -> None:\n    {statement}\n")
    done = _lint_imports(tmp_path)
    assert done.returncode == 1, done.stdout
    assert broken in done.stdout


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


def _small_index(index_dir: Path) -> searcher.Index:
    ix = searcher.open_index(index_dir, create=True)
    ix.add([searcher.Article(id="a1", path="a1.txt", title="Cocoa", body="Cocoa prices rose.")])
    return ix


# (what is called, with what wrong argument) -> the error and the words it must hold.
MISUSE: dict[str, tuple[Callable[[searcher.Index, Path], object], type[Exception], str]] = {
    "open_index(path=int)": (lambda ix, p: searcher.open_index(3), TypeError, "path must be"),
    "open_index(path=bytes)": (
        lambda ix, p: searcher.open_index(bytes(p)),
        TypeError,
        "path must be a path (str or os.PathLike), not bytes",
    ),
    "open_index(create=str)": (
        lambda ix, p: searcher.open_index(p, create="yes"),
        TypeError,
        "create must be True or False, not str",
    ),
    "reset_index(path=list)": (lambda ix, p: searcher.reset_index([p]), TypeError, "path must"),
    "verify_index(corpus=int)": (
        lambda ix, p: searcher.verify_index(p, 3),
        TypeError,
        "corpus must be a path",
    ),
    "read_file(path=None)": (lambda ix, p: searcher.read_file(None), TypeError, "path must"),
    "read_file(doc_id=int)": (
        lambda ix, p: searcher.read_file(CORPUS_FILE, 3),
        TypeError,
        "doc_id must be a str or None, not int",
    ),
    "read_file(options=dict)": (
        lambda ix, p: searcher.read_file(CORPUS_FILE, options={}),
        TypeError,
        "options must be a ReadOptions, not dict",
    ),
    "analyze_text(None)": (lambda ix, p: searcher.analyze_text(None), TypeError, "text must"),
    "date_range(int)": (lambda ix, p: searcher.date_range(2011), TypeError, "text must be a str"),
    "date_range(now=str)": (
        lambda ix, p: searcher.date_range("today", now="2011"),
        TypeError,
        "now must be a datetime or None, not str",
    ),
    "search(None)": (lambda ix, p: ix.search(None), TypeError, "text must be a str, not None"),
    "search(bytes)": (lambda ix, p: ix.search(b"cocoa"), TypeError, "text must be a str"),
    "search(limit=str)": (
        lambda ix, p: ix.search("cocoa", limit="3"),
        TypeError,
        "limit must be an int of at least 1, not str",
    ),
    "search(limit=0)": (lambda ix, p: ix.search("cocoa", limit=0), ValueError, "limit must"),
    "search(page=None)": (lambda ix, p: ix.search("cocoa", page=None), TypeError, "page must"),
    "search(since=int)": (
        lambda ix, p: ix.search("cocoa", since=2011),
        TypeError,
        "since must be a datetime, date or str, not int",
    ),
    "search(until=list)": (
        lambda ix, p: ix.search("cocoa", until=["2011"]),
        TypeError,
        "until must be a datetime, date or str",
    ),
    "search(sort=None)": (
        lambda ix, p: ix.search("cocoa", sort=None),
        TypeError,
        "sort must be a str, not None",
    ),
    "search(sort='date')": (
        lambda ix, p: ix.search("cocoa", sort="date"),
        ValueError,
        "sort must be 'relevance', 'newest' or 'oldest', not 'date'",
    ),
    "search(filters=str)": (
        lambda ix, p: ix.search("cocoa", filters="source:afp"),
        TypeError,
        "filters must be a mapping of filter names to str, not str",
    ),
    "search(filters={name: int})": (
        lambda ix, p: ix.search("cocoa", filters={"source": 3}),
        TypeError,
        "filters['source'] must be a str, not int",
    ),
    "search(facets=str)": (
        lambda ix, p: ix.search("cocoa", facets=3),
        TypeError,
        "facets must be True, False or facet names, not int",
    ),
    "similar(None)": (lambda ix, p: ix.similar(None), TypeError, "article_id must be a str"),
    "similar(limit=str)": (
        lambda ix, p: ix.similar("a1", limit="2"),
        TypeError,
        "limit must be an int",
    ),
    "get(int)": (lambda ix, p: ix.get(3), TypeError, "article_id must be a str, not int"),
    "get(bytes)": (lambda ix, p: ix.get(b"a1"), TypeError, "article_id must be a str"),
    "update(corpus=int)": (lambda ix, p: ix.update(3), TypeError, "corpus must be a path"),
    "update(jobs=str)": (
        lambda ix, p: ix.update(p, jobs="2"),
        TypeError,
        "jobs must be an int of at least 1, not str",
    ),
    "update(on_progress=int)": (
        lambda ix, p: ix.update(p, on_progress=3),
        TypeError,
        "on_progress must be callable",
    ),
    "add(Article)": (
        lambda ix, p: ix.add(ix.get("a1")),
        TypeError,
        "articles must be an iterable of Article, not Article",
    ),
    "add([dict])": (
        lambda ix, p: ix.add([{"id": "x"}]),
        TypeError,
        "articles must be an iterable of Article; item 0 is a dict",
    ),
    "verify(corpus=None)": (lambda ix, p: ix.verify(None), TypeError, "corpus must be a path"),
}
CORPUS_FILE = REPO / "corpus" / "feeds" / "2011-10-exports.jsonl"


@pytest.mark.parametrize(("call", "error", "words"), MISUSE.values(), ids=MISUSE.keys())
def test_wrong_argument_types_name_the_parameter(
    index_env: Path,
    call: Callable[[searcher.Index, Path], object],
    error: type[Exception],
    words: str,
) -> None:
    with _small_index(index_env) as ix, pytest.raises(error) as raised:
        call(ix, index_env)
    # Both the builtin a caller expects and the one type a shell catches.
    assert isinstance(raised.value, searcher.SearcherError)
    kind = {TypeError: searcher.ArgumentTypeError, ValueError: searcher.ArgumentError}[error]
    assert type(raised.value) is kind
    assert words in str(raised.value)
    assert len(ix) == 1, "nothing was added or dropped"


@pytest.mark.parametrize("kind", [str, Path], ids=["str", "PathLike"])
def test_paths_may_be_str_or_pathlike(
    index_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: type
) -> None:
    monkeypatch.chdir(REPO)
    articles = searcher.read_file(kind("corpus/feeds/2011-10-exports.jsonl"))
    assert [a.id for a in articles] == [a.id for a in searcher.read_file(CORPUS_FILE)]
    assert articles[0].path == "corpus/feeds/2011-10-exports.jsonl"
    with searcher.open_index(kind(index_env), create=True) as ix:
        ix.update(kind("corpus/feeds"), jobs=1)
        assert len(ix) > len(articles)
        assert ix.verify(kind("corpus/feeds")).ok
    assert searcher.verify_index(kind(index_env), kind("corpus/feeds")).ok
    with searcher.reset_index(kind(index_env)) as ix:
        assert len(ix) == 0


def test_exported_names_belong_to_the_package() -> None:
    # Internals may move without users, reprs or pickles seeing it.
    for name in searcher.__all__:
        module = getattr(getattr(searcher, name), "__module__", None)
        assert module in (None, "searcher"), (name, module)


PACKAGE_MODULES = sorted(
    m.name
    for m in pkgutil.walk_packages(searcher.__path__, "searcher.")
    if m.name != "searcher.__main__"
)


@pytest.mark.parametrize("name", ["searcher", *PACKAGE_MODULES])
def test_docstring_examples_run_as_printed(name: str) -> None:
    # Objects are searched where their __module__ says: the analyzers' classes
    # under searcher.analysis, the exported names under searcher.
    failures, _ = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert failures == 0
