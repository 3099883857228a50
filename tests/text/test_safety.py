"""Untrusted text stays text: safe_text, safe_html, and what the CLI prints."""

from __future__ import annotations

import json
import logging
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import searcher
from searcher.cli import cli
from searcher.text.safety import UNSAFE_RANGES, SafeFormatter, safe_html, safe_text

UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
#: Format characters real text needs and terminals ignore (see safetext's doc).
KEPT = frozenset({"\t", "\n", "\u00ad", "\u200c", "\u200d"})

#: Terminal attacks, each with the bytes that must not reach the terminal.
ATTACKS = {
    "csi colour": "\x1b[31mred\x1b[0m",
    "osc title": "\x1b]0;pwned\x07",
    "osc 8 hyperlink": "\x1b]8;;http://evil.example\x1b\\click\x1b]8;;\x1b\\",
    "osc 52 clipboard": "\x1b]52;c;cm0gLXJmIH4K\x07",
    "c1 csi": "\x9b31m",
    "c1 osc": "\x9d0;title\x9c",
    "dcs": "\x1bP+q\x1b\\",
    "carriage return overwrite": "safe\rEVIL",
    "backspace": "abc\x08\x08\x08xyz",
    "bidi override": "invoice_\u202etxt.exe",
    "bidi isolate": "\u2067abc\u2069",
    "zero width space": "pay\u200bpal",
    "line separator": "one\u2028two\u2029three",
    "bom": "\ufeffhead",
    "tag characters": "hi\U000e0041\U000e0042",
    "lone surrogate": "bad\ud800half",
    "nul": "a\x00b",
}


def _code_points(category_filter: frozenset[str]) -> list[int]:
    return [c for c in range(0x110000) if unicodedata.category(chr(c)) in category_filter]


def test_every_control_and_format_character_is_escaped() -> None:
    missed = [
        f"U+{c:04X}"
        for c in _code_points(UNSAFE_CATEGORIES)
        if chr(c) not in KEPT and safe_text(chr(c)) == chr(c)
    ]
    assert missed == [], f"regenerate UNSAFE_RANGES for Unicode {unicodedata.unidata_version}"


def test_table_holds_only_control_and_format_characters() -> None:
    # Unassigned code points (Cn) are allowed: a newer Unicode may assign them as Cf.
    wrong = [
        f"U+{c:04X} is {unicodedata.category(chr(c))}"
        for lo, hi in UNSAFE_RANGES
        for c in range(lo, hi + 1)
        if unicodedata.category(chr(c)) not in UNSAFE_CATEGORIES | {"Cn"}
    ]
    assert wrong == []


@pytest.mark.parametrize("attack", list(ATTACKS.values()), ids=list(ATTACKS))
def test_attacks_are_neutralised(attack: str) -> None:
    shown = safe_text(attack)
    assert all(unicodedata.category(ch) not in UNSAFE_CATEGORIES for ch in shown)
    shown.encode("utf-8")  # lone surrogates would make printing fail


def test_escapes_are_visible_and_exact() -> None:
    assert safe_text("\x1b[31m\x9b\u202e\U000e0041") == "\\x1b[31m\\x9b\\u202e\\U000e0041"
    assert safe_text("tab\there") == "tab here"
    assert safe_text("cr\r\nlf", keep_newlines=True) == "cr\\x0d\nlf"
    assert safe_text("soft\u00adhyphen \U0001f468\u200d\U0001f469") == (
        "soft\u00adhyphen \U0001f468\u200d\U0001f469"
    )


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec=None)))
def test_safe_text_output_never_holds_a_control(text: str) -> None:
    shown = safe_text(text)
    assert all(
        ch in KEPT - {"\t", "\n"} or unicodedata.category(ch) not in UNSAFE_CATEGORIES
        for ch in shown
    )
    assert "\n" not in shown
    assert safe_text(text, keep_newlines=True).count("\n") == text.count("\n")


def test_safe_html_escapes_quotes_and_controls() -> None:
    assert safe_html("a\"b'c<d>&\x1b") == "a&quot;b&#x27;c&lt;d&gt;&amp;\\x1b"


def test_safe_formatter_neutralises_log_messages() -> None:
    record = logging.LogRecord(
        "x", logging.WARNING, __file__, 1, "skipped %s", ("a\x1b]0;t\x07",), None
    )
    assert SafeFormatter("%(message)s").format(record) == "skipped a\\x1b]0;t\\x07"


# -- the CLI -------------------------------------------------------------------

HOSTILE_TITLE = "Markets \x1b]0;pwned\x07 rally \x9b31m \u202eevil"
HOSTILE_BODY = (
    "Markets rallied \x1b[2J\x1b[H today \x1b]52;c;ZXZpbA==\x07 after the \u202e central "
    "bank \x9b2J cut rates.\r\n\nSecond \x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\ paragraph."
)
FORBIDDEN = ("\x1b", "\x9b", "\x9d", "\u202e", "\x07", "\r")


@pytest.fixture
def hostile_index(tmp_path: Path, index_env: Path) -> Path:
    with searcher.open_index(index_env, create=True) as ix:
        ix.add(
            [
                searcher.Article(
                    id="evil/1",
                    path=str(tmp_path / "evil\x1b[31m.txt"),
                    title=HOSTILE_TITLE,
                    body=HOSTILE_BODY,
                    byline="Jane \x1b]0;x\x07 Roe",
                    source="\u202eAP",
                )
            ]
        )
    return index_env


@pytest.mark.parametrize("args", [[], ["--format", "jsonl"]], ids=["text", "jsonl"])
def test_piped_query_output_holds_no_control_from_the_article(
    runner: CliRunner, hostile_index: Path, args: list[str]
) -> None:
    result = runner.invoke(cli, ["query", "markets", *args])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "rally" in out and "central" in out
    for forbidden in FORBIDDEN:
        assert forbidden not in out, repr(forbidden)
    assert b"\x1b" not in result.stdout_bytes and b"\xc2\x9b" not in result.stdout_bytes
    if args:
        record = json.loads(out.splitlines()[0])
        assert record["title"] == HOSTILE_TITLE  # JSON keeps the text, escaped


def test_extract_output_holds_no_control_from_the_file(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "hostile.txt"
    path.write_text(HOSTILE_TITLE + "\n\n" + HOSTILE_BODY + "\n", encoding="utf-8")
    result = runner.invoke(cli, ["extract", str(path)])
    assert result.exit_code == 0, result.output
    assert "Markets" in result.stdout
    for forbidden in FORBIDDEN:
        assert forbidden not in result.stdout, repr(forbidden)


def test_error_messages_naming_a_hostile_file_are_safe(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "evil\x1b]0;pwned\x07.txt"
    path.write_bytes(b"")
    result = runner.invoke(cli, ["extract", str(path)])
    assert result.exit_code == 2
    assert "holds no text" in result.stderr
    assert "\x1b" not in result.stderr
