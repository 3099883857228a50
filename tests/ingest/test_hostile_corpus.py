"""A corpus of good and hostile files, built at test time: every good article is
found, every bad file is named with a reason, and nothing raises."""

from __future__ import annotations

import codecs
import gzip
import os
import tracemalloc
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import searcher
from searcher.cli import cli
from searcher.errors import IngestError
from searcher.ingest import (
    MAX_FILE_BYTES,
    READERS,
    ReadOptions,
    clean_body,
    clean_line,
    decode,
    read_bytes,
    read_file,
    scan,
)
from searcher.ingest import text as text_reader

GOOD = "Headline {word}\n\nThe {word} story is about markets, rates and a harvest.\n"


def _good(word: str, encoding: str = "utf-8") -> bytes:
    return GOOD.format(word=word).encode(encoding)


#: file name -> (bytes, the made-up word its article is found by)
GOOD_FILES: dict[str, tuple[bytes, str]] = {
    "plain.txt": (_good("zebraplain"), "zebraplain"),
    "utf8bom.txt": (codecs.BOM_UTF8 + _good("zebrabom8"), "zebrabom8"),
    "utf16le-bom.txt": (codecs.BOM_UTF16_LE + _good("zebrabom16", "utf-16-le"), "zebrabom16"),
    "utf16be-bom.txt": (codecs.BOM_UTF16_BE + _good("zebrabe16", "utf-16-be"), "zebrabe16"),
    "utf16le-nobom.txt": (_good("zebrale16", "utf-16-le"), "zebrale16"),
    "utf16be-nobom.txt": (_good("zebranobe16", "utf-16-be"), "zebranobe16"),
    "utf32le-bom.txt": (codecs.BOM_UTF32_LE + _good("zebrabom32", "utf-32-le"), "zebrabom32"),
    "utf32be-nobom.txt": (_good("zebrabe32", "utf-32-be"), "zebrabe32"),
    "cp1252.txt": ("Café – £5\n\nThe zebracp “story”.\n".encode("cp1252"), "zebracp"),
    # A UTF-8 BOM that an editor put before cp1252 text.
    "bom-cp1252.txt": (
        codecs.BOM_UTF8 + "Café – £5\n\nThe zebrabomcp “story” and more—".encode("cp1252"),
        "zebrabomcp",
    ),
    "nul-bytes.txt": (b"Nul\n\nThe zebranul\x00 story\x00 here.\n", "zebranul"),
    "surrogate-bytes.txt": (b"Bad\n\nThe zebrasurr \xed\xa0\x80 story.\n", "zebrasurr"),
    "escapes.txt": (b"Evil \x1b]0;t\x07\n\nThe zebraesc \x1b[31mred\x9b story.\n", "zebraesc"),
    "long-line.txt": (b"Long\n\nzebralong " + b"x" * 300_000 + b"\n", "zebralong"),
    "long-title.txt": (b"zebratitle" + b"y" * 5000 + b"\n\nbody\n", "body"),
    "story.txt.gz": (gzip.compress(_good("zebragz")), "zebragz"),
    "nested.html": (
        b"<html><body>" + b"<div>" * 3000 + b"<p>zebranest text</p>" + b"</div>" * 3000,
        "zebranest",
    ),
    "idna-charset.html": (
        b'<meta charset="idna"><p>zebraidna text..</p>',
        "zebraidna",
    ),
    "utf16-declared.html": (b'<meta charset="utf-16"><p>zebradecl text</p>', "zebradecl"),
    "x.txt/inner.txt": (_good("zebrainner"), "zebrainner"),
    "evil\x1b]0;pwned\x07\nname.txt": (_good("zebraname"), "zebraname"),
}

#: file name -> (bytes, a fragment of the reason it is skipped)
BAD_FILES: dict[str, tuple[bytes, str]] = {
    "empty.txt": (b"", "holds no text"),
    "blank.txt": (b"\n \n\t\n", "holds no text"),
    "binary.txt": (bytes(range(256)) * 64, "binary data"),
    "random.txt": (os.urandom(8192), "binary data"),
    "truncated.txt.gz": (gzip.compress(_good("zebratrunc") * 50)[:-30], "gzip"),
    "fake-gzip.txt": (b"\x1f\x8bnot gzip at all", "gzip"),
}


def _build(root: Path) -> None:
    for name, (data, _) in {**GOOD_FILES, **BAD_FILES}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    (root / ".hidden.txt").write_bytes(_good("zebrahidden"))
    (root / "README.txt").write_text("documentation")


def _make_links(root: Path, outside: Path) -> dict[str, str]:
    """Make the special files; return name -> a fragment of the skip reason."""
    (outside / "secret.txt").write_bytes(_good("zebrasecret"))
    (root / "broken.txt").symlink_to(outside / "missing.txt")
    (root / "loop.txt").symlink_to(root / "loop.txt")
    (root / "leak.txt").symlink_to(outside / "secret.txt")
    (root / "leakdir").symlink_to(outside)
    (root / "self").symlink_to(root)  # a folder loop: read once, not reported
    (root / "inside.txt").symlink_to(root / "plain.txt")
    os.mkfifo(root / "fifo.txt")
    bad_name = os.fsencode(root) + b"/bad\xff\xfename.txt"  # not UTF-8: the index cannot store it
    with open(bad_name, "wb") as handle:
        handle.write(_good("zebrabadname"))
    return {
        os.fsdecode(b"bad\xff\xfename.txt"): "not valid UTF-8",
        "broken.txt": "broken link",
        "loop.txt": "loops back on itself",
        "leak.txt": "outside the corpus",
        "leakdir": "outside the corpus",
        "fifo.txt": "not a regular file",
    }


@pytest.fixture
def hostile(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    root, outside = tmp_path / "hostile", tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    _build(root)
    return root, _make_links(root, outside)


def test_scan_names_every_unreachable_file(hostile: tuple[Path, dict[str, str]]) -> None:
    root, expected = hostile
    found = scan([root])
    reasons = {Path(s.path).name: s.reason for s in found.skipped}
    assert set(reasons) == set(expected)
    for name, fragment in expected.items():
        assert fragment in reasons[name], (name, reasons[name])
    ids = {f.doc_id for f in found.files}
    assert "hostile/x.txt/inner.txt" in ids and "hostile/inside.txt" in ids
    assert not any(".hidden" in i or "secret" in i for i in ids)
    assert [Path(s.path).name for s in found.ignored] == ["README.txt"]


def test_hostile_corpus_indexes_every_good_article(
    hostile: tuple[Path, dict[str, str]], index_env: Path
) -> None:
    root, unreachable = hostile
    with searcher.open_index(index_env, create=True) as ix:
        report = ix.update(root)
        skipped = {Path(s.path).name: s.reason for s in report.skipped}
        assert set(skipped) == set(BAD_FILES) | set(unreachable)
        for name, (_, fragment) in BAD_FILES.items():
            assert fragment in skipped[name], (name, skipped[name])
        # inside.txt links to plain.txt: the same story, indexed once, the other
        # reported as its duplicate.
        duplicates = {
            name: d.reason for d in report.duplicates for name in GOOD_FILES if f"/{name}" in d.path
        }
        assert set(duplicates) & {"inside.txt", "plain.txt"}
        for name, (_, word) in GOOD_FILES.items():
            ids = [hit.id for hit in ix.search(word, limit=50)]
            if name in duplicates:
                assert any(f"duplicate of {i}" in duplicates[name] for i in ids), duplicates
            else:
                assert f"hostile/{name}" in ids, (name, word, ids)
        assert ix.search("zebrasecret").hits == ()
        assert ix.search("zebrahidden").hits == ()
        long_title = ix.get("hostile/long-title.txt")
        assert long_title.title == "" and long_title.body.startswith("zebratitle")


def test_unreachable_files_are_in_the_index_report(
    hostile: tuple[Path, dict[str, str]], index_env: Path
) -> None:
    root, expected = hostile
    with searcher.open_index(index_env, create=True) as ix:
        report = ix.update(root)
    assert set(expected) <= {Path(s.path).name for s in report.skipped}


def test_cli_summary_names_each_skipped_file_safely(
    runner: CliRunner, hostile: tuple[Path, dict[str, str]]
) -> None:
    root, _ = hostile
    (root / "bad\x1b]0;pwned\x07name.txt").write_bytes(b"")
    result = runner.invoke(cli, ["index", str(root)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    for name in BAD_FILES:
        assert f"{name}: " in result.stderr
    assert "bad\\x1b]0;pwned\\x07name.txt" in result.stderr
    skipped_lines = [line for line in result.stderr.splitlines() if line.startswith("skipped ")]
    assert all("\x1b" not in line for line in skipped_lines)
    assert len(skipped_lines) >= len(BAD_FILES) + 1
    assert f"{len(skipped_lines)} skipped" in result.stderr


# -- size caps -------------------------------------------------------------------

SMALL = ReadOptions(max_bytes=1024 * 1024)


def test_file_over_the_cap_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(100 * 1024 * 1024)  # sparse: 100 MB on paper, instant to make
    with pytest.raises(IngestError, match=r"huge\.txt: 100 MiB is over the 1 MiB limit") as caught:
        read_file(path, options=SMALL)
    assert "`searcher index --max-file-mb` raises it" in str(caught.value)
    assert path.stat().st_size > MAX_FILE_BYTES, "refused by default too"
    with pytest.raises(IngestError, match="100 MiB is over the 64 MiB limit"):
        read_file(path)


def _peak(work: Callable[[], object]) -> int:
    """Bytes allocated at the peak of ``work``, beyond what it started with."""
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_tidying_a_long_line_costs_about_its_size() -> None:
    # re.sub and str.split made an object per word: 14 times the text's size.
    line = "word " * 1_000_000
    assert _peak(lambda: clean_line(line)) < 3 * len(line)
    assert _peak(lambda: clean_body(line)) < 3 * len(line)


def test_a_long_sgml_story_costs_about_its_size(tmp_path: Path) -> None:
    body = "word " * 1_000_000
    path = tmp_path / "one.sgm"
    path.write_text(
        f'<REUTERS NEWID="1"><TEXT><TITLE>T</TITLE><BODY>{body}</BODY></TEXT></REUTERS>'
    )
    options = ReadOptions(max_article_chars=10 * len(body))
    peak = _peak(lambda: read_file(path, options=options))
    assert peak < 10 * len(body)  # (it was 19 times)


def test_a_long_text_file_is_cut_before_it_is_parsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "one-line.txt"
    path.write_text("Headline\n\n" + "word " * 200_000)  # one line of 1 MB
    parsed: list[int] = []
    parse = text_reader.parse_text

    def spy(text: str, **kwargs: str) -> searcher.Article:
        parsed.append(len(text))
        return parse(text, **kwargs)

    monkeypatch.setattr(text_reader, "parse_text", spy)
    [article] = read_file(path, options=ReadOptions(max_article_chars=1000))
    assert parsed[0] <= 2 * 1000 + text_reader.HEADER_CHARS
    assert article.title == "Headline" and len(article.body) <= 1000


def test_gzip_bomb_stops_at_the_cap(tmp_path: Path) -> None:
    path = tmp_path / "bomb.txt.gz"
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: gzip framing
    path.write_bytes(compressor.compress(b"\0" * (64 * 1024 * 1024)) + compressor.flush())
    assert path.stat().st_size < 100_000
    with pytest.raises(IngestError, match="unzips to more than the 1 MiB limit"):
        read_file(path, options=SMALL)


def test_overlong_article_is_cut_not_lost(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "long.txt"
    path.write_text("Title\n\n" + "word " * 3000)
    [article] = read_file(path, options=ReadOptions(max_article_chars=1000))
    assert article.title == "Title"
    assert 990 <= len(article.body) <= 1000 and article.body.endswith("word")
    assert "cut body" in caplog.text


def test_directory_and_fifo_named_explicitly_are_errors(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    with pytest.raises(IngestError, match="not a regular file"):
        read_bytes(tmp_path / "pipe.txt")  # would block forever with a plain open()
    (tmp_path / "dir.txt").mkdir()
    with pytest.raises(IngestError, match=r"dir\.txt: (cannot read the file|not a regular file)"):
        read_file(tmp_path / "dir.txt")
    with pytest.raises(IngestError, match="not a regular file or folder"):
        scan([tmp_path / "pipe.txt"])


def test_unreadable_file_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests run as root here, where chmod 000 blocks nothing: simulate EACCES.
    path = tmp_path / "locked.txt"
    path.write_bytes(_good("zebralocked"))
    real_open = os.open

    def deny(file: str | os.PathLike[str], flags: int, *args: int, **kwargs: int) -> int:
        if Path(file).name == "locked.txt":
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", deny)
    with pytest.raises(
        IngestError, match=r"locked\.txt: cannot read the file \(Permission denied\)"
    ):
        read_file(path)


def test_unlistable_folder_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "ok").mkdir()
    (tmp_path / "ok" / "a.txt").write_bytes(_good("a"))
    (tmp_path / "locked").mkdir()
    real_scandir = os.scandir

    def deny(path: str | os.PathLike[str]) -> object:
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", deny)
    found = scan([tmp_path])
    assert [f.path.name for f in found.files] == ["a.txt"]
    assert [(Path(s.path).name, s.reason) for s in found.skipped] == [
        ("locked", "cannot list folder (Permission denied)")
    ]


def test_reader_crash_becomes_a_skip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(_good("a"))

    def explode(*args: object) -> object:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr("searcher.ingest.text.read", explode)
    with pytest.raises(IngestError, match=r"a\.txt: the reader failed \(RecursionError"):
        read_file(path)


def test_lone_surrogates_from_a_reader_never_reach_the_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, index_env: Path
) -> None:
    # json.loads('"\\ud800"') gives a lone surrogate; the index writer cannot encode it.
    path = tmp_path / "a.txt"
    path.write_bytes(_good("a"))

    def surrogates(path: Path, doc_id: str, options: ReadOptions) -> object:
        yield searcher.Article(
            id=doc_id,
            path=str(path),
            title="T\ud800",
            body="zebrasur \udfff",
            keywords=("k\ud800",),
        )

    monkeypatch.setattr("searcher.ingest.text.read", surrogates)
    [article] = read_file(path)
    assert (article.title, article.body, article.keywords) == (
        "T\ufffd",
        "zebrasur \ufffd",
        ("k\ufffd",),
    )
    with searcher.open_index(index_env, create=True) as ix:
        ix.add([article])
        assert ix.search("zebrasur").hits[0].id == "a.txt"


def test_declared_charsets_that_are_not_charsets_are_ignored() -> None:
    for declared in ("idna", "punycode", "unicode_escape", "base64", "rot13", "zip", "nonsense"):
        assert decode(b"caf\xc3\xa9 \\x41", declared=declared) == "café \\x41"
    assert decode("café".encode("latin-1"), declared="latin-1") == "café"


# -- property tests: random bytes into every reader --------------------------------

READER_SUFFIXES = sorted(READERS)


@pytest.mark.parametrize("suffix", READER_SUFFIXES)
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=2000) | st.text(max_size=500).map(str.encode))
def test_random_bytes_never_crash_a_reader(tmp_path: Path, suffix: str, data: bytes) -> None:
    path = tmp_path / f"random{suffix}"
    path.write_bytes(data)
    try:
        for gz in (False, True):
            if gz:
                path = path.with_name(path.name + ".gz")
                path.write_bytes(gzip.compress(data))
            articles = read_file(path)
            for article in articles:
                assert isinstance(article.body, str)
                article.body.encode("utf-8")  # no lone surrogates reach the index
    except IngestError as exc:
        assert exc.path == path


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=300), declared=st.sampled_from([None, "utf-8", "latin-1", "idna"]))
def test_decode_never_raises(data: bytes, declared: str | None) -> None:
    decode(data, declared=declared).encode("utf-8")
