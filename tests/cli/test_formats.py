"""Scriptable output: --format, --fields, --ids, --count, exit codes, colour."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import searcher
from searcher.cli import cli
from tests.conftest import SEED_ID


@pytest.fixture
def indexed(runner: CliRunner, corpus_dir: Path) -> Path:
    result = runner.invoke(cli, ["index", str(corpus_dir)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return corpus_dir


def test_csv_with_chosen_fields_is_a_header_and_a_row_a_hit(
    runner: CliRunner, indexed: Path
) -> None:
    args = ["query", "troops", "--format", "csv", "--fields", "id,date,title", "-n", "2"]
    result = runner.invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["id", "date", "title"]
    assert len(rows) == 3
    assert rows[1][0] == SEED_ID or rows[2][0] == SEED_ID


def test_tsv_defaults_to_the_main_fields(runner: CliRunner, indexed: Path) -> None:
    result = runner.invoke(cli, ["query", "legal", "immunity", "--format", "tsv", "-n", "1"])
    header, row = result.stdout.splitlines()
    assert header.split("\t") == ["rank", "score", "id", "date", "source", "title"]
    assert row.split("\t")[2:] == [
        SEED_ID,
        "2011-10-17T00:00:00Z",
        "AFP",
        "US-Iraq talks hit snag over immunity for troops",
    ]


def test_json_is_one_document_with_total_and_pages(runner: CliRunner, indexed: Path) -> None:
    result = runner.invoke(cli, ["query", "troops", "--json", "-n", "1", "-p", "2"])
    data = json.loads(result.stdout)
    assert data["total"] >= 2
    assert (data["page"], data["pages"]) == (2, data["total"])
    assert len(data["hits"]) == 1 and data["hits"][0]["rank"] == 2
    picked = runner.invoke(cli, ["query", "troops", "--format", "json", "--fields", "id,date"])
    assert set(json.loads(picked.stdout)["hits"][0]) == {"id", "date"}


def test_jsonl_is_a_hit_a_line(runner: CliRunner, indexed: Path) -> None:
    result = runner.invoke(cli, ["query", "troops", "--format", "jsonl", "--fields", "id"])
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) >= 2 and all(list(line) == ["id"] for line in lines)


def test_trec_run_lines(runner: CliRunner, indexed: Path) -> None:
    result = runner.invoke(cli, ["query", "legal immunity", "--format", "trec", "-n", "1"])
    qid, q0, docid, rank, score, tag = result.stdout.split()
    assert (qid, q0, docid, rank, tag) == ("legal_immunity", "Q0", SEED_ID, "1", "searcher")
    assert float(score) > 0


def test_ids_feed_show(runner: CliRunner, indexed: Path) -> None:
    ids = runner.invoke(cli, ["query", "cocoa", "--ids"]).stdout.splitlines()
    assert len(ids) == 3 and all("#" in i or i.endswith(".txt") for i in ids)
    shown = runner.invoke(cli, ["show", ids[0]])
    assert shown.exit_code == 0
    assert ids[0] in shown.stdout.splitlines()[1]


def test_hits_show_the_id_that_show_takes(runner: CliRunner, indexed: Path) -> None:
    result = runner.invoke(cli, ["query", "brazil cocoa crop"])
    assert "corpus/wire/1987-02-wire.sgm#1" in result.stdout.split("\n\n")[0]
    assert runner.invoke(cli, ["show", "corpus/wire/1987-02-wire.sgm#1"]).exit_code == 0


def test_count(runner: CliRunner, indexed: Path) -> None:
    result = runner.invoke(cli, ["query", "cocoa", "--count"])
    assert (result.exit_code, result.stdout) == (0, "3\n")
    result = runner.invoke(cli, ["query", "zzyzzx", "--count"])
    assert (result.exit_code, result.stdout) == (1, "0\n")


def test_exit_codes_are_grep_s(runner: CliRunner, indexed: Path) -> None:
    assert runner.invoke(cli, ["query", "cocoa"]).exit_code == 0
    none = runner.invoke(cli, ["query", "zzyzzx"])
    assert none.exit_code == 1 and "No articles match" in none.stderr
    assert runner.invoke(cli, ["query", "cocoa", "-p", "9"]).exit_code == 1
    assert runner.invoke(cli, ["query", "cocoa", "--sort", "date"]).exit_code == 2
    assert runner.invoke(cli, ["--index", "/nonexistent", "query", "x"]).exit_code == 2


def test_unquoted_words_are_one_query(runner: CliRunner, indexed: Path) -> None:
    quoted = runner.invoke(cli, ["query", "legal immunity", "--ids"]).stdout
    assert runner.invoke(cli, ["query", "legal", "immunity", "--ids"]).stdout == quoted


def test_index_after_the_subcommand(runner: CliRunner, corpus_dir: Path, tmp_path: Path) -> None:
    other = str(tmp_path / "elsewhere")
    assert runner.invoke(cli, ["index", str(corpus_dir), "--index", other]).exit_code == 0
    assert (Path(other) / "searcher.json").is_file()
    for args in (["query", "cocoa"], ["show", SEED_ID], ["stats"], ["verify"], ["export"]):
        assert runner.invoke(cli, [*args, "--index", other]).exit_code == 0, args
        assert runner.invoke(cli, args).exit_code == 2, args  # $SEARCHER_INDEX: none there


def test_color(runner: CliRunner, indexed: Path) -> None:
    always = runner.invoke(cli, ["query", "cocoa", "--color", "always"])
    assert "\x1b[" in always.stdout
    assert "\x1b[" not in runner.invoke(cli, ["query", "cocoa"]).stdout
    no_color = runner.invoke(cli, ["query", "cocoa"], env={"NO_COLOR": "1"})
    assert "\x1b[" not in no_color.stdout


def test_fields_are_checked(runner: CliRunner, indexed: Path) -> None:
    result = runner.invoke(cli, ["query", "cocoa", "--format", "csv", "--fields", "id,titel"])
    assert result.exit_code == 2 and "titel is not a field" in result.stderr
    result = runner.invoke(cli, ["query", "cocoa", "--fields", "id"])
    assert result.exit_code == 2 and "--fields" in result.stderr
    result = runner.invoke(cli, ["query", "cocoa", "--json", "--format", "csv"])
    assert result.exit_code == 2


def test_every_option_has_help() -> None:
    for name, command in cli.commands.items():
        for param in command.params:
            if isinstance(param, searcher.cli.click.Option) and not param.hidden:
                assert param.help, (name, param.name)


def test_ctrl_c_exits_130_and_says_a_rerun_resumes(
    runner: CliRunner, indexed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(searcher, "open_index", interrupted)
    result = runner.invoke(cli, ["query", "cocoa"])
    assert result.exit_code == 130
    assert "run the same command again to resume" in result.stderr
