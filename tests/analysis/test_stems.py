"""The Snowball stemmer is imported without the rest of NLTK (its package imports
http, urllib, NumPy and more: 28 MB and 0.3 s a process), and NLTK still
imports whole afterwards."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import REPO

PROBE = """
import sys
from searcher.analysis import stems
before = set(sys.modules)
stems.load_stemmer()
print(stems.learn_stem("harbours", 10), stems.stemmer_loaded(),
      sorted({n.split(".")[0] for n in set(sys.modules) - before}))
import nltk  # whole, as if nothing had been loaded before
print(nltk.stem.snowball.SnowballStemmer("english").stem("harbours"),
      type(nltk.corpus.stopwords).__name__, "nltk.translate" in sys.modules)
"""


def test_the_stemmer_loads_alone_and_nltk_still_imports_whole_afterwards() -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, env=env
    )
    assert done.stdout.split("\n")[:2] == [
        "harbour True ['regex']",  # nltk.redos's engine
        "harbour LazyCorpusLoader True",
    ]
