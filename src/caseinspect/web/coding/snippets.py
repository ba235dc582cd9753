"""Search results as safe HTML: the text escaped, the searched words marked."""

from __future__ import annotations

import re
from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

__all__ = ["highlight"]


def highlight(text: str, terms: Sequence[str], *, width: int = 320) -> SafeString:
    """``text`` (escaped) around its first match, each word starting with a term in <mark>.

    The words are matched by prefix ("engag" marks "engagement"), as stemming finds them.
    """
    if not terms:
        snippet = text if len(text) <= width else text[:width].rsplit(" ", 1)[0] + " …"
        return mark_safe(escape(snippet))  # noqa: S308 - escaped just above
    pattern = re.compile(
        r"\b(" + "|".join(re.escape(t[: max(4, len(t) - 2)]) for t in terms) + r")\w*",
        re.IGNORECASE,
    )
    first = pattern.search(text)
    start = 0 if first is None else max(0, first.start() - width // 3)
    if start:
        start = text.find(" ", start) + 1
    piece = text[start : start + width]
    suffix = ""
    if start + width < len(text):
        piece, suffix = piece.rsplit(" ", 1)[0], " …"  # end on a whole word
    prefix = "… " if start else ""
    out, at = [], 0
    for m in pattern.finditer(piece):
        out.append(escape(piece[at : m.start()]))
        out.append(f"<mark>{escape(m.group())}</mark>")
        at = m.end()
    out.append(escape(piece[at:]))
    return mark_safe(prefix + "".join(out) + suffix)  # noqa: S308 - every part escaped
