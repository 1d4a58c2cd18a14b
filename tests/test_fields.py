"""Issue 20, item 2: the XML binding declared on the model (:mod:`dmtool.dialog.fields`) is complete and consistent.

* every field of every class the writer writes has a binding (but the few that are no element of their own), and the
  element it names is in what the writer writes of a generated message;
* every code list the binding names is one dmtool carries, and one the field table
  (:mod:`dmtool.standards.coded_fields`, the lists an element accepts) accepts for that element;
* a field declared 1.1-only is refused by the 1.0 writer, naming the field, and written in 1.1;
* the reader takes its element names from the binding too: each bound element the writer writes is read back (none
  is reported unmodelled, the message is read back equal), and the reader spells no bound element name itself but
  the few the writer spells too (a class's own element);
* the checks below report a binding that breaks these rules (they can fail), and a mistyped version fails at once.
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
from collections.abc import Iterator
from typing import Any, Final, get_type_hints

import pytest
from hypothesis import given, settings
from lxml import etree

from dmtool.dialog import compose, fields, model, reader, writer
from dmtool.dialog.fields import FieldInfo, xml
from dmtool.dialog.model import CS, CV, Foresporsel, Message, Notat
from dmtool.errors import BuildError
from dmtool.standards import coded_fields, codelists
from dmtool.testing import strategies as dms

#: Each class the writer writes, where its element stands: the part (schema) and the path of local names from the
#: part's root, as :mod:`dmtool.standards.coded_fields` names elements. ``{version}`` is the Dialogmelding version.
PLACES: Final[dict[type[Any], tuple[str, tuple[str, ...]]]] = {
    model.Message: ("msghead", ("MsgInfo",)),
    model.Organisation: ("msghead", ("MsgInfo", "Sender", "Organisation")),
    model.HealthcareProfessional: ("msghead", ("MsgInfo", "Sender", "Organisation", "HealthcareProfessional")),
    model.Patient: ("msghead", ("MsgInfo", "Patient")),
    model.ConversationRef: ("msghead", ("MsgInfo", "ConversationRef")),
    model.Foresporsel: ("dialog-{version}", ("Dialogmelding", "Foresporsel")),
    model.Notat: ("dialog-{version}", ("Dialogmelding", "Notat")),
    model.Role: ("dialog-{version}", ("Dialogmelding", "Notat", "RollerRelatertNotat")),
    model.Person: ("dialog-{version}", ("Dialogmelding", "Notat", "RollerRelatertNotat", "Person")),
    model.Ident: ("msghead", ("MsgInfo", "Sender", "Organisation", "Ident")),
    model.CV: ("msghead", ("MsgInfo", "Sender", "Organisation", "TypeOrganisation")),
    model.CS: ("msghead", ("MsgInfo", "Type")),
}
#: Fields that are no element of their own: the version is the body's namespace; the rest is never written.
UNBOUND: Final = {(model.Message, "version"), (model.Message, "unmodelled"), (model.Message, "documents")}


def missing_bindings(classes: Iterator[type[Any]] | list[type[Any]]) -> list[str]:
    """The fields of ``classes`` with no binding, but those of :data:`UNBOUND`."""
    return [
        f"{cls.__name__}.{item.name}"
        for cls in classes
        for item in dataclasses.fields(cls)
        if fields.info(cls, item.name) is None and (cls, item.name) not in UNBOUND
    ]


def _lists(bound: FieldInfo) -> list[tuple[str | None, str]]:
    """Each (message type, list) the binding names: its one list for every type, or one per type."""
    found: list[tuple[str | None, str]] = [(kind, number) for kind, number in bound.kind_lists.items()]
    return found + ([(None, bound.code_list)] if bound.code_list is not None else [])


def code_list_problems(cls: type[Any], schema: str, parent: tuple[str, ...]) -> list[str]:
    """What is wrong with the code lists that the binding of ``cls`` (whose element is at ``parent`` in ``schema``)
    names: a list dmtool does not carry, or one the field table accepts for the element in no version that has it."""
    problems = []
    for name, bound in fields.declared(cls).items():
        element = tuple(bound.element.split("/"))
        path = (*parent, *element, "TypeId") if element[-1] == "Ident" else (*parent, *element)
        versions = [version for version in ("1.0", "1.1") if bound.in_version(version)]
        for kind, number in _lists(bound):
            if not codelists.carries(number):
                problems.append(f"{cls.__name__}.{name}: list {number} is not one dmtool carries")
                continue
            entries = [coded_fields.field(schema.format(version=version), path, kind) for version in versions]
            accepted = sorted({listed for entry in entries if entry is not None for listed in entry.lists})
            if number not in accepted:
                problems.append(f"{cls.__name__}.{name}: {'/'.join(path)} takes {', '.join(accepted)}, not {number}")
    return problems


def test_every_field_the_writer_writes_is_bound() -> None:
    assert missing_bindings(list(PLACES)) == []


def test_every_class_of_the_model_the_writer_writes_is_checked() -> None:
    written = {cls for cls in vars(model).values() if dataclasses.is_dataclass(cls) and isinstance(cls, type)}
    not_written = {model.FurtherDocument, model.Received}  # described or read, never written
    assert written - not_written == set(PLACES)


@settings(max_examples=25)
@given(dms.messages())
def test_every_bound_element_is_written(message: Message) -> None:
    """Each element the binding names for a field that is set is among the elements the writer writes."""
    written = {etree.QName(element).localname for element in writer.to_element(message).iter(etree.Element)}
    missing = [f"{cls.__name__}.{name}: {bound.element}" for cls, name, bound in set_fields(message)
               if not bound.attribute and bound.element.split("/")[0] not in written]  # fmt: skip
    assert missing == []


def set_fields(value: object) -> Iterator[tuple[type[Any], str, FieldInfo]]:
    """Each bound field of ``value`` and the model values in it that holds something, recursively."""
    if not dataclasses.is_dataclass(value) or isinstance(value, type):
        return
    for name, bound in fields.declared(type(value)).items():
        held = getattr(value, name)
        if held is None or held == ():
            continue
        yield type(value), name, bound
        for item in held if isinstance(held, tuple) else (held,):
            yield from set_fields(item)


def unread(message: Message) -> list[str]:
    """What the reader does not take back of what the writer writes of ``message``: the parts it reports as
    unmodelled, and whether it reads another message."""
    read = reader.parse(writer.to_xml(message))
    return [*read.unmodelled, *([] if read == message else ["the message read back differs"])]


@settings(max_examples=25)
@given(dms.messages())
def test_every_bound_element_the_writer_writes_is_read_back(message: Message) -> None:
    assert unread(message) == []


#: Bound element names the reader spells itself, as the writer does: the element of a class rather than of a field
#: (an organisation under Sender/Receiver, a request as the body, an identifier).
SPELLED: Final = {"Organisation", "Foresporsel", "Ident"}


def bound_literals(source: str) -> list[str]:
    """The string constants in the Python ``source`` that name an element the binding declares for a field."""
    names = {bound.element.split("/")[0] for cls in PLACES for bound in fields.declared(cls).values()
             if not bound.attribute}  # fmt: skip
    constants = (node.value for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Constant))
    return sorted({value for value in constants if isinstance(value, str) and value in names})


def test_the_reader_spells_no_bound_element_name_itself() -> None:
    assert set(bound_literals(inspect.getsource(reader))) <= SPELLED


# -- the checks can fail ----------------------------------------------------------------------------------------------


def test_a_bound_element_the_reader_does_not_take_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    """The reader's Foresporsel children come from the binding: without Sporsmal among them, it is not read back."""
    monkeypatch.setattr(reader, "_HANDLED_FORESPORSEL", reader._HANDLED_FORESPORSEL - {"Sporsmal"})
    message = compose.foresporsel(sender=SENDER, receiver=RECEIVER, patient=PATIENT, text="Hvilke prøvesvar?")
    assert [line.split(": ", 1)[1] for line in unread(message)] == [
        "Dialogmelding/Foresporsel/Sporsmal is not part of the model"
    ]


def test_a_bound_element_name_spelled_in_the_reader_is_found() -> None:
    assert bound_literals('question = child(element, "Sporsmal")  # "Tema"') == ["Sporsmal"]


@pytest.mark.parametrize("cls", list(PLACES), ids=lambda cls: cls.__name__)
def test_every_code_list_is_carried_and_taken_by_its_element(cls: type[Any]) -> None:
    schema, parent = PLACES[cls]
    assert code_list_problems(cls, schema, parent) == []


def only_in_11() -> list[tuple[type[Any], str]]:
    """Every field the binding declares as 1.1-only."""
    return [(cls, name) for cls in PLACES for name, bound in fields.declared(cls).items() if bound.since == "1.1"]


def _value(cls: type[Any], name: str) -> object:
    """A value of field ``name`` of ``cls`` that the writer can write: a code of its list, or a text."""
    hint = get_type_hints(cls)[name]
    if CV in (hint, *getattr(hint, "__args__", ())):
        number = fields.code_list(cls, name)
        return CV.of(number, next(iter(codelists.get(number).codes)))
    if CS in (hint, *getattr(hint, "__args__", ())):
        number = fields.code_list(cls, name)
        return CS(next(iter(codelists.get(number).codes)))
    return "Gjelder timebestilling"


def test_the_11_only_fields_are_the_known_ones() -> None:
    assert {(cls.__name__, name) for cls, name in only_in_11()} == {
        ("Foresporsel", "subject"), ("Foresporsel", "coded_info")
    }


@pytest.mark.parametrize(("cls", "name"), only_in_11(), ids=lambda item: getattr(item, "__name__", item))
def test_a_11_only_field_is_refused_by_the_10_writer(cls: type[Any], name: str) -> None:
    assert cls is Foresporsel  # the one body class with 1.1-only fields; another needs its own message here
    base = compose.foresporsel(sender=SENDER, receiver=RECEIVER, patient=PATIENT, text="Hvilke prøvesvar?")
    assert isinstance(base.body, Foresporsel)
    changes: dict[str, Any] = {name: _value(cls, name)}
    message = dataclasses.replace(base, body=dataclasses.replace(base.body, **changes))
    with pytest.raises(BuildError) as raised:
        writer.to_xml(message, "1.0")
    assert raised.value.field == f"body.{name}"
    assert "only Dialogmelding 1.1" in str(raised.value)
    written = writer.to_element(message, "1.1")
    assert any(etree.QName(e).localname == fields.element(cls, name) for e in written.iter(etree.Element))


SENDER: Final = model.Organisation("Fjordby legekontor", her_id="8094866")
RECEIVER: Final = model.Organisation("Fjordby sykehus", her_id="8097254")
PATIENT: Final = model.Patient("Nordmann", "Kari", "13116900216", "FNR")


@dataclasses.dataclass(frozen=True)
class Miswritten:
    """A class whose binding breaks each rule: an unbound field, a list dmtool does not carry, a list its element
    does not take."""

    unbound: str
    type: CV = dataclasses.field(metadata=xml("TypeForesp", code_list="0000"))
    urgency: CS = dataclasses.field(metadata=xml("Hastegrad", code_list="3101"))


def test_the_checks_report_a_broken_binding() -> None:
    assert missing_bindings([Miswritten]) == ["Miswritten.unbound"]
    problems = code_list_problems(Miswritten, "dialog-{version}", ("Dialogmelding", "Foresporsel"))
    assert problems[0] == "Miswritten.type: list 0000 is not one dmtool carries"
    assert problems[1:] == ["Miswritten.urgency: Dialogmelding/Foresporsel/Hastegrad takes 9067, not 3101"]


def test_a_version_that_does_not_exist_fails_at_once() -> None:
    with pytest.raises(ValueError, match="since must be a Dialogmelding version"):
        xml("EmneSporsmal", since="1.2")


def test_the_accessors_say_what_is_declared() -> None:
    assert fields.element(Foresporsel, "question") == "Sporsmal"
    assert fields.code_list(Notat, "topic", "DIALOG_AVVIK") == "8117"
    assert fields.info(Message, "unmodelled") is None
    with pytest.raises(KeyError, match="declares no code list"):
        fields.code_list(Notat, "topic")
    with pytest.raises(KeyError, match="no XML binding"):
        fields.element(Message, "version")
