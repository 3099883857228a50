"""The HTML reader on the shared article-extraction-benchmark pages (skipped when absent)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
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
def run() -> Any:
    if not (DATA / "ground-truth.json").is_file():
        pytest.skip(f"benchmark data not present in {DATA} (research-use data, not in the repo)")
    return extraction.evaluate(DATA)


def test_body_f1_on_the_shared_pages(run: Any) -> None:
    assert len(run.truth) == 134
    assert run.counts["skipped"] == 0
    result = extraction.score((run.truth[k], run.bodies[k]) for k in run.truth)
    assert result.f1 >= 0.95
    assert result.precision >= 0.93
    assert result.recall >= 0.93


def test_metadata_coverage_on_the_shared_pages(run: Any) -> None:
    counts = run.counts
    assert counts["headline"] >= 0.95 * len(run.truth)
    assert counts["date where stated"] == counts["states date"]
    assert counts["byline where named"] >= 0.95 * counts["names author"]


def test_reference_trafilatura_recomputes_to_the_brief(run: Any) -> None:
    outputs = json.loads((DATA / "reference-outputs" / "trafilatura.json").read_text())["output"]
    result = extraction.score((run.truth[k], outputs[k]["articleBody"] or "") for k in run.truth)
    assert round(result.f1, 3) == 0.954
