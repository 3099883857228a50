# Two commands for a newcomer: `make run` and `make test`. Both build .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CORPUS ?= corpus/
QUERY ?= legal immunity

.PHONY: run test lint typecheck bytecode clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "searcher needs Python 3.11 or newer"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

# Bytecode for the package, as a regular install compiles it: an editable
# install has none, and where PYTHONDONTWRITEBYTECODE is set Python never
# writes it, so every `searcher` process compiled the package again (~0.13 s).
bytecode: $(VENV)/.installed
	$(BIN)/python -m compileall -q searcher

run: $(VENV)/.installed bytecode
	$(BIN)/searcher index $(CORPUS)
	$(BIN)/searcher query "$(QUERY)"
	@echo
	@echo 'Search it in a browser too: .venv/bin/searcher serve, then open http://127.0.0.1:8000/search?q=legal+immunity'

# ruff, then the layers and walls of ARCHITECTURE.md (import-linter, pyproject.toml).
lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-logo

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy searcher

test: lint typecheck bytecode
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) index/_MAIN_* index/*.seg index/*.toc index/manifest.sqlite3 index/searcher.json
