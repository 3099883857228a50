"""``stats``: what the index holds, sections and keywords included."""

from __future__ import annotations

import json

from click.testing import CliRunner

import searcher
from searcher.cli import cli


def test_stats_count_sections_and_keywords(built_index: searcher.Index) -> None:
    stats = built_index.stats()
    sections = dict(stats.sections)
    assert sections["world"] == 4 and sections["feeds"] >= 2, stats.sections
    assert dict(stats.keywords)["cocoa"] == 2
    counts = [count for _, count in stats.keywords]
    assert counts == sorted(counts, reverse=True)


def test_cli_stats_lists_sections_and_keywords(
    runner: CliRunner, built_index: searcher.Index
) -> None:
    result = runner.invoke(cli, ["stats"])
    assert result.exit_code == 0, result.output
    assert "\nsections: " in result.stdout and "world (4)" in result.stdout
    assert "\nkeywords: " in result.stdout and "cocoa (2)" in result.stdout
    data = json.loads(runner.invoke(cli, ["stats", "--json"]).stdout)
    assert data["sections"]["world"] == 4 and data["keywords"]["cocoa"] == 2
