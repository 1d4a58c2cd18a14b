"""Whole exchanges: a message, its receipt, the reply and its receipt (:func:`threads`), and the shapes a thread
takes for following messages up (:func:`shaped_threads`)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from typing import Final, Literal

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from ... import build
from ...apprec import make as receipts
from ...apprec.model import AppRec
from ...dialog import compose
from ...dialog.model import (
    CV,
    DIALOG_VERSIONS,
    DialogVersion,
    Kind,
    Message,
)
from ...standards import deadlines
from ...standards.clock import OSLO
from .messages import messages, msg_ids
from .parties import _check_version
from .values import xml_text


@dataclasses.dataclass(frozen=True)
class Thread:
    """A whole exchange: the ``first`` message (a forespørsel, or a notat), its receipt, the ``reply`` (the svar, or
    an avvik about the notat) and its receipt. Receipts answer their message: parties swapped, OriginalMsgId right."""

    first: Message
    first_receipt: AppRec
    reply: Message
    reply_receipt: AppRec


@st.composite
def _thread(draw: st.DrawFn, version: DialogVersion | None, avvik: bool | None) -> Thread:
    chosen_version = version if version is not None else draw(st.sampled_from(DIALOG_VERSIONS))
    about_notat = draw(st.booleans()) if avvik is None else avvik
    first = dataclasses.replace(
        draw(messages(Kind.NOTAT if about_notat else Kind.FORESPORSEL, chosen_version)), conversation=None
    )
    text = draw(xml_text(min_size=1, max_size=60).filter(str.strip))
    later = first.gen_date + dt.timedelta(minutes=draw(st.integers(60, 72 * 60)))
    reply_id = draw(msg_ids())
    if about_notat:
        reply = compose.avvik(first, draw(st.sampled_from(["feil-adressat", "teknisk-feil"])), text,
                              msg_id=reply_id, gen_date=later)  # fmt: skip
    else:
        reply = compose.svar(first, text, msg_id=reply_id, gen_date=later)
    receipt_version: Literal["1.0", "1.1"] = "1.1" if chosen_version == "1.1" else "1.0"

    def receipt(message: Message) -> AppRec:
        return receipts.apprec_for(
            build.to_xml(message),
            version=receipt_version,
            gen_date=message.gen_date + dt.timedelta(minutes=draw(st.integers(1, 30))),
            apprec_id=draw(msg_ids()),
        )

    return Thread(first, receipt(first), reply, receipt(reply))


@functools.cache
def _threads(version: DialogVersion | None, avvik: bool | None) -> st.SearchStrategy[Thread]:
    return _thread(version, avvik)


def threads(version: DialogVersion | None = None, *, avvik: bool | None = None) -> st.SearchStrategy[Thread]:
    """A :class:`Thread` in Dialogmelding ``version`` (default either): forespørsel → AppRec → svar → AppRec, or with
    ``avvik`` notat → AppRec → avvik about it (feil adressat or teknisk feil) → AppRec (default either). Receipts are
    AppRec 1.1 for Dialogmelding 1.1, else 1.0."""
    return _threads(None if version is None else _check_version(version), avvik)


#: The shapes a thread takes for following messages up (:mod:`dmtool.ledger`), beside the plain exchange: a svar after
#: the reply date, a receipt that never came, a receipt that rejects (status 2) or partly rejects (3) the first
#: message, and a file delivered twice.
THREAD_SHAPES: Final = ("late-reply", "missing-receipt", "rejection", "duplicate")
#: The AppRec errors (8221) a rejection draws from: reasons a receiver has beyond the rules dmtool checks.
_REJECTION_CODES: Final = ("E20", "E21", "E35", "E40", "E54", "X99")


@dataclasses.dataclass(frozen=True)
class Delivery:
    """One message or receipt of a thread as it was delivered: ``direction`` as the party that starts the thread sees
    it (its first message and the reply's receipt ``sent``, the others ``received``); ``again`` when it is a second
    delivery of the same file."""

    item: Message | AppRec
    direction: Literal["sent", "received"]
    again: bool = False


@dataclasses.dataclass(frozen=True)
class ShapedThread:
    """A :class:`Thread` in one of :data:`THREAD_SHAPES` (``shape`` ``None``: the plain exchange): the ``deliveries``
    in the order they happened, and what a ledger of the party that started it must answer once every deadline has
    passed, as (overdue kind, MsgId): ``("late-reply", forespørsel)``, ``("missing-receipt", first message)``,
    ``("rejection", first message)``; none for a plain thread or a duplicate."""

    shape: str | None
    deliveries: tuple[Delivery, ...]
    expected: frozenset[tuple[str, str]]


@st.composite
def _shaped_thread(
    draw: st.DrawFn, shape: str | None, version: DialogVersion | None, avvik: bool | None
) -> ShapedThread:
    base = draw(threads(version, avvik=False if shape == "late-reply" else avvik))
    first_receipt: AppRec | None = base.first_receipt
    reply: Message | None = base.reply
    reply_receipt: AppRec | None = base.reply_receipt
    expected: set[tuple[str, str]] = set()
    if shape == "late-reply":
        due = deadlines.reply_deadline(base.first)
        late = dt.datetime.combine(due + dt.timedelta(days=draw(st.integers(1, 20))), dt.time(10), OSLO)
        reply = dataclasses.replace(base.reply, gen_date=late)
        reply_receipt = dataclasses.replace(
            base.reply_receipt, gen_date=late + dt.timedelta(minutes=draw(st.integers(1, 30))), original_date=late
        )
        expected.add(("late-reply", base.first.msg_id))
    elif shape == "missing-receipt":
        first_receipt = None
        expected.add(("missing-receipt", base.first.msg_id))
    elif shape == "rejection":
        status = draw(st.sampled_from(["2", "3"]))
        reason = draw(xml_text(min_size=1, max_size=40).filter(str.strip))
        error = dataclasses.replace(CV.of("8221", draw(st.sampled_from(_REJECTION_CODES))), original_text=reason)
        first_receipt = dataclasses.replace(base.first_receipt, status=status, errors=(error,))
        if status == "2":  # not taken in: no reply comes
            reply = reply_receipt = None
        expected.add(("rejection", base.first.msg_id))
    steps: list[tuple[Message | AppRec | None, Literal["sent", "received"]]] = [
        (base.first, "sent"), (first_receipt, "received"), (reply, "received"), (reply_receipt, "sent")
    ]  # fmt: skip
    deliveries = [Delivery(item, direction) for item, direction in steps if item is not None]
    if shape == "duplicate":
        again = draw(st.sampled_from(deliveries))
        deliveries.insert(draw(st.integers(deliveries.index(again) + 1, len(deliveries))),
                          dataclasses.replace(again, again=True))  # fmt: skip
    return ShapedThread(shape, tuple(deliveries), frozenset(expected))


@functools.cache
def _shaped_threads(
    shape: str | None, version: DialogVersion | None, avvik: bool | None
) -> st.SearchStrategy[ShapedThread]:
    return _shaped_thread(shape, version, avvik)


def shaped_threads(
    shape: str | None = None, version: DialogVersion | None = None, *, avvik: bool | None = None
) -> st.SearchStrategy[ShapedThread]:
    """A :class:`ShapedThread`: a thread of :func:`threads` (``version``, ``avvik``) in ``shape``, one of
    :data:`THREAD_SHAPES` (default ``None``, the plain exchange):

    * ``late-reply``: a forespørsel whose svar is dated 1 to 20 days after its reply date (national profile), its
      receipt after it;
    * ``missing-receipt``: the first message's receipt is never delivered;
    * ``rejection``: the first message's receipt has status 2 (and then no reply follows) or 3, with an 8221 error;
    * ``duplicate``: one file of the thread is delivered a second time, later.

    Raises :class:`~hypothesis.errors.InvalidArgument` for another shape, and for ``late-reply`` with ``avvik``
    (only a forespørsel has a reply date).
    """
    if shape is not None and shape not in THREAD_SHAPES:
        raise InvalidArgument(f"shape must be one of {', '.join(THREAD_SHAPES)} or None; got {shape!r}")
    if shape == "late-reply" and avvik:
        raise InvalidArgument("a late reply is a svar to a forespørsel: late-reply cannot be an avvik thread")
    return _shaped_threads(shape, None if version is None else _check_version(version), avvik)
