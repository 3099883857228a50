"""Find a news page's main text: text blocks, content scoring, boilerplate rules.

One iterative walk over the parsed tree cuts the page into text blocks (the
inline text between two block-level tags), skipping tags that never hold
article text and hidden elements. Each block scores its container and the
container's ancestors by length, commas and link density, as readability does;
the best container and its strong siblings are the article, minus blocks under
boilerplate-classed elements (share bars, related links, newsletter prompts)
and link-dense or boilerplate-phrase blocks. The rules are data, in
:mod:`searcher.ingest.html_rules`; the thresholds are below.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from bs4 import BeautifulSoup, Tag
from bs4.element import NavigableString, PageElement

from searcher.ingest.html_rules import (
    BOILERPLATE_PHRASES,
    DROP_TAGS,
    INLINE_TAGS,
    NEGATIVE_WORDS,
    PARAGRAPH_TAGS,
    POSITIVE_WORDS,
    ROOT_TAGS,
    UI_LABELS,
)
from searcher.text.dates import parse_date

#: A block this short that holds a date or a clock time is a dateline.
MAX_DATELINE_CHARS = 60
MAX_DATELINE_WORDS = 7
#: Blocks shorter than this many characters do not score a container.
MIN_SCORING_CHARS = 25
#: A kept block's link text may be at most this share of its text.
MAX_LINK_DENSITY = 0.5
#: A block scores its container, and the next ancestors up to this many in all,
#: with a weight of 1, 1/2, 1/3 (readability's parent and grandparent rule).
SCORED_ANCESTORS = 3
#: A block starting with a boilerplate phrase is boilerplate when this short.
MAX_PROMPT_CHARS = 120
MAX_PROMPT_WORDS = 12
#: Share of the best score a sibling container needs to join the article...
SIBLING_SHARE = 0.2
#: ...and the least score it needs in any case.
MIN_SIBLING_SCORE = 10.0
#: A boilerplate-classed element inside the article holding at least this share
#: of the article's text is a wrapper (``elementor-widget``), not boilerplate.
WRAPPER_SHARE = 0.5
#: A paragraph beside the best container joins it when longer than this...
MIN_SIBLING_CHARS = 80
#: ...and when at most this share of its text is links.
MAX_SIBLING_LINK_DENSITY = 0.25
#: A container scoring this share of the best one, near it, is part of the article.
COUSIN_SHARE = 0.3
#: How far up the best container and such a cousin may meet.
COUSIN_LEVELS = 5
#: Score factor of a container whose class or id reads as article text.
POSITIVE_FACTOR = 1.5
#: Score factor of a container whose class or id, or an ancestor's, reads as boilerplate.
NEGATIVE_FACTOR = 0.1

_NEGATIVE = re.compile(
    r"(?:^|[\s_-])(?:" + "|".join(map(re.escape, NEGATIVE_WORDS)) + r")(?=$|[\s_-])"
)
_POSITIVE = re.compile(
    r"(?:^|[\s_-])(?:" + "|".join(map(re.escape, POSITIVE_WORDS)) + r")(?=$|[\s_-])"
)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
_CLOCK = re.compile(r"\b\d{1,2}:\d{2}\s*(?:[ap]\.?m\b|[ap]\.m\.|[A-Z]{2,4}\b)", re.IGNORECASE)


@dataclass(slots=True)
class Block:
    """A run of inline text between block-level tags, with its ancestors."""

    text: str
    link_chars: int
    path: tuple[Tag, ...]


def _class_words(tag: Tag) -> str:
    classes = tag.get("class")
    words = " ".join(classes) if isinstance(classes, list) else str(classes or "")
    extra = [value for value in (tag.get("id"), tag.get("itemprop")) if isinstance(value, str)]
    return " ".join([words, *extra]).lower().strip()


def _hidden(tag: Tag) -> bool:
    attrs = tag.attrs
    if "hidden" in attrs or attrs.get("aria-hidden") == "true":
        return True
    style = attrs.get("style")
    return isinstance(style, str) and bool(_HIDDEN_STYLE.search(style))


def class_factor(words: str) -> float:
    """Return the score factor for an element's class and id words; an article
    word wins over a boilerplate word in the same class (``story-body has-ads``).

    >>> class_factor("story-body"), class_factor("related-links"), class_factor("row")
    (1.5, 0.1, 1.0)
    >>> class_factor("article-body tags-enabled")
    1.5
    """
    if _POSITIVE.search(words):
        return POSITIVE_FACTOR
    return NEGATIVE_FACTOR if _NEGATIVE.search(words) else 1.0


def text_blocks(root: Tag) -> tuple[list[Block], set[int]]:
    """Cut ``root`` into text blocks in document order.

    :returns: the blocks, and the ids of boilerplate-classed container elements
        (their blocks are dropped unless the article container is inside them).
    """
    blocks: list[Block] = []
    negative: set[int] = set()
    path: list[Tag] = [root]
    buffer: list[str] = []
    link_chars = 0
    in_link = 0
    stack: list[tuple[PageElement, bool]] = [(child, True) for child in reversed(root.contents)]

    def flush() -> None:
        nonlocal link_chars
        text = _SPACES.sub(" ", "".join(buffer)).strip()
        if text:
            blocks.append(Block(text, link_chars, tuple(path)))
        buffer.clear()
        link_chars = 0

    while stack:
        node, entering = stack.pop()
        if not entering:
            assert isinstance(node, Tag)
            if node.name == "a":
                in_link -= 1
            elif node.name not in INLINE_TAGS:
                flush()
                path.pop()
            continue
        if type(node) is NavigableString:
            buffer.append(node)
            if in_link:
                link_chars += len(node.strip())
            continue
        if not isinstance(node, Tag):
            continue  # comments, CDATA, doctype, script text
        name = node.name
        if name in DROP_TAGS or _hidden(node):
            continue
        if name == "br" or name == "hr":
            flush()
            continue
        words = _class_words(node)
        inline = name in INLINE_TAGS
        if words and _NEGATIVE.search(words) and not _POSITIVE.search(words):
            if inline:
                continue
            negative.add(id(node))
        if name == "a":
            in_link += 1
        elif not inline:
            flush()
            path.append(node)
        stack.append((node, False))
        stack.extend((child, True) for child in reversed(node.contents))
    flush()
    return blocks, negative


def _block_score(block: Block) -> float:
    length = len(block.text)
    return 1.0 + block.text.count(",") + min(length / 100.0, 3.0)


@dataclass(slots=True)
class _Scoring:
    """Container scores, the tags by id, (text, link) chars per tag, paragraph ids."""

    scores: dict[int, float] = field(default_factory=dict)
    tags: dict[int, Tag] = field(default_factory=dict)
    chars: dict[int, list[int]] = field(default_factory=dict)
    paragraphs: set[int] = field(default_factory=set)


def _score(blocks: list[Block], negative: set[int]) -> _Scoring:
    """Score the containers of ``blocks``.

    A container inside a boilerplate-classed element (a comment thread) scores less.
    """
    result = _Scoring()
    scores, tags, chars = result.scores, result.tags, result.chars
    under_negative: set[int] = set()
    # A container holding one block and nothing else is a paragraph too (CNN's divs).
    per_owner = Counter(id(block.path[-1]) for block in blocks)
    for block in blocks:
        length = len(block.text)
        for tag in block.path:
            counts = chars.setdefault(id(tag), [0, 0])
            counts[0] += length
            counts[1] += block.link_chars
        path = block.path
        owner = id(path[-1])
        if path[-1].name in PARAGRAPH_TAGS or per_owner[owner] == 1:
            result.paragraphs.add(owner)
        if length < MIN_SCORING_CHARS or block.link_chars > length * MAX_LINK_DENSITY:
            continue
        end = len(path) - 1 if owner in result.paragraphs and len(path) > 1 else len(path)
        points = _block_score(block)
        first_negative = next((i for i, t in enumerate(path) if id(t) in negative), len(path))
        start = max(end - SCORED_ANCESTORS, 0)
        for level, tag in enumerate(reversed(path[start:end])):
            key = id(tag)
            tags[key] = tag
            scores[key] = scores.get(key, 0.0) + points / (level + 1)
            if first_negative < end - 1 - level:
                under_negative.add(key)
    for key, tag in tags.items():
        text, links = chars[key]
        density = links / text if text else 0.0
        factor = class_factor(_class_words(tag))
        if key in under_negative:
            factor *= NEGATIVE_FACTOR
        scores[key] = scores[key] * (1 - density) * factor
    return result


def _cousins(best: int, scoring: _Scoring) -> list[int]:
    """Chunks of the article beside the best container: same tag and class, scoring at
    least :data:`COUSIN_SHARE` of it, meeting it at most :data:`COUSIN_LEVELS` up."""
    scores, tags = scoring.scores, scoring.tags
    top = tags[best]
    above = [id(parent) for parent in top.parents][:COUSIN_LEVELS]
    found: list[int] = []
    for key, score in scores.items():
        tag = tags[key]
        if key == best or key in above or score < scores[best] * COUSIN_SHARE:
            continue
        if not _same_kind(tag, top):
            continue
        for level, parent in enumerate(tag.parents):
            if parent is top or level > COUSIN_LEVELS + 1:
                break
            if id(parent) in above:
                found.append(key)
                break
    return found


def _same_kind(one: Tag, other: Tag) -> bool:
    """Same tag and the same non-empty class: chunks of one article."""
    return (
        one.name == other.name and bool(one.get("class")) and one.get("class") == other.get("class")
    )


def _selected(scoring: _Scoring) -> set[int]:
    """Pick the best container, the siblings that belong with it, and near cousins
    that score almost as well (an article cut into chunks around ad rails)."""
    scores = scoring.scores
    best = max(scores, key=scores.__getitem__)
    top = scoring.tags[best]
    chosen = set(_cousins(best, scoring))
    # A wrapper that adds no text of its own stands for the container, so that
    # the wrapper's siblings (the rest of the article) are considered.
    text = scoring.chars[best][0]
    while (parent := top.parent) is not None and parent.name not in ROOT_TAGS:
        if scoring.chars.get(id(parent), [0])[0] != text:
            break
        top = parent
    chosen.add(id(top))
    if parent is None:
        return chosen
    threshold = max(MIN_SIBLING_SCORE, scores[best] * SIBLING_SHARE)
    for sibling in parent.children:
        if not isinstance(sibling, Tag) or sibling is top:
            continue
        key = id(sibling)
        if scores.get(key, 0.0) >= threshold:
            chosen.add(key)
        elif key in scoring.paragraphs or _same_kind(sibling, top):
            text, links = scoring.chars.get(key, (0, 0))
            if text > MIN_SIBLING_CHARS and links < text * MAX_SIBLING_LINK_DENSITY:
                chosen.add(key)
    return chosen


def _is_dateline(text: str) -> bool:
    """A short block that is a date or a time, not a quote's attribution ("— Ann, May 1")."""
    if len(text) > MAX_DATELINE_CHARS or len(text.split()) > MAX_DATELINE_WORDS:
        return False
    return not text.startswith(("—", "–", "-")) and bool(_CLOCK.search(text) or parse_date(text))


def _keep(block: Block, title: str) -> bool:
    text = block.text
    length = len(text)
    if block.link_chars > length * MAX_LINK_DENSITY:
        return False
    if (
        length <= MAX_PROMPT_CHARS
        and len(text.split()) <= MAX_PROMPT_WORDS
        and BOILERPLATE_PHRASES.match(text)
    ):
        return False
    if UI_LABELS.fullmatch(text):
        return False
    if _is_dateline(text):
        return False
    return not (title and length < len(title) + 4 and text.lower() == title.lower())


def extract_body(soup: BeautifulSoup, *, title: str = "") -> list[str]:
    """Return the main text of a parsed page as a list of paragraphs.

    :param soup: the parsed page.
    :param title: the headline, dropped where the page repeats it.
    """
    root = soup.body or soup
    blocks, negative = text_blocks(root)
    if not blocks:
        return []
    scoring = _score(blocks, negative)
    if not scoring.scores:
        return [b.text for b in blocks if _keep(b, title)]
    chosen = _selected(scoring)
    chars = scoring.chars
    wrapper_chars = sum(chars[key][0] for key in chosen if key in chars) * WRAPPER_SHARE
    paragraphs: list[str] = []
    for block in blocks:
        inside = False
        for tag in block.path:
            key = id(tag)
            if key in chosen:
                inside = True
            elif inside and key in negative and chars[key][0] < wrapper_chars:
                inside = False
                break
        if inside and _keep(block, title):
            paragraphs.append(block.text)
    return paragraphs
