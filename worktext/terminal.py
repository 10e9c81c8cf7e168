"""Text for a terminal: control characters made visible.

A title, an author's name or a file's content can hold any character, and a terminal obeys
some of them: ESC sequences recolour it, move the cursor, rewrite its title or worse; a
carriage return overwrites the line. Every text output shows C0 and C1 control characters
(other than newline and tab), DEL, and the line and paragraph separators as ``\\xNN`` or
``\\uNNNN`` escapes. The CLI's own colours are added after the text is made visible.
"""

from __future__ import annotations

import re

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` with every control character (but newline and tab) written as an escape."""
    return _CONTROL.sub(_escape, text) if _CONTROL.search(text) else text
