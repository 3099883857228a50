"""TREC run lines written, qrels, topics and TSV queries read (searcher/runfile.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from searcher import IngestError
from searcher.runfile import RunLine, read_qrels, read_queries, read_run, run_lines


def test_run_lines_rank_from_one_with_strictly_falling_scores(tmp_path: Path) -> None:
    lines = list(run_lines("q1", [("a.txt", 3.0), ("b.txt", 3.0), ("c.txt", 0.0)], tag="t"))
    assert [str(line) for line in lines] == [
        "q1 Q0 a.txt 1 3.000000 t",
        "q1 Q0 b.txt 2 2.999999 t",
        "q1 Q0 c.txt 3 0.000000 t",
    ]
    run = tmp_path / "run.trec"
    run.write_text("".join(f"{line}\n" for line in lines))
    assert read_run(run) == {"q1": lines}


def test_dates_sorted_hits_keep_their_order() -> None:
    scores = [line.score for line in run_lines("1", [(f"d{i}", 0.0) for i in range(4)])]
    assert scores == sorted(scores, reverse=True) and len(set(scores)) == 4


@pytest.mark.parametrize(("query_id", "doc_id"), [("q 1", "a"), ("q1", "my doc.txt"), ("", "a")])
def test_a_space_in_an_id_is_refused(query_id: str, doc_id: str) -> None:
    with pytest.raises(ValueError, match="one word without spaces"):
        list(run_lines(query_id, [(doc_id, 1.0)]))


def test_qrels_are_read_and_nonrelevant_codes_kept(tmp_path: Path) -> None:
    path = tmp_path / "qrels"
    path.write_text("1 0 13 1\n1 0 14 0\r\n\n2 Q0 doc-7 -1\n")
    assert read_qrels(path) == {"1": {"13": 1, "14": 0}, "2": {"doc-7": -1}}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("1 0 13\n", "line 1 cannot be read: a qrels line is"),
        ("1 0 13 yes\n", "line 1 cannot be read: the relevance"),
        ("\n\n", "holds no judgments"),
    ],
)
def test_bad_qrels_name_the_file_and_line(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "qrels.txt"
    path.write_text(content)
    with pytest.raises(IngestError, match=message) as raised:
        read_qrels(path)
    assert str(path) in str(raised.value) and "\n" not in str(raised.value)


def test_a_missing_file_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="cannot be read"):
        read_queries(tmp_path / "absent.tsv")


def test_tsv_queries(tmp_path: Path) -> None:
    path = tmp_path / "q.tsv"
    path.write_text("# id, text\n1\tdiem and the buddhists\n\n7\tsystems? nutrition: what\n")
    assert read_queries(path) == {"1": "diem and the buddhists", "7": "systems? nutrition: what"}
    path.write_text("1 no tab here\n")
    with pytest.raises(IngestError, match="line 1 cannot be read"):
        read_queries(path)


def test_trec_topics_take_the_title_else_the_description(tmp_path: Path) -> None:
    path = tmp_path / "topics.txt"
    path.write_text(
        "<top>\n<num> Number: 401\n<title> foreign minorities, Germany\n\n"
        "<desc> Description:\nWhat language and cultural differences impede?\n"
        "<narr> Narrative:\nA relevant document ...\n</top>\n\n"
        "<top>\n<num> Number: 402 <title>\n<desc> Description:\nbehavioral genetics\n</top>\n"
    )
    assert read_queries(path) == {
        "401": "foreign minorities, Germany",
        "402": "behavioral genetics",
    }


def test_run_line_fields() -> None:
    line = RunLine("3", "x.txt", 1, 1.5)
    assert (line.query_id, line.doc_id, line.rank, line.score, line.tag) == (
        "3",
        "x.txt",
        1,
        1.5,
        "searcher",
    )
