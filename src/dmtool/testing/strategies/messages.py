"""Strategies for bodies (forespørsel, notat), the envelope and whole messages of every kind and version."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from typing import Final

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from ...dialog import fields
from ...dialog.model import (
    CV,
    DIALOG_VERSIONS,
    ConversationRef,
    DialogVersion,
    Foresporsel,
    Kind,
    Message,
    Notat,
)
from ...standards.clock import OSLO
from .parties import _check_version, _role_tuples, organisations, patients
from .values import _optional, coded_simple_values, coded_values, xml_text

#: Fixed UTC offsets GenDate is drawn with besides Europe/Oslo (all whole minutes, within xs:dateTime's +-14:00).
FIXED_OFFSETS: Final[tuple[dt.timezone, ...]] = (
    dt.UTC,
    dt.timezone(dt.timedelta(hours=1)),
    dt.timezone(dt.timedelta(hours=2)),
    dt.timezone(dt.timedelta(hours=-3, minutes=-30)),
    dt.timezone(dt.timedelta(hours=5, minutes=45)),
    dt.timezone(dt.timedelta(hours=14)),
    dt.timezone(dt.timedelta(hours=-12)),
)
#: The code list of ``Notat.topic`` (``TemaKodet``) for each kind with a Notat body, as the model declares it.
KIND_TOPIC_LISTS: Final[dict[Kind, str]] = {
    Kind(kind): number for kind, number in fields.declared(Notat)["topic"].kind_lists.items()
}
#: The binding of a request's fields: their code lists, and the fields only Dialogmelding 1.1 has.
_REQUEST: Final = fields.declared(Foresporsel)
#: The reasons an avvik may give (code list 8117): 1 Feil adressat, 2 Mangelfulle opplysninger; never 9 Annet.
_AVVIK_CODES: Final = ("1", "2")

# -- bodies -----------------------------------------------------------------------------------------------------------

_BODY_DATES: Final = st.dates(dt.date(1950, 1, 1), dt.date(2100, 12, 31))
_DOC_IDS: Final = _optional(st.uuids().map(str))


@st.composite
def _foresporsel(draw: st.DrawFn, version: DialogVersion) -> Foresporsel:
    period = draw(st.sampled_from(["none", "from", "to", "both"]))
    first, second = sorted([draw(_BODY_DATES), draw(_BODY_DATES)]) if period != "none" else (None, None)
    return Foresporsel(
        type=draw(_FORESPORSEL_TYPES),
        question=draw(_optional(xml_text(max_size=60))),
        subject=draw(_optional(xml_text())) if _REQUEST["subject"].in_version(version) else None,
        purpose=draw(_optional(coded_values(_list("purpose")))),
        reason=draw(_optional(xml_text())),
        urgency=draw(_optional(coded_simple_values(_list("urgency")))),
        from_date=first if period in ("from", "both") else None,
        to_date=second if period in ("to", "both") else None,
        journal_info=tuple(draw(_JOURNAL_INFO[version])),
        coded_info=draw(_optional(_CODED_INFO)) if _REQUEST["coded_info"].in_version(version) else None,
        doc_id=draw(_DOC_IDS),
        roles=draw(_role_tuples(version)),
    )


def _list(name: str) -> str:
    """The code list the model declares for the request's field ``name``."""
    return fields.code_list(Foresporsel, name)


#: A request's type: from its declared list (9152), or from 9065, another list ``TypeForesp`` takes.
_FORESPORSEL_TYPES: Final = st.one_of(coded_values(_list("type")), coded_values("9065"))
_JOURNAL_INFO: Final[dict[DialogVersion, st.SearchStrategy[list[CV]]]] = {
    "1.0": st.lists(coded_values(_list("journal_info")), max_size=1),
    "1.1": st.lists(coded_values(_list("journal_info")), max_size=3),
}
_CODED_INFO: Final = coded_values(_list("coded_info"))


@functools.cache
def _foresporsel_bodies(version: DialogVersion) -> st.SearchStrategy[Foresporsel]:
    return _foresporsel(version)


def foresporsel_bodies(version: DialogVersion = "1.1") -> st.SearchStrategy[Foresporsel]:
    """A :class:`Foresporsel` for Dialogmelding ``version``: type (9152 or 9065), question, purpose (9068), reason,
    urgency (9067), period, journal categories (9066), document id and roles; in 1.1 also a subject, coded
    information (8324) and more than one journal category."""
    return _foresporsel_bodies(_check_version(version))


@st.composite
def _notat(
    draw: st.DrawFn,
    version: DialogVersion,
    topics: st.SearchStrategy[CV],
    quoted: st.SearchStrategy[Foresporsel | None],
) -> Notat:
    return Notat(
        topic=draw(topics),
        title=draw(_optional(xml_text())),
        text=draw(_optional(xml_text(max_size=80))),
        remark=draw(_optional(xml_text())),
        doc_id=draw(_DOC_IDS),
        date=draw(_optional(_BODY_DATES)),
        quoted=draw(quoted),
        roles=draw(_role_tuples(version)),
    )


@functools.cache
def _notat_bodies(
    version: DialogVersion, topics: st.SearchStrategy[CV], quoted: st.SearchStrategy[Foresporsel | None]
) -> st.SearchStrategy[Notat]:
    return _notat(version, topics, quoted)


def notat_bodies(
    version: DialogVersion = "1.1",
    *,
    topics: st.SearchStrategy[CV] | None = None,
    quoted: st.SearchStrategy[Foresporsel | None] | None = None,
) -> st.SearchStrategy[Notat]:
    """A :class:`Notat` for Dialogmelding ``version``: topic from ``topics`` (default code list 7321), title, text,
    remark, document id, date and roles, each sometimes absent; ``quoted`` draws the quoted request (default none)."""
    return _notat_bodies(
        _check_version(version),
        coded_values(KIND_TOPIC_LISTS[Kind.NOTAT]) if topics is None else topics,
        st.none() if quoted is None else quoted,
    )


# -- envelope ---------------------------------------------------------------------------------------------------------


@st.composite
def _gen_date(draw: st.DrawFn) -> dt.datetime:
    value = draw(_DATETIMES)
    return value if draw(st.booleans()) else value.replace(microsecond=0)


_DATETIMES: Final = st.datetimes(
    min_value=dt.datetime(1950, 1, 1),
    max_value=dt.datetime(2100, 12, 31, 23, 59, 59),
    timezones=st.sampled_from([OSLO, *FIXED_OFFSETS]),
    allow_imaginary=False,
)
_GEN_DATES: Final = _gen_date()


def gen_dates() -> st.SearchStrategy[dt.datetime]:
    """A timezone-aware GenDate in 1950-2100: Europe/Oslo time (never in the spring gap) or one
    of :data:`FIXED_OFFSETS`; sometimes with microseconds."""
    return _GEN_DATES


_MSG_IDS: Final = st.uuids().map(str)


def msg_ids() -> st.SearchStrategy[str]:
    """A MsgId: a UUID string."""
    return _MSG_IDS


@st.composite
def _conversation_ref(draw: st.DrawFn) -> ConversationRef:
    parent = draw(msg_ids())
    return ConversationRef(parent, parent if draw(st.booleans()) else draw(msg_ids()))


_CONVERSATION_REFS: Final = _conversation_ref()


def conversation_refs() -> st.SearchStrategy[ConversationRef]:
    """A :class:`ConversationRef`: the parent message and the thread (sometimes the parent itself)."""
    return _CONVERSATION_REFS


def kind_versions(kind: Kind | str) -> tuple[DialogVersion, ...]:
    """The Dialogmelding versions a message of ``kind`` exists in: DIALOG_HELSEFAGLIG only in 1.1."""
    return ("1.1",) if Kind(kind) == Kind.HELSEFAGLIG else DIALOG_VERSIONS


@functools.cache
def _bodies(kind: Kind, version: DialogVersion) -> st.SearchStrategy[Foresporsel | Notat]:
    """The body of a message of ``kind``; the avvik's text is never empty (it says what is wrong)."""
    if kind == Kind.FORESPORSEL:
        return foresporsel_bodies(version)
    if kind == Kind.SVAR:
        return notat_bodies(version, topics=coded_values(KIND_TOPIC_LISTS[kind]), quoted=foresporsel_bodies(version))
    if kind == Kind.AVVIK:
        avvik = notat_bodies(version, topics=coded_values(KIND_TOPIC_LISTS[kind], _AVVIK_CODES))
        texts = xml_text(min_size=1, max_size=60).filter(str.strip)
        return st.tuples(avvik, texts).map(
            lambda pair: pair[0] if (pair[0].text or "").strip() else dataclasses.replace(pair[0], text=pair[1])
        )
    return notat_bodies(version, topics=coded_values(KIND_TOPIC_LISTS[kind]))


@st.composite
def _message(draw: st.DrawFn, kind: Kind | None, version: DialogVersion | None) -> Message:
    chosen = kind if kind is not None else draw(st.sampled_from(_KINDS[version]))
    v = version if version is not None else draw(st.sampled_from(kind_versions(chosen)))
    replying = chosen in (Kind.SVAR, Kind.AVVIK)
    return Message(
        kind=chosen,
        version=v,
        msg_id=draw(msg_ids()),
        gen_date=draw(gen_dates()),
        sender=draw(organisations()),
        receiver=draw(organisations()),
        body=draw(_bodies(chosen, v)),
        patient=draw(patients()),
        ack=draw(st.sampled_from([None, "J"])),
        conversation=draw(conversation_refs() if replying else _optional(conversation_refs())),
    )


_KINDS: Final[dict[DialogVersion | None, list[Kind]]] = {
    None: list(Kind),
    "1.0": [kind for kind in Kind if "1.0" in kind_versions(kind)],
    "1.1": list(Kind),
}


@functools.cache
def _messages(kind: Kind | None, version: DialogVersion | None) -> st.SearchStrategy[Message]:
    return _message(kind, version)


def messages(kind: Kind | str | None = None, version: DialogVersion | None = None) -> st.SearchStrategy[Message]:
    """A :class:`Message` of ``kind`` (default any :class:`~dmtool.dialog.model.Kind`) in Dialogmelding ``version``
    (default any the kind exists in) that :func:`dmtool.build.to_xml` builds:

    * DIALOG_FORESPORSEL: a :class:`Foresporsel` body, sometimes in a thread (``ConversationRef``);
    * DIALOG_SVAR: a :class:`Notat` with a 9069 topic quoting a :class:`Foresporsel`, with a ``ConversationRef``;
    * DIALOG_AVVIK: a :class:`Notat` with 8117 topic 1 or 2 and a text, with a ``ConversationRef``;
    * DIALOG_NOTAT: a :class:`Notat` with a 7321 topic; DIALOG_HELSEFAGLIG (1.1 only): a 7322 topic; either
      sometimes in a thread.

    Raises :class:`~hypothesis.errors.InvalidArgument` for DIALOG_HELSEFAGLIG with version ``"1.0"``.
    """
    checked_kind = None if kind is None else Kind(kind)
    checked_version = None if version is None else _check_version(version)
    if checked_kind is not None and checked_version is not None and checked_version not in kind_versions(checked_kind):
        raise InvalidArgument(f"{checked_kind} does not exist in Dialogmelding {checked_version}")
    return _messages(checked_kind, checked_version)
