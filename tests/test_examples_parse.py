"""Every official Dialogmelding example, and each of our own dialog fixtures, parses with
:func:`dmtool.dialog.reader.parse`; writing the parsed model back (:func:`dmtool.build.to_xml`) gives XML the
reference XSDs accept that carries what the original carried: MsgId, type, GenDate, patient identifiers, the sender's
and receiver's organisation chains with their HER-ids, the ConversationRef and the texts (``TekstNotatInnhold``,
``Sporsmal``). Both documents are read with lxml and compared element by element, not only through the model. What the
rewrite drops must be listed in ``unmodelled``.

Without ``../shared`` the official examples are skipped and our fixtures' rewrites are checked against dmtool's own
schemas (:func:`xsdgen.written_schema`).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
import xsdgen
from lxml import etree
from paths import EXAMPLES, REFERENCE, needs_reference

from dmtool.build import to_xml
from dmtool.dialog.model import Message
from dmtool.standards import namespaces as ns
from dmtool.standards.clock import OSLO

OFFICIAL = sorted((REFERENCE / "examples" / "dialogmelding-1.0").glob("*.xml")) + sorted(
    (REFERENCE / "examples" / "dialogmelding-1.1").glob("*.xml")
)
PARSER = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False)
NS = {"mh": ns.MSGHEAD}
#: Envelope elements the reader treats as implied by the model: the rewrite regenerates or omits them silently.
IMPLIED = {"MIGversion", "MsgType", "IssueDate", "ContentDescription"}


def msghead(data: bytes) -> etree._Element:
    """The MsgHead of a document: its root, or the one MsgHead inside a vendor envelope."""
    root = etree.fromstring(data, PARSER)
    found = list(root.iter(f"{{{ns.MSGHEAD}}}MsgHead"))
    assert len(found) == 1, f"expected one MsgHead, found {len(found)}"
    return found[0]


def _is_dialog_message(path: Path) -> bool:
    root = etree.parse(str(path), PARSER).getroot()
    return any(True for _ in root.iter(f"{{{ns.MSGHEAD}}}MsgHead"))


OURS = [path for path in sorted(EXAMPLES.glob("*.xml")) if _is_dialog_message(path)]


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname


def _by_name(root: etree._Element, *names: str) -> list[etree._Element]:
    return [el for el in root.iter(etree.Element) if _local(el) in names]


def present(element: etree._Element | None) -> etree._Element:
    """``element``, which the document must have."""
    assert element is not None
    return element


def _idents(element: etree._Element) -> list[tuple[str | None, str | None]]:
    return [
        (i.findtext("mh:Id", namespaces=NS), present(i.find("mh:TypeId", NS)).get("V"))
        for i in element.findall("mh:Ident", NS)
    ]


def chain(root: etree._Element, party: str) -> list[dict[str, object]]:
    """Each organisation level of ``Sender``/``Receiver``: name, HER-ids, every identifier, and the identifiers of a
    professional at that level; outermost first."""
    levels: list[dict[str, object]] = []
    level = root.find(f"mh:MsgInfo/mh:{party}/mh:Organisation", NS)
    while level is not None:
        professional = level.find("mh:HealthcareProfessional", NS)
        levels.append(
            {
                "name": level.findtext("mh:OrganisationName", namespaces=NS),
                "her": [i for i, t in _idents(level) if t == "HER"],
                "idents": _idents(level),
                "professional": None if professional is None else _idents(professional),
            }
        )
        level = level.find("mh:Organisation", NS)
    return levels


def gen_date(root: etree._Element) -> dt.datetime:
    """GenDate as an instant; without an offset it is Norwegian local time."""
    value = dt.datetime.fromisoformat((root.findtext("mh:MsgInfo/mh:GenDate", namespaces=NS) or "").strip())
    return value if value.tzinfo is not None else value.replace(tzinfo=OSLO)


def facts(root: etree._Element) -> dict[str, object]:
    """What a rewrite must keep, read from the XML."""
    info = present(root.find("mh:MsgInfo", NS))
    patient = info.find("mh:Patient", NS)
    ref = info.find("mh:ConversationRef", NS)
    (body,) = present(root.find("mh:Document/mh:RefDoc/mh:Content", NS))
    return {
        "MsgId": info.findtext("mh:MsgId", namespaces=NS),
        "Type": present(info.find("mh:Type", NS)).get("V"),
        "GenDate": gen_date(root),
        "Patient/Ident": None if patient is None else _idents(patient),
        "Patient/name": None
        if patient is None
        else [patient.findtext(f"mh:{n}", namespaces=NS) for n in ("FamilyName", "GivenName")],
        "Sender": chain(root, "Sender"),
        "Receiver": chain(root, "Receiver"),
        "ConversationRef": None
        if ref is None
        else (
            ref.findtext("mh:RefToParent", namespaces=NS),
            ref.findtext("mh:RefToConversation", namespaces=NS),
        ),
        "body": etree.QName(body).text,
        "texts": [(_local(el), "".join(el.itertext())) for el in _by_name(body, "TekstNotatInnhold", "Sporsmal")],
    }


def paths(root: etree._Element) -> set[str]:
    """The element paths (local names) of a MsgHead, relative to it."""
    found = set()
    for element in root.iter(etree.Element):
        steps = [element, *element.iterancestors()]
        steps = steps[: steps.index(root) + 1]
        found.add("/".join(_local(step) for step in reversed(steps)))
    return found


def parse(source: object) -> Message:
    from dmtool.dialog.reader import parse as read

    return read(source)  # type: ignore[arg-type]


def check_rewrite(path: Path, message: Message) -> None:
    original = msghead(path.read_bytes())
    data = to_xml(message, strict=False)  # as received: some examples break guideline rules
    ok, log = xsdgen.validate(xsdgen.written_schema("msghead"), data)
    assert ok, f"the reference XSDs reject the rewrite of {path.name}:\n{log}\n{data.decode()}"
    rewritten = msghead(data)
    expected, actual = facts(original), facts(rewritten)
    for key in expected:
        assert actual[key] == expected[key], (
            f"{path.name}: {key} differs\n  original:  {expected[key]!r}\n  rewritten: {actual[key]!r}"
        )
    dropped = sorted(p for p in paths(original) - paths(rewritten) if not IMPLIED & set(p.split("/")))
    unreported = [p for p in dropped if not reported(p, message.unmodelled)]
    assert not unreported, (
        f"{path.name}: the rewrite drops {unreported}; unmodelled does not say so: {message.unmodelled}"
    )


def reported(path: str, notes: tuple[str, ...]) -> bool:
    """True when a note names the element at ``path`` or one of its ancestors, by a path ending at it
    (``Sender/Organisation/Address`` covers ``MsgHead/MsgInfo/Sender/Organisation/Address/City``)."""
    steps = path.split("/")
    for note in notes:
        for token in re.findall(r"[\w/]+", note):
            named = token.strip("/").split("/")
            for end in range(len(named), len(steps) + 1):
                if steps[end - len(named) : end] == named:
                    return True
    return False


@needs_reference
def test_there_are_official_examples() -> None:
    assert len(OFFICIAL) >= 7


def test_there_are_examples() -> None:
    assert {p.name for p in OURS} >= {
        "foresporsel-1.0.xml",
        "helsefaglig-1.1.xml",
        "notat-1.0-latin1.xml",
        "wrapped-fellesformat.xml",
    }


@needs_reference
@pytest.mark.parametrize("path", OFFICIAL, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_official_example_parses_and_rewrites_faithfully(path: Path) -> None:
    message = parse(path)
    expected_version = "1.0" if path.parent.name == "dialogmelding-1.0" else "1.1"
    assert message.version == expected_version
    check_rewrite(path, message)


@pytest.mark.parametrize("path", OURS, ids=lambda p: p.name)
def test_our_fixture_parses_from_path_bytes_and_file_and_rewrites_faithfully(path: Path) -> None:
    message = parse(path)
    assert parse(str(path)) == message
    assert parse(path.read_bytes()) == message
    with path.open("rb") as file:
        assert parse(file) == message
    assert parse(io.BytesIO(path.read_bytes())) == message
    check_rewrite(path, message)


def test_latin1_fixture_keeps_its_norwegian_letters() -> None:
    path = EXAMPLES / "notat-1.0-latin1.xml"
    assert b'encoding="ISO-8859-1"' in path.read_bytes()[:100]
    message = parse(path)
    assert message.sender.name == "Åsen legekontor"
    assert message.sender.professional is not None
    assert (message.sender.professional.family_name, message.sender.professional.given_name) == ("Øverland", "Pål")
    assert message.patient is not None and message.patient.id == "02085812303"


def test_wrapped_fixture_is_the_message_inside() -> None:
    wrapped = parse(EXAMPLES / "wrapped-fellesformat.xml")
    plain = parse(EXAMPLES / "foresporsel-1.0.xml")
    assert wrapped == plain
