"""A search box that never turns prose into syntax by accident (searcher/query/prose.py)."""

from __future__ import annotations

import re
import string
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import searcher
from searcher.errors import QueryError
from searcher.query import open_searcher
from searcher.query.parse import parse
from searcher.query.plan import make_plan
from searcher.query.prose import read_box
from tests.conftest import CORPUS, SEED_ID, shared_data, whoosh_index

FIELDS = frozenset({"title", "body", "byline", "source", "keywords", "section", "date"})


@pytest.fixture(scope="module")
def ix(tmp_path_factory: pytest.TempPathFactory) -> Iterator[searcher.Index]:
    """One index of the sample corpus for the whole module (reading tests only)."""
    with searcher.open_index(tmp_path_factory.mktemp("prose") / "index", create=True) as index:
        index.update(CORPUS)
        # A word the stem cache lacks loads the stemmer once per process (seconds
        # on a loaded machine): load it here, not inside a query's time budget.
        searcher.analyze_text("systems")
        yield index


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("systems?", "systems "),
        ("What is information science?  Give", "What is information science   Give"),
        ("nutrition: what", "nutrition  what"),
        ("Examples: a b", "Examples  a b"),
        ("a - b", "a   b"),
        ("(unclosed", " unclosed"),
        ("troops)", "troops "),
        ('troops "legal immunity', "troops  legal immunity"),
        ("*, +.", " ,   "),
        ("troops AND", "troops and"),
        ("NOT NOT ", "not not "),
        ("KENNEDY AND DIEM TO STOP", "KENNEDY and DIEM TO STOP"),
        ("immun*", "immun*"),
        ("wom?n", "wom?n"),
        ("im*", "im "),
        ("titel:coffee", "titel coffee"),
        ("title:immunity", "title:immunity"),
        ('title:"legal immunity"', 'title:"legal immunity"'),
        ("title: the words", "title  the words"),
        ("10:30 troops", "10 30 troops"),
        ("AT&T", '"AT&T"'),
        ("troops -panetta", "troops -panetta"),
        ("(troops OR panetta) AND immunity", "(troops OR panetta) AND immunity"),
        ("date:[2011-10-01 TO 2011-10-31] troops", "date:[2011-10-01 TO 2011-10-31] troops"),
        ("troops ]", "troops  "),
    ],
)
def test_syntax_only_where_well_formed_and_meant(typed: str, read: str) -> None:
    assert read_box(typed, FIELDS).text == read


def test_plain_reads_every_character_as_words() -> None:
    reading = read_box(
        'title:troops AND "legal immunity" NOT x* -y date:2011', FIELDS, syntax=False
    )
    assert reading.text == "title troops and  legal immunity  not x   y date 2011"


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("systems?", "(title:system OR body:system)"),
        ("nutrition: what", "(title:nutrit OR body:nutrit OR title:what OR body:what)"),
        ("a - b", "(title:b OR body:b)"),
        ("(unclosed", "(title:unclos OR body:unclos)"),
        ("*, +. troops", "(title:troop OR body:troop)"),
        ("S&P 500", '(title:"s p" OR body:"s p" OR title:500 OR body:500)'),
    ],
)
def test_prose_searches_sensibly(ix: searcher.Index, text: str, parsed: str) -> None:
    assert ix.search(text).parsed == parsed


def test_question_mark_ends_a_question_not_a_word(ix: searcher.Index) -> None:
    """``immunity?`` was a wildcard matching nothing, so the question lost its word."""
    assert [h.id for h in ix.search("legal immunity?").hits][:1] == [SEED_ID]


def test_notes_say_what_was_read_otherwise(ix: searcher.Index) -> None:
    assert ix.search("(unclosed troops").notes == (
        "The '(' at character 1 is never closed, so it was read as punctuation.",
    )
    assert ix.search("troops AND").notes == (
        "AND at character 8 has nothing to join after it, so it was read as a word.",
    )
    assert ix.search("im* troops").notes == (
        "The '*' in 'im*' (character 1) was read as punctuation: a wildcard needs 3 letters "
        "before it.",
    )
    assert ix.search("systems? a - b").notes == ("Not searched for: a (a stop word, not indexed).",)


def test_plain_search(ix: searcher.Index) -> None:
    results = ix.search("title:immunity NOT panetta?", syntax=False)
    assert results.parsed == (
        "(title:titl OR body:titl OR title:immun OR body:immun OR title:not OR body:not "
        "OR title:panetta OR body:panetta)"
    )
    assert results.hits[0].id == SEED_ID
    with pytest.raises(TypeError, match="syntax must be True or False"):
        ix.search("troops", syntax="no")  # type: ignore[arg-type]


def test_a_long_query_keeps_its_rarest_words_with_a_note(ix: searcher.Index) -> None:
    filler = " ".join(f"filler{i}" for i in range(200))  # in no article: go last
    results = ix.search(f"troops {filler} immunity panetta")
    words = set(re.findall(r"body:(\w+)", results.parsed))
    assert {"troop", "immun", "panetta"} <= words and len(words) == 128
    assert results.hits[0].id == SEED_ID
    [note] = results.notes
    assert note.startswith(
        "The query has 203 words, more than the 256 clauses a query may have (a word counts "
        "once per field searched): it searched for the 128 most informative (the rarest in "
        "the index) and left out filler"
    )
    assert note.endswith(" and 65 more.")


def test_a_400_word_query_searches(ix: searcher.Index) -> None:
    words = (CORPUS / "000_15647181341936f1.txt").read_text().split()
    text = " ".join((words * 3)[:400])
    results = ix.search(text)
    assert results.hits[0].id == SEED_ID
    assert any("more than the 256 clauses" in note for note in results.notes)


def _dev_queries() -> Iterator[tuple[str, str]]:
    """Every query of the dev collections (CISI, CRAN, MED) and TIME, as (id, text)."""
    for name, file in (("CISI", "CISI.QRY"), ("CRAN", "cran.qry"), ("MED", "MED.QRY")):
        text = shared_data("smart-dev", name, file).read_text(errors="replace")
        for record in re.split(r"^\.I\s+", text.replace("\r", ""), flags=re.M)[1:]:
            number, _, rest = record.partition("\n")
            body = re.search(r"^\.W\s*\n(.*?)(?=^\.[A-Z]\s*$|\Z)", rest, flags=re.M | re.S)
            assert body is not None
            yield f"{name} {number.strip()}", body.group(1)
    time_queries = shared_data("smart-time", "TIME.QUE").read_text(errors="replace")
    for record in re.split(r"^\*FIND\s+", time_queries, flags=re.M)[1:]:
        number, _, rest = record.partition("\n")
        yield f"TIME {number.strip()}", rest.replace("*STOP", "")


def test_no_dev_collection_query_raises(ix: searcher.Index) -> None:
    """Acceptance 1: 15 of 559 questions raised QueryError; now all are read and planned."""
    queries = list(_dev_queries())
    assert len(queries) == 112 + 225 + 30 + 83
    raw = whoosh_index(ix)
    with open_searcher(raw) as s:
        for name, text in queries:
            plan = make_plan(parse(text, s), s)
            assert plan.asked is not None, name
    raw.close()


PRINTABLE = st.lists(
    st.sampled_from(
        [*string.printable[:95], "é", "😀", "Ж", " AND ", " OR ", " NOT ", "title:", "TO", "date:"]
    ),
    max_size=40,
).map("".join)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=PRINTABLE)
@example(text="i^0")  # a boost, not a word "0" (found by Hypothesis)
def test_any_printable_text_searches_or_is_refused_in_one_line(
    ix: searcher.Index, text: str
) -> None:
    """Never a traceback; a refusal is one line naming a limit or why; words that
    would be searched in plain text never make an empty query."""
    try:
        ix.search(text)
    except QueryError as exc:
        message = str(exc)
        assert "\n" not in message and len(message) < 600
        if message.startswith(("Nothing to search for", "Empty query")):
            # No words but those of field names and stop words: plain text agrees.
            # (Words a NOT or a - excludes are not searched for either, nor is
            # a boost's number: ``i^0`` is the stop word "i", boosted.)
            plain_words = re.sub(r"\b[A-Za-z_]\w*:|\bNOT\s+\S+|(?<!\S)-\S+|\^[\d.]*", " ", text)
            with pytest.raises(QueryError, match=r"Nothing to search for|Empty query"):
                ix.search(plain_words, syntax=False)
