"""Making untrusted article text safe to print on a terminal.

Article titles, bylines, paths and bodies come from strangers. Printed raw,
an ESC byte starts a terminal control sequence (recolouring, retitling the
window, writing the clipboard, faking hyperlinks) and a bidi override reorders
what the reader sees. :func:`safe_text` replaces every such character with a
visible escape, so the text stays text.

>>> safe_text("evil\\x1b]0;pwned\\x07 title\\u202e")
'evil\\\\x1b]0;pwned\\\\x07 title\\\\u202e'
>>> safe_text("line one\\nline two", keep_newlines=True)
'line one\\nline two'
>>> safe_text("line one\\nline two")
'line one line two'
"""

from __future__ import annotations

import re

# C0 controls, DEL, C1 controls (0x9b is a one-byte CSI), and the Unicode
# bidi and invisible formatting controls that can disguise text.
_CONTROLS = (
    r"\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb"
)
_UNSAFE = re.compile(f"[{_CONTROLS}]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def safe_text(text: str, *, keep_newlines: bool = False) -> str:
    """Return ``text`` with control and bidi characters shown as escapes.

    :param keep_newlines: leave ``\\n`` as it is (for multi-line bodies); otherwise
        a newline becomes a space.
    """
    text = text.replace("\t", " ")
    if not keep_newlines:
        text = text.replace("\n", " ")
    return _UNSAFE.sub(_escape, text)
