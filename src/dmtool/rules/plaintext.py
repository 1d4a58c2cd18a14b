"""Plain text: what makes a free text other than plain text (HTML tags written as text, a data URI, a long run of
base64), each found in time linear in the text (:mod:`dmtool.rules.textscan`)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final

from . import textscan
from .textscan import fold

#: The free-text patterns are written so that no text can be matched in two ways ("<" and many spaces, and
#: "data:a/b;;;;..." took time quadratic and exponential in the length of the text), and are searched in the folded
#: text (:func:`dmtool.rules.textscan.fold`), where they need no ``re.IGNORECASE``: with it, ``re`` tried every tag name
#: after each ``<`` (500 ns), and ``\bdata:`` at every position. Long base64 runs are found by :func:`has_base64_run`.
_MARKUP: Final = re.compile(
    r"<\s*+(?:/\s*+)?(?:html|head|body|p|br|div|span|b|i|u|em|strong|font|img|a|table|tr|td|th|ul|ol|li|h[1-6]"
    r"|script|style|svg|iframe|object|embed)\b[^<>]*+>"
)
#: A data URI up to the end of its parameters: ``data:``, a type, a subtype, and from a ``;`` the parameters, which
#: run to a comma (the data follow: a data URI) or to white space (no data URI). The subtype stops before a
#: ``data:`` (which cannot be part of it: a colon ends it), so that no match hides where another may begin.
_DATA_URI: Final = re.compile(textscan.word("data:", r"[a-z]++/(?:(?!data:)[a-z0-9.+-])++(?:;[^,\s]*+)?"))
#: A run of base64 characters at least this long is taken for an embedded file.
BASE64_RUN: Final = 400
_BASE64_CHARS: Final = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
_BASE64_RUN_CHARS: Final = re.compile(r"[A-Za-z0-9+/]*")


def has_base64_run(text: str) -> bool:
    """True when ``text`` holds :data:`BASE64_RUN` or more base64 characters in a row.

    A regular expression tries every position and re-reads each word (0.7 s for 20 MB of text). A run that long
    starts at most ``BASE64_RUN // 2 - 1`` characters before a multiple of ``BASE64_RUN // 2`` and goes on at least
    ``BASE64_RUN // 2`` after it, so only those positions are tried: the run is read forward from one, then only the
    characters it still needs are checked behind it. Every step is a regular expression on a bounded stretch, so any
    text takes linear time.
    """
    half = BASE64_RUN // 2
    for at in range(0, len(text) - half + 1, half):
        if text[at] in _BASE64_CHARS:
            ahead = _BASE64_RUN_CHARS.match(text, at).end() - at  # type: ignore[union-attr]  # "*" always matches
            behind = BASE64_RUN - ahead
            if ahead >= half and (behind <= 0 or (behind <= at and _BASE64_RUN_CHARS.fullmatch(text, at - behind, at))):
                return True
    return False


def has_data_uri(text: str, folded: str | None = None) -> bool:
    """True when ``text`` holds a data URI: ``data:type/subtype``, perhaps parameters after ``;``, then a comma (what
    ``\\bdata:[a-z]+/[a-z0-9.+-]+(?:;[^,;\\s]*)*,`` finds case-insensitively). ``folded`` is
    :func:`dmtool.rules.textscan.fold` of ``text``, when the caller has it.

    That pattern read the parameters after every ``data:`` to the end of their run, and many ``data:a/b;`` in one
    run took time quadratic in its length (74 KB: 7 s). A ``data:`` inside the parameters of another ends where
    that one ends, so the search goes on after them: each run is read once.
    """
    if folded is None:
        folded = fold(text)
    found = _DATA_URI.search(folded)
    while found is not None:
        if folded.startswith(",", found.end()):
            return True
        found = _DATA_URI.search(folded, found.end())
    return False


def text_problems(text: str) -> Iterator[str]:
    """What makes ``text`` other than plain text: HTML tags written as text, a data URI, a long base64 run."""
    if "<" in text and ">" in text and _MARKUP.search(fold(text)):
        yield "holds HTML tags as text; write plain text"
    if ":" in text and has_data_uri(text):
        yield "embeds a data URI (an image or file); only plain text is allowed"
    elif has_base64_run(text):
        yield "holds a long base64 run (an embedded file); only plain text is allowed"
