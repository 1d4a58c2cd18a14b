"""The receipt for a received message: :func:`apprec_for`, shaped like python-hl7's ``create_ack``.

The parties are swapped, ``OriginalMsgId`` names the original (MsgId, type, GenDate), the receipt gets a new Id and
GenDate, and its status comes from the validation report (code list 8258):

* ``1`` OK when no error was found (warnings do not count);
* ``3`` OK, feil i delmelding when the only errors are ``NO-ATTACHMENTS``: the text is delivered and the attachments
  are not ("Informasjon sendt i vedlegg vil ikke nå mottakeren"), so part of the message is refused;
* ``2`` Avvist for any other error, with one ``Error`` per failed rule, coded from 8221 by the rule table.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Final, Literal, NamedTuple, cast

from .. import rules
from ..dialog import compose, writer
from ..dialog.model import CV, Foresporsel, Message, Organisation
from ..errors import BuildError, NoReceipt
from ..report import Issue, Report, Version
from ..rules import families
from ..rules.facts import Facts, Level, ident_of, original_of
from ..standards import clock, codelists, versions
from ..standards.profiles import Settings
from ..validation import examine, examine_each
from ..xml import tree
from ..xml.loader import LoadError, load_each
from ..xml.source import Source, read_source
from ..xml.tree import first
from .check import APPREC, consistency, original_from_source
from .model import APPREC_VERSIONS, DEFAULT_VERSION, AppRec, AppRecVersion, Party, Unit
from .reader import parse_apprec

STATUS_OK, STATUS_REJECTED, STATUS_PARTLY = "1", "2", "3"
#: Rules whose breach refuses only part of a message: the receipt says 3 (OK, feil i delmelding) when they are the
#: only errors.
PARTIAL_RULES: Final = frozenset({"NO-ATTACHMENTS"})
_ERROR_LIST: Final = "8221"
_OT_LIMIT: Final = 500
_PERSON: Final = tree.named("GivenName", "MiddleName", "FamilyName", "Ident")


def party_from_chain(facts: Facts, role: str) -> Party | None:
    """The AppRec party of MsgHead ``Sender`` or ``Receiver``: the outermost organisation as ``Inst``, the inner
    levels as ``Dept``, a named professional as ``HCPerson``; ``None`` when the message has no organisation there."""
    chain = facts.organisation_chain(role)
    if not chain:
        return None

    def unit(level: Level) -> Unit:
        name = tree.text(first(level.parts, "OrganisationName"))
        her = level.ident("HER")
        if her:
            return Unit(name, her, "HER")
        number = level.ident("ENH") or None
        return Unit(name, number, None if number is None else "ENH")

    persons = []
    for level in chain:
        professional = first(level.parts, "HealthcareProfessional")
        if professional is not None:
            person = tree.index(professional, _PERSON)
            names = (tree.text(first(person, local)) for local in ("GivenName", "MiddleName", "FamilyName"))
            full = " ".join(part.strip() for part in names if part and part.strip()) or None
            ids = [(code, number) for code in ("HER", "HPR") if (number := ident_of(person.get("Ident", ()), code))]
            persons.append(Unit(full, ids[0][1] if ids else None, ids[0][0] if ids else None))
    top = unit(chain[0])
    return Party(top.name, top.id, top.id_type, tuple(unit(level) for level in chain[1:]), tuple(persons))


def party_from_organisation(organisation: Organisation) -> Party:
    """The AppRec party of a ``sender`` or ``receiver`` of the model, as :func:`party_from_chain` reads it from the
    written message: the outermost organisation as ``Inst``, the inner levels as ``Dept``, each level's named
    professional as ``HCPerson``."""

    def first_of(idents: list[tuple[str | None, str]], wanted: str) -> str | None:
        """The first identifier of type ``wanted``, as the message lists them (Id and TypeId stripped)."""
        return next((number.strip() for number, code in idents if number is not None and code.strip() == wanted), None)

    def unit(level: Organisation) -> Unit:
        idents = [(level.her_id, "HER"), (level.org_number, "ENH"), *((ident.id, ident.type) for ident in level.ids)]
        her = first_of(idents, "HER")
        if her:
            return Unit(level.name, her, "HER")
        number = first_of(idents, "ENH") or None
        return Unit(level.name, number, None if number is None else "ENH")

    persons = []
    for level in organisation.chain:
        person = level.professional
        if person is not None:
            names = (person.given_name, person.middle_name, person.family_name)
            full = " ".join(part.strip() for part in names if part and part.strip()) or None
            idents = [(person.her_id, "HER"), (person.hpr, "HPR"), *((ident.id, ident.type) for ident in person.ids)]
            ids = [(code, number) for code in ("HER", "HPR") if (number := first_of(idents, code))]
            persons.append(Unit(full, ids[0][1] if ids else None, ids[0][0] if ids else None))
    top, *inner = organisation.chain
    first = unit(top)
    return Party(first.name, first.id, first.id_type, tuple(unit(level) for level in inner), tuple(persons))


class _Answered(NamedTuple):
    """What a receipt takes from the message it answers (beside its report)."""

    kind: str
    no_receipt: str | None
    sender: Party | None
    receiver: Party | None
    gen_date: dt.datetime | None

    @classmethod
    def read(cls, facts: Facts) -> _Answered:
        """From the message as read (the rules' view of it)."""
        sender, receiver = party_from_chain(facts, "Sender"), party_from_chain(facts, "Receiver")
        return cls(facts.kind, facts.no_receipt, sender, receiver, facts.gen_date)

    @classmethod
    def of(cls, message: Message, settings: Settings | None) -> _Answered:
        """From the model: nothing is written or read again."""
        coded = message.body.type if isinstance(message.body, Foresporsel) else message.body.topic
        number = None if coded.system is None else codelists.list_number(coded.system.strip())
        body_code = None if number is None else (number, coded.code.strip())
        profile = (settings or Settings()).profile.name
        why = families.no_receipt(message.kind.strip(), body_code, (message.ack or "").strip(), profile)
        sender, receiver = party_from_organisation(message.sender), party_from_organisation(message.receiver)
        return cls(message.kind, why, sender, receiver, message.gen_date)


def status_for(report: Report) -> tuple[str, tuple[CV, ...]]:
    """The status (8258) and ``Error`` values a receipt gives for ``report``: see the module text."""
    failed: dict[str, Issue] = {}
    for issue in report.errors:
        failed.setdefault(issue.rule, issue)
    if not failed:
        return STATUS_OK, ()
    errors = tuple(_error(issue) for issue in failed.values())
    return (STATUS_PARTLY if set(failed) <= PARTIAL_RULES else STATUS_REJECTED), errors


def _error(issue: Issue) -> CV:
    rule = rules.BY_ID.get(issue.rule)
    code = (rule.apprec_code if rule is not None else None) or "X99"
    listed = codelists.get(_ERROR_LIST)
    text = f"{issue.rule}: {issue.message}"
    if len(text) > _OT_LIMIT:
        text = text[: _OT_LIMIT - 1] + "…"
    return CV(code, listed.oid, listed.codes.get(code), text)


def apprec_for(
    source: Message | Source,
    report: Report | None = None,
    version: AppRecVersion = DEFAULT_VERSION,
    *,
    sender: Party | None = None,
    receiver: Party | None = None,
    gen_date: dt.datetime | None = None,
    apprec_id: str | None = None,
    settings: Settings | None = None,
) -> AppRec:
    """The receipt for the received message ``source``: its source as it arrived (a path, bytes or binary file), or a
    parsed :class:`~dmtool.dialog.model.Message`.

    The receipt's parties, the original's type, GenDate and whether it takes a receipt come from the ``Message``
    itself; when no ``report`` is given it is written once (``to_xml(message, strict=False)``) to be validated, and
    checked as the model holds it: what the model leaves out (attachments, a signature, unknown elements) is not
    seen, so the receipt can say 1 where the bytes would get 3 or 2. Give the bytes for the full check.

    ``report`` is the message's validation report, and is used as it is: nothing is validated again. When it is not
    given, the message is validated here under ``settings`` (default: national), reading it once for the report and
    the receipt. The receipt's sender is the
    message's receiver and its receiver the message's sender; ``sender``/``receiver`` supply them when the message
    cannot be read far enough to find them (an integration engine knows them from transport). Raises
    :class:`ValueError` for a ``version`` other than 1.0 and 1.1, for an AppRec or a MsgHead whose type says it is one
    (no receipt is sent for a receipt), when a party is unknown, or for a file holding several messages (a vendor's
    export: :func:`apprec_for_each` makes a receipt for each), :class:`~dmtool.errors.NoReceipt` (a ``ValueError``)
    for a message that takes no receipt (a synchronous query of Helsenorge's patient dialog, or ``Ack`` N outside the
    dialog guidelines), and :class:`~dmtool.errors.BuildError` (a ``ValueError``) for a ``Message`` that cannot be
    written.
    """
    _check_version(version)
    if isinstance(source, Message):
        if report is None:
            ((report, _),) = examine_each(_message_bytes(source), settings=settings)
        answered = _Answered.of(source, settings)
        return _receipt(report, answered, version, sender, receiver, gen_date, apprec_id)
    data = read_source(source)[0]
    if report is None:
        found = [(checked, _read(facts)) for checked, facts in examine_each(data, settings=settings)]
    else:
        found = [(report, _read(facts)) for facts in _facts(data, settings)]
    if len(found) > 1:
        raise ValueError(
            f"the input holds {len(found)} messages, and apprec_for answers one: apprec_for_each (on the command line "
            "dmtool apprec) makes a receipt for each"
        )
    return _receipt(*found[0], version, sender, receiver, gen_date, apprec_id)


def apprec_for_each(
    source: Source,
    version: AppRecVersion = DEFAULT_VERSION,
    *,
    sender: Party | None = None,
    receiver: Party | None = None,
    gen_date: dt.datetime | None = None,
    settings: Settings | None = None,
) -> list[AppRec | ValueError]:
    """The receipt for every message in ``source`` (a path, bytes or a binary file), in the order of the file: for
    each, its :class:`~dmtool.apprec.AppRec`, or the :class:`ValueError` :func:`apprec_for` would raise for it alone
    (an AppRec among them, parties that cannot be read). One entry per report of :func:`dmtool.validate_each` on the
    same source, each message validated under ``settings``; each receipt gets an Id of its own. The other arguments
    are :func:`apprec_for`'s; only a ``version`` other than 1.0 and 1.1 raises (:class:`ValueError`), and
    :class:`OSError` when a path cannot be read.
    """
    _check_version(version)
    results: list[AppRec | ValueError] = []
    for report, facts in examine_each(read_source(source)[0], settings=settings):
        try:
            results.append(_receipt(report, _read(facts), version, sender, receiver, gen_date, None))
        except ValueError as error:
            results.append(error)
    return results


def _check_version(version: str) -> None:
    if version not in APPREC_VERSIONS:
        raise ValueError(f"the AppRec version must be {' or '.join(APPREC_VERSIONS)}; got {version!r}")


def _read(facts: Facts | None) -> _Answered | None:
    return None if facts is None else _Answered.read(facts)


def _receipt(
    report: Report,
    answered: _Answered | None,
    version: AppRecVersion,
    sender: Party | None,
    receiver: Party | None,
    gen_date: dt.datetime | None,
    apprec_id: str | None,
) -> AppRec:
    """The receipt for the one message ``report`` and ``answered`` are about (``answered`` is ``None`` when the
    message could not be read): see :func:`apprec_for`."""
    if report.kind == "apprec":
        raise ValueError("the message is an AppRec: no receipt is sent for a receipt")
    # the message's type as the receipt will carry it (a parser strips the V it reads)
    kind = ((answered.kind if answered is not None else "") or report.msg_type or "").strip()
    if kind == "APPREC":  # a receipt in the wrong envelope: answering it could start a loop of receipts
        raise ValueError("the message says it is an AppRec (MsgInfo/Type APPREC): no receipt is sent for a receipt")
    why = None if answered is None else answered.no_receipt
    if why is not None:
        raise NoReceipt(f"no receipt is sent: {why}")
    own = answered.receiver if answered is not None else None
    theirs = answered.sender if answered is not None else None
    chosen_sender, chosen_receiver = sender or own, receiver or theirs
    if chosen_sender is None or chosen_receiver is None:
        missing = "receiver" if chosen_sender is None else "sender"
        unread = report.errors[0] if answered is None and report.errors else None  # why there is no message to read
        why = "" if unread is None else f" ({unread.rule}: {unread.message})"
        raise ValueError(
            f"the message's {missing} cannot be read{why}; give the parties "
            "(sender=, receiver=; on the command line --sender-her and --receiver-her)"
        )
    if version == "1.1":
        chosen_sender = dataclasses.replace(chosen_sender, role=chosen_sender.role or "PRIM")
        chosen_receiver = dataclasses.replace(chosen_receiver, role=chosen_receiver.role or "AVS")
    status, errors = status_for(report)
    issued = gen_date or clock.now()
    return AppRec(
        version=version,
        id=apprec_id or compose.new_msg_id(),
        gen_date=issued,
        sender=chosen_sender,
        receiver=chosen_receiver,
        status=status,
        errors=errors,
        original_type=kind or "UKJENT",
        original_id=report.msg_id or "",
        original_date=(answered.gen_date if answered is not None else None) or issued,  # unread: the receipt's own time
    )


def _message_bytes(message: Message) -> bytes:
    """``message`` written as it is (``strict=False``: a message that breaks a rule still gets its receipt); a
    :class:`~dmtool.errors.BuildError` with the same ``field`` that says so when it cannot be written."""
    try:
        return writer.to_xml(message)
    except BuildError as error:
        refused = BuildError(
            None,
            f"the message cannot be written to make its receipt: {error}; give the message as it arrived "
            "(bytes, a path or a binary file)",
        )
        refused.field = error.field
        raise refused from None


def _facts(data: bytes, settings: Settings | None) -> list[Facts | None]:
    """The facts of every message in ``data``, as :func:`~dmtool.validation.examine_each` finds them."""
    try:
        found = load_each(data)
    except LoadError:
        return [None]
    return [Facts(loaded.element, settings) if loaded.kind == "msghead" else None for loaded in found]


def party_by_her(her_id: str, name: str | None = None) -> Party:
    """A party known only by its HER-id (and perhaps its name), as transport knows it."""
    return Party(name, her_id, "HER")


Outcome = Literal["delivered", "rejected", "partly", "unknown"]
_OUTCOMES: Final[dict[str, Outcome]] = {"1": "delivered", "2": "rejected", "3": "partly"}


@dataclass(frozen=True)
class ApprecCheck:
    """The verdict on a receipt: the ``report`` (``APPREC-CONSISTENT`` issues), the ``outcome`` for the sender of the
    original (``delivered``, ``rejected``, ``partly``; ``unknown`` when the status is not from 8258) and the
    ``reasons`` the receipt gives (its errors as text)."""

    report: Report
    outcome: Outcome
    reasons: tuple[str, ...]

    @property
    def consistent(self) -> bool:
        """True when the receipt has no error."""
        return self.report.valid

    def to_dict(self) -> dict[str, object]:
        """The JSON shape: the report's keys plus ``consistent``, ``outcome`` and ``reasons``."""
        return {**self.report.to_dict(), "consistent": self.consistent, "outcome": self.outcome,
                "reasons": list(self.reasons)}  # fmt: skip


def check_apprec(
    apprec: AppRec | Source,
    original: Message | Source | None = None,
    *,
    path: str | None = None,
    settings: Settings | None = None,
) -> ApprecCheck:
    """The verdict on a receipt: an :class:`~dmtool.apprec.AppRec`, or its source (a path, bytes or binary file),
    checked against ``original`` (a parsed :class:`~dmtool.dialog.model.Message` or its source) when given, under the
    profile of ``settings`` (default national; ``nav`` takes NAV's error list 8124).

    A source is validated as :func:`dmtool.validate` validates it (the schema, ``APPREC-CONSISTENT``, a wrapper), so
    the report is the one ``validate`` gives with the same original; a parsed ``AppRec`` is checked against
    ``APPREC-CONSISTENT`` alone. Raises :class:`~dmtool.errors.ParseError` when the receipt or the original cannot be
    read at all.
    """
    if original is None:
        against = None
    elif isinstance(original, Message):
        against = original_of(original)
    else:
        against = original_from_source(original)
    if isinstance(apprec, AppRec):
        receipt = apprec
        profile = (settings or Settings()).profile.name
        layers = families.added_layers(APPREC, profile)
        issues = tuple(finding.issue(receipt) for finding in consistency(receipt, against, layers))
        report = Report(
            path=path,
            kind="apprec",
            version=cast("Version", versions.label("apprec", receipt.version)),
            msg_type="APPREC",
            msg_id=receipt.id,
            issues=issues,
            profile=profile,
        )
    else:
        data, source_path = read_source(apprec)
        receipt = parse_apprec(data)
        report = examine(data, path if path is not None else source_path, settings, against)[0]
    reasons = tuple(error.original_text or error.display or error.code for error in receipt.errors)
    return ApprecCheck(report, _OUTCOMES.get(receipt.status, "unknown"), reasons)
