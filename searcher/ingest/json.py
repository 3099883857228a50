"""JSON and JSON Lines: one article object, a list of them, or records one per line.

A ``.json`` file holds one article object, a list of them, or an object that
wraps a list (``{"articles": [...]}``, ``{"data": {"items": [...]}}``). A
``.jsonl``/``.ndjson`` file holds one object per line. Record keys are matched
to article fields through :data:`FIELD_NAMES`, case-insensitively;
:attr:`ReadOptions.field_map` (``{"body": "story_text"}``, dotted paths such as
``"source.name"`` allowed) wins over it.

A record's id is its own ``id`` when it has one, else its ordinal in the file,
counted from 1 (every non-blank line of a JSON Lines file counts, so fixing a
bad line does not rename the records after it).
"""

from __future__ import annotations

import html
import json
import logging
import re
from collections.abc import Iterator, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from searcher.errors import ArgumentError, IngestError
from searcher.ingest._common import (
    DEFAULT_OPTIONS,
    ReadOptions,
    clean_body,
    clean_line,
    decode,
    logical_suffix,
    read_bytes,
    split_byline,
    squeeze,
)
from searcher.models import Article
from searcher.text.dates import parse_date

LOGGER = logging.getLogger(__name__)

#: Article field -> record keys that may hold it, most trusted first. A dotted
#: key is a path into nested objects. Matching ignores case.
FIELD_NAMES: Mapping[str, tuple[str, ...]] = {
    "id": ("id", "_id", "guid", "uuid", "article_id", "doc_id", "docid"),
    "title": ("title", "headline", "webtitle", "heading", "name"),
    "byline": ("byline", "author", "authors", "creator", "by", "writer"),
    "date": (
        "date", "published", "publishedat", "datepublished", "pubdate", "published_at",
        "publication_date", "publishdate", "webpublicationdate", "created_at", "timestamp",
    ),
    "body": (
        "body", "text", "content", "articlebody", "story", "fields.bodytext", "full_text",
        "description", "summary", "abstract",
    ),
    "url": ("url", "link", "weburl", "permalink", "href"),
    "source": ("source", "publisher", "outlet", "site_name", "sitename"),
    "keywords": (
        "keywords", "tags", "section", "sectionname", "category", "categories", "topics",
        "subjects",
    ),
}  # fmt: skip
#: Keys (lowercased) whose text is also the article's section label.
SECTION_KEYS = ("section", "sectionname", "section_name", "category")
#: Fields :attr:`ReadOptions.field_map` may name.
MAPPABLE_FIELDS = frozenset(FIELD_NAMES)
#: Keys of an object that wraps the list of records, tried in this order.
WRAPPER_KEYS = (
    "articles", "data", "items", "results", "records", "docs", "documents", "entries",
    "posts", "stories", "news", "response", "hits", "rows",
)  # fmt: skip
#: Keys inside a nested value (author, source, tag) that name it.
NAME_KEYS = ("name", "title", "label", "term", "value", "webtitle")
#: Suffixes read one object per line.
LINE_SUFFIXES = frozenset({".jsonl", ".ndjson"})
#: How deep wrappers are searched for the list of records.
MAX_WRAPPER_DEPTH = 4

#: Inline elements: removed without a space, so ``<b>for</b>ty`` stays one word.
INLINE_TAGS = ("a", "b", "i", "em", "strong", "span", "u", "small", "sup", "sub", "abbr",
               "code", "mark", "font", "q", "cite")  # fmt: skip
#: Elements whose end is a paragraph break.
BLOCK_TAGS = ("p", "div", "li", "h[1-6]", "blockquote", "tr", "section", "article", "pre",
              "table", "ul", "ol", "figure", "header", "footer")  # fmt: skip

# Cheap HTML to text with regular expressions: a body string is a fragment, not
# a page, and BeautifulSoup would cost more than the rest of the record.
_DROPPED = re.compile(r"<(script|style|noscript)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_BLOCK_END = re.compile(rf"<(?:br\s*/?|/(?:{'|'.join(BLOCK_TAGS)}))\s*>", re.IGNORECASE)
_INLINE = re.compile(rf"</?(?:{'|'.join(INLINE_TAGS)})\b[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<[a-zA-Z/!?][^>]*>")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
# The characters clean_line drops; searched before any replacing, as most text has none.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def html_to_text(text: str) -> str:
    """Strip HTML from a body string: block ends become paragraph breaks.

    Text without markup or entities is tidied by :func:`clean_body` (line
    breaks kept); in HTML a line break is a space, as a browser shows it.

    >>> html_to_text("<p>One &amp; two.</p><p>Th<b>r</b>ee<br>four</p>")
    'One & two.\\n\\nThree\\n\\nfour'
    """
    if "<" not in text and "&" not in text:
        return clean_body(text)
    if "<" in text:
        text = _DROPPED.sub("", text)
        text = _TAG.sub(" ", _INLINE.sub("", _BLOCK_END.sub("\n\n", text)))
    text = html.unescape(text)
    if _CONTROLS.search(text):
        text = _CONTROLS.sub(" ", text)
    paragraphs = map(squeeze, _PARAGRAPH_BREAK.split(text))
    return "\n\n".join(p for p in paragraphs if p)


def _lowered(record: Mapping[str, Any]) -> dict[str, Any]:
    """Key the record by lower-case names, so matching ignores case at one lookup."""
    return {str(k).lower(): v for k, v in record.items()}


def _lookup(record: dict[str, Any], key: str) -> Any:
    """Return the value at lower-case ``key`` (dotted for nesting) of a :func:`_lowered` record.

    Returns ``None`` when a part is absent.
    """
    if "." not in key:
        return record.get(key)
    first, *rest = key.split(".")
    value = record.get(first)
    for part in rest:
        value = _lowered(value).get(part) if isinstance(value, dict) else None
    return value


def _strings(value: Any) -> list[str]:
    """Flatten a string, a number, a list, or objects with a name into strings."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, int | float) and not isinstance(value, bool):
        return [str(value)]
    if isinstance(value, dict):
        named = _lowered(value)
        return next((_strings(named[k]) for k in NAME_KEYS if named.get(k)), [])
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


def _values(record: dict[str, Any], field: str, field_map: Mapping[str, str]) -> Iterator[Any]:
    """Yield the non-empty values a :func:`_lowered` record holds for ``field``, best first."""
    keys = FIELD_NAMES[field]
    if field in field_map:
        keys = (field_map[field].lower(), *keys)
    for key in keys:
        value = _lookup(record, key)
        if value is not None and value != "" and value != [] and value != {}:
            yield value


def _first_text(record: dict[str, Any], field: str, field_map: Mapping[str, str]) -> str:
    for value in _values(record, field, field_map):
        text = ", ".join(s for s in (clean_line(s) for s in _strings(value)) if s)
        if text:
            return text
    return ""


def _date(value: Any) -> datetime | None:
    if isinstance(value, str):
        return parse_date(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = value / 1000 if abs(value) > 1e11 else value  # milliseconds since the epoch
        try:
            return datetime.fromtimestamp(seconds, UTC).replace(tzinfo=None)
        except (OverflowError, OSError, ValueError):
            return None
    return None


def _body(record: dict[str, Any], field_map: Mapping[str, str]) -> str:
    for value in _values(record, "body", field_map):
        parts = value if isinstance(value, list) else [value]
        text = "\n\n".join(p for p in parts if isinstance(p, str))
        body = html_to_text(text) if text else ""
        if body:
            return body
    return ""


def _title(record: dict[str, Any], field_map: Mapping[str, str]) -> str:
    """The title of a :func:`_lowered` record, as text."""
    title = _first_text(record, "title", field_map)
    if "<" in title or "&" in title:
        title = clean_line(html_to_text(title))
    return title


def _record_id(
    record: dict[str, Any], doc_id: str, ordinal: int, field_map: Mapping[str, str]
) -> str:
    """The id of the article a :func:`_lowered` record makes: its id field, else its ordinal."""
    key = _first_text(record, "id", field_map)
    return f"{doc_id}#{key or ordinal}"


def parse_record(
    record: Mapping[str, Any], *, path: str, doc_id: str, ordinal: int, field_map: Mapping[str, str]
) -> Article | None:
    """Build an article from one record; ``None`` when it has no title and no body."""
    record = _lowered(record)
    title = _title(record, field_map)
    body = _body(record, field_map)
    if not title and not body:
        return None
    byline, byline_source = split_byline(_first_text(record, "byline", field_map))
    dates = (_date(v) for v in _values(record, "date", field_map))
    keywords: dict[str, None] = {}
    for value in _values(record, "keywords", field_map):
        for text in _strings(value):
            keywords.update(dict.fromkeys(clean_line(k) for k in text.split(",")))
    keywords.pop("", None)
    sections = (record.get(name) for name in SECTION_KEYS)
    section = next((clean_line(v) for v in sections if isinstance(v, str) and v.strip()), "")
    return Article(
        id=_record_id(record, doc_id, ordinal, field_map),
        path=path,
        title=title,
        body=body,
        byline=byline,
        source=_first_text(record, "source", field_map) or byline_source,
        date=next((d for d in dates if d is not None), None),
        url=_first_text(record, "url", field_map),
        keywords=tuple(keywords),
        labels=(("section", section),) if section else (),
    )


def _holds_records(value: Any) -> bool:
    return isinstance(value, list) and any(isinstance(item, Mapping) for item in value)


def find_records(
    value: Any, field_map: Mapping[str, str] | None = None, depth: int = 0
) -> list[Any] | None:
    """Return the list of records in a parsed ``.json`` document, or ``None``.

    A wrapper key holding objects wins over the object being an article itself,
    so ``{"title": "Feed", "items": [...]}`` is read as a feed of items.

    >>> find_records({"data": {"articles": [{"title": "A"}]}})
    [{'title': 'A'}]
    >>> find_records({"title": "A", "tags": [{"name": "x"}]})
    [{'title': 'A', 'tags': [{'name': 'x'}]}]
    """
    if isinstance(value, list):
        return value
    if not isinstance(value, Mapping) or depth > MAX_WRAPPER_DEPTH:
        return None
    lowered = {str(k).lower(): v for k, v in value.items()}
    wrapped = [lowered[k] for k in WRAPPER_KEYS if k in lowered]
    for inner in wrapped:
        if _holds_records(inner):
            return list(inner)
        found = find_records(inner, field_map, depth + 1) if isinstance(inner, Mapping) else None
        if found:
            return found
    record = _lowered(value)
    if any(next(_values(record, f, field_map or {}), None) for f in ("title", "body")):
        return [value]
    for inner in value.values():
        found = find_records(inner, field_map, depth + 1) if isinstance(inner, Mapping) else None
        if found or _holds_records(inner):
            return found or list(inner)
    return None


def _parse_json(text: str, path: str, field_map: Mapping[str, str]) -> list[tuple[int, str, Any]]:
    """Return ``(ordinal, where, record)`` triples of a ``.json`` document.

    :raises IngestError: the text is not JSON, or holds no list of records.
    """
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data":
            LOGGER.info("%s: more than one JSON value; reading it as JSON Lines", path)
            return _parse_lines(text, path)
        raise IngestError(
            path, f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from exc
    except RecursionError as exc:
        raise IngestError(path, "JSON nested too deeply to read") from exc
    records = find_records(document, field_map)
    if not records:
        raise IngestError(
            path,
            "no article records: expected an object with a title or body, a list of them, "
            'or an object wrapping such a list (e.g. {"articles": [...]})',
        )
    return [(n, f"record {n}", record) for n, record in enumerate(records, 1)]


def _parse_lines(text: str, path: str) -> list[tuple[int, str, Any]]:
    """Return ``(ordinal, where, record)`` triples of JSON Lines, skipping bad lines."""
    records: list[tuple[int, str, Any]] = []
    ordinal = 0
    # Split on "\n" only: str.splitlines() also splits at U+2028 and U+0085,
    # which JSON allows unescaped inside strings.
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        ordinal += 1
        try:
            records.append((ordinal, f"line {number}", json.loads(line)))
        except json.JSONDecodeError as exc:
            LOGGER.warning("%s: line %d skipped: not valid JSON (%s)", path, number, exc.msg)
        except RecursionError:
            LOGGER.warning("%s: line %d skipped: JSON nested too deeply", path, number)
    return records


def _decode(data: bytes, path: Path) -> str:
    # JSON may be UTF-16 or UTF-32 without a BOM; the stdlib tells by the zero bytes.
    detected = json.detect_encoding(data[:4]) if len(data) >= 4 else "utf-8"
    declared = detected if detected.startswith(("utf-16", "utf-32")) else None
    return decode(data, declared=declared, path=path)


def read(path: Path, doc_id: str, options: ReadOptions = DEFAULT_OPTIONS) -> Iterator[Article]:
    """Yield the articles of a ``.json``, ``.jsonl`` or ``.ndjson`` file (gzip allowed).

    Records that are not objects, or have neither title nor body, are logged and
    skipped, as are lines of JSON Lines that are not JSON.

    :raises IngestError: the file is empty, a ``.json`` file is not valid JSON, or
        no record is an article.
    :raises ValueError: ``options.field_map`` names a field not in :data:`MAPPABLE_FIELDS`.
    """
    unknown = set(options.field_map) - MAPPABLE_FIELDS
    if unknown:
        raise ArgumentError(f"cannot map {sorted(unknown)}; fields are {sorted(MAPPABLE_FIELDS)}")
    text = _decode(read_bytes(path, max_bytes=options.max_bytes), path)
    name = str(path)
    if not text.strip():
        raise IngestError(path, "the file is empty")
    by_line = logical_suffix(path) in LINE_SUFFIXES
    records = _parse_lines(text, name) if by_line else _parse_json(text, name, options.field_map)
    seen: set[str] = set()
    for ordinal, where, record in records:
        if not isinstance(record, Mapping):
            LOGGER.warning("%s: %s skipped: not a JSON object", name, where)
            continue
        if options.shards > 1 and _elsewhere(record, doc_id, ordinal, options, seen):
            continue
        article = parse_record(
            record, path=name, doc_id=doc_id, ordinal=ordinal, field_map=options.field_map
        )
        if article is None:
            LOGGER.warning("%s: %s skipped: no title and no body", name, where)
            continue
        if article.id in seen:
            LOGGER.warning("%s: %s repeats id %s; named by its ordinal", name, where, article.id)
            article = replace(article, id=f"{doc_id}#{ordinal}")
        seen.add(article.id)
        yield article
    if not seen:
        raise IngestError(path, "no record in the file is an article with a title or body")


def _elsewhere(
    record: Mapping[str, Any], doc_id: str, ordinal: int, options: ReadOptions, seen: set[str]
) -> bool:
    """Whether the record is an article another shard keeps (``options.shard``),
    told from its id and title alone, before its body is cleaned: then its id
    joins ``seen``, as when it is read whole. A record without a title is read
    whole (it is an article only if its body holds text)."""
    lowered = _lowered(record)
    article_id = _record_id(lowered, doc_id, ordinal, options.field_map)
    if article_id in seen:
        article_id = f"{doc_id}#{ordinal}"
    if options.keeps(article_id) or not _title(lowered, options.field_map):
        return False
    seen.add(article_id)
    return True
