"""The guards before parsing read the bytes as libxml2 reads them: byte order marks, whitespace, comments and
processing instructions before the root cannot hide a DOCTYPE or an encoding dmtool refuses, and what libxml2 did
read is checked once more after parsing."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree
from paths import EXAMPLES

import dmtool
from dmtool.xml import loader

BOM = b"\xef\xbb\xbf"
FORESPORSEL = (EXAMPLES / "foresporsel-1.0.xml").read_bytes()
_BODY = FORESPORSEL[FORESPORSEL.index(b"<MsgHead") :]
#: What a DOCTYPE could smuggle in, each followed by a message that uses it.
SMUGGLED = {
    "entity": b'<!DOCTYPE MsgHead [<!ENTITY e "x">]>' + _BODY.replace(b"<MsgId>", b"<MsgId>&e;", 1),
    "attlist default": b'<!DOCTYPE MsgHead [<!ATTLIST MsgInfo xmlns CDATA "urn:elsewhere">]>' + _BODY,
    "system": b'<!DOCTYPE MsgHead SYSTEM "file:///etc/passwd">' + _BODY,
}
#: Encodings libxml2 reads and dmtool refuses, declared in the XML declaration.
REFUSED_ENCODINGS = ("windows-1252", "UTF-16", "cp500", "UTF-32", "IBM037", "Shift_JIS")
PROLOG = st.lists(st.sampled_from([b"\n", b" ", b"\t", b"<!-- c -->", b"<?pi x?>", BOM]), max_size=5)


def _refused(data: bytes) -> None:
    """``data`` is NOT-XML to validate (and nothing else), unreadable to parse, and gets no receipt without parties."""
    report = dmtool.validate(data)
    assert [issue.rule for issue in report.issues] == ["NOT-XML"], report.issues
    assert dmtool.is_valid(data) is False
    assert list(dmtool.iter_issues(data)) == list(report.issues)
    with pytest.raises(dmtool.ParseError):
        dmtool.parse(data)
    with pytest.raises(ValueError):
        dmtool.apprec_for(data)


@given(boms=st.integers(2, 5), prolog=PROLOG, smuggled=st.sampled_from(sorted(SMUGGLED)))
def test_a_doctype_behind_any_number_of_byte_order_marks_is_not_xml(boms: int, prolog: list[bytes], smuggled: str):
    _refused(BOM * boms + b"".join(prolog) + SMUGGLED[smuggled])


@given(boms=st.integers(0, 1), prolog=PROLOG, smuggled=st.sampled_from(sorted(SMUGGLED)))
def test_a_doctype_behind_one_mark_and_any_prolog_is_not_xml(boms: int, prolog: list[bytes], smuggled: str):
    report = dmtool.validate(BOM * boms + b"".join(prolog) + SMUGGLED[smuggled])
    assert [issue.rule for issue in report.issues] == ["NOT-XML"]


@given(boms=st.integers(0, 4), encoding=st.sampled_from(REFUSED_ENCODINGS))
def test_a_refused_encoding_behind_byte_order_marks_is_not_xml(boms: int, encoding: str):
    declaration = f'<?xml version="1.0" encoding="{encoding}"?>'.encode()
    _refused(BOM * boms + declaration + _BODY)


def test_one_byte_order_mark_is_fine():
    assert dmtool.validate(BOM + FORESPORSEL).valid
    assert dmtool.parse(BOM + FORESPORSEL) == dmtool.parse(FORESPORSEL)


def test_two_byte_order_marks_are_refused_in_words():
    report = dmtool.validate(BOM + BOM + FORESPORSEL)
    assert "more than one UTF-8 byte order mark" in report.issues[0].message


@pytest.mark.parametrize(
    "data",
    [b'<!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>', b"<!DOCTYPE a><a/>", b'<?xml version="1.0" encoding="cp1252"?><a/>'],
)
def test_what_libxml2_read_is_checked_after_parsing(data: bytes):
    """Whatever gets past the checks before parsing, a DTD or a refused encoding that libxml2 read is NOT-XML."""
    root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True))
    with pytest.raises(loader.LoadError) as refused:
        loader._check_read(root)
    assert refused.value.issue.rule == "NOT-XML"
