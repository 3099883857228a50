"""Making untrusted article text safe to print on a terminal or in HTML.

Article titles, bylines, paths and bodies come from strangers. Printed raw,
an ESC byte starts a terminal control sequence (recolouring, retitling the
window, writing the clipboard, faking hyperlinks), an 8-bit C1 code such as
``\\x9b`` does the same on terminals that honour it, and a bidi override
reorders what the reader sees. :func:`safe_text` replaces every such character
with a visible escape, so the text stays text.

Which characters count is data, :data:`UNSAFE_RANGES`: every code point of the
Unicode categories Cc (controls), Cf (invisible format controls, bidi among
them), Cs (lone surrogates, which cannot even be encoded for output), Zl and Zp
(line and paragraph separators). Three format characters are left alone
because real text needs them and no terminal acts on them: the soft hyphen
U+00AD and the zero-width (non-)joiners U+200C/U+200D (Persian, Indic scripts,
emoji sequences).

>>> safe_text("evil\\x1b]0;pwned\\x07 title\\u202e")
'evil\\\\x1b]0;pwned\\\\x07 title\\\\u202e'
>>> safe_text("line one\\nline two", keep_newlines=True)
'line one\\nline two'
>>> safe_text("line one\\nline two")
'line one line two'
>>> safe_html('<a href="x">Tom & "Jerry"</a>')
'&lt;a href=&quot;x&quot;&gt;Tom &amp; &quot;Jerry&quot;&lt;/a&gt;'
"""

from __future__ import annotations

import html
import logging
import re

#: Inclusive code-point ranges printed as escapes: Unicode categories Cc, Cf,
#: Cs, Zl and Zp as of Unicode 15.1 (tab, newline, U+00AD, U+200C and U+200D
#: are handled apart; see the module doc). ``tests/test_hostile_text.py``
#: checks this table against :mod:`unicodedata`.
UNSAFE_RANGES: tuple[tuple[int, int], ...] = (
    (0x0000, 0x0008),  # C0 controls before tab
    (0x000B, 0x001F),  # C0 controls after newline: CR, ESC...
    (0x007F, 0x009F),  # DEL and the 8-bit C1 controls (0x9B is a one-byte CSI)
    (0x0600, 0x0605),  # Arabic number signs
    (0x061C, 0x061C),  # Arabic letter mark (bidi)
    (0x06DD, 0x06DD),
    (0x070F, 0x070F),
    (0x0890, 0x0891),
    (0x08E2, 0x08E2),
    (0x180E, 0x180E),  # Mongolian vowel separator
    (0x200B, 0x200B),  # zero width space
    (0x200E, 0x200F),  # LRM, RLM
    (0x2028, 0x202E),  # line/paragraph separators, LRE RLE PDF LRO RLO
    (0x2060, 0x2064),  # word joiner, invisible operators
    (0x2066, 0x206F),  # LRI RLI FSI PDI, deprecated format controls
    (0xD800, 0xDFFF),  # lone surrogates
    (0xFEFF, 0xFEFF),  # zero width no-break space (BOM)
    (0xFFF9, 0xFFFB),  # interlinear annotation
    (0x110BD, 0x110BD),
    (0x110CD, 0x110CD),
    (0x13430, 0x1343F),  # Egyptian hieroglyph format controls
    (0x1BCA0, 0x1BCA3),  # shorthand format controls
    (0x1D173, 0x1D17A),  # musical symbol format controls
    (0xE0001, 0xE0001),  # language tag
    (0xE0020, 0xE007F),  # tag characters (invisible ASCII look-alikes)
)

_UNSAFE = re.compile("[" + "".join(f"\\U{lo:08x}-\\U{hi:08x}" for lo, hi in UNSAFE_RANGES) + "]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def safe_text(text: str, *, keep_newlines: bool = False) -> str:
    """Return ``text`` with control, bidi and invisible format characters shown as escapes.

    A tab becomes a space. The result holds no ESC, no C1 code and no bidi
    control, so it can go to a terminal as is.

    :param keep_newlines: leave ``\\n`` as it is (for multi-line bodies); otherwise
        a newline becomes a space.
    """
    text = text.replace("\t", " ")
    text = text.replace("\n", "\n" if keep_newlines else " ")
    return _UNSAFE.sub(_escape, text)


def safe_html(text: str) -> str:
    """Return ``text`` for HTML element content or a quoted attribute.

    Escapes ``& < > " '`` (Whoosh's ``HtmlFormatter`` leaves quotes alone, so
    article text could close an attribute) and shows controls as
    :func:`safe_text` does.
    """
    return html.escape(safe_text(text, keep_newlines=True), quote=True)


class SafeFormatter(logging.Formatter):
    """A logging formatter whose messages are passed through :func:`safe_text`.

    Log messages name corpus files and quote queries, and file names may hold
    escape sequences; give this formatter to any handler that writes to a
    terminal.
    """

    def format(self, record: logging.LogRecord) -> str:
        return safe_text(super().format(record), keep_newlines=True)
