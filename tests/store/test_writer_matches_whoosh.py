"""Our segment writer writes what Whoosh's own writer would: the same answers,
the same stored fields, terms, postings and columns (part of the checklist for
a Whoosh upgrade)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import qparser

import searcher
from searcher.schema import LEXICON, article_fields, build_schema
from tests.conftest import WORDS, news_articles

QUERIES = [
    "cocoa",
    "troops immunity",
    '"bahia showers"',
    '"legal immunity"',
    "title:cocoa",
    "byline:luce",
    "source:reuters",
    "keywords:oil",
    "date:[19870205 TO 19870210]",
    "oil AND NOT dollar",
    "paulo",
]


def _hits(ix: object, text: str) -> list[tuple[str, float]]:
    parser = qparser.MultifieldParser(["title", "body"], ix.schema)  # type: ignore[attr-defined]
    with ix.searcher() as s:  # type: ignore[attr-defined]
        results = s.search(parser.parse(text), limit=None)
        return sorted((hit["id"], round(hit.score, 4)) for hit in results)


def _both_indexes(folder: Path, articles: list[searcher.Article]) -> tuple[object, object]:
    """Index ``articles`` with Whoosh's own writer and with the engine."""
    (folder / "plain").mkdir()
    plain = whoosh_index.create_in(str(folder / "plain"), build_schema())
    with plain.writer() as writer:
        for article in articles:
            writer.add_document(**article_fields(article))
    with searcher.open_index(folder / "engine", create=True) as ix:
        assert ix.add(articles) == len(articles)
    return plain, whoosh_index.open_dir(str(folder / "engine"))


def test_engine_index_answers_like_a_whoosh_index(tmp_path: Path) -> None:
    articles = news_articles(400)
    plain, engine = _both_indexes(tmp_path, articles)
    with searcher.open_index(tmp_path / "engine") as ix:
        for text in QUERIES:
            expected = _hits(plain, text)
            assert expected, text
            assert _hits(engine, text) == expected, text
        assert ix.get("c/7.txt") == articles[7]
    with engine.reader() as reader:  # type: ignore[attr-defined]
        # The term tables hash with CRC-32 (Whoosh's type 1), which its reader takes.
        leaves = [leaf for leaf, _ in reader.leaf_readers()]
        assert {leaf._terms._tindex.hashtype for leaf in leaves} == {1}


def _contents(ix: object) -> dict[str, object]:
    """Every term's postings, field length and column value of an index, by article
    id (word lists aside: see :func:`_lexicon`)."""
    found: dict[str, object] = {}
    with ix.searcher() as s:  # type: ignore[attr-defined]
        for reader, _ in s.reader().leaf_readers():
            ids = {d: reader.stored_fields(d)["id"] for d in reader.all_doc_ids()}
            for field, term in reader.all_terms():
                if isinstance(reader.schema[field], LEXICON):
                    continue
                matcher = reader.postings(field, term)
                postings = []
                while matcher.is_active():
                    postings.append((ids[matcher.id()], matcher.weight(), matcher.value() or b""))
                    matcher.next()
                found.setdefault(f"{field}:{term!r}", []).extend(postings)  # type: ignore[attr-defined]
            for name in reader.schema.names():
                field = reader.schema[name]
                for docnum, article_id in ids.items():
                    if field.scorable:
                        found[f"len {name} {article_id}"] = reader.doc_field_length(docnum, name)
                    if field.column_type is not None and reader.has_column(name):
                        found[f"col {name} {article_id}"] = reader.column_reader(
                            name, translate=False
                        )[docnum]
                    found[f"stored {article_id}"] = reader.stored_fields(docnum)
        for name in s.schema.names():
            found[f"total {name}"] = s.field_length(name)
    return {k: sorted(v) if isinstance(v, list) else v for k, v in found.items()}


def test_engine_index_holds_what_whoosh_writes(tmp_path: Path) -> None:
    articles = news_articles(300)
    articles[3] = searcher.Article(
        id="c/long.txt",
        path="/c/long.txt",
        title="U.S. troops and the São Paulo talks",
        body=" ".join(WORDS * 40),  # blocks of postings, repeated terms, a signature
        date=datetime(1987, 2, 26, 15, 1),
    )
    plain, engine = _both_indexes(tmp_path, articles)
    expected, got = _contents(plain), _contents(engine)
    assert got.keys() == expected.keys()
    assert [k for k in expected if got[k] != expected[k]] == []


def _lexicon(ix: object, *, posted: bool) -> dict[str, tuple[int, str]]:
    """Each word of the ``words`` field: how many articles have it, and the first.

    :param posted: read the counts from one posting per article (as Whoosh's own
        writer posts them), else from the word's one posting (a LEXICON's).
    """
    found = {}
    with ix.searcher() as s:  # type: ignore[attr-defined]
        (reader, _), *others = s.reader().leaf_readers()
        assert not others, "one segment"
        for term in reader.lexicon("words"):
            docs = list(reader.postings("words", term).all_ids())
            count = len(docs) if posted else reader.frequency("words", term)
            found[term.decode()] = (count, reader.stored_fields(docs[0])["id"])
    return found


def test_the_words_field_lists_each_word_with_its_article_count(tmp_path: Path) -> None:
    # What "did you mean" reads: the words Whoosh would index, and in how many
    # articles; one posting per word, on its first article.
    plain, engine = _both_indexes(tmp_path, news_articles(300))
    expected = _lexicon(plain, posted=True)
    assert len(expected) > 30
    assert max(count for count, _ in expected.values()) > 50
    assert _lexicon(engine, posted=False) == expected
    with engine.searcher() as s:
        assert all(s.doc_frequency("words", word) == 1 for word in expected)
