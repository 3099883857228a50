"""Index documents: the body field indexes the headline and the body, and stores the body."""

from __future__ import annotations

from pathlib import Path

import searcher
from searcher.analysis import neardup
from searcher.schema import article_fields, indexed_body

HEADLINE = "Zanzibar clove harvest"
BODY = (
    "Farmers on the island picked the spice early this year as dry weather "
    "threatened the crop, and exporters said shipments to India would be late. "
    "Prices at the state auction rose for a third week while buyers waited."
)


def _article(key: str = "a", title: str = HEADLINE, body: str = BODY) -> searcher.Article:
    return searcher.Article(id=key, path=f"{key}.txt", title=title, body=body)


def test_article_fields_index_the_headline_as_body_text_and_store_the_body() -> None:
    fields = article_fields(_article())
    assert fields["body"] == indexed_body(HEADLINE, BODY) == f"{HEADLINE}\n{BODY}"
    assert fields["_stored_body"] == BODY
    assert fields["words"] == fields["body"]
    assert fields["lead"].startswith(f"{HEADLINE} {HEADLINE} Farmers")  # of the indexed body


def test_a_headline_word_matches_the_body_field_and_the_stored_body_is_unchanged(
    index_env: Path,
) -> None:
    with searcher.open_index(index_env, create=True) as ix:
        ix.add(
            [
                _article("a"),
                _article("b", title="Spice auction", body=BODY.replace("India", "Oman")),
            ]
        )
        found = ix.search("body:zanzibar")
        assert [hit.id for hit in found.hits] == ["a"]
        assert ix.get("a").body == BODY
        assert ix.get("a").title == HEADLINE
        # Snippets are cut from the stored body: the headline word, absent from it,
        # marks nothing, and every segment is the body's own text.
        hit = ix.search("zanzibar spice").hits[0]
        for snippet in hit.snippets:
            text = "".join(segment.text for segment in snippet)
            assert text.strip(" .…") in BODY
            assert not any(s.matched and "anzibar" in s.text for s in snippet)
        assert any(s.matched and s.text.lower() == "spice" for sn in hit.snippets for s in sn)


def test_the_near_duplicate_signature_is_the_stored_bodys(index_env: Path) -> None:
    """Two copies of a story under different headlines keep one signature, the
    body's, as before the headline was indexed with the body."""
    with searcher.open_index(index_env, create=True) as ix:
        ix.add([_article("a"), _article("b", title="Cloves picked early")])
        expected = neardup.signature_fields(BODY)["signature"]
        assert ix.signatures(["a", "b"]) == [expected, expected]
        assert len(ix.search("cloves farmers", collapse=True).hits) == 1


def test_similar_and_feedback_count_the_headline_words(index_env: Path) -> None:
    with searcher.open_index(index_env, create=True) as ix:
        ix.add(
            [
                _article("a"),
                _article("b", title="Tea exports", body="Tea exports from Kenya rose in May."),
                _article("c", title="Zanzibar ferry", body="A new ferry service starts in June."),
            ]
        )
        _, terms = ix.key_terms("a")
        assert "clove" in dict(terms)  # a word of the headline only
        # c shares no body word with a: only a's headline word "Zanzibar".
        assert [hit.id for hit in ix.similar("c").hits] == ["a"]
        stats, _ = ix.statistics("spice farmers exporters")
        voters = ix.feedback_documents("spice farmers exporters", stats)
        counts = voters[0][1]
        assert counts["zanzibar"] == 1 and counts["clove"] == 1  # the headline's, once
        assert counts["spice"] == 1
