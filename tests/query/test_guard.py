"""Hostile queries: each one runs within the limits or gets a one-line QueryError."""

from __future__ import annotations

import time

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from whoosh.index import FileIndex

import searcher
from searcher import query
from searcher.cli import cli
from searcher.errors import QueryError
from searcher.models import SearchResults
from searcher.query import DEFAULT_LIMITS, QueryLimits
from searcher.query.checks import check_query
from searcher.text import deadline
from tests.conftest import SEED_ID, whoosh_index


def guarded_search(
    ix: FileIndex, text: str, *, limit: int = 10, limits: QueryLimits = DEFAULT_LIMITS
) -> SearchResults:
    """``query.search``, which runs the guard: text checks, safe parsing, limits, budget."""
    return query.search(ix, text, limit=limit, limits=limits)


#: Limits so loose that only the text checks and safe parsing remain.
LOOSE = QueryLimits(max_clauses=10**6, max_expansions=10**6, max_boost=1e300, seconds=60)


@pytest.fixture
def ix(built_index: searcher.Index) -> FileIndex:
    return whoosh_index(built_index)


#: Query -> a fragment of the error message that points at the limit or the problem.
REJECTED = {
    "(" * 1000 + "troops" + ")" * 1000: "is 2,006 characters long; the limit is 200",
    "( " * 40 + "troops" + " )" * 40: "nest more than 32 deep",
    "a" * 80_000: "80,000 characters long",
    "troops " + "x" * 500: "500 characters long; the limit is 200",
    " ".join(f"w{i}" for i in range(10_000)): "characters long; the limit is 4,096",
    "\x1b[31mtroops": r"control character (\x1b) at character 1",
    "troops\x00": r"(\x00)",
    "troops \u202epanetta": r"(\u202e)",
    "\x9b31m": r"(\x9b)",
    "date:junk": "Cannot read the date 'junk'; use e.g. 2011-10-17",
    "troops date:soonish": "Cannot read the date 'soonish'",
    "date:[a TO]": "Cannot read the date 'a'",
    "😀": "Nothing to search for in '😀': Not searched for: '😀' (a symbol, not indexed)",
    "the of a": "Not searched for: the, of, a (stop words, not indexed)",
    "\\": "Nothing to search for",
    "*": "Nothing to search for",
    "?*": "Nothing to search for",
    "*:*": "Nothing to search for",
    "*a*": "Nothing to search for",
    "troops^99999999999999999999": "boost",
    "troops^5000": "boost ^5000",
    "[ TO ]": "searches for nothing",
    "[a TO]": "matches more than 128 words in the index; narrow the range",
    "-immunity": "The query '-immunity' only excludes words",
    "NOT troops": "only excludes words",
}

ACCEPTED = [
    "legal immunity",
    '"sticking point"',
    "troops NOT panetta",
    "troops date:yesterday",
    "date:[yesterday TO]",
    "troops AND NOT panetta",
    "title:(immunity legal)",
    'title:"legal immunity"',
    "byline:luce",
    "immun*",
    "*unity",
    "*ea*",
    "[immunity TO immunize]",
    "{a TO b}",
    "troops^2",
    "U.S. troops",
    "make-or-break",
    "10:30 troops",
    "troops /regex/",
    "(troops OR panetta) AND immunity",
    "'single quoted' troops",
    "São Paulo",
    "Москва troops",
    "عربي troops",
]


@pytest.mark.parametrize("text", list(REJECTED), ids=lambda t: repr(t[:30]))
def test_hostile_query_is_a_one_line_error(ix: FileIndex, text: str) -> None:
    started = time.perf_counter()
    with pytest.raises(QueryError) as caught:
        guarded_search(ix, text)
    message = str(caught.value)
    assert REJECTED[text] in message
    assert "\n" not in message and "\x1b" not in message and len(message) < 400
    assert time.perf_counter() - started < 2


@pytest.mark.parametrize("text", ACCEPTED)
def test_guard_leaves_ordinary_and_bounded_queries_alone(ix: FileIndex, text: str) -> None:
    guarded = guarded_search(ix, text)
    loose = guarded_search(ix, text, limits=LOOSE)
    assert [h.id for h in guarded.hits] == [h.id for h in loose.hits]
    assert guarded.total == loose.total


def test_exclusion_still_excludes(ix: FileIndex) -> None:
    ids = [h.id for h in guarded_search(ix, "troops NOT panetta").hits]
    assert ids and SEED_ID not in ids
    assert SEED_ID in [h.id for h in guarded_search(ix, "panetta").hits]


def test_expansion_limit_counts_index_words(ix: FileIndex) -> None:
    tight = QueryLimits(max_expansions=3)
    with pytest.raises(QueryError, match=r"'(title|body):pro\*' matches more than 3 words"):
        guarded_search(ix, "pro*", limits=tight)
    with pytest.raises(QueryError, match="more than 3 words"):
        guarded_search(ix, "[a TO]", limits=tight)
    assert SEED_ID in [h.id for h in guarded_search(ix, "immun*", limits=tight).hits]


def test_fuzzy_edits_are_capped(ix: FileIndex) -> None:
    from whoosh import query as wq

    with ix.searcher() as searcher:
        check_query(wq.FuzzyTerm("body", "troops", maxdist=2), searcher.reader())
        with pytest.raises(QueryError, match="allows 3 edits; the limit is 2"):
            check_query(wq.FuzzyTerm("body", "troops", maxdist=3), searcher.reader())
        with pytest.raises(QueryError, match="longer than 200"):
            check_query(wq.Regex("body", "a" * 300), searcher.reader())
        with pytest.raises(QueryError, match="not a valid pattern"):
            check_query(wq.Regex("body", "tr(oops"), searcher.reader())


def test_time_budget_stops_slow_work_and_restores_the_alarm() -> None:
    import signal

    before = signal.getsignal(signal.SIGALRM)
    started = time.perf_counter()
    with pytest.raises(QueryError, match=r"took longer than 0.2 s"), deadline.time_budget(0.2):
        while True:
            pass
    assert time.perf_counter() - started < 1
    assert signal.getsignal(signal.SIGALRM) is before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    with deadline.time_budget(5):
        pass  # fast work passes untouched
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    with deadline.time_budget(30):
        with deadline.time_budget(0.5):
            pass
        assert 25 < signal.getitimer(signal.ITIMER_REAL)[0] <= 30  # the outer budget survives


def test_time_budget_covers_search_and_highlighting(
    ix: FileIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    def slow_highlights(*args: object, **kwargs: object) -> list[object]:
        time.sleep(5)
        return []

    monkeypatch.setattr("searcher.query.snippets.BodyHighlighter.__call__", slow_highlights)
    started = time.perf_counter()
    with pytest.raises(QueryError, match=r"took longer than 0\.3 s"):
        guarded_search(ix, "troops", limits=QueryLimits(seconds=0.3))
    assert time.perf_counter() - started < 2


QUERY_ALPHABET = st.sampled_from(
    [
        *"abcimnoprstuy ()\"'*?~^:[]{}-+/\\!.,0123456789",
        *("AND", " OR ", " NOT ", "ANDNOT", "ANDMAYBE", "TO", "title:", "date:", "body:"),
        *("\x1b", "\x00", "\u202e", "é", "😀", "Ж"),
    ]
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(parts=st.lists(QUERY_ALPHABET, max_size=30), noise=st.text(max_size=20))
def test_random_queries_raise_only_query_errors(
    ix: FileIndex, parts: list[str], noise: str
) -> None:
    for text in ("".join(parts), noise):
        try:
            guarded_search(ix, text, limits=QueryLimits(seconds=2))
        except QueryError as exc:
            assert "\n" not in str(exc)


def test_cli_maps_guard_errors_to_exit_2(
    runner: CliRunner, built_index: searcher.Index, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = runner.invoke(cli, ["query", "troops^5000"])
    assert result.exit_code == 2
    assert "boost ^5000" in result.stderr and "Traceback" not in result.output
    result = runner.invoke(cli, ["query", "legal immunity"])
    assert result.exit_code == 0 and "immunity" in result.stdout


def test_too_many_fuzzy_edits_are_refused_before_any_word_is_read(
    ix: FileIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``oil~9`` on title and body once walked the whole word list before the
    edit limit refused it."""
    from searcher.query import suggest

    def walk(*args: object) -> set[str]:
        raise AssertionError("the word list was read")

    monkeypatch.setattr(suggest, "near_words", walk)
    monkeypatch.setattr("searcher.query.fuzzy.near_words", walk)
    with pytest.raises(QueryError, match="allows 9 edits; the limit is 2"):
        guarded_search(ix, "troops~9")
