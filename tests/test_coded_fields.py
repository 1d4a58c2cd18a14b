"""The field table (which code list each coded element takes) and its lookup, the data behind CODE-VALUE."""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree
from paths import EXAMPLES, REFERENCE_EXAMPLES, ROOT

from dmtool.standards import coded_fields, codelists
from dmtool.standards import namespaces as ns

sys.path.insert(0, str(ROOT / "tools"))
import visningsfil_codes

OID = codelists.OID_PREFIX
#: Lists the table names whose codes dmtool does not carry: kommunenummer (changes yearly) and the diagnosis and
#: functioning classifications a Sakstype may be coded with (too large, not in the Volven snapshot).
NOT_CARRIED = {"3402", "7110", "7170", "7250"}
_PARTS = {
    (ns.MSGHEAD, "MsgHead"): "msghead",
    (ns.DIALOG_10, "Dialogmelding"): "dialog-1.0",
    (ns.DIALOG_11, "Dialogmelding"): "dialog-1.1",
    (ns.APPREC_10, "AppRec"): "apprec-1.0",
    (ns.APPREC_11, "AppRec"): "apprec-1.1",
}
_NOT_CODED = {"TeleAddress", "IssueDate", "FromDate", "ToDate"}  # URL and TS elements also carry a V
MI = "MsgHead/MsgInfo/"
RRN = "Dialogmelding/Notat/RollerRelatertNotat/"


def _field(schema, path, message_type=None, layers=frozenset()):
    entry = coded_fields.field(schema, tuple(path.split("/")), message_type, frozenset(layers))
    assert entry is not None, f"no entry for {schema} {path}"
    return entry


def _errors(findings):
    return [finding.message for finding in findings if finding.error]


# --- the table itself ---------------------------------------------------------------------------------------------


def test_every_list_the_table_names_is_carried_or_known_not_to_be():
    assert coded_fields.list_numbers() - set(codelists.numbers()) == NOT_CARRIED


def test_narrowed_codes_are_codes_of_their_lists():
    for entry in coded_fields.fields():
        for number, codes in entry.codes.items():
            assert codes and all(codelists.is_known(number, code) for code in codes), entry


def test_no_element_can_get_two_entries_of_the_same_rank():
    for one, two in itertools.combinations(coded_fields.fields(), 2):
        if one.path != two.path or one.layer != two.layer or not one.schemas & two.schemas:
            continue
        assert bool(one.types) != bool(two.types) or not _overlap(one.types, two.types), (one, two)


def _overlap(ones, twos):
    def covers(pattern, other):
        return other.startswith(pattern[:-1]) if pattern.endswith("*") else other.rstrip("*") == pattern

    return any(covers(one, two) or covers(two, one) for one in ones for two in twos)


def test_a_malformed_entry_is_named():
    with pytest.raises(ValueError, match=r"malformed entry.*'kind': 'XX'"):
        coded_fields._field({"schemas": ["msghead"], "path": "MsgInfo/Type", "kind": "XX", "lists": ["8279"]})
    with pytest.raises(ValueError, match="codes for a list"):
        coded_fields._field(
            {"schemas": ["msghead"], "path": "A", "kind": "CS", "lists": ["1"], "codes": {"2": ["x"]}, "source": ""}
        )


# --- lookup ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("schema", "path", "message_type", "layers", "lists"),
    [
        ("msghead", MI + "Type", None, (), ("8279",)),
        ("msghead", MI + "Ack", None, (), ("7304",)),
        ("msghead", MI + "ProcessingStatus", None, (), ("8113",)),
        ("msghead", MI + "Patient/Ident/TypeId", None, (), ("8116",)),
        ("msghead", MI + "Sender/Organisation/Organisation/Ident/TypeId", None, (), ("9051",)),
        ("msghead", MI + "Receiver/Organisation/HealthcareProfessional/Ident/TypeId", None, (), ("8116", "9051")),
        ("msghead", MI + "Sender/Organisation/TeleCom/TypeTelecom", None, (), ("9061",)),
        ("msghead", MI + "Patient/Address/Type", None, (), ("3401",)),
        ("msghead", "MsgHead/Document/RefDoc/MsgType", None, (), ("8114",)),
        ("dialog-1.0", "Foresporsel/TypeForesp", "DIALOG_NOTAT", (), ("8331", "9065", "9152", "9153", "8125", "8129")),
        ("dialog-1.1", "Dialogmelding/Foresporsel/TypeForesp", "DIALOG_INNBYGGER_TIMER", (), ("7601", "7603", "7605")),
        ("dialog-1.0", "Dialogmelding/Foresporsel/TypeForesp", "DIALOG_FORESPORSEL", ("nav",), ("8125", "8129")),
        ("dialog-1.0", "Dialogmelding/Notat/Foresporsel/TypeForesp", "DIALOG_SVAR", ("nav",), ("8125", "8129")),
        ("dialog-1.0", "Dialogmelding/Notat/TemaKodet", "DIALOG_AVVIK", (), ("8117",)),
        ("dialog-1.0", "Dialogmelding/Notat/TemaKodet", "DIALOG_AVVIK", ("nav",), ("8117",)),
        ("dialog-1.1", "Dialogmelding/Notat/TemaKodet", "DIALOG_HELSEFAGLIG", (), ("7322",)),
        ("dialog-1.1", "Dialogmelding/Notat/TemaKodet", "DIALOG_STATUS_HENVISNING", (), ("9148",)),
        ("dialog-1.1", "Dialogmelding/Notat/TemaKodet", "DIALOG_INNBYGGER_EKONTAKT", (), ("7602", "7603", "7606")),
        ("dialog-1.0", "Dialogmelding/Notat/TemaKodet", "DIALOG_NOTAT", ("nav",), ("8127", "8128")),
        ("dialog-1.0", "Dialogmelding/Foresporsel/Formål", None, (), ("9068",)),
        ("dialog-1.1", RRN + "RoleToPatient", None, (), ("9034", "8422")),
        ("dialog-1.1", RRN + "HealthcareProfessional/RoleToPatient", None, (), ("9034",)),
        ("dialog-1.1", RRN + "TilknyttetEnhet/Kontaktenhet/Ident/TypeId", None, (), ("9051",)),
        ("apprec-1.0", "AppRec/Status", None, (), ("8258",)),
        ("apprec-1.1", "AppRec/Error", None, (), ("8221", "8222", "8223")),
        ("apprec-1.0", "AppRec/Error", None, ("nav",), ("8221", "8222", "8223", "8124")),
        ("apprec-1.1", "AppRec/OriginalMsgId/MsgType", None, (), ("8279",)),
        ("apprec-1.1", "AppRec/Receiver/HCP/Inst/HCPerson/TypeId", None, (), ("8116",)),
    ],
)  # fmt: skip
def test_the_entry_for_an_element(schema, path, message_type, layers, lists):
    assert _field(schema, path, message_type, layers).lists == lists


@pytest.mark.parametrize(
    ("schema", "path"),
    [
        ("msghead", "MsgHead/MsgInfo/GenDate"),
        ("msghead", "MsgHead/Document/ContentType"),  # a CV whose list no standard names
        ("apprec-1.0", "AppRec/Sender/Role"),  # AppRec 1.0 names no list; its examples write SENDER
        ("apprec-1.1", "AppRec/Receiver/Role"),  # the fixed value AVS
        ("dialog-1.0", "MsgHead/MsgInfo/Type"),  # a MsgHead element is read in the MsgHead part
    ],
)
def test_elements_without_a_named_list_have_no_entry(schema, path):
    assert coded_fields.field(schema, tuple(path.split("/")), "DIALOG_NOTAT") is None


def test_a_layer_entry_applies_only_with_its_layer():
    standard = _field("dialog-1.0", "Dialogmelding/Notat/TemaKodet", "DIALOG_SVAR")
    nav = _field("dialog-1.0", "Dialogmelding/Notat/TemaKodet", "DIALOG_SVAR", {"nav"})
    assert standard.layer is None and nav.layer == "nav"
    assert nav.codes["9069"] == {"5"} and not standard.codes


# --- judging values: the cases the issue names -----------------------------------------------------------------------


def test_a_made_up_code_is_an_error():
    entry = _field("dialog-1.0", "Dialogmelding/Foresporsel/TypeForesp", "DIALOG_FORESPORSEL")
    [message] = _errors(entry.judge("ZZZ", OID + "9152", None))
    assert message.startswith("Foresporsel/TypeForesp 'ZZZ' is not a code of 9152 Type opplysning")


def test_a_list_that_does_not_exist_is_an_error():
    entry = _field("dialog-1.0", "Dialogmelding/Foresporsel/TypeForesp", "DIALOG_FORESPORSEL")
    [message] = _errors(entry.judge("1", OID + "9999", None))
    assert "list 9999, a list dmtool does not know" in message


def test_a_patient_id_type_from_a_foreign_oid_is_an_error():
    entry = _field("msghead", "MsgHead/MsgInfo/Patient/Ident/TypeId")
    [message] = _errors(entry.judge("FNR", "9.9.9.9", "Fødselsnummer"))
    assert "'9.9.9.9', no Volven list" in message and "8116 ID-type for personer" in message


def test_an_organisation_id_type_from_the_persons_list_is_an_error():
    entry = _field("msghead", "MsgHead/MsgInfo/Sender/Organisation/Ident/TypeId")
    [message] = _errors(entry.judge("HER", OID + "8116", "HER-id"))
    assert "list 8116 ID-type for personer" in message


@pytest.mark.parametrize("system", ["8324", "2.16.578.1.12.4.1.1.", "urn:oid:2.16.578.1.12.4.1.1.9069", "abc"])
def test_an_s_that_is_no_oid_is_an_error(system):
    entry = _field("dialog-1.1", "Dialogmelding/Foresporsel/KodetOpplysning")  # not closed: still an OID
    [message] = _errors(entry.judge("AP", system, None))
    assert "is not an OID" in message


def test_a_cs_code_outside_its_list_is_an_error():
    entry = _field("msghead", "MsgHead/MsgInfo/Ack")
    assert _errors(entry.judge("X", None, None)) == ["MsgInfo/Ack 'X' is not a code of 7304 Meldingsbekreftelse"]
    assert entry.judge("N", "ignored for a CS", "Nei") == ()


def test_a_cv_without_s_is_a_warning_when_its_code_fits():
    entry = _field("msghead", "MsgHead/MsgInfo/Sender/Organisation/Ident/TypeId")
    [warning] = entry.judge("HER", None, None)
    assert not warning.error and "has no S" in warning.message
    assert _errors(entry.judge("XYZ", None, None))


def test_a_dn_unlike_the_code_name_is_a_warning():
    entry = _field("msghead", "MsgHead/MsgInfo/Type")
    assert entry.judge("DIALOG_NOTAT", None, " notat ") == ()  # case and white space do not matter
    assert entry.judge("DIALOG_INNBYGGER_EKONTAKT", None, "Dialog med innbygger - eKontakt") == ()  # nor dashes
    [warning] = entry.judge("DIALOG_NOTAT", None, "Svar")
    assert not warning.error and "'Svar' differs from the name of 'DIALOG_NOTAT'" in warning.message


def test_an_open_field_takes_other_lists_but_checks_carried_ones():
    entry = _field("dialog-1.1", "Dialogmelding/Foresporsel/KodetOpplysning")
    assert entry.judge("X1", OID + "7110", None) == ()  # a list dmtool does not carry
    assert entry.judge("1", OID + "1101", "Ja") == ()
    assert _errors(entry.judge("3", OID + "1101", None))
    assert _errors(entry.judge("ZZ", OID + "8324", None))


def test_lists_dmtool_does_not_carry_are_not_looked_into():
    assert _field("msghead", "MsgHead/MsgInfo/Patient/Address/County").judge("0301", None, "Oslo") == ()
    sakstype = _field("dialog-1.0", "Dialogmelding/SakstypeKodet")
    assert sakstype.judge("R74", OID + "7170", "Akutt øvre luftveisinfeksjon") == ()


def test_nav_accepts_only_its_code_combinations():
    svar = _field("dialog-1.0", "Dialogmelding/Notat/TemaKodet", "DIALOG_SVAR", {"nav"})
    assert svar.judge("5", OID + "9069", "Svar på forespørsel") == ()
    assert svar.judge("3", OID + "8126", None) == ()
    [message] = _errors(svar.judge("1", OID + "9069", None))
    assert "not taken here (only 5)" in message
    assert _errors(svar.judge("1", OID + "7321", None))
    assert _field("dialog-1.0", "Dialogmelding/Notat/TemaKodet", "DIALOG_SVAR").judge("1", OID + "9069", None) == ()


def test_nav_apprec_errors_from_8124_are_accepted_only_under_nav():
    error = ("B720007F", OID + "8124", "Trekkvedtak finnes fra før (ved NY)")
    assert _field("apprec-1.0", "AppRec/Error", layers={"nav"}).judge(*error) == ()
    assert _errors(_field("apprec-1.0", "AppRec/Error").judge(*error))


def test_helsenorge_codes_fit_helsenorge_types_only():
    value = ("OAT", OID + "7601", "Ønske om avbestilling av time")
    assert _field("dialog-1.1", "Dialogmelding/Foresporsel/TypeForesp", "DIALOG_INNBYGGER_TIMER").judge(*value) == ()
    assert _errors(_field("dialog-1.1", "Dialogmelding/Foresporsel/TypeForesp", "DIALOG_FORESPORSEL").judge(*value))


def test_an_avvik_theme_from_another_list_is_an_error():
    entry = _field("dialog-1.0", "Dialogmelding/Notat/TemaKodet", "DIALOG_AVVIK")
    assert _errors(entry.judge("1", OID + "7321", None))
    assert entry.judge("2", OID + "8117", "Mangelfulle opplysninger") == ()


@pytest.mark.parametrize("value", [None, ""])
def test_without_a_code_there_is_nothing_to_judge(value):
    assert _field("msghead", "MsgHead/MsgInfo/Type").judge(value, None, None) == ()


# --- judging values: properties ------------------------------------------------------------------------------------


@st.composite
def _entry_and_code(draw):
    entry = draw(st.sampled_from([e for e in coded_fields.fields() if any(map(codelists.carries, e.lists))]))
    number = draw(st.sampled_from([n for n in entry.lists if codelists.carries(n)]))
    code = draw(st.sampled_from(sorted(entry.codes.get(number) or codelists.get(number).codes)))
    return entry, number, code


@given(_entry_and_code())
def test_every_code_an_entry_takes_is_judged_sound(drawn):
    entry, number, code = drawn
    system = None if entry.kind == "CS" else OID + number
    assert entry.judge(code, system, codelists.get(number).display_name(code)) == ()


@given(_entry_and_code(), st.text(min_size=1, max_size=12))
def test_a_code_in_none_of_the_lists_is_an_error(drawn, value):
    entry, number, _code = drawn
    if not any(codelists.is_known(n, value) for n in entry.lists if codelists.carries(n)):
        system = None if entry.kind == "CS" else OID + number
        assert _errors(entry.judge(value, system, None))


@given(_entry_and_code(), st.from_regex(r"[1-9][0-9]{0,4}", fullmatch=True))
def test_a_list_the_entry_does_not_name_is_an_error_where_the_lists_are_closed(drawn, number):
    entry, _number, code = drawn
    if entry.kind == "CV" and entry.closed and number not in entry.lists:
        assert _errors(entry.judge(code, OID + number, None))


# --- the official examples and the display stylesheets ---------------------------------------------------------------


def _coded_elements(path: Path):
    """(schema, path, message type, V, S, DN) of every coded element of the message in ``path``."""
    tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False))
    types = tree.xpath("//*[local-name()='MsgInfo']/*[local-name()='Type']/@V")
    message_type = str(types[0]) if types else None
    stack: list[tuple[etree._Element, str, tuple[str, ...]]] = [(tree.getroot(), "msghead", ())]
    while stack:
        element, schema, steps = stack.pop()
        name = etree.QName(element)
        schema, steps = (_PARTS[key], ()) if (key := (name.namespace, name.localname)) in _PARTS else (schema, steps)
        steps = (*steps, name.localname)
        if "V" in element.attrib and name.localname not in _NOT_CODED:
            yield schema, steps, message_type, element.get("V"), element.get("S"), element.get("DN")
        stack.extend((child, schema, steps) for child in element if isinstance(child.tag, str))


_OFFICIAL = [*REFERENCE_EXAMPLES, *sorted(EXAMPLES.glob("*.xml"))]


@pytest.mark.parametrize("path", _OFFICIAL, ids=lambda path: path.name)
def test_the_official_examples_use_only_codes_of_their_lists(path):
    errors = []
    for schema, steps, message_type, value, system, display in _coded_elements(path):
        entry = coded_fields.field(schema, steps, message_type)
        if entry is not None:
            errors += [f"{'/'.join(steps)}: {m}" for m in _errors(entry.judge(value, system, display))]
    assert errors == []


@pytest.mark.parametrize("path", _OFFICIAL, ids=lambda path: path.name)
def test_the_examples_have_coded_elements_to_check(path):
    checked = [steps for schema, steps, kind, *_ in _coded_elements(path) if coded_fields.field(schema, steps, kind)]
    assert len(checked) >= 5


@pytest.mark.skipif(not visningsfil_codes.SOURCE.is_dir(), reason="../shared/reference is not beside the checkout")
def test_the_table_takes_every_list_the_display_stylesheets_render():
    for rendering in visningsfil_codes.renderings():
        steps = tuple(rendering.path.split("/"))
        body = "dialog-1.0" if "v1_0" in rendering.stylesheet else "dialog-1.1"
        schema = "msghead" if steps[0] in {"MsgInfo", "RefDoc"} else body
        entry = coded_fields.field(schema, steps, "DIALOG_NOTAT" if steps[-1] != "TemaKodet" else None)
        assert entry is not None and rendering.number in entry.lists, rendering
