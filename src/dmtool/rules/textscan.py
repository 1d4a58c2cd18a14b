"""Searches of message text that take linear time with a small constant, whatever the text.

Python's :mod:`re` looks for a pattern by trying it at every position of the text, unless the pattern begins with a
literal (or a class of characters) that it can look for case-sensitively. A case-insensitive pattern of words, or one
that begins with ``\\b``, costs 50-600 ns a character that way: a megabyte of text took seconds. Here the text is
folded once (:func:`fold`: lower case, one character for one) and searched with case-sensitive patterns that begin
with what they look for (:class:`Search`, :func:`word`): a fraction of a nanosecond a character for each.
"""

from __future__ import annotations

import re
from typing import Final

#: Characters that ``re.IGNORECASE`` matches with a letter that :meth:`str.lower` does not give them: capital I with
#: dot above (whose lower case is two characters) and dotless i with ``i``, long s with ``s``.
_TO_LETTER: Final = (("\u0130", "i"), ("\u0131", "i"), ("\u017f", "s"))
#: :meth:`str.lower` of each Latin-1 character, as a byte table (every one stays in Latin-1).
_LATIN_1_LOWER: Final = bytes(ord(chr(code).lower()) for code in range(256))


def fold(text: str) -> str:
    """``text`` in lower case, one character for each of its characters, so that positions in it are positions in
    ``text``.

    ``re.IGNORECASE`` matches a character of ``text`` with a letter exactly when its folded character is that letter
    in lower case; a character is a word character, white space or a digit exactly when its folded character is;
    other characters (``<``, ``:``, ``.``) fold to themselves only. So a case-sensitive pattern of lower-case letters
    finds in the folded text what it finds case-insensitively in ``text`` (``tests/test_textscan.py`` checks this
    for every character). Latin-1 text, which is most Norwegian text, is folded by a byte table (about 2 ns a
    character; :meth:`str.lower` takes 6).
    """
    if text.isascii():
        return text.lower()
    try:
        return text.encode("latin-1").translate(_LATIN_1_LOWER).decode("latin-1")
    except UnicodeEncodeError:  # a character beyond Latin-1
        for other, letter in _TO_LETTER:  # str.replace: str.translate takes 70 ns a character
            text = text.replace(other, letter)
        return text.lower()


def word(start: str, rest: str = "") -> str:
    """The pattern ``\\b`` + ``start`` + ``rest``, written to begin with ``start``: ``start`` must match a fixed number
    of characters (a word, ``\\d``), and the word boundary before it is checked behind it (``haste(?<!\\whaste)``).
    :mod:`re` then finds ``start`` fast instead of trying ``\\b`` at every position."""
    return f"{start}(?<!\\w{start}){rest}"


#: Up to how many characters a text is searched for all the branches of a :class:`Search` at once: a call of
#: :mod:`re` costs more than trying a few branches at each position of a short text.
SHORT: Final = 64


class Search:
    """The first match of the alternatives ``branches`` in a text, whatever its case.

    Each branch is a case-sensitive pattern of lower-case letters for the folded text (:func:`fold`) that begins with
    a literal or a class of characters (see :func:`word`), so that :mod:`re` finds where it can begin without trying
    every position; each is searched once (a text of up to :data:`SHORT` characters is searched for all of them at
    once). The first match is what ``re.search("|".join(branches), text, re.IGNORECASE)`` finds: the match that
    begins first, and of two that begin at the same place, the one of the earlier branch.
    """

    def __init__(self, *branches: str) -> None:
        self.branches = tuple(re.compile(branch) for branch in branches)
        self._all = re.compile("|".join(f"(?:{branch})" for branch in branches))

    def find(self, text: str, folded: str | None = None) -> tuple[int, int] | None:
        """Where the first match in ``text`` begins and ends, or ``None``; ``folded`` is :func:`fold` of ``text``,
        when the caller has it."""
        if folded is None:
            folded = fold(text)
        if len(folded) <= SHORT:
            found = self._all.search(folded)
            return None if found is None else found.span()
        first: tuple[int, int] | None = None
        for branch in self.branches:
            found = branch.search(folded)
            if found is not None and (first is None or found.start() < first[0]):
                first = found.span()
        return first

    def found(self, text: str, folded: str | None = None) -> bool:
        """Whether there is a match in ``text`` (``find(text) is not None``, but it stops at the first branch that
        matches anywhere)."""
        if folded is None:
            folded = fold(text)
        if len(folded) <= SHORT:
            return self._all.search(folded) is not None
        return any(branch.search(folded) for branch in self.branches)
