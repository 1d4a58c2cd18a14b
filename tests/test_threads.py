"""The library in threads: every report, receipt and model the same as in one thread.

libxml2 validates without Python's lock, so a schema shared between threads mixes their errors (an invalid message
reported valid, one message given another's errors). These tests run many threads over a mix of valid and invalid
messages whose faults differ, and compare every result with the one thread's.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from paths import EXAMPLES, ROOT

import dmtool
from dmtool import apprec
from dmtool.xml import xsd

THREADS = 8
RUNS = 10_000


def _mutants(data: bytes) -> list[bytes]:
    """``data`` and variants of it that break the schema in different ways (each its own errors), or carry a
    timestamp that only libxml2's own reading of xs:dateTime judges."""
    found = [data]
    for old, new in (
        (b"<MsgHead ", b'<MsgHead foreign="x" '),
        (b"<MsgInfo>", b"<MsgInfo><Unknown/>"),
        (b"<MsgId>", b"<MsgId>  "),
        (b"<GenDate>", b"<GenDate>10000"),
        (b"<GenDate>", b"<GenDate>x"),
        (b"<AppRec ", b'<AppRec other="y" '),
        (b"<Status ", b"<Status X=\"1\" "),
    ):
        if old in data:
            found.append(data.replace(old, new, 1))
    return found


def _corpus() -> list[bytes]:
    files = sorted(EXAMPLES.glob("*.xml")) + sorted((ROOT / "fixtures" / "generated").rglob("*.xml"))
    return [mutant for path in files for mutant in _mutants(Path(path).read_bytes())]


def _outcome(data: bytes) -> object:
    """What the library makes of ``data``: the report, the receipt's status and errors, and the model or the reason
    it cannot be read."""
    report = dmtool.validate(data).to_dict()
    try:
        receipt = dmtool.apprec_for(data)
        answer: object = (receipt.status, [error.code for error in receipt.errors])
    except ValueError as error:
        answer = str(error)
    try:
        model: object = dmtool.parse(data)
    except dmtool.ParseError as error:
        model = str(error)
    return report, answer, model


def _in_threads(inputs: list[bytes], work: Callable[[bytes], object]) -> list[object]:
    """``work`` on each of ``inputs``, spread over :data:`THREADS` threads that start together."""
    results: list[object] = [None] * len(inputs)
    start = threading.Barrier(THREADS)
    failures: list[BaseException] = []

    def run(offset: int) -> None:
        start.wait()
        try:
            for at in range(offset, len(inputs), THREADS):
                results[at] = work(inputs[at])
        except BaseException as error:  # reported below, with the thread's traceback
            failures.append(error)
            raise

    threads = [threading.Thread(target=run, args=(offset,)) for offset in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, failures
    return results


def test_the_corpus_mixes_valid_and_invalid_messages_with_different_errors() -> None:
    reports = [dmtool.validate(data) for data in _corpus()]
    assert sum(report.valid for report in reports) >= 10
    invalid = {tuple(issue.message for issue in report.issues) for report in reports if not report.valid}
    assert len(invalid) >= 50


@pytest.mark.slow
def test_threads_give_the_reports_receipts_and_models_of_one_thread() -> None:
    corpus = _corpus()
    expected = {data: _outcome(data) for data in corpus}
    inputs = random.Random(18).choices(corpus, k=RUNS)
    got = _in_threads(inputs, _outcome)
    wrong = [at for at, (data, result) in enumerate(zip(inputs, got, strict=True)) if result != expected[data]]
    assert not wrong, f"{len(wrong)} of {RUNS} results differ from one thread's, first at {wrong[0]}"


def test_threads_check_receipts_as_one_thread_does() -> None:
    receipts = [data for data in _corpus() if b"AppRec" in data[:400]]
    assert receipts

    def check(data: bytes) -> object:
        try:
            verdict = dmtool.check_apprec(apprec.parse_apprec(data))
        except dmtool.ParseError as error:
            return str(error)
        return verdict.to_dict()

    expected = {data: check(data) for data in receipts}
    inputs = random.Random(1).choices(receipts, k=RUNS // 10)
    assert _in_threads(inputs, check) == [expected[data] for data in inputs]


def test_a_schema_is_lent_to_one_thread_at_a_time() -> None:
    with xsd.borrowed("msghead") as first, xsd.borrowed("msghead") as second:
        assert first is not second
    with xsd.borrowed("msghead") as again:
        assert again in (first, second)


@pytest.mark.parametrize("name", [*xsd.SCHEMA_SETS, xsd.BUILT_IN])
def test_every_schema_set_compiles_for_a_caller_alone(name: str) -> None:
    assert xsd.compile_set(name) is not xsd.compile_set(name)
