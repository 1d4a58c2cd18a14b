"""Hypothesis strategies for dmtool's model: generated messages for property-based tests.

Needs Hypothesis, which is a test dependency: ``pip install dmtool[test]``.

Every strategy builds values of :mod:`dmtool.dialog.model` that :func:`dmtool.build.to_xml` accepts, so a drawn
:class:`~dmtool.dialog.model.Message` builds in the version it declares::

    from hypothesis import given
    from dmtool.testing import strategies as dms
    from dmtool.build import to_xml

    @given(dms.messages())
    def test_builds(message):
        to_xml(message)

What the strategies respect:

* codes come from the real code lists (:mod:`dmtool.standards.codelists`): a :class:`~dmtool.dialog.model.CV`
  carries the list's OID as ``system`` and the code's display name, sometimes an ``original_text``;
* identifiers are well formed: fødselsnummer and D-nummer with correct mod-11 check digits, organisation numbers
  with their mod-11 check digit, HER-ids of 6 to 8 digits;
* fields only Dialogmelding 1.1 has (``Foresporsel.subject``, ``coded_info``, more than one ``journal_info``, a
  role without a professional or person, the kind ``DIALOG_HELSEFAGLIG``) appear only in 1.1 messages;
* every organisation level has a HER-id (service addressing), every professional in the envelope an identifier,
  and ``ids`` never repeat the identifiers that have their own field (``HER``/``ENH`` for organisations,
  ``HPR``/``HER`` for professionals);
* the hard guideline rules hold: a named patient with a fødselsnummer or D-nummer, ``Ack`` absent or ``J``, a svar
  quoting a forespørsel and an avvik with reason 1 or 2 (code list 8117), both with a ``ConversationRef``;
* GenDate is timezone-aware (Europe/Oslo, never in the spring gap, or a fixed whole-minute offset, years
  1950-2100);
* free text holds only characters XML can carry: Norwegian letters, tabs, newlines, carriage returns, leading and
  trailing spaces, markup characters (escaped when written), and sometimes nothing at all.

Values are kept small so that examples are fast.

Two kinds of strategy deliberately make what the guidelines refuse, for tests of the rules: :func:`h_nummer` and
:func:`fh_nummer` (hjelpenummer, which python-stdnum partly accepts as fødselsnummer), and :func:`breaking`, the XML
bytes of a schema-valid message that breaks exactly one hard rule of :data:`HARD_RULES`::

    @given(dms.breaking("NO-HJELPENUMMER"))
    def test_refused(xml):
        assert {issue.rule for issue in dmtool.validate(xml).errors} == {"NO-HJELPENUMMER"}
"""

from ...standards.clock import OSLO
from .messages import (
    FIXED_OFFSETS,
    KIND_TOPIC_LISTS,
    conversation_refs,
    foresporsel_bodies,
    gen_dates,
    kind_versions,
    messages,
    msg_ids,
    notat_bodies,
)
from .mutations import HARD_RULES, breaking
from .parties import (
    d_nummer,
    fh_nummer,
    fnr_check_digits,
    fodselsnummer,
    h_nummer,
    health_professionals,
    her_ids,
    hpr_numbers,
    organisation_number_check_digit,
    organisation_numbers,
    organisations,
    patients,
    persons,
    roles,
)
from .threads import THREAD_SHAPES, Delivery, ShapedThread, Thread, shaped_threads, threads
from .values import coded_simple_values, coded_values, xml_text

__all__ = [
    "FIXED_OFFSETS",
    "HARD_RULES",
    "KIND_TOPIC_LISTS",
    "OSLO",
    "THREAD_SHAPES",
    "Delivery",
    "ShapedThread",
    "Thread",
    "breaking",
    "coded_simple_values",
    "coded_values",
    "conversation_refs",
    "d_nummer",
    "fh_nummer",
    "fnr_check_digits",
    "fodselsnummer",
    "foresporsel_bodies",
    "gen_dates",
    "h_nummer",
    "health_professionals",
    "her_ids",
    "hpr_numbers",
    "kind_versions",
    "messages",
    "msg_ids",
    "notat_bodies",
    "organisation_number_check_digit",
    "organisation_numbers",
    "organisations",
    "patients",
    "persons",
    "roles",
    "shaped_threads",
    "threads",
    "xml_text",
]
