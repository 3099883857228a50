"""The analyzer: exact terms, news normalisation, exact spans, pickling."""

from __future__ import annotations

import pickle

from hypothesis import given
from hypothesis import strategies as st
from nltk.stem.snowball import SnowballStemmer

from searcher.analysis import (
    STOP_WORDS,
    TOKEN_PATTERN,
    NltkTokenizer,
    SnowballStemFilter,
    TokenPattern,
    analyze_text,
    name_analyzer,
    news_analyzer,
)
from searcher.schema import build_schema


def test_terms_of_a_sentence() -> None:
    assert analyze_text("The question of legal immunity for US troops remains") == [
        "question",
        "legal",
        "immun",
        "us",
        "troop",
        "remain",
    ]


def test_us_and_dotted_us_match() -> None:
    assert analyze_text("U.S. troops") == analyze_text("US troops") == ["us", "troop"]


def test_possessive_matches_the_plain_name() -> None:
    assert analyze_text("Iraq's leaders") == analyze_text("Iraq leaders")
    assert analyze_text("Baghdad’s forces") == ["baghdad", "forc"]


def test_accents_fold() -> None:
    assert analyze_text("São Paulo") == analyze_text("Sao Paulo") == ["sao", "paulo"]


def test_news_words_are_not_stop_words() -> None:
    for word in ("us", "may", "will", "new", "no", "not"):
        assert word not in STOP_WORDS
    assert analyze_text("New US rules may apply") == ["new", "us", "rule", "may", "appli"]


def test_numbers_keep_their_value() -> None:
    assert analyze_text("39,000 troops and 3.5 percent") == ["39000", "troop", "3.5", "percent"]


def test_name_analyzer_does_not_stem() -> None:
    assert analyze_text("Dan De Luce, AFP", stem=False) == ["dan", "de", "luce", "afp"]


@given(st.text())
def test_spans_slice_back_to_the_original_text(text: str) -> None:
    last_end = 0
    for token in NltkTokenizer()(text, chars=True, keeporiginal=True):
        assert token.startchar >= last_end
        assert token.endchar > token.startchar
        assert text[token.startchar : token.endchar] == token.original
        last_end = token.endchar


@given(st.text())
def test_analyzer_spans_stay_exact_after_filters(text: str) -> None:
    for token in news_analyzer()(text, chars=True, positions=True):
        assert token.text, "no empty terms"
        assert 0 <= token.startchar < token.endchar <= len(text)


def test_positions_skip_stop_words_so_phrases_still_match() -> None:
    positions = [(t.text, t.pos) for t in news_analyzer()("Bank of England", positions=True)]
    assert positions == [("bank", 0), ("england", 1)]


def test_analyzers_pickle_to_equal_objects() -> None:
    for analyzer in (news_analyzer(), name_analyzer()):
        analyzer("warm the caches up")  # caches must not leak into the pickle
        copy = pickle.loads(pickle.dumps(analyzer))
        assert copy == analyzer
        assert [t.text for t in copy("U.S. troops")] == [t.text for t in analyzer("U.S. troops")]


def test_schema_analyzers_survive_pickling() -> None:
    schema = build_schema()
    copy = pickle.loads(pickle.dumps(schema))
    assert copy.names() == schema.names()
    for name in ("title", "body", "byline", "source"):
        assert copy[name].analyzer == schema[name].analyzer


_ASCII_TEXT = st.text(
    alphabet=st.sampled_from("aZ09._,'- \n\t\"()$%:;!?/&x\x01"), max_size=80
) | st.text(alphabet=st.characters(max_codepoint=127), max_size=80)


@given(_ASCII_TEXT)
def test_ascii_pattern_finds_the_same_tokens(text: str) -> None:
    """All-ASCII text takes the faster ASCII pattern, with the same spans."""
    pattern = TokenPattern(TOKEN_PATTERN)
    assert pattern.ascii is not None
    expected = [m.span() for m in pattern.compiled.finditer(text)]
    assert [m.span() for m in pattern.ascii.finditer(text)] == expected
    assert [m.span() for m in pattern.finditer(text)] == expected
    assert pattern.findall(text) == pattern.compiled.findall(text)


def test_token_pattern_examples() -> None:
    pattern = TokenPattern(TOKEN_PATTERN)
    text = "U.S. aid of 39,000 (1.5%) for Iraq's x_y a.b.c. São Paulo’s"
    assert pattern.findall(text) == pattern.compiled.findall(text)
    assert pattern.findall(text.encode("ascii", "ignore").decode()) == [
        "U.S.", "aid", "of", "39,000", "1.5", "for", "Iraq's", "x", "y", "a.b.c.", "So", "Paulos",
    ]  # fmt: skip


@given(st.text(alphabet="0123456789٣.,", min_size=1, max_size=12))
def test_numbers_skip_the_stemmer_as_it_would_leave_them(word: str) -> None:
    assert SnowballStemFilter().stem(word) == SnowballStemmer("english").stem(word) == word
