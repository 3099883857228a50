"""The Snowball stemmer is imported without the packages NLTK would import
alongside it but never uses for stemming (SciPy: some 65 MB a process)."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys

import pytest

from searcher.analysis.stems import NOT_FOR_STEMMING
from tests.conftest import REPO

PROBE = """
import sys
from searcher.analysis import stems
stems.load_stemmer()
print(stems.learn_stem("harbours", 10), [n for n in stems.NOT_FOR_STEMMING if n in sys.modules])
for name in stems.NOT_FOR_STEMMING:
    __import__(name)  # still importable afterwards
print("imported")
"""


@pytest.mark.skipif(
    not all(importlib.util.find_spec(n) for n in NOT_FOR_STEMMING),
    reason="SciPy is not installed: nothing to hold off",
)
def test_the_stemmer_loads_without_scipy_which_still_imports_afterwards() -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, env=env
    )
    assert done.stdout.split("\n")[:2] == ["harbour []", "imported"]
