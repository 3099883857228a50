"""The HTML reader on the shared article-extraction-benchmark pages (skipped when absent)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data" / "article-extraction-benchmark"


def _benchmark() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "extraction", REPO / "benchmarks" / "extraction.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("extraction", module)
    spec.loader.exec_module(module)
    return module


extraction = _benchmark()


def test_scoring_follows_the_benchmark_method() -> None:
    truth = "one two three four five"
    assert extraction.page_scores(truth, truth) == (1.0, 1.0)
    assert extraction.page_scores(truth, "one two three four") == (1.0, 0.5)
    assert extraction.page_scores(truth, "six seven eight nine") == (0.0, 0.0)
    assert extraction.page_scores("", "") == (1.0, 1.0)
    result = extraction.score([(truth, truth), (truth, "one two three four")])
    assert (result.precision, result.recall) == (1.0, 0.75)
    assert result.f1 == pytest.approx(2 * 0.75 / 1.75)


@pytest.fixture(scope="module")
def truth() -> dict[str, str]:
    if not (DATA / "ground-truth.json").is_file():
        pytest.skip(f"benchmark data not present in {DATA} (research-use data, not in the repo)")
    loaded: dict[str, str] = extraction.load_truth(DATA)
    return loaded


def test_body_f1_on_the_shared_pages(truth: dict[str, str]) -> None:
    assert len(truth) == 134
    pairs = []
    for key, expected in truth.items():
        article, *_ = extraction.extract(DATA / "html" / f"{key}.html.gz")
        assert article is not None, key
        pairs.append((expected, article.body))
    result = extraction.score(pairs)
    assert result.f1 >= 0.95
    assert result.precision >= 0.93
    assert result.recall >= 0.93


def test_reference_trafilatura_recomputes_to_the_brief(truth: dict[str, str]) -> None:
    import json

    outputs = json.loads((DATA / "reference-outputs" / "trafilatura.json").read_text())["output"]
    result = extraction.score((truth[k], outputs[k]["articleBody"] or "") for k in truth)
    assert round(result.f1, 3) == 0.954
