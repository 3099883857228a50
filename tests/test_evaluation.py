"""Scoring rankings against judgments (searcher/evaluation.py, Index.evaluate)."""

from __future__ import annotations

from pathlib import Path

import pytest

import searcher
from searcher.evaluation import doc_name, evaluate

# The first word a query stems out of the index's stem table imports nltk; on a
# loaded machine that alone can pass the 5 s query budget, so load it before.
searcher.analyze_text("warm up")

QRELS = {"1": {"a": 1, "b": 1, "z": 0}, "2": {"c": 2}, "3": {"d": 0}}


def test_measures_are_trec_evals() -> None:
    result = evaluate(QRELS, {"1": [("a", 3.0), ("x", 2.0), ("b", 1.0)], "2": [("y", 1.0)]})
    assert result.queries == 2
    # Query 1: AP (1/1 + 2/3) / 2, RR 1, P@10 0.2, R@100 1; query 2 finds nothing.
    assert result.measure("MAP") == pytest.approx((1 + 2 / 3) / 2 / 2)
    assert result.measure("MRR") == pytest.approx(0.5)
    assert result.measure("P@10") == pytest.approx(0.1)
    assert result.measure("R@100") == pytest.approx(0.5)
    assert [name for name, _ in result.measures] == ["MAP", "nDCG@10", "P@10", "R@100", "MRR"]
    assert result.per_query[1] == ("2", (0.0, 0.0, 0.0, 0.0, 0.0))
    assert [str(line) for line in result.run][:2] == [
        "1 Q0 a 1 3.000000 searcher",
        "1 Q0 x 2 2.000000 searcher",
    ]


def test_a_query_without_relevant_judgments_is_not_scored_and_noted() -> None:
    result = evaluate(QRELS, {"3": [("d", 1.0)], "9": [], "1": [("a", 1.0)]})
    assert result.queries == 1
    assert result.notes == ("2 of 3 queries have no relevant judgment and are not scored: 3, 9",)


def test_doc_name_matches_what_the_judgments_name() -> None:
    judged = {"1440", "ap-7", "b.txt"}
    assert doc_name("cisi/1440.txt", judged) == "1440"
    assert doc_name("wire.sgm#ap-7", judged) == "ap-7"
    assert doc_name("b.txt", judged) == "b.txt"
    assert doc_name("c.txt", judged) == "c.txt"


def test_index_evaluate_runs_each_judged_query(tmp_path: Path) -> None:
    corpus = tmp_path / "docs"
    corpus.mkdir()
    stories = {
        "1": "Cocoa harvest\n\nCocoa prices rose as the harvest in Ghana failed.",
        "2": "Oil output\n\nOPEC agreed to cut oil output for the winter.",
        "3": "Cocoa exports\n\nIvory Coast cocoa exports fell sharply this year.",
    }
    for name, text in stories.items():
        (corpus / f"{name}.txt").write_text(text)
    with searcher.open_index(tmp_path / "index", create=True) as ix:
        ix.update(corpus)
        result = ix.evaluate(
            {"q1": "cocoa harvest", "q2": "oil", "q3": "unjudged"},
            {"q1": {"1": 1, "3": 1}, "q2": {"2": 1}},
        )
    assert result.queries == 2
    assert result.measure("MAP") == 1.0
    assert {line.doc_id for line in result.run} == {"1", "2", "3"}
    assert result.notes == ("1 of 3 queries have no judgments and are not run",)
