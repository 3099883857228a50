"""CLI wiring and rendering: the library does the work, tested elsewhere."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from searcher.cli import cli
from tests.conftest import CORPUS, SEED_ID


def _index(runner: CliRunner, corpus: Path) -> None:
    result = runner.invoke(cli, ["index", str(corpus)], catch_exceptions=False)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("command", [[], *[[name] for name in sorted(cli.commands)]])
def test_every_command_has_help(runner: CliRunner, command: list[str]) -> None:
    result = runner.invoke(cli, [*command, "--help"], catch_exceptions=False)
    assert result.exit_code == 0
    assert "Example:" in result.output


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert "version" in result.output


def test_index_then_query(runner: CliRunner, corpus_dir: Path) -> None:
    result = runner.invoke(cli, ["index", str(corpus_dir)], catch_exceptions=False)
    assert result.exit_code == 0
    assert "0 updated, 0 removed" in result.stderr
    result = runner.invoke(cli, ["query", "legal immunity"], catch_exceptions=False)
    assert result.exit_code == 0
    first = result.stdout.split("\n\n")[0]
    assert first.startswith("1. US-Iraq talks hit snag over immunity for troops\n")
    assert "Dan De Luce, AFP | 2011-10-17 |" in first
    assert "The question of [legal] [immunity] for US troops" in first, "piped: plain markers"
    assert "\x1b" not in result.stdout


def test_second_index_run_reports_nothing_added(runner: CliRunner, corpus_dir: Path) -> None:
    _index(runner, corpus_dir)
    result = runner.invoke(cli, ["index", str(corpus_dir)], catch_exceptions=False)
    assert result.stderr.startswith("0 added, 0 updated, 0 removed")


def test_query_json(runner: CliRunner, corpus_dir: Path) -> None:
    _index(runner, corpus_dir)
    result = runner.invoke(cli, ["query", "legal immunity", "--format", "jsonl", "-n", "2"])
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    hit = json.loads(lines[0])
    assert hit["id"] == SEED_ID
    assert hit["byline"] == "Dan De Luce, AFP"
    assert hit["source"] == "AFP"
    assert hit["date"] == "2011-10-17T00:00:00Z"
    assert hit["title"] == "US-Iraq talks hit snag over immunity for troops"
    assert {"rank", "score", "path", "snippets"} <= set(hit)
    assert {"text": "legal", "matched": True} in hit["snippets"][0]


def test_index_option_and_envvar(runner: CliRunner, corpus_dir: Path, tmp_path: Path) -> None:
    other = tmp_path / "other-index"
    result = runner.invoke(cli, ["--index", str(other), "index", str(corpus_dir)])
    assert result.exit_code == 0
    assert (other / "searcher.json").is_file()
    result = runner.invoke(cli, ["query", "panetta"], env={"SEARCHER_INDEX": str(other)})
    assert result.exit_code == 0
    assert result.stdout.startswith("1. US-Iraq talks")


def test_query_without_index_is_one_line_exit_2(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["query", "troops"])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "run `searcher index CORPUS` first" in result.stderr


def test_empty_query_exits_2(runner: CliRunner, corpus_dir: Path) -> None:
    _index(runner, corpus_dir)
    result = runner.invoke(cli, ["query", "  "])
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: Empty query")


def test_missing_corpus_is_a_usage_error(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["index", str(tmp_path / "nowhere")])
    assert result.exit_code == 2
    assert "does not exist" in result.stderr


def test_skipped_file_is_named_and_exit_1(runner: CliRunner, tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "good.txt").write_text("Headline\n\nBody.")
    (corpus / "empty.txt").write_bytes(b"")
    result = runner.invoke(cli, ["index", str(corpus)])
    assert result.exit_code == 1
    assert "empty.txt: the file holds no text" in result.stderr
    assert "1 added" in result.stderr


def test_escape_sequences_in_articles_never_reach_the_terminal(
    runner: CliRunner, tmp_path: Path
) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "evil.txt").write_text(
        "Evil \x1b]0;owned\x07 title \u202e\n\nBody with \x1b[31mred\x1b[0m and \x9b2J zebra."
    )
    _index(runner, corpus)
    for args in (["query", "zebra"], ["query", "zebra", "--json"]):
        result = runner.invoke(cli, args)
        assert result.exit_code == 0
        assert "\x1b" not in result.stdout
        assert "\x9b" not in result.stdout
        assert "\u202e" not in result.stdout


def test_extract_shows_what_would_be_indexed(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["extract", str(CORPUS / "000_15647181341936f1.txt")])
    assert result.exit_code == 0
    assert "title:    US-Iraq talks hit snag over immunity for troops" in result.stdout
    assert "source:   AFP" in result.stdout
    result = runner.invoke(cli, ["extract", "--json", str(CORPUS / "000_15647181341936f1.txt")])
    assert json.loads(result.stdout)["date"] == "2011-10-17T00:00:00Z"


def test_extract_unreadable_file_is_one_line(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    result = runner.invoke(cli, ["extract", str(path)])
    assert result.exit_code == 2
    assert result.stderr == f"Error: {path}: the file holds no text\n"


def test_index_map_reads_json_fields_from_other_keys(runner: CliRunner, tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "feed.jsonl").write_text(
        json.dumps({"headline": "Odd export", "story_text": "A zebrafish escaped the lab."}) + "\n"
    )
    result = runner.invoke(cli, ["index", str(corpus), "--map", "body=story_text"])
    assert result.exit_code == 0, result.output
    hits = json.loads(runner.invoke(cli, ["query", "zebrafish", "--json"]).stdout)["hits"]
    assert hits[0]["title"] == "Odd export"


def test_index_map_rejects_unknown_fields(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["index", str(tmp_path), "--map", "colour=red"])
    assert result.exit_code == 2
    assert "'colour=red' is not FIELD=KEY" in result.stderr


def test_max_file_mb_skips_larger_files(runner: CliRunner, tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "big.txt").write_text("Big\n\n" + "word " * 300_000)
    (corpus / "small.txt").write_text("Small\n\nzebra")
    result = runner.invoke(cli, ["index", str(corpus), "--max-file-mb", "1"])
    assert result.exit_code == 1
    assert "big.txt" in result.stderr and "1 MiB" in result.stderr
    assert "1 added" in result.stderr


def test_index_into_a_folder_of_other_files_needs_force(
    runner: CliRunner, corpus_dir: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "notes.md").write_text("mine")
    result = runner.invoke(cli, ["--index", str(folder), "index", str(corpus_dir)])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert str(folder) in result.stderr
    assert "empty" in result.stderr and "--force" in result.stderr
    assert [p.name for p in folder.iterdir()] == ["notes.md"]
    forced = runner.invoke(cli, ["--index", str(folder), "index", "--force", str(corpus_dir)])
    assert forced.exit_code == 0, forced.output
    assert (folder / "notes.md").read_text() == "mine"
    again = runner.invoke(cli, ["--index", str(folder), "index", str(corpus_dir)])
    assert again.exit_code == 0, again.output


def test_index_without_its_version_file_asks_for_a_rebuild(
    runner: CliRunner, corpus_dir: Path, index_env: Path
) -> None:
    _index(runner, corpus_dir)
    (index_env / "searcher.json").unlink()
    for command in (["index", str(corpus_dir)], ["query", "troops"]):
        result = runner.invoke(cli, command)
        assert result.exit_code == 2
        assert result.stderr.count("\n") == 1
        assert "searcher.json" in result.stderr and "--rebuild" in result.stderr
    rebuilt = runner.invoke(cli, ["index", "--rebuild", str(corpus_dir)])
    assert rebuilt.exit_code == 0, rebuilt.output
    assert "17 articles" in rebuilt.stderr
