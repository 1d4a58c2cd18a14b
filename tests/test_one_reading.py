"""One reading of every value: comments and processing instructions inside a simple value change nothing.

The schema judges an element's text with its comments and processing instructions left out and the text around
them joined; the rules, the model and the writer must read that same text. The property inserts a comment or a
processing instruction into every simple value of generated messages and receipts, and compares what ``validate``,
``parse`` and ``to_xml`` make of them with what they make of the message as it was.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from paths import EXAMPLES

import dmtool
from dmtool import apprec
from dmtool.testing import strategies as dms

_INSERTS = st.sampled_from(["comment", "pi", "empty comment"])


def _serialised(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


@st.composite
def _with_inserts(draw: st.DrawFn, data: bytes) -> tuple[bytes, bytes]:
    """``data`` as lxml writes it, and the same with a comment or PI inside the text of every leaf element."""
    root = etree.fromstring(data)
    before = _serialised(root)
    for element in list(root.iter(etree.Element)):
        if len(element):
            continue
        text = element.text or ""
        at = draw(st.integers(0, len(text)))
        kind = draw(_INSERTS)
        inserted = (
            etree.ProcessingInstruction("dmtool", "x")
            if kind == "pi"
            else etree.Comment("" if kind == "empty comment" else " c ")
        )
        element.text = text[:at] or None
        inserted.tail = text[at:] or None
        element.append(inserted)
    return before, _serialised(root)


def _same_reading(before: bytes, after: bytes) -> None:
    assert dmtool.validate(after).to_dict() == dmtool.validate(before).to_dict()
    try:
        expected: object = dmtool.parse(before)
    except dmtool.ParseError as error:
        expected = [(issue.rule, issue.message) for issue in error.issues]
    try:
        got: object = dmtool.parse(after)
    except dmtool.ParseError as error:
        got = [(issue.rule, issue.message) for issue in error.issues]
    assert got == expected
    if isinstance(got, dmtool.Message):
        assert dmtool.to_xml(got, strict=False) == dmtool.to_xml(expected, strict=False)  # type: ignore[arg-type]


@settings(max_examples=60)
@given(data=st.data(), message=dms.messages())
def test_comments_and_pis_in_simple_values_of_messages_change_nothing(data: st.DataObject, message: dmtool.Message):
    before, after = data.draw(_with_inserts(dmtool.to_xml(message, strict=False)))
    assert before != after
    _same_reading(before, after)


@settings(max_examples=60)
@given(data=st.data(), message=dms.messages(), version=st.sampled_from(sorted(apprec.APPREC_VERSIONS)))
def test_comments_and_pis_in_simple_values_of_receipts_change_nothing(
    data: st.DataObject, message: dmtool.Message, version: apprec.AppRecVersion
):
    receipt = dmtool.apprec_for(dmtool.to_xml(message, strict=False), version=version)
    before, after = data.draw(_with_inserts(apprec.to_xml(receipt)))
    _same_reading(before, after)
    assert dmtool.parse_apprec(after) == dmtool.parse_apprec(before)


@settings(max_examples=60)
@given(data=st.data(), name=st.sampled_from(sorted(path.name for path in EXAMPLES.glob("*.xml"))))
def test_comments_and_pis_in_simple_values_of_the_examples_change_nothing(data: st.DataObject, name: str):
    before, after = data.draw(_with_inserts((EXAMPLES / name).read_bytes()))
    _same_reading(before, after)


def test_a_comment_inside_gen_date_parses_to_the_value_validate_read() -> None:
    data = (EXAMPLES / "foresporsel-1.0.xml").read_bytes()
    commented = data.replace(b"<GenDate>2026-11-20T09", b"<GenDate>2026-11-20T09<!--c-->", 1)
    assert commented != data
    assert dmtool.validate(commented).valid
    assert dmtool.parse(commented).gen_date == dmtool.parse(data).gen_date
