"""Adversarial texts for every text check dmtool runs, and the patterns those checks were first written with.

``ORACLE`` keeps the patterns as they were before they were rewritten to take linear time with a small constant
(``dmtool.rules.textscan``): ``tests/test_textscan.py`` checks that the rewritten checks answer as these do. ``texts``
makes the texts that once took those patterns, or could take a pattern written like them, more than linear time:
long runs of each pattern's words cut short, joined without and with separators, in other cases and with the letters
``re.IGNORECASE`` takes for ``i``, ``k`` and ``s``; ``<`` with spaces; repeated ``data:`` segments; base64 runs one
short; dates cut short. The tests compare the work on such texts of two sizes, and ``tools/fuzz.py`` seeds its corpus
with them and puts them into the messages it mutates.

Plain Python with no import of dmtool, so that the fuzz harness can import it before dmtool is instrumented.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Final

_CASE_HANDLING: Final = (
    r"saksbehandl|bestiller|søknadskontor|vedtakskontor|koordineringskontor|tjenestekontor|forvaltning|tildeling"
)
_PHYSICIAN: Final = r"(?:\b|fast|kommune|over|tilsyns|sykehjems)lege"

#: The patterns of the rules' text checks as they were first written, by the name of the check.
ORACLE: Final[dict[str, re.Pattern[str]]] = {
    "markup": re.compile(
        r"<\s*(?:/\s*)?(?:html|head|body|p|br|div|span|b|i|u|em|strong|font|img|a|table|tr|td|th|ul|ol|li|h[1-6]"
        r"|script|style|svg|iframe|object|embed)\b[^<>]*>",
        re.IGNORECASE,
    ),
    "data-uri": re.compile(r"\bdata:[a-z]+/[a-z0-9.+-]+(?:;[^,;\s]*)*,", re.IGNORECASE),
    "base64-run": re.compile(r"[A-Za-z0-9+/]{400,}"),
    "municipal": re.compile(
        r"kommune|hjemmesykepleie|hjemmetjeneste|sykehjem|omsorg|helsehus|korttidsavdeling|rehabilitering i kommunen|"
        + _CASE_HANDLING,
        re.IGNORECASE,
    ),
    "lab-radiology": re.compile(r"laborator|radiolog|røntgen|bildediagnost|mikrobiolog|patolog", re.IGNORECASE),
    "plo": re.compile(r"\bplo\b", re.IGNORECASE),
    "reception": re.compile(r"mottak", re.IGNORECASE),
    "physician": re.compile(_PHYSICIAN, re.IGNORECASE),
    "dialog-municipal": re.compile(
        _CASE_HANDLING + r"|sykeplei|hjemmetjeneste|hjemmebaserte? tjeneste|" + _PHYSICIAN, re.IGNORECASE
    ),
    "ack-only": re.compile(
        r"\b(?:mottatt|takk for (?:meldingen|beskjeden|info\w*|henvendelsen)|tatt til etterretning|bekrefter mottak"
        r"|notert|utført|ferdig|ordnet|er gjort|ok)\b",
        re.IGNORECASE,
    ),
    "urgent": re.compile(
        r"øyeblikkelig hjelp|\bø\.?\s?hj\b|\bhaste\w*|\bakutt\w*|\bsnarest\b|\bumiddelbart\b|\bstraks\b",
        re.IGNORECASE,
    ),
    "greeting": re.compile(r"^\W*(?:til|hei|hallo|god dag|god morgen|kjære|vedr\w*|angående)\b", re.IGNORECASE),
    "signature": re.compile(
        r"\b(?:hilsen|mvh|med vennlig|jeg er|jeg heter|skrevet av|fastlege|sykepleier|lege)\b", re.IGNORECASE
    ),
    "context": re.compile(
        r"henvis\w*|epikrise|innleggelse|innlagt|utskriv\w*|skrives ut|skrevet ut|konsultasjon|kontroll|kontakt|"
        r"\btime\b|besøk|"
        r"\b\d{1,2}\.\s?\d{1,2}\.(?:\s?\d{2,4})?|\b\d{4}-\d{2}-\d{2}\b",
        re.IGNORECASE,
    ),
    "kirurgi": re.compile(r"\bkirurg\w*|\bortoped\w*|\bgastrokirurg\w*", re.IGNORECASE),
    "medisin": re.compile(
        r"\bmedisinsk (?:avdeling|poliklinikk)|\bindremedisin\w*|\bkardiolog\w*|\blungemedisin\w*|\bnyremedisin\w*"
        r"|\bgeriatri\w*",
        re.IGNORECASE,
    ),
    "psykisk helse": re.compile(r"\bpsykiatr\w*|\bpsykisk helse", re.IGNORECASE),
    "kvinne/barn": re.compile(r"\bgynekolog\w*|\bføde\w*|\bbarneavdeling\w*|\bpediatri\w*", re.IGNORECASE),
    "nevrologi": re.compile(r"\bnevrolog\w*", re.IGNORECASE),
}

#: What a pattern's source is cut at to find its literal parts: escapes of a class, classes, counts, groups,
#: alternatives and repeats.
_NOT_LITERAL: Final = re.compile(r"\\[bBwWsSdD]|\[[^\]]*\]|\{[^}]*\}|\(\?:|[()|?*+^$]")
#: What re.IGNORECASE also matches with i, k and s, and what a cased letter may become.
_OTHER_FORMS: Final = {"i": "\u0130\u0131", "k": "\u212a", "s": "\u017f", "å": "\u212b"}
#: Characters that separate words, or do not: spaces of several kinds, punctuation, a digit, a letter.
SEPARATORS: Final = (" ", "\t", "\n", "\u00a0", "\u2028", ".", ",", ";", ":", "-", "_", "/", "<", ">", "1", "x", "æ")


def fragments(pattern: re.Pattern[str]) -> list[str]:
    """The literal parts of ``pattern``'s source, in order: ``["øyeblikkelig hjelp", "ø", ".", "hj", "haste", ...]``."""
    parts = _NOT_LITERAL.split(pattern.pattern)
    return [re.sub(r"\\(.)", r"\1", part) for part in parts if part]


def _cases(text: str) -> str:
    """``text`` with its letters in turn upper case, as they are, and in another form ``re.IGNORECASE`` matches."""
    out = []
    for at, char in enumerate(text):
        turn = at % 3
        out.append(char.upper() if turn == 0 else _OTHER_FORMS.get(char, char)[-1] if turn == 2 else char)
    return "".join(out)


def _repeat(unit: str, size: int) -> str:
    """``unit`` repeated to ``size`` characters (cut at the end)."""
    return (unit * (size // max(len(unit), 1) + 1))[:size]


def _families() -> dict[str, Callable[[int], str]]:
    """Each kind of adversarial text by its name, as a function of the size."""
    made: dict[str, Callable[[int], str]] = {
        "lt-spaces": lambda size: "<" + " " * (size - 1),
        "lt-space": lambda size: _repeat("< ", size),
        "lt-slash-spaces": lambda size: _repeat("< / ", size),
        "lt-name": lambda size: _repeat("<b ", size),
        "lt-name-spaces": lambda size: "<b" + " " * (size - 2),
        "lt-not-a-name": lambda size: _repeat("<x>", size),
        "lt-nested": lambda size: "<" * (size // 2) + ">" * (size - size // 2),
        "data-segments": lambda size: _repeat("data:a/b;", size),
        "data-semicolons": lambda size: "data:a/b" + ";" * (size - 8),
        "data-schemes": lambda size: _repeat("data:", size),
        "data-type": lambda size: "data:" + "a" * (size - 5),
        "data-subtype": lambda size: "data:a/" + "b" * (size - 7),
        "data-spaced": lambda size: _repeat("data:a/b;x ", size),
        "base64-short": lambda size: _repeat("A" * 399 + " ", size),
        "base64-long": lambda size: "A" * size,
        "dates-short": lambda size: _repeat("1.1", size),
        "dates-dots": lambda size: _repeat("12.", size),
        "dates-iso-short": lambda size: _repeat("2026-11-2", size),
        "digits": lambda size: "1" * size,
        "word": lambda size: "x" * size,
        "non-word": lambda size: _repeat("-_.\u00a0 ", size),
        "spaces": lambda size: " " * size,
        "other-forms": lambda size: _repeat("\u0130\u0131\u017f\u212a\u212b", size),
    }
    for name, pattern in ORACLE.items():
        parts = fragments(pattern)
        if not parts:  # the base64 run: no words
            continue
        words = [part for part in parts if len(part) > 1]
        cut = [word[:-1] for word in words]
        made[f"{name}:cut"] = _repeating("".join(cut))
        made[f"{name}:cut-spaced"] = _repeating(" ".join(cut) + " ")
        made[f"{name}:cut-cases"] = _repeating(_cases("".join(cut)))
        made[f"{name}:joined"] = _repeating("".join(parts))
        made[f"{name}:first"] = _repeating(cut[0] if cut else "x")
    return made


def _repeating(unit: str) -> Callable[[int], str]:
    return lambda size: _repeat(unit, size)


#: Each kind of adversarial text by its name: ``FAMILIES[name](size)`` is a text of ``size`` characters.
FAMILIES: Final = _families()


def texts(size: int) -> dict[str, str]:
    """Every adversarial text of ``size`` characters, by the name of its kind."""
    return {name: make(size) for name, make in FAMILIES.items()}


def alphabet() -> list[str]:
    """The pieces random texts for the oracle tests are made of: every pattern's literal parts, those parts cut
    short and in other cases, separators, and the characters ``re.IGNORECASE`` reads as other letters."""
    pieces = set(SEPARATORS) | {char for forms in _OTHER_FORMS.values() for char in forms}
    for pattern in ORACLE.values():
        for part in fragments(pattern):
            pieces.update((part, part[:-1] or part, _cases(part), part.upper(), part.title()))
    pieces.update(("12.", "3.", "2026-", "11-", "20", "A" * 199, "A" * 200, "data:", "image/png", ";base64", ","))
    return sorted(pieces)
