"""An import-linter contract: Whoosh's internals are used only inside one package.

import-linter sees external packages only by their top-level name (``whoosh``),
so a ``forbidden`` contract cannot single out ``whoosh.codec``. This contract
reads the source of every module outside the wall that imports Whoosh and
reports, with file and line:

* an import of one of ``internal_modules`` (``whoosh.codec``, ``whoosh.filedb``,
  ``whoosh.matching``, and what lies below them);
* an imported name that is private (``from whoosh.x import _y``);
* a private attribute reached through a name bound by a Whoosh import
  (``highlight.Highlighter._merge_matched_tokens``).

Configured in ``pyproject.toml``; run by ``lint-imports``.
"""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path
from typing import Any, cast

from importlinter import Contract, ContractCheck, fields, output


def _source_file(module: str) -> Path | None:
    """The file of ``module``, found from its top-level package's folder: finding
    a submodule's spec would import (run) the packages above it."""
    top, *rest = module.split(".")
    spec = importlib.util.find_spec(top)
    if spec is None or not spec.submodule_search_locations:
        return None
    base = Path(next(iter(spec.submodule_search_locations)), *rest)
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


class WhooshWallContract(Contract):
    """Only modules inside ``wall`` import Whoosh's internals or private names."""

    wall = fields.StringField()
    external = fields.StringField()
    internal_modules = fields.ListField(subfield=fields.StringField())

    def _internal(self, module: str) -> bool:
        internal = cast(list[str], self.internal_modules)
        return any(module == m or module.startswith(m + ".") for m in internal)

    def _breaches(self, module: str) -> list[str]:
        source = _source_file(module)
        if source is None:
            return []
        tree = ast.parse(source.read_text(encoding="utf-8"), str(source))
        bound: set[str] = set()  # local names that stand for Whoosh modules or objects
        found = []
        ext = str(self.external)
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name == ext or alias.name.startswith(ext + "."):
                        bound.add((alias.asname or alias.name).split(".")[0])
                        if self._internal(alias.name):
                            found.append(f"line {node.lineno}: imports {alias.name}")
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                if not (node.module == ext or node.module.startswith(ext + ".")):
                    continue
                internal = self._internal(node.module)
                if internal:
                    found.append(f"line {node.lineno}: imports from {node.module}")
                for alias in node.names:
                    bound.add(alias.asname or alias.name)
                    if internal:
                        continue
                    if self._internal(f"{node.module}.{alias.name}"):
                        found.append(f"line {node.lineno}: imports {node.module}.{alias.name}")
                    elif _private(alias.name):
                        found.append(f"line {node.lineno}: imports private {alias.name}")
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and _private(node.attr):
                base: Any = node.value
                while isinstance(base, ast.Attribute):
                    base = base.value
                if isinstance(base, ast.Name) and base.id in bound:
                    found.append(f"line {node.lineno}: uses private {ast.unparse(node)}")
        return sorted(set(found), key=lambda s: int(s.split(":")[0].split()[1]))

    def check(self, graph: Any, verbose: bool) -> ContractCheck:
        wall = str(self.wall)
        breaches: dict[str, list[str]] = {}
        for module in sorted(graph.find_modules_that_directly_import(str(self.external))):
            if module == wall or module.startswith(wall + "."):
                continue
            found = self._breaches(module)
            if found:
                breaches[module] = found
        return ContractCheck(kept=not breaches, metadata={"breaches": breaches})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for module, found in check.metadata["breaches"].items():
            output.print_error(f"{module} reaches past the wall ({self.wall}):", bold=True)
            for line in found:
                output.indent_cursor()
                output.print_error(line)
            output.new_line()
