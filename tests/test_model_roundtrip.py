"""Properties of the model API over generated messages (:mod:`dmtool.testing.strategies`), every kind in both versions.

* ``to_xml(m)`` is valid against the *reference* XSDs (MsgHead 1.2 with Dialogmelding 1.0 and 1.1, as the
  conformance test compiles them), not only against dmtool's own schemas (without ``../shared``: against dmtool's
  own, and the one test that is about the reference XSDs is skipped);
* ``parse(to_xml(m)) == m`` and ``to_xml`` is deterministic, also through a parse;
* a message without 1.1-only fields builds in both versions, and one with them is refused in 1.0 naming the field;
* the constructors of :mod:`dmtool.dialog.compose` give messages that build, with the right thread, parties and quote;
* :class:`~dmtool.errors.BuildError` names the field at fault.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import pickle
import subprocess
import sys
from typing import Any

import pytest
import xsdgen
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from paths import EXAMPLES, needs_reference

from dmtool.build import to_xml
from dmtool.dialog import compose
from dmtool.dialog.model import (
    CV,
    ConversationRef,
    DialogVersion,
    Foresporsel,
    Kind,
    Message,
    Notat,
    Organisation,
    Patient,
    Role,
)
from dmtool.errors import BuildError
from dmtool.standards import namespaces as ns
from dmtool.testing import strategies as dms

KIND_VERSIONS = [(kind, version) for kind in Kind for version in dms.kind_versions(kind)]
KIND_VERSION_IDS = [f"{kind.value}-{version}" for kind, version in KIND_VERSIONS]
BOTH_VERSIONS = [kind for kind in Kind if len(dms.kind_versions(kind)) == 2]
NS = {"mh": ns.MSGHEAD}
DIALOG_NS = {"1.0": ns.DIALOG_10, "1.1": ns.DIALOG_11}


def parse(data: bytes) -> Message:
    from dmtool.dialog.reader import parse as read

    return read(data)


def assert_reference_valid(data: bytes) -> None:
    """The reference XSDs (dmtool's own without ``../shared``: :func:`xsdgen.written_schema`) accept ``data``."""
    ok, log = xsdgen.validate(xsdgen.written_schema("msghead"), data)
    assert ok, f"the reference XSDs reject what to_xml wrote:\n{log}\n{data.decode()}"


def differences(a: object, b: object, path: str = "message") -> list[str]:
    """Where two model values differ, field by field (``unmodelled`` and other non-compared fields skipped)."""
    if dataclasses.is_dataclass(a) and not isinstance(a, type) and type(a) is type(b):
        found: list[str] = []
        for field in dataclasses.fields(a):
            if field.compare:
                found += differences(getattr(a, field.name), getattr(b, field.name), f"{path}.{field.name}")
        return found
    if isinstance(a, tuple) and isinstance(b, tuple) and len(a) == len(b):
        return [d for i, (x, y) in enumerate(zip(a, b, strict=True)) for d in differences(x, y, f"{path}[{i}]")]
    return [] if a == b else [f"{path}: {a!r} != {b!r}"]


def assert_same(expected: Message, actual: Message) -> None:
    diff = differences(expected, actual)
    assert not diff, "\n".join(diff)
    assert expected == actual


def only_in_11(message: Message) -> list[str]:
    """The fields of ``message`` Dialogmelding 1.0 cannot carry, in the order the writer meets them."""
    found = ["version"] if message.kind == Kind.HELSEFAGLIG else []

    def roles(roles: tuple[Role, ...], where: str) -> None:
        found.extend(f"{where}.roles[{i}]" for i, r in enumerate(roles) if r.professional is None and r.person is None)

    def foresporsel(body: Foresporsel, where: str) -> None:
        if body.subject is not None:
            found.append(f"{where}.subject")
        if len(body.journal_info) > 1:
            found.append(f"{where}.journal_info")
        if body.coded_info is not None:
            found.append(f"{where}.coded_info")
        roles(body.roles, where)

    if isinstance(message.body, Foresporsel):
        foresporsel(message.body, "body")
    else:
        if message.body.quoted is not None:
            foresporsel(message.body.quoted, "body.quoted")
        roles(message.body.roles, "body")
    return found


def her_chain(root: etree._Element, party: str) -> list[list[str]]:
    """The HER-ids of each organisation level of ``Sender`` or ``Receiver``, outermost first."""
    chain = []
    level = root.find(f"mh:MsgInfo/mh:{party}/mh:Organisation", NS)
    while level is not None:
        chain.append(level.xpath("mh:Ident[mh:TypeId/@V='HER']/mh:Id/text()", namespaces=NS))
        level = level.find("mh:Organisation", NS)
    return chain


# ----------------------------------------------------------------------------------------------------------------------
# The strategies are honest


def _fnr_valid(number: str) -> bool:
    digits = [int(c) for c in number]
    w1 = (3, 7, 6, 1, 8, 9, 4, 5, 2, 1)
    w2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2, 1)
    return sum(w * d for w, d in zip(w1, digits[:10], strict=True)) % 11 == 0 and (
        sum(w * d for w, d in zip(w2, digits, strict=True)) % 11 == 0
    )


@settings(max_examples=200)
@given(dms.fodselsnummer(), dms.d_nummer(), dms.organisation_numbers(), dms.her_ids())
def test_identifiers_are_well_formed(fnr: str, dnr: str, org_number: str, her_id: str) -> None:
    from dmtool.standards.ids import person_id_type

    assert len(fnr) == 11 and fnr.isdigit() and _fnr_valid(fnr) and person_id_type(fnr) == "FNR", fnr
    assert int(fnr[:2]) <= 31 and int(fnr[2:4]) <= 12
    assert len(dnr) == 11 and dnr.isdigit() and _fnr_valid(dnr) and person_id_type(dnr) == "DNR", dnr
    assert 41 <= int(dnr[:2]) <= 71
    assert len(org_number) == 9 and org_number[0] in "89"
    assert sum(w * int(d) for w, d in zip((3, 2, 7, 6, 5, 4, 3, 2, 1), org_number, strict=True)) % 11 == 0
    assert 6 <= len(her_id) <= 8 and her_id.isdigit()


def test_messages_refuses_helsefaglig_in_10() -> None:
    from hypothesis.errors import InvalidArgument

    with pytest.raises(InvalidArgument):
        dms.messages(Kind.HELSEFAGLIG, "1.0")
    with pytest.raises(InvalidArgument):
        dms.messages(Kind.NOTAT, "2.0")  # type: ignore[arg-type]


def test_check_digit_helpers_on_known_numbers() -> None:
    # numbers from the reference examples and our fixtures
    assert dms.fnr_check_digits("131169002") == "16"  # 13116900216
    assert dms.fnr_check_digits("150765005") == "65"  # 15076500565
    assert dms.fnr_check_digits("140375491") == "00"  # 14037549100: 11 gives 0
    assert dms.organisation_number_check_digit("97474457") == "0"  # 974744570
    # the second check digit would be 10 (remainder 1): no fødselsnummer starts with these nine digits
    assert dms.fnr_check_digits("010190007") is None
    assert dms.organisation_number_check_digit("97474404") is None


@settings(max_examples=60)
@given(dms.messages())
def test_messages_keep_to_the_field_rules(message: Message) -> None:
    for org in (*message.sender.chain, *message.receiver.chain):
        assert org.her_id is not None
        assert not {i.type for i in org.ids} & {"HER", "ENH"}
        if org.professional is not None:
            p = org.professional
            assert p.hpr or p.her_id or p.ids
            assert not {i.type for i in p.ids} & {"HPR", "HER"}
    assert message.gen_date.utcoffset() is not None
    assert message.patient is not None and message.patient.id_type in ("FNR", "DNR")
    if message.version == "1.0":
        assert only_in_11(message) == []


# ----------------------------------------------------------------------------------------------------------------------
# to_xml: valid against the reference schemas, deterministic; parse inverts it


@needs_reference
@pytest.mark.parametrize(("kind", "version"), KIND_VERSIONS, ids=KIND_VERSION_IDS)
def test_to_xml_is_valid_against_the_reference_xsds(kind: Kind, version: DialogVersion) -> None:
    @settings(max_examples=15)
    @given(dms.messages(kind, version))
    def check(message: Message) -> None:
        data = to_xml(message)
        assert_reference_valid(data)
        root = etree.fromstring(data)
        assert root.findall("mh:MsgInfo/mh:Type", NS)[0].get("V") == kind.value
        (body,) = root.findall("mh:Document/mh:RefDoc/mh:Content", NS)[0]
        assert etree.QName(body).namespace == DIALOG_NS[version]

    check()


@pytest.mark.parametrize(("kind", "version"), KIND_VERSIONS, ids=KIND_VERSION_IDS)
def test_parse_inverts_to_xml(kind: Kind, version: DialogVersion) -> None:
    @settings(max_examples=15)
    @given(dms.messages(kind, version))
    def check(message: Message) -> None:
        data = to_xml(message)
        back = parse(data)
        assert_same(message, back)
        assert back.unmodelled == (), back.unmodelled

    check()


@settings(max_examples=40)
@given(dms.messages())
def test_to_xml_is_deterministic(message: Message) -> None:
    data = to_xml(message)
    assert to_xml(message) == data
    assert to_xml(dataclasses.replace(message)) == data
    assert to_xml(message, message.version) == data


@settings(max_examples=40)
@given(dms.messages())
def test_to_xml_of_the_parsed_message_gives_the_same_bytes(message: Message) -> None:
    data = to_xml(message)
    assert to_xml(parse(data)) == data


FJORDBY = Organisation("Fjordby sykehus HF", her_id="8000001", unit=Organisation("Lungesykdommer", her_id="8000002"))
ASEN = Organisation("Åsen legekontor", her_id="8000200")
KARI = Patient("Nordmann", "Kari", "14037549100", "FNR")


@pytest.mark.parametrize("fold", [0, 1])
def test_gen_date_in_the_repeated_autumn_hour_round_trips(fold: int) -> None:
    """02:30 on 27 October 2024 happened twice in Oslo (+02:00, then +01:00), and ``dmtool.standards.clock.now()`` gives
    such a time one hour a year: the parsed message must still equal the original. Python never finds a time whose
    offset depends on ``fold`` equal to a time with another tzinfo, so the model holds GenDate with a fixed offset."""
    when = dt.datetime(2024, 10, 27, 2, 30, tzinfo=dms.OSLO, fold=fold)
    message = compose.notat(sender=FJORDBY, receiver=ASEN, patient=KARI, text="Notat", gen_date=when, msg_id="m-1")
    back = parse(to_xml(message))
    assert back.gen_date.utcoffset() == when.utcoffset()
    assert back.gen_date.timestamp() == when.timestamp()
    assert_same(message, back)


# ----------------------------------------------------------------------------------------------------------------------
# Versions


@pytest.mark.parametrize("kind", BOTH_VERSIONS, ids=[k.value for k in BOTH_VERSIONS])
def test_a_10_message_builds_in_11_too(kind: Kind) -> None:
    @settings(max_examples=10)
    @given(dms.messages(kind, "1.0"))
    def check(message: Message) -> None:
        as_11 = dataclasses.replace(message, version="1.1")
        data = to_xml(message, "1.1")
        assert data == to_xml(as_11)
        assert_reference_valid(data)
        (body,) = etree.fromstring(data).findall("mh:Document/mh:RefDoc/mh:Content", NS)[0]
        assert etree.QName(body).namespace == ns.DIALOG_11
        assert_same(as_11, parse(data))

    check()


@pytest.mark.parametrize("kind", BOTH_VERSIONS, ids=[k.value for k in BOTH_VERSIONS])
def test_a_11_message_builds_in_10_exactly_when_it_has_no_11_only_field(kind: Kind) -> None:
    @settings(max_examples=15)
    @given(dms.messages(kind, "1.1"))
    def check(message: Message) -> None:
        extra = only_in_11(message)
        if extra:
            with pytest.raises(BuildError) as caught:
                to_xml(message, "1.0")
            assert caught.value.field == extra[0]
        else:
            data = to_xml(message, "1.0")
            assert_reference_valid(data)
            assert data == to_xml(dataclasses.replace(message, version="1.0"))

    check()


# ----------------------------------------------------------------------------------------------------------------------
# The constructors of dmtool.dialog.compose


AVVIK_CODES = {"feil-adressat": "1", "teknisk-feil": "2"}


@st.composite
def threads(draw: st.DrawFn) -> tuple[Message, ConversationRef | None]:
    """A forespørsel built by compose.foresporsel over generated parties, sometimes put in an existing thread."""
    version: DialogVersion = draw(st.sampled_from(["1.0", "1.1"]))
    urgency = draw(st.none() | st.sampled_from(["1", "2", "3", "9"]))
    message = compose.foresporsel(
        sender=draw(dms.organisations()),
        receiver=draw(dms.organisations()),
        patient=draw(dms.patients(typed=None)),
        text=draw(dms.xml_text()),
        type=draw(st.sampled_from(["1", "4", "6", "7", "8", "99"])),
        subject=draw(st.none() | dms.xml_text()) if version == "1.1" else None,
        urgency=urgency,
        roles=tuple(draw(st.lists(dms.roles(version), max_size=2))),
        dialog_version=version,
        msg_id=draw(dms.msg_ids()),
        gen_date=draw(dms.gen_dates()),
    )
    thread = draw(st.none() | dms.conversation_refs())
    return (message if thread is None else dataclasses.replace(message, conversation=thread)), thread


def assert_reply(reply: Message, to: Message, thread: str) -> None:
    assert reply.conversation == ConversationRef(parent=to.msg_id, conversation=thread)
    assert reply.sender == to.receiver and reply.receiver == to.sender
    assert reply.patient == to.patient
    assert reply.version == to.version
    assert reply.msg_id not in (to.msg_id, thread)
    data = to_xml(reply)
    assert_reference_valid(data)
    root, original = etree.fromstring(data), etree.fromstring(to_xml(to))
    assert root.findtext("mh:MsgInfo/mh:ConversationRef/mh:RefToParent", namespaces=NS) == to.msg_id
    assert root.findtext("mh:MsgInfo/mh:ConversationRef/mh:RefToConversation", namespaces=NS) == thread
    assert her_chain(root, "Sender") == her_chain(original, "Receiver")
    assert her_chain(root, "Receiver") == her_chain(original, "Sender")


@settings(max_examples=30)
@given(
    threads(),
    dms.xml_text(),
    st.sampled_from(sorted(AVVIK_CODES)),
    dms.xml_text(min_size=1).filter(str.strip),
    st.booleans(),
)
def test_compose_foresporsel_svar_and_avvik(
    started: tuple[Message, ConversationRef | None], answer: str, reason: Any, problem: str, about_svar: bool
) -> None:
    foresporsel, thread = started
    assert foresporsel.kind == Kind.FORESPORSEL and isinstance(foresporsel.body, Foresporsel)
    assert foresporsel.patient is not None and foresporsel.patient.id is not None
    assert foresporsel.patient.id_type == ("DNR" if foresporsel.patient.id[0] in "4567" else "FNR")
    assert foresporsel.body.type.system == "2.16.578.1.12.4.1.1.9152"
    assert_reference_valid(to_xml(foresporsel))
    thread_id = foresporsel.msg_id if thread is None else thread.conversation

    svar = compose.svar(foresporsel, answer)
    assert svar.kind == Kind.SVAR and isinstance(svar.body, Notat)
    assert svar.body.quoted == foresporsel.body
    assert svar.body.topic == CV("5", "2.16.578.1.12.4.1.1.9069", "Svar på forespørsel")
    assert svar.body.text == answer
    assert_reply(svar, foresporsel, thread_id)
    sporsmal = etree.fromstring(to_xml(svar)).xpath("//*[local-name()='Notat']/*[local-name()='Foresporsel']")
    assert len(sporsmal) == 1

    about = svar if about_svar else foresporsel
    avvik = compose.avvik(about, reason, problem)
    assert avvik.kind == Kind.AVVIK and isinstance(avvik.body, Notat)
    assert avvik.body.topic.code == AVVIK_CODES[reason]
    assert avvik.body.topic.system == "2.16.578.1.12.4.1.1.8117"
    assert avvik.body.text == problem
    assert_reply(avvik, about, thread_id)


@settings(max_examples=20)
@given(
    dms.organisations(),
    dms.organisations(),
    dms.patients(typed=None),
    dms.xml_text(),
    st.sampled_from(["1.0", "1.1"]),
    st.sampled_from(["1", "2", "3", "4", "5", "6", "9"]),
    st.sampled_from(["6", "7", "8", "9"]),
    st.none() | dms.conversation_refs(),
)
def test_compose_notat_and_helsefaglig(
    sender: Organisation,
    receiver: Organisation,
    patient: Any,
    text: str,
    version: DialogVersion,
    notat_topic: str,
    helsefaglig_topic: str,
    thread: ConversationRef | None,
) -> None:
    notat = compose.notat(
        sender=sender, receiver=receiver, patient=patient, text=text, topic=notat_topic, dialog_version=version
    )
    assert (notat.kind, notat.version) == (Kind.NOTAT, version)
    assert isinstance(notat.body, Notat) and notat.body.topic == CV.of("7321", notat_topic) and notat.body.text == text
    assert_reference_valid(to_xml(notat))

    helsefaglig = compose.helsefaglig(
        sender=sender, receiver=receiver, patient=patient, text=text, topic=helsefaglig_topic, conversation=thread
    )
    assert (helsefaglig.kind, helsefaglig.version, helsefaglig.conversation) == (Kind.HELSEFAGLIG, "1.1", thread)
    assert isinstance(helsefaglig.body, Notat) and helsefaglig.body.topic.system == "2.16.578.1.12.4.1.1.7322"
    assert_reference_valid(to_xml(helsefaglig))


@settings(max_examples=5)
@given(dms.messages(Kind.NOTAT))
def test_compose_refuses_what_the_guidelines_do_not_allow(message: Message) -> None:
    with pytest.raises(ValueError, match="forespørsel"):
        compose.svar(message, "svar")
    with pytest.raises(ValueError, match="reason"):
        compose.avvik(message, "annet", "tekst")  # type: ignore[arg-type]


@settings(max_examples=5)
@given(dms.messages(Kind.FORESPORSEL))
def test_compose_takes_one_receiver_and_one_sender_not_a_list(message: Message) -> None:
    """A list of receivers got through to ``to_xml``, which failed with an AttributeError naming no field."""
    assert message.patient is not None
    for role, parties in (
        ("receiver", {"receiver": [message.receiver] * 2}),
        ("sender", {"sender": (message.sender,)}),
    ):
        given_parties = {"sender": message.sender, "receiver": message.receiver} | parties
        with pytest.raises(BuildError, match="expected an Organisation, got") as caught:
            compose.foresporsel(**given_parties, patient=message.patient, text="?")
        assert caught.value.field == role
        assert ("per_receiver" in str(caught.value)) == (role == "receiver")


# ----------------------------------------------------------------------------------------------------------------------
# BuildError names the field


def assert_build_error(message: Message, field: str, version: DialogVersion | None = None) -> None:
    with pytest.raises(BuildError) as caught:
        to_xml(message, version)
    assert caught.value.field == field, str(caught.value)
    assert field in str(caught.value)


@settings(max_examples=20)
@given(dms.messages(Kind.FORESPORSEL, "1.0") | dms.messages(Kind.SVAR, "1.0"), dms.xml_text())
def test_subject_in_10_is_refused(message: Message, subject: str) -> None:
    if isinstance(message.body, Foresporsel):
        bad = dataclasses.replace(message, body=dataclasses.replace(message.body, subject=subject))
        assert_build_error(bad, "body.subject")
    else:
        assert message.body.quoted is not None
        quoted = dataclasses.replace(message.body.quoted, subject=subject)
        bad = dataclasses.replace(message, body=dataclasses.replace(message.body, quoted=quoted))
        assert_build_error(bad, "body.quoted.subject")


@settings(max_examples=10)
@given(dms.messages(Kind.HELSEFAGLIG))
def test_helsefaglig_in_10_is_refused(message: Message) -> None:
    assert_build_error(message, "version", "1.0")
    assert_build_error(dataclasses.replace(message, version="1.0"), "version")


def strip_identifiers(org: Organisation, level: int) -> Organisation:
    if level == 0:
        return dataclasses.replace(org, her_id=None, org_number=None, ids=())
    assert org.unit is not None
    return dataclasses.replace(org, unit=strip_identifiers(org.unit, level - 1))


@settings(max_examples=25)
@given(dms.messages(), st.sampled_from(["sender", "receiver"]), st.data())
def test_organisation_without_identifier_is_refused(message: Message, party: str, data: st.DataObject) -> None:
    org: Organisation = getattr(message, party)
    level = data.draw(st.integers(0, len(org.chain) - 1))
    stripped = strip_identifiers(org, level)
    bad = dataclasses.replace(message, sender=stripped) if party == "sender" else dataclasses.replace(
        message, receiver=stripped)  # fmt: skip
    assert_build_error(bad, party + ".unit" * level)


@settings(max_examples=10)
@given(dms.messages(), st.sampled_from([dt.timedelta(seconds=30), dt.timedelta(hours=1, microseconds=1)]))
def test_naive_gen_date_or_odd_offset_is_refused(message: Message, odd: dt.timedelta) -> None:
    assert_build_error(dataclasses.replace(message, gen_date=message.gen_date.replace(tzinfo=None)), "gen_date")
    local = message.gen_date.replace(tzinfo=dt.timezone(odd))
    assert_build_error(dataclasses.replace(message, gen_date=local), "gen_date")


NOT_XML = [chr(c) for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20))] + ["\ufffe", "\uffff", "\ud800"]


def _with_text(message: Message, where: str, value: str) -> Message:
    """``message`` with the text field at ``where`` (one of TEXT_FIELDS) set to ``value``."""
    replace = dataclasses.replace
    body = message.body
    if where in ("sender.name", "receiver.name"):
        party = where.split(".")[0]
        return replace(message, **{party: replace(getattr(message, party), name=value)})
    if where == "patient.given_name":
        assert message.patient is not None
        return replace(message, patient=replace(message.patient, given_name=value))
    if where == "msg_id":
        return replace(message, msg_id=value)
    if where == "body.text":
        assert isinstance(body, Notat)
        return replace(message, body=replace(body, text=value))
    if where == "body.question":
        assert isinstance(body, Foresporsel)
        return replace(message, body=replace(body, question=value))
    if where == "body.topic.original_text":
        assert isinstance(body, Notat)
        return replace(message, body=replace(body, topic=replace(body.topic, original_text=value)))
    if where == "body.type.display":
        assert isinstance(body, Foresporsel)
        return replace(message, body=replace(body, type=replace(body.type, display=value)))
    raise AssertionError(where)


@settings(max_examples=40)
@given(dms.messages(), st.data(), dms.xml_text(), st.sampled_from(NOT_XML), dms.xml_text())
def test_control_character_in_a_text_field_is_refused(
    message: Message, data: st.DataObject, before: str, bad: str, after: str
) -> None:
    body_fields = ["body.text", "body.topic.original_text"] if isinstance(message.body, Notat) else []
    body_fields = body_fields or ["body.question", "body.type.display"]
    where = data.draw(st.sampled_from(["sender.name", "receiver.name", "patient.given_name", "msg_id", *body_fields]))
    assert_build_error(_with_text(message, where, before + bad + after), where)


LONG_BAD_OID = """
from dmtool.errors import BuildError
from dmtool.dialog.model import CV
from dmtool.build import to_xml
import dataclasses, pickle, sys
message = pickle.loads(sys.stdin.buffer.read())
bad = dataclasses.replace(message.body, topic=CV("1", "1" * 40 + "x"))
try:
    to_xml(dataclasses.replace(message, body=bad))
except BuildError as error:
    print(error.field)
"""


def test_a_long_bad_oid_is_refused_promptly() -> None:
    """A CV.system of many digits and then a character that is not a digit or a dot is refused at once (the check
    runs in a child process so that a slow check fails the test instead of hanging it)."""
    message = compose.notat(sender=FJORDBY, receiver=ASEN, patient=KARI, text="Notat")
    command = [sys.executable, "-c", LONG_BAD_OID]
    try:
        result = subprocess.run(command, input=pickle.dumps(message), capture_output=True, timeout=5)
    except subprocess.TimeoutExpired:
        result = None
    if result is None:
        pytest.fail("to_xml did not refuse CV.system='1'*40+'x' within 5 s: the OID check backtracks", pytrace=False)
    assert result.stdout.decode().strip() == "body.topic.system", result.stderr.decode()


BAD_OIDS = ["", "abc", "1..2", "1.2.", ".1", "2.16.578.1.12.4.1.1.9069 ", "urn:oid:2.16.578", "1,2", "1.2.-3"]


@settings(max_examples=20)
@given(dms.messages(), st.sampled_from(BAD_OIDS))
def test_bad_oid_in_cv_system_is_refused(message: Message, oid: str) -> None:
    body = message.body
    if isinstance(body, Notat):
        bad = dataclasses.replace(body, topic=dataclasses.replace(body.topic, system=oid))
        assert_build_error(dataclasses.replace(message, body=bad), "body.topic.system")
    else:
        bad_f = dataclasses.replace(body, type=dataclasses.replace(body.type, system=oid))
        assert_build_error(dataclasses.replace(message, body=bad_f), "body.type.system")


def test_to_xml_writes_empty_text_as_an_empty_element_and_references_what_xml_needs() -> None:
    """``to_xml`` writes the message as text and parses it once: an empty field still comes out as ``<X></X>`` (as
    a tree built element by element gives it, not ``<X/>``), and each character that needs a reference, in text or
    in an attribute, comes back as it went in."""
    message = parse((EXAMPLES / "foresporsel-1.0.xml").read_bytes())
    body = message.body
    assert isinstance(body, Foresporsel)
    odd = "a&b<c>d\"e'f\r\ng\th ]]> i"
    replace = dataclasses.replace
    changed = replace(
        message,
        sender=replace(message.sender, name=""),
        body=replace(body, question=odd, type=replace(body.type, original_text=odd)),
    )
    written = to_xml(changed)
    assert b"<OrganisationName></OrganisationName>" in written and b"<OrganisationName/>" not in written
    assert b"&#13;" in written and b"&#10;" in written and b"&#9;" in written  # not made spaces or line feeds
    again = parse(written)
    assert again == changed and to_xml(again) == written
