"""The advice of the dialog layer (warnings): the guidelines' advice for people, checked as far as text allows.

Heuristics on Norwegian free text; they warn, never block. Thresholds come from
:class:`~dmtool.standards.profiles.Settings`.
The word heuristics read the first :data:`SCAN_CHARS` characters of a text: a longer one already gets ``SHORT``,
and scanning megabytes of text with them would cost seconds.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final

from ..dialog.model import Kind
from ..standards import clock, deadlines
from ..xml import tree
from ..xml.tree import first
from .base import Finding
from .facts import Facts
from .textscan import Search, fold, word

#: How much of a text the word heuristics read.
SCAN_CHARS: Final = 100_000
#: The word heuristics, searched in the folded text (:mod:`dmtool.rules.textscan`): with ``re.IGNORECASE`` and ``\b``
#: first, ``re`` tried each pattern at every position, at 50-300 ns a character.
_ACK_ONLY: Final = Search(
    word("mottatt", r"\b"), word("takk for ", r"(?:meldingen|beskjeden|info\w*|henvendelsen)\b"),
    word("tatt til etterretning", r"\b"), word("bekrefter mottak", r"\b"), word("notert", r"\b"),
    word("utført", r"\b"), word("ferdig", r"\b"), word("ordnet", r"\b"), word("er gjort", r"\b"), word("ok", r"\b"),
)  # fmt: skip
_URGENT: Final = Search(
    "øyeblikkelig hjelp", word("ø", r"\.?\s?hj\b"), word("haste", r"\w*"), word("akutt", r"\w*"),
    word("snarest", r"\b"), word("umiddelbart", r"\b"), word("straks", r"\b"),
)  # fmt: skip
#: Read at the start of a text only (its first 300 characters).
_GREETING: Final = re.compile(r"^\W*+(?:til|hei|hallo|god dag|god morgen|kjære|vedr\w*|angående)\b", re.IGNORECASE)
_SIGNATURE: Final = Search(
    *(word(name, r"\b") for name in ("hilsen", "mvh", "med vennlig", "jeg er", "jeg heter", "skrevet av", "fastlege",
                                     "sykepleier", "lege"))
)  # fmt: skip
_CONTEXT: Final = Search(
    r"henvis\w*", "epikrise", "innleggelse", "innlagt", r"utskriv\w*", "skrives ut", "skrevet ut", "konsultasjon",
    "kontroll", "kontakt", word("time", r"\b"), "besøk",
    word(r"\d", r"(?:\d?\.\s?\d{1,2}\.(?:\s?\d{2,4})?|\d{3}-\d{2}-\d{2}\b)"),  # 14.3., 14.03.2026, 2026-03-14
)  # fmt: skip
_FAGOMRADER: Final[dict[str, Search]] = {
    "kirurgi": Search(word("kirurg", r"\w*"), word("ortoped", r"\w*"), word("gastrokirurg", r"\w*")),
    "medisin": Search(word("medisinsk ", "(?:avdeling|poliklinikk)"), word("indremedisin", r"\w*"),
                      word("kardiolog", r"\w*"), word("lungemedisin", r"\w*"), word("nyremedisin", r"\w*"),
                      word("geriatri", r"\w*")),
    "psykisk helse": Search(word("psykiatr", r"\w*"), word("psykisk helse")),
    "kvinne/barn": Search(word("gynekolog", r"\w*"), word("føde", r"\w*"), word("barneavdeling", r"\w*"),
                          word("pediatri", r"\w*")),
    "nevrologi": Search(word("nevrolog", r"\w*")),
}  # fmt: skip


def short(facts: Facts) -> Iterator[Finding]:
    """The text stays under the configured length."""
    limit = facts.settings.short_max_chars
    if len(facts.own_text) > limit:
        yield f"the text is {len(facts.own_text)} characters; keep it short and concrete (under {limit})", facts.body


def not_ack_only(facts: Facts) -> Iterator[Finding]:
    """A short text that only confirms receipt or that something is done: the AppRec does that."""
    text = facts.own_text.strip()
    if facts.kind == Kind.AVVIK or not text or "?" in text or len(text) > facts.settings.ack_only_max_chars:
        return
    if _ACK_ONLY.found(text):
        yield "the message only confirms receipt or that something is done; the AppRec does that", facts.body


def not_urgent(facts: Facts) -> Iterator[Finding]:
    """Nothing urgent: emergencies and serious findings go by phone."""
    text = facts.own_text[:SCAN_CHARS]
    found = _URGENT.find(text)
    if found:
        yield f"the text says {text[found[0] : found[1]]!r}: urgent matters go by phone, not Dialogmelding", facts.body
    body = facts.body
    urgency = first(facts.body_parts, "Hastegrad") if body is not None and tree.name(body) == "Foresporsel" else None
    if tree.code(urgency) == "1":
        yield "Hastegrad 1 (øyeblikkelig hjelp): emergencies go by phone, not Dialogmelding", urgency


def greeting_and_identity(facts: Facts) -> Iterator[Finding]:
    """A first message greets the recipient, says who writes, and refers to a referral, discharge or contact."""
    if facts.kind not in (Kind.FORESPORSEL, Kind.NOTAT, Kind.HELSEFAGLIG) or facts.conversation is not None:
        return
    text = facts.own_text[:SCAN_CHARS]
    if not text.strip():
        return
    folded = fold(text)
    service = facts.organisation_chain("Receiver")
    service_name = service[-1].name if service else ""
    missing = []
    if not (_GREETING.search(facts.main_text[:300]) or (service_name and service_name.lower() in text[:300].lower())):
        missing.append("whom it is for (e.g. 'Til ...')")
    if not _SIGNATURE.found(text, folded):
        missing.append("who writes and where (e.g. 'Hilsen ..., fastlege ved ...')")
    if not _CONTEXT.found(text, folded):
        missing.append("what it refers to (henvisning, epikrise or the date of a contact)")
    if missing:
        yield "the text does not say " + "; nor ".join(missing), facts.body


def fagomrader(text: str) -> list[str]:
    """The fagområder ``text`` names (its first :data:`SCAN_CHARS` characters), in a fixed order: what
    ``ONE-PROBLEM-PER-THREAD`` looks for in one message, and the ledger in a whole thread."""
    text = text[:SCAN_CHARS]
    folded = fold(text)
    return [name for name, words in _FAGOMRADER.items() if words.found(text, folded)]


def one_problem_per_thread(facts: Facts) -> Iterator[Finding]:
    """One problem and one fagområde per thread."""
    found = fagomrader(facts.own_text)
    if len(found) > 1:
        yield f"the text mixes fagområder ({', '.join(found)}): one problem and one fagområde per thread", facts.body


def reply_deadline(facts: Facts) -> Iterator[Finding]:
    """A svar comes within the expected working days of its forespørsel (checked when the forespørsel is known)."""
    original = facts.original
    if not facts.is_reply or original is None or original.gen_date is None or facts.gen_date is None:
        return
    profile = facts.deadline_profile
    due = deadlines.reply_deadline(original.gen_date, profile)
    answered = facts.gen_date.astimezone(clock.OSLO).date()
    if answered > due:
        yield f"the reply comes {answered.isoformat()}, after the expected reply date {due.isoformat()} " \
              f"({profile.reply_days} working days)", facts.info  # fmt: skip


def svar_quotes_foresporsel(facts: Facts) -> Iterator[Finding]:
    """A svar quotes the Foresporsel it answers inside its Notat, so the receiver sees the question with the answer
    (optional in the schema: ``RefToParent`` is what ties the two)."""
    body = facts.body
    quoted = first(facts.body_parts, "Foresporsel")
    if facts.kind == Kind.SVAR and body is not None and tree.name(body) == "Notat" and quoted is None:
        yield "the svar does not quote the Foresporsel it answers; quote it in the Notat so the question is " \
                  "read with the answer", body  # fmt: skip
