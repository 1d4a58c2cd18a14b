"""tools/bench.py: the work its instruction counts run in valgrind's child processes does what the lines say, and
the lines of issue 22 run on tiny corpora.

The benchmark is run by hand (figures: docs/development/benchmark.md); this only keeps its counted work from breaking
unseen, since valgrind would report a broken child only as a failed count, and its in-process lines, the corpora that
look like real traffic and their targets from breaking (the figures of such tiny runs mean nothing; none is checked).
The made-up clinical text is checked to hold the heuristics' words at the rates ``tools/clinical_text.py`` says.
"""

from __future__ import annotations

import random
import sys

import pytest
from paths import EXAMPLES, GENERATED, REFERENCE_EXAMPLES, ROOT

import dmtool
from dmtool.rules import advice, textscan

sys.path.insert(0, str(ROOT / "tools"))
import bench
import clinical_text

MESSAGES = sorted(EXAMPLES.glob("*.xml"))
VALID = [path for path in MESSAGES if path.name.startswith(("foresporsel", "helsefaglig", "notat"))]


@pytest.mark.parametrize("line", sorted(bench.COUNTED))
def test_each_counted_line_handles_every_message_it_is_given(line, tmp_path):
    paths = VALID if bench.COUNTED[line][1] else MESSAGES
    assert bench.ready(line, [path.read_bytes() for path in paths])() == len(paths)
    listing = tmp_path / "listing.txt"
    listing.write_text("".join(f"{path}\n" for path in paths))
    assert bench.main(["--count-child", line, "--rounds", "2", "--listing", str(listing)]) == 0


def test_the_floor_and_the_pipeline_agree_on_the_examples():
    data = [path.read_bytes() for path in VALID]
    assert bench.floor(data) == [True] * len(data)
    assert bench.pipeline(data) == len(data)


# -- issue 22: lines in CPU and wall time, and the corpora that look like real traffic ------------------------------

GENERATED_MESSAGES = [path.read_bytes() for path in sorted(GENERATED.glob("*.xml"))]
VALID_GENERATED = [data for data in GENERATED_MESSAGES if dmtool.validate(data).valid]
TINY = bench.Plan(files=10, small_set=2, in_process=12, xmlschema_sample=2, huge_mb=1, repeat=1, corpus=4)


def test_each_line_is_reported_in_wall_and_cpu_time(capsys):
    rates = bench.measure_rates(bench.Bench(), [("x", "some work", lambda: sum(range(100_000)) and 7)], 2)
    assert rates[0].wall > 0 and rates[0].cpu > 0
    line = capsys.readouterr().out
    assert "7 msgs" in line and "msg/s  CPU" in line


def test_in_process_prints_the_fixture_ratio_and_to_xml_per_core_with_their_targets():
    measured = bench.Bench()
    bench.in_process(measured, TINY, GENERATED_MESSAGES[: TINY.in_process], VALID_GENERATED)
    assert {"i_fixtures_ratio", "a_floor", "b_validate", "c_xmlschema", "d_to_xml"} <= set(measured.results)
    assert measured.results["d_to_xml"]["cpu_per_second"] > 0
    verdicts = {target.what: target.verdict for target in measured.targets}
    for what in (
        "(i) fixtures: (b) >= 0.45 x (a), CPU",
        "(d) >= 4,000 messages/s per core, CPU",
        "(b) >= 20 x (c), per message, CPU",
    ):
        assert verdicts[what] in ("PASS", "MISS")


def test_every_real_traffic_corpus_is_measured_with_its_ratio_and_targets(capsys):
    measured = bench.Bench()
    bench.real_traffic(measured, TINY, GENERATED_MESSAGES, VALID_GENERATED)
    names = ["text_300", "text_1000", "text_3000", "apprecs", "families"]
    if REFERENCE_EXAMPLES:
        names.append("examples")
    for name in names:
        for line in ("floor", "validate"):
            assert measured.results[f"i_{name}_{line}"]["messages"] >= TINY.corpus
        assert measured.results[f"i_{name}_ratio"]["cpu_ratio"] > 0
    verdicts = {target.what: target.verdict for target in measured.targets}
    assert verdicts["(i) text-3000: (b) >= 0.35 x (a), CPU"] in ("PASS", "MISS")
    assert verdicts["(i) apprecs: (b) >= 0.4 x (a), CPU"] in ("PASS", "MISS")
    assert "text-3000: 4 messages, free text 3," in capsys.readouterr().out


def test_the_text_corpora_are_valid_messages_with_text_of_about_the_length():
    models = [dmtool.parse(path.read_bytes()) for path in VALID]
    for length in bench.TEXT_LENGTHS:
        for data in bench.text_corpus(models, length, 2 * len(models)):
            report = dmtool.validate(data)
            assert report.valid, report.errors
            assert length <= len(bench.with_text_of(data)) <= length + 120  # at most a sentence more


def test_the_made_up_text_holds_the_heuristics_words_at_the_rates_it_says():
    rng = random.Random(7)
    texts = [clinical_text.clinical_text(rng, 1_000) for _ in range(400)]

    def share(search: textscan.Search) -> float:
        return sum(bool(search.find(text)) for text in texts) / len(texts)

    assert share(advice._SIGNATURE) >= clinical_text.SIGNATURE_RATE - 0.05
    assert share(advice._CONTEXT) >= 0.95  # about four sentences in ten name one, and a text has about ten
    assert 0.01 <= share(advice._URGENT) <= 3 * clinical_text.URGENT_RATE
    greeted = sum(bool(advice._GREETING.search(text)) for text in texts) / len(texts)
    assert abs(greeted - clinical_text.GREETING_RATE) <= 0.07
    mixed = sum(len(advice.fagomrader(text)) > 1 for text in texts) / len(texts)
    assert 0.01 <= mixed <= clinical_text.FAGOMRADE_RATE  # a text sometimes names two fagområder


def test_parse_against_xsdata_has_a_target_or_says_why_not(tmp_path, monkeypatch):
    measured = bench.Bench()
    monkeypatch.setattr(bench, "xsdata_parser", lambda work: (None, "xsdata is not installed"))
    bench.parse_line(measured, TINY, VALID_GENERATED, tmp_path)
    assert measured.targets[-1].verdict == "n/a"
    monkeypatch.setattr(bench, "xsdata_parser", lambda work: (dmtool.parse, ""))
    bench.parse_line(measured, TINY, VALID_GENERATED, tmp_path)
    assert measured.targets[-1].verdict in ("PASS", "MISS") and "h_xsdata" in measured.results


def test_xsdata_bindings_parse_the_valid_messages(tmp_path):
    pytest.importorskip("xsdata")
    parse, why_not = bench.xsdata_parser(tmp_path)
    assert parse is not None, why_not
    assert all(type(parse(data)).__name__ == "MsgHead" for data in VALID_GENERATED)
