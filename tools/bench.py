"""Benchmark dmtool against the floor (lxml parse + XSD alone) and against xmlschema (issue 7).

Generates a mixed corpus with ``dmtool fixtures`` (kinds, Dialogmelding 1.0 and 1.1, most files breaking one hard
rule) into a temporary folder, then measures on this machine, in one run:

(a) the floor: safe ``lxml.etree.fromstring`` + XSD validation with dmtool's compiled schemas, nothing else;
(b) ``dmtool.validate(bytes)``: parse, XSD, every rule, the report;
(c) xmlschema (the pure-Python route): ``XMLSchema`` built once, ``is_valid`` per message, on a sample;
(d) ``dmtool.to_xml`` for the parsed models of the valid messages;
(e) ``dmtool.apprec_for(bytes)`` + ``dmtool.apprec.to_xml``;
(f) ``dmtool validate DIR --format json`` as a subprocess, one worker and all cores, taking turns, best of two, and
    whether the order is the same;
(g) peak memory of ``dmtool validate`` for a small and the whole corpus, and for one huge message (a 20 MB text body,
    a 20 MB base64 attachment, a 20 MB attribute value);
(h) ``dmtool.parse`` of the valid messages against xsdata's parse with bindings generated from dmtool's schemas (when
    xsdata is installed: ``pip install 'xsdata[cli,lxml]'``);
(i) (a) and (b) again on corpora that look like real traffic (issue 22): messages whose free text is about 300, 1,000
    and 3,000 characters of made-up clinical Norwegian (``tools/clinical_text.py``), the official examples (from
    ``../shared/reference/examples``, when it is there), AppRecs (the receipts of the corpus), and the messages of every
    family of real traffic (``fixtures/families``); each with the ratio of (b) to (a);
and the wall time of ``dmtool validate`` on one small file, start-up included. After (b) it prints where (b)'s time
goes per message (loading, schema, the rules' facts, the rules), the facts and rules of 20 messages repeated on a warm
cache, and (b) once more without the rules' facts and rules: how far any speed-up of the rules alone could take (b).

The in-process lines, (a) to (e), (h) and (i), print their rates in wall-clock time and in the CPU time of this
process (which a busy machine disturbs less); the targets of issue 22 are judged in CPU time. Each line prints its
target and PASS or MISS. A benchmark prints; it does not assert (exit 0 whatever the figures).
Run from the project root with the development virtual environment:

    .venv/bin/python tools/bench.py [--quick] [--out-json FILE]

Timings on a shared machine vary from run to run. ``--instructions`` measures nothing else: it counts with valgrind
(callgrind) the instructions (a), (b), (b) without the rules and (d) cost per message, which are the same on every
run of the same code, to compare two commits:

    .venv/bin/python tools/bench.py --instructions [--out-json FILE]
"""

from __future__ import annotations

import argparse
import base64
import dataclasses
import datetime as dt
import functools
import importlib
import itertools
import json
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Final
from unittest import mock

import xmlschema
from clinical_text import clinical_text
from lxml import etree

import dmtool
from dmtool import apprec, rules, validation
from dmtool.dialog.model import Foresporsel
from dmtool.rules.facts import Facts
from dmtool.standards import namespaces as ns
from dmtool.xml import loader, xsd

ROOT: Final = Path(__file__).resolve().parents[1]
MSGHEAD_DIALOG_XSD: Final = ROOT / "schemas" / "msghead-dialog.xsd"
SMALL_FILE: Final = ROOT / "fixtures" / "examples" / "foresporsel-1.0.xml"
HUGE_BASE: Final = ROOT / "fixtures" / "examples" / "helsefaglig-1.1.xml"
#: The official examples (``../shared/reference``, beside the checkout; not part of the project) and the families.
OFFICIAL_EXAMPLES: Final = ROOT.parent / "shared" / "reference" / "examples"
FAMILIES: Final = ROOT / "fixtures" / "families"
#: The lengths of free text of the text corpora of (i), in characters.
TEXT_LENGTHS: Final = (300, 1_000, 3_000)
#: Issue 22's targets for (b) / (a) in CPU time, by corpus of (i).
RATIO_TARGETS: Final = {"fixtures": 0.45, "text-3000": 0.35, "apprecs": 0.4}
GNU_TIME: Final = Path("/usr/bin/time")
MB: Final = 1_000_000

#: Which compiled schema set validates a root element, by its tag (the floor's only "logic").
SCHEMA_OF_ROOT: Final = {
    f"{{{ns.MSGHEAD}}}MsgHead": "msghead",
    f"{{{ns.APPREC_10}}}AppRec": "apprec-1.0",
    f"{{{ns.APPREC_11}}}AppRec": "apprec-1.1",
}


@dataclass(frozen=True)
class Plan:
    """How much to measure."""

    files: int  # corpus size: (f) and the large side of (g)
    small_set: int  # the small side of (g)
    in_process: int  # messages for (a), (b) and (e)
    xmlschema_sample: int  # messages for (c)
    huge_mb: int  # size of the huge messages of (g)
    repeat: int  # in-process measurements and huge messages: best of this many passes
    corpus: int  # messages in each corpus of (i)


FULL: Final = Plan(
    files=20_000, small_set=1_000, in_process=5_000, xmlschema_sample=2_000, huge_mb=20, repeat=3, corpus=1_000
)
QUICK: Final = Plan(files=2_000, small_set=100, in_process=1_000, xmlschema_sample=300, huge_mb=5, repeat=2, corpus=300)


@dataclass(frozen=True)
class Target:
    what: str
    measured: str
    met: bool | None  # None: could not be measured

    @property
    def verdict(self) -> str:
        return "n/a" if self.met is None else "PASS" if self.met else "MISS"


@dataclass(frozen=True)
class Run:
    """One subprocess: wall time (s), peak resident set size of its largest process (KiB), exit status, and the CPU
    time (user + system, s) of it and of the processes it waited for (its workers), when it could be read."""

    wall: float
    peak_kib: int | None
    returncode: int
    cpu: float | None = None


class Bench:
    """Collects the figures (for ``--out-json``) and the targets while printing them."""

    def __init__(self) -> None:
        self.results: dict[str, Any] = {}
        self.targets: list[Target] = []

    def measure(self, key: str, label: str, text: str, **figures: Any) -> None:
        self.results[key] = figures
        print(f"{label:<52} {text}", flush=True)

    def target(self, what: str, measured: str, met: bool | None) -> None:
        target = Target(what, measured, met)
        self.targets.append(target)
        print(f"{'':6}target {what:<48} measured {measured:<34} {target.verdict}", flush=True)

    def note(self, text: str) -> None:
        print(f"{'':6}{text}", flush=True)


# -- helpers ----------------------------------------------------------------------------------------------------------


#: One line of :func:`measure_rates`: its key, its label, and the work (which returns how many messages it handled).
Measured = tuple[str, str, Callable[[], int]]
#: The shortest time counted: a clock's tick, so that a tiny workload gives a rate, not a division by zero.
TICK: Final = 1e-9


@dataclass(frozen=True)
class Rate:
    """Messages per second of one line: in wall-clock time, and in the CPU time of this process."""

    wall: float
    cpu: float


def measure_rates(bench: Bench, lines: Sequence[Measured], repeat: int) -> list[Rate]:
    """Run each line's work ``repeat`` times, taking turns, so that a slow spell of the machine falls on all of them
    alike; print each line with its best messages/s in wall-clock and in CPU time, and return those rates in order."""
    walls, cpus, counts = [float("inf")] * len(lines), [float("inf")] * len(lines), [0] * len(lines)
    for _ in range(max(1, repeat)):
        for at, (_, _, work) in enumerate(lines):
            start, start_cpu = time.perf_counter(), time.process_time()
            counts[at] = work()
            cpus[at] = min(cpus[at], max(TICK, time.process_time() - start_cpu))
            walls[at] = min(walls[at], max(TICK, time.perf_counter() - start))
    rates = [Rate(count / wall, count / cpu) for count, wall, cpu in zip(counts, walls, cpus, strict=True)]
    for (key, label, _), count, wall, cpu, rate in zip(lines, counts, walls, cpus, rates, strict=True):
        bench.measure(
            key,
            label,
            f"{count:>6,} msgs  {rate.wall:>9,.0f} msg/s  CPU {rate.cpu:>9,.0f} msg/s",
            messages=count,
            seconds=wall,
            per_second=rate.wall,
            cpu_seconds=cpu,
            cpu_per_second=rate.cpu,
        )
    return rates


def measure_rate(bench: Bench, key: str, label: str, work: Callable[[], int], repeat: int) -> Rate:
    """:func:`measure_rates` for one line."""
    return measure_rates(bench, [(key, label, work)], repeat)[0]


def dmtool_command() -> Path:
    """The ``dmtool`` script of the environment running this benchmark (``.venv/bin/dmtool``)."""
    beside = Path(sys.executable).with_name("dmtool")
    return beside if beside.exists() else ROOT / ".venv" / "bin" / "dmtool"


def run_measured(command: Sequence[str | Path], stdout: Path | None = None) -> Run:
    """Run ``command`` with standard output to ``stdout`` (default /dev/null): wall time and peak memory.

    Peak memory is GNU time's "Maximum resident set size" when /usr/bin/time exists, otherwise the ``ru_maxrss`` of
    ``RUSAGE_CHILDREN`` read in a fresh Python process that runs the command. Both give the largest single process of
    the tree (with worker processes: the largest worker or the parent, not their sum). CPU time is the user and
    system time either reports: the whole tree's, the workers included.
    """
    with tempfile.NamedTemporaryFile(suffix=".rss", delete=False) as handle:
        rss_file = Path(handle.name)
    if GNU_TIME.exists():
        wrapped: list[str | Path] = [GNU_TIME, "-v", "-o", rss_file, *command]
    else:
        child = (
            "import resource, subprocess, sys; rc = subprocess.call(sys.argv[2:]); "
            "usage = resource.getrusage(resource.RUSAGE_CHILDREN); "
            "open(sys.argv[1], 'w').write(f'Maximum resident set size (kbytes): {usage.ru_maxrss}\\n"
            "User time (seconds): {usage.ru_utime}\\nSystem time (seconds): {usage.ru_stime}\\n'); sys.exit(rc)"
        )
        wrapped = [sys.executable, "-c", child, rss_file, *command]
    try:
        with open(stdout or os.devnull, "wb") as out:
            start = time.perf_counter()
            completed = subprocess.run([str(part) for part in wrapped], stdout=out, stderr=subprocess.PIPE)
            wall = time.perf_counter() - start
        told = rss_file.read_text()
    finally:
        rss_file.unlink(missing_ok=True)
    found = re.search(r"Maximum resident set size \(kbytes\): (\d+)", told)
    times = [re.search(rf"{kind} time \(seconds\): ([\d.]+)", told) for kind in ("User", "System")]
    cpu = sum(float(told_time.group(1)) for told_time in times if told_time) if all(times) else None
    return Run(wall, int(found.group(1)) if found else None, completed.returncode, cpu)


def best_runs(commands: Sequence[Sequence[str | Path]], times: int, stdout: Path | None = None) -> list[Run]:
    """Each command run ``times`` times, the commands taking turns (so that a slow spell of the machine falls on all
    of them alike): for each, its fastest run, with the highest peak memory seen in any of its runs."""
    runs: list[list[Run]] = [[] for _ in commands]
    for _ in range(times):
        for command, seen in zip(commands, runs, strict=True):
            seen.append(run_measured(command, stdout))
    best = []
    for seen in runs:
        peaks = [run.peak_kib for run in seen if run.peak_kib is not None]
        fastest = min(seen, key=lambda run: run.wall)
        best.append(Run(fastest.wall, max(peaks) if peaks else None, fastest.returncode, fastest.cpu))
    return best


def best_run(command: Sequence[str | Path], times: int, stdout: Path | None = None) -> Run:
    """:func:`best_runs` for one command."""
    return best_runs([command], times, stdout)[0]


def cpu_seconds(run: Run) -> str:
    """The CPU time of ``run`` for a line: ``CPU 1.23 s``, or ``CPU ?`` when it could not be read."""
    return "CPU ?" if run.cpu is None else f"CPU {run.cpu:.2f} s"


def mib(kib: int | None) -> str:
    return "?" if kib is None else f"{kib / 1024:,.0f} MiB"


def ratio_target(what: str, ratio: float, needed: float) -> tuple[str, str, bool]:
    return what, f"{ratio:,.2f} x", ratio >= needed


def machine() -> dict[str, Any]:
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    found_model = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.MULTILINE)
    memory = ""
    if Path("/proc/meminfo").exists():
        found = re.search(r"MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text())
        memory = f"{int(found.group(1)) / 1024 / 1024:.1f} GiB" if found else ""
    git = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "src"], capture_output=True, text=True)
    commit = git.stdout.strip() or "?"
    return {
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "cores": os.cpu_count(),
        "cpu": found_model.group(1).strip() if found_model else platform.processor(),
        "memory": memory,
        "python": platform.python_version(),
        "lxml": etree.__version__,
        "libxml2": ".".join(map(str, etree.LIBXML_VERSION)),
        "xmlschema": xmlschema.__version__,
        "dmtool": dmtool.__version__,
        "commit": commit + (" + uncommitted changes in src/" if dirty.stdout.strip() else ""),
        "load_average": os.getloadavg(),
    }


# -- the corpus and the huge messages -------------------------------------------------------------------------------


def generate(folder: Path, count: int) -> tuple[float, list[dict[str, Any]]]:
    """``dmtool fixtures`` into ``folder``: seconds taken and the manifest's file entries."""
    command = [dmtool_command(), "fixtures", "--out", folder, "--count", str(count), "--seed", "1", "--invalid", "all"]
    start = time.perf_counter()
    subprocess.run([str(part) for part in command], check=True, capture_output=True)
    seconds = time.perf_counter() - start
    files: list[dict[str, Any]] = json.loads((folder / "manifest.json").read_text())["files"]
    return seconds, files


def subset(corpus: Path, names: Sequence[str], folder: Path) -> Path:
    """A folder holding hard links to (or copies of) the files ``names`` of ``corpus``."""
    folder.mkdir()
    for name in names:
        try:
            os.link(corpus / name, folder / name)
        except OSError:
            shutil.copyfile(corpus / name, folder / name)
    return folder


def huge_text_message(size: int) -> bytes:
    """The helsefaglig example with a TekstNotatInnhold of plain Norwegian text making the message ``size`` bytes."""
    base = HUGE_BASE.read_bytes()
    start = base.index(b"<TekstNotatInnhold>") + len(b"<TekstNotatInnhold>")
    end = base.index(b"</TekstNotatInnhold>")
    sentences = (
        "Pasienten ble innlagt med pneumoni og har fått antibiotika intravenøst i fem døgn. ",
        "Blodtrykk 135/85 mmHg, puls 78, SpO2 93 % på romluft, temperatur 37,4. ",
        "Hun trenger hjelp med oksygenutstyr og medisiner morgen og kveld etter utskrivning.\n",
    )
    unit = "".join(sentences).encode("utf-8")
    room = size - (len(base) - (end - start))
    text = (unit * (room // len(unit) + 1))[:room]
    while text and text[-1] & 0xC0 == 0x80:  # do not cut a UTF-8 sequence in two
        text = text[:-1]
    return base[:start] + text + base[end:]


def huge_attachment_message(size: int) -> bytes:
    """The helsefaglig example with a second Document: a PDF attachment as ``size`` bytes of message in all."""
    base = HUGE_BASE.read_bytes()
    head = (
        b'  <Document>\n    <RefDoc>\n      <MsgType V="A" DN="Vedlegg"/>\n'
        b"      <MimeType>application/pdf</MimeType>\n      <Content>\n"
        b'        <Base64Container xmlns="' + ns.BASE64.encode() + b'">'
    )
    tail = b"</Base64Container>\n      </Content>\n    </RefDoc>\n  </Document>\n"
    room = size - len(base) - len(head) - len(tail)
    raw = b"%PDF-1.7\n" + random.Random(1).randbytes(room * 3 // 4)
    payload = base64.b64encode(raw)[: room // 4 * 4]
    cut = base.rindex(b"</MsgHead>")
    return base[:cut] + head + payload + tail + base[cut:]


def huge_attribute_message(size: int) -> bytes:
    """The helsefaglig example with one attribute (the first code list OID) of digits ending in a letter, making the
    message ``size`` bytes: the shape the official OID pattern took libxml2 quadratic time over."""
    base = HUGE_BASE.read_bytes()
    start = base.index(b'S="') + len(b'S="')
    end = base.index(b'"', start)
    return base[:start] + b"1" * (size - len(base) + (end - start) - 1) + b"x" + base[end:]


# -- the measurements -----------------------------------------------------------------------------------------------


def floor(messages: Sequence[bytes]) -> list[bool]:
    """(a): safe parse + XSD validation, nothing else; one verdict per message."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    verdicts = []
    for data in messages:
        root = etree.fromstring(data, parser)
        verdicts.append(SCHEMAS[SCHEMA_OF_ROOT.get(str(root.tag), "msghead")].validate(root))
    return verdicts


def stages(bench: Bench, sample: Sequence[bytes]) -> None:
    """Where (b)'s time goes, per message of ``sample``, and its facts and rules again on a warm cache."""
    spent = dict.fromkeys(("load", "xsd", "facts", "rules"), 0)
    few: list[tuple[etree._Element, int]] = []  # the first 20 messages the rules ran on, and their time on each
    clock = time.perf_counter_ns
    for data in sample:
        start = clock()
        try:
            loaded = loader.load(data)
        except loader.LoadError:
            continue
        loaded_at = clock()
        spent["load"] += loaded_at - start
        if loaded.schema_set is not None:
            SCHEMAS[loaded.schema_set].validate(loaded.element)
        checked_at = clock()
        spent["xsd"] += checked_at - loaded_at
        if loaded.kind == "msghead" and not loaded.problems:
            found = Facts(loaded.element)
            read_at = clock()
            rules.evaluate(found)
            done = clock()
            spent["facts"] += read_at - checked_at
            spent["rules"] += done - read_at
            if len(few) < 20:  # keep only these trees alive
                few.append((loaded.element, done - checked_at))
    per = {step: total / len(sample) / 1000 for step, total in spent.items()}
    text = "  ".join(f"{step} {micros:>4.0f}" for step, micros in per.items())
    bench.measure("b_stages", "(b) per message in the pipeline, µs", text, **{f"{k}_us": v for k, v in per.items()})
    rounds = 50
    start = clock()
    for _ in range(rounds):
        for element, _ in few:
            rules.evaluate(Facts(element))
    warm = (clock() - start) / rounds / len(few) / 1000
    cold = sum(taken for _, taken in few) / len(few) / 1000
    bench.measure(
        "b_warm",
        "(b) facts + rules, 20 messages again and again, µs",
        f"{warm:>4.0f}  (the same 20 in the pipeline: {cold:.0f}, {cold / warm:.1f} x)",
        warm_us=warm,
        pipeline_us=cold,
    )


def rules_budget(bench: Bench, rates: Sequence[float]) -> None:
    """What the rules' facts and the rules cost per message, from the rates of (a), (b) and (b) without them, and
    what they may cost for (b) to reach 0.6 x (a)."""
    rate_a, rate_b, rate = rates
    spent = (1 / rate_b - 1 / rate) * 1e6
    allowed = (1 / (0.6 * rate_a) - 1 / rate) * 1e6
    bench.measure(
        "b_rules_budget",
        "(b) facts + rules per message, µs",
        f"{spent:>4.0f}  (at most {allowed:.0f} for 0.6 x (a); without them (b) is {rate / rate_a:.2f} x (a))",
        spent_us=spent,
        allowed_us=allowed,
        without_rules_ratio=rate / rate_a,
    )


def pipeline(messages: Sequence[bytes]) -> int:
    """(b): ``dmtool.validate`` on each message; how many."""
    for data in messages:
        dmtool.validate(data)
    return len(messages)


def pipeline_without_rules(messages: Sequence[bytes]) -> int:
    """(b) with ``Facts`` made to give nothing: no facts are read and no rule runs."""
    with mock.patch.object(validation, "Facts", lambda *_: None):
        return pipeline(messages)


def to_xml_all(models: Sequence[dmtool.Message]) -> int:
    """(d): ``dmtool.to_xml`` on each model; how many."""
    for model in models:
        dmtool.to_xml(model)
    return len(models)


#: The floor's compiled schema sets, by name (the benchmark runs in one thread): see :func:`compile_schemas`.
SCHEMAS: Final[dict[str, etree.XMLSchema]] = {}


def compile_schemas() -> None:
    """Compile every schema set for the floor, and once through dmtool, so that no measurement counts it."""
    for name in SCHEMA_OF_ROOT.values():
        SCHEMAS[name] = xsd.compile_set(name)
        with xsd.borrowed(name):
            pass


def in_process(bench: Bench, plan: Plan, sample: list[bytes], valid: list[bytes]) -> None:
    compile_schemas()
    dmtool.validate(sample[0])

    rates = measure_rates(
        bench,
        [
            ("a_floor", "(a) floor: lxml parse + XSD", lambda: len(floor(sample))),
            ("b_validate", "(b) dmtool.validate: parse, XSD, rules, report", lambda: pipeline(sample)),
            ("b_without_rules", "(b) without the rules' facts and rules", lambda: pipeline_without_rules(sample)),
        ],
        plan.repeat,
    )
    rate_a, rate_b = (rate.wall for rate in rates[:2])
    bench.target(*ratio_target("(b) >= 0.6 x (a), one core", rate_b / rate_a, 0.6))
    corpus_ratio(bench, "fixtures", rates[0], rates[1])
    rules_budget(bench, [rate.wall for rate in rates])
    stages(bench, sample)

    start = time.perf_counter()
    schema = xmlschema.XMLSchema(str(MSGHEAD_DIALOG_XSD))
    build = time.perf_counter() - start
    subsample = sample[: plan.xmlschema_sample]
    start, start_cpu = time.perf_counter(), time.process_time()
    xs_verdicts = [schema.is_valid(data) for data in subsample]
    seconds, cpu = max(TICK, time.perf_counter() - start), max(TICK, time.process_time() - start_cpu)
    rate_c, rate_c_cpu = len(subsample) / seconds, len(subsample) / cpu
    agree = sum(x == y for x, y in zip(xs_verdicts, floor(subsample), strict=True))
    bench.measure(
        "c_xmlschema",
        "(c) xmlschema is_valid (schema built once)",
        f"{len(subsample):>6,} msgs  {rate_c:>9,.0f} msg/s  CPU {rate_c_cpu:>9,.0f} msg/s",
        messages=len(subsample),
        seconds=seconds,
        per_second=rate_c,
        cpu_seconds=cpu,
        cpu_per_second=rate_c_cpu,
        schema_build_seconds=build,
        agrees_with_lxml=agree,
    )
    bench.note(
        f"schema built in {build:.2f} s (not counted); verdicts agree with lxml on {agree:,} of {len(subsample):,}"
    )
    bench.target(*ratio_target("(b) >= 20 x (c), per message", rate_b / rate_c, 20))
    bench.target(*ratio_target("(b) >= 20 x (c), per message, CPU", rates[1].cpu / rate_c_cpu, 20))

    models = [dmtool.parse(data) for data in valid]
    label = "(d) dmtool.to_xml (valid messages, parsed models)"
    rate_d = measure_rate(bench, "d_to_xml", label, lambda: to_xml_all(models), plan.repeat)
    bench.target("(d) >= 5,000 messages/s", f"{rate_d.wall:,.0f} msg/s", rate_d.wall >= 5_000)
    bench.target("(d) >= 4,000 messages/s per core, CPU", f"{rate_d.cpu:,.0f} msg/s", rate_d.cpu >= 4_000)

    refused = 0

    def receipts() -> int:
        nonlocal refused
        refused = 0
        for data in sample:
            try:
                apprec.to_xml(dmtool.apprec_for(data))
            except ValueError:  # parties that cannot be read (the CLI then asks for --sender-her/--receiver-her)
                refused += 1
        return len(sample)

    measure_rate(bench, "e_apprec", "(e) dmtool.apprec_for + apprec.to_xml", receipts, plan.repeat)
    if refused:
        bench.note(f"{refused:,} messages refused with ValueError (parties unreadable); counted in the rate")


def corpus_ratio(bench: Bench, name: str, floor_rate: Rate, validate_rate: Rate) -> None:
    """The line of (b) / (a) on the corpus ``name``, in CPU and in wall-clock time, and its target when issue 22 set
    one (:data:`RATIO_TARGETS`, judged in CPU time)."""
    cpu, wall = validate_rate.cpu / floor_rate.cpu, validate_rate.wall / floor_rate.wall
    key = name.replace("-", "_")
    text = f"{cpu:>6.2f} x in CPU time, {wall:.2f} x in wall time"
    bench.measure(f"i_{key}_ratio", f"(i) {name}: (b) / (a)", text, cpu_ratio=cpu, wall_ratio=wall)
    if name in RATIO_TARGETS:
        bench.target(*ratio_target(f"(i) {name}: (b) >= {RATIO_TARGETS[name]} x (a), CPU", cpu, RATIO_TARGETS[name]))


def with_text(message: dmtool.Message, text: str) -> dmtool.Message:
    """``message`` with ``text`` as its free text: the question of a forespørsel, the text of a notat."""
    body = message.body
    if isinstance(body, Foresporsel):
        return dataclasses.replace(message, body=dataclasses.replace(body, question=text))
    return dataclasses.replace(message, body=dataclasses.replace(body, text=text))


def with_text_of(data: bytes) -> str:
    """The free text of a message of a text corpus (as :func:`with_text` put it)."""
    body = dmtool.parse(data).body
    return (body.question if isinstance(body, Foresporsel) else body.text) or ""


def text_corpus(models: Sequence[dmtool.Message], length: int, count: int) -> list[bytes]:
    """``count`` messages: the ``models`` in turn, each with about ``length`` characters of made-up clinical text
    (:func:`clinical_text.clinical_text`, seeded: the same messages on every run)."""
    rng = random.Random(length)
    return [
        dmtool.to_xml(with_text(model, clinical_text(rng, length)))
        for model in itertools.islice(itertools.cycle(models), count)
    ]


def apprec_corpus(messages: Sequence[bytes], count: int) -> list[bytes]:
    """``count`` AppRecs: the receipts ``dmtool.apprec_for`` writes for ``messages`` (OK and rejecting alike), in
    turn; messages whose parties cannot be read give none."""
    receipts: list[bytes] = []
    for data in messages:
        if len(receipts) == count:
            break
        try:
            receipts.append(apprec.to_xml(dmtool.apprec_for(data)))
        except ValueError:
            continue
    return receipts


def file_corpus(paths: Sequence[Path], count: int) -> list[bytes]:
    """``count`` messages: the files ``paths`` read in turn (none when there are none)."""
    files = [path.read_bytes() for path in paths]
    return list(itertools.islice(itertools.cycle(files), count)) if files else []


def corpora(
    bench: Bench, plan: Plan, sample: Sequence[bytes], models: Sequence[dmtool.Message]
) -> dict[str, list[bytes]]:
    """The corpora of (i) but the fixtures, by name, ``plan.corpus`` messages each: the text corpora made from
    ``models``, the official examples (when ``../shared/reference`` is there), the AppRecs of ``sample``, the
    families. Prints what each holds."""
    made = {f"text-{length}": text_corpus(models, length, plan.corpus) for length in TEXT_LENGTHS}
    made["examples"] = file_corpus(sorted(OFFICIAL_EXAMPLES.rglob("*.xml")), plan.corpus)
    made["apprecs"] = apprec_corpus(sample, plan.corpus)
    made["families"] = file_corpus(sorted(FAMILIES.rglob("*.xml")), plan.corpus)
    for length in TEXT_LENGTHS:
        texts = [len(with_text_of(data)) for data in made[f"text-{length}"]]
        bench.note(f"text-{length}: {len(texts):,} messages, free text {min(texts):,}-{max(texts):,} characters, "
                   f"{sum(texts) / len(texts):,.0f} on average")  # fmt: skip
    examples = len(list(OFFICIAL_EXAMPLES.rglob("*.xml")))
    families = len(list(FAMILIES.rglob("*.xml")))
    bench.note(f"examples: {examples} official examples in turn" if examples else
               f"examples: none ({OFFICIAL_EXAMPLES} is not there); not measured")  # fmt: skip
    bench.note(f"apprecs: the receipts of the first {len(made['apprecs']):,} messages whose parties can be read; "
               f"families: the {families} files of fixtures/families in turn (one holds four messages)")  # fmt: skip
    return {name: messages for name, messages in made.items() if messages}


def real_traffic(bench: Bench, plan: Plan, sample: Sequence[bytes], valid: Sequence[bytes]) -> None:
    """(i): (a) and (b) on each corpus of :func:`corpora`, taking turns, and their ratio."""
    models = [dmtool.parse(data) for data in valid[:200]]
    for name, messages in corpora(bench, plan, sample, models).items():
        key = f"i_{name.replace('-', '_')}"
        lines: list[Measured] = [
            (f"{key}_floor", f"(i) {name}: (a) floor", functools.partial(count_floor, messages)),
            (f"{key}_validate", f"(i) {name}: (b) dmtool.validate", functools.partial(pipeline, messages)),
        ]
        floor_rate, validate_rate = measure_rates(bench, lines, plan.repeat)
        corpus_ratio(bench, name, floor_rate, validate_rate)


def count_floor(messages: Sequence[bytes]) -> int:
    """(a) on ``messages``; how many."""
    return len(floor(messages))


def xsdata_parser(work: Path) -> tuple[Callable[[bytes], object] | None, str]:
    """xsdata's parse of a MsgHead (and the Dialogmelding in it), with bindings ``xsdata generate`` writes from
    dmtool's schemas into ``work``; or ``None`` and why not."""
    try:
        importlib.import_module("xsdata")
    except ImportError:
        return None, "xsdata is not installed: pip install 'xsdata[cli,lxml]'"
    bin_folder = str(Path(sys.executable).parent)  # xsdata formats its code with ruff, of the dev extra
    env = {**os.environ, "PATH": os.pathsep.join((bin_folder, os.environ.get("PATH", "")))}
    command = [sys.executable, "-m", "xsdata", "generate", str(MSGHEAD_DIALOG_XSD), "--package", "xsdata_msghead"]
    completed = subprocess.run(command, cwd=work, env=env, capture_output=True, text=True)
    if completed.returncode != 0:
        return None, f"xsdata generate failed: {(completed.stderr or completed.stdout).strip()[-300:]}"
    sys.path.insert(0, str(work))
    bindings = importlib.import_module("xsdata_msghead")
    parsers = importlib.import_module("xsdata.formats.dataclass.parsers")
    handlers = importlib.import_module("xsdata.formats.dataclass.parsers.handlers")
    parser = parsers.XmlParser(handler=handlers.LxmlEventHandler)
    return functools.partial(parser.from_bytes, clazz=bindings.MsgHead), ""


def parse_line(bench: Bench, plan: Plan, valid: Sequence[bytes], work: Path) -> None:
    """(h): ``dmtool.parse`` of the valid messages, and xsdata's parse of the same when it can be had."""
    messages = valid[: plan.in_process]
    lines: list[Measured] = [("h_parse", "(h) dmtool.parse (valid messages)", lambda: parse_all(messages))]
    xsdata_parse, why_not = xsdata_parser(work)
    if xsdata_parse is not None:
        label = "(h) xsdata parse, bindings from dmtool's schemas"
        lines.append(("h_xsdata", label, lambda: len([xsdata_parse(data) for data in messages])))
    rates = measure_rates(bench, lines, plan.repeat)
    if xsdata_parse is None:
        bench.note(why_not)
        bench.target("(h) parse >= 4 x xsdata parse, CPU", "xsdata not measured", None)
    else:
        bench.target(*ratio_target("(h) parse >= 4 x xsdata parse, CPU", rates[0].cpu / rates[1].cpu, 4))


def parse_all(messages: Sequence[bytes]) -> int:
    """(h): ``dmtool.parse`` on each message; how many."""
    for data in messages:
        dmtool.parse(data)
    return len(messages)


def validate_command(target: Path, jobs: int | None) -> list[str | Path]:
    command: list[str | Path] = [dmtool_command(), "validate", target, "--format", "json"]
    return [*command, "--jobs", str(jobs)] if jobs is not None else command


def paths_in(output: Path) -> list[str]:
    return [json.loads(line)["path"] for line in output.read_text().splitlines() if line.strip()]


def command_line(bench: Bench, plan: Plan, corpus: Path, small: Path, work: Path) -> None:
    cores = os.cpu_count() or 1
    settings = [1, cores]
    best = best_runs([validate_command(corpus, jobs) for jobs in settings], 2)
    runs: dict[int, Run] = dict(zip(settings, best, strict=True))
    for jobs, run in runs.items():
        bench.measure(
            f"f_jobs_{jobs}",
            f"(f) dmtool validate DIR, {plan.files:,} files, --jobs {jobs}",
            f"{run.wall:>6.1f} s  {plan.files / run.wall:>9,.0f} files/s  {cpu_seconds(run)}",
            files=plan.files,
            seconds=run.wall,
            cpu_seconds=run.cpu,
            per_second=plan.files / run.wall,
            peak_kib=run.peak_kib,
            exit_status=run.returncode,
        )
        if run.returncode not in (0, 1):
            bench.note(f"exit status {run.returncode} (expected 1: the corpus has invalid messages)")
    speedup = runs[1].wall / runs[cores].wall
    bench.target(*ratio_target(f"(f) {cores} workers >= 1.7 x 1 worker", speedup, 1.7))
    orders = []
    for jobs in settings:
        output = work / f"order-jobs-{jobs}.jsonl"
        run_measured(validate_command(corpus, jobs), stdout=output)
        orders.append(paths_in(output))
    expected = [str(corpus / name) for name in sorted(p.name for p in corpus.glob("*.xml"))]
    same = all(order == orders[0] for order in orders)
    sorted_order = orders[0] == expected
    bench.results["f_order"] = {"same": same, "input_order": sorted_order, "paths": len(orders[0])}
    bench.target(
        "(f) output order the same",
        f"{len(orders[0]):,} paths, {'same' if same else 'DIFFERENT'}",
        same and sorted_order,
    )
    if not sorted_order:
        bench.note("the path order is not the sorted input order")

    # (g) peak memory, small set against the whole corpus, for every --jobs setting measured above
    for jobs in settings:
        run = run_measured(validate_command(small, jobs))
        large = runs[jobs]
        bench.measure(
            f"g_small_jobs_{jobs}",
            f"(g) dmtool validate DIR, {plan.small_set:,} files, --jobs {jobs}",
            f"{run.wall:>6.1f} s  {cpu_seconds(run)}  peak {mib(run.peak_kib)} ({plan.files:,} files: "
            f"{mib(large.peak_kib)})",
            files=plan.small_set,
            seconds=run.wall,
            cpu_seconds=run.cpu,
            peak_kib=run.peak_kib,
            large_peak_kib=large.peak_kib,
        )
        what = f"(g) peak {plan.files // 1000}k files <= 1.2 x {plan.small_set:,}, --jobs {jobs}"
        if run.peak_kib and large.peak_kib:
            bench.target(what, f"{large.peak_kib / run.peak_kib:.2f} x", large.peak_kib <= 1.2 * run.peak_kib)
        else:
            bench.target(what, "unknown", None)


def huge_messages(bench: Bench, plan: Plan, work: Path, baseline_kib: int | None) -> None:
    size = plan.huge_mb * MB
    cases = {
        "text": huge_text_message(size),
        "attachment": huge_attachment_message(size),
        "attribute": huge_attribute_message(size),
    }
    shapes = {"text": "text body", "attachment": "base64 attachment", "attribute": "attribute value (an OID)"}
    for name, data in cases.items():
        path = work / f"huge-{name}.xml"
        path.write_bytes(data)
        output = work / f"huge-{name}.jsonl"
        run = best_run(validate_command(path, None), plan.repeat, stdout=output)
        report = json.loads(output.read_text())
        rules = sorted({issue["rule"] for issue in report["issues"]})
        start = time.perf_counter()
        dmtool.validate(data)
        inside = time.perf_counter() - start
        label = f"(g) one {len(data) / MB:.0f} MB message, {shapes[name]}"
        verdict = ("valid" if report["valid"] else "invalid") + (f" ({', '.join(rules)})" if rules else "")
        bench.measure(
            f"g_huge_{name}",
            label,
            f"{run.wall:>6.2f} s  {cpu_seconds(run)}  peak {mib(run.peak_kib)}  {verdict}",
            bytes=len(data),
            seconds=run.wall,
            cpu_seconds=run.cpu,
            in_process_seconds=inside,
            peak_kib=run.peak_kib,
            valid=report["valid"],
            rules=rules,
        )
        bench.note(f"dmtool.validate in process: {inside:.2f} s (the command adds start-up and reading the file)")
        bench.target(f"(g) {plan.huge_mb} MB {name}: command < 2 s", f"{run.wall:.2f} s", run.wall < 2)
        if run.peak_kib is None:
            bench.target(f"(g) {plan.huge_mb} MB {name}: peak < 10 x size", "unknown", None)
        else:
            times = run.peak_kib * 1024 / len(data)
            measured = f"{times:.1f} x"
            if baseline_kib is not None:
                measured += f" ({(run.peak_kib - baseline_kib) * 1024 / len(data):.1f} x above a small file)"
            bench.target(f"(g) {plan.huge_mb} MB {name}: peak < 10 x size", measured, times < 10)
        if name == "attachment":
            bench.target(
                "(g) attachment refused by NO-ATTACHMENTS",
                "yes" if "NO-ATTACHMENTS" in rules else "no",
                "NO-ATTACHMENTS" in rules and not report["valid"],
            )


# -- main -------------------------------------------------------------------------------------------------------------


def measure_all(bench: Bench, plan: Plan, work: Path) -> None:
    """Every line and target of the issue, in the folder ``work``."""
    corpus = work / "corpus"
    seconds, entries = generate(corpus, plan.files)
    invalid = sum(entry["verdict"] != "valid" for entry in entries)
    print(
        f"corpus: {len(entries):,} messages from dmtool fixtures --seed 1 --invalid all "
        f"({invalid:,} invalid), made in {seconds:.1f} s\n"
    )
    names = [entry["file"] for entry in entries]
    sample = [(corpus / name).read_bytes() for name in names[: plan.in_process]]
    valid = [(corpus / entry["file"]).read_bytes() for entry in entries if entry["verdict"] == "valid"]
    small = subset(corpus, names[: plan.small_set], work / "small")

    in_process(bench, plan, sample, valid)
    parse_line(bench, plan, valid, work)
    real_traffic(bench, plan, sample, valid)
    command_line(bench, plan, corpus, small, work)

    one = best_run([dmtool_command(), "validate", SMALL_FILE], 5)
    bench.measure(
        "small_file",
        "dmtool validate, one small file (best of 5)",
        f"{one.wall:>6.2f} s  {cpu_seconds(one)}  peak {mib(one.peak_kib)}",
        seconds=one.wall,
        cpu_seconds=one.cpu,
        peak_kib=one.peak_kib,
    )
    bench.target("one small file < 0.5 s wall", f"{one.wall:.2f} s", one.wall < 0.5)
    huge_messages(bench, plan, work, one.peak_kib)


# -- instructions, for comparing commits --------------------------------------------------------------------------

#: The lines ``--instructions`` counts, by key: (label, whether it works on the corpus's valid messages only).
COUNTED: Final = {
    "a": ("(a) floor: lxml parse + XSD", False),
    "b": ("(b) dmtool.validate", False),
    "b_without_rules": ("(b) without the rules' facts and rules", False),
    "d": ("(d) dmtool.to_xml (parsed models)", True),
}
#: Messages per line for ``--instructions``, and the corpus they are taken from (1 file in 11 is valid).
COUNTED_MESSAGES: Final = 100
COUNTED_CORPUS: Final = 1_100


def ready(line: str, messages: Sequence[bytes]) -> Callable[[], int]:
    """The work of ``line`` (a key of :data:`COUNTED`) on ``messages``, made ready: schemas compiled, models parsed."""
    compile_schemas()
    if line == "a":
        return lambda: len(floor(messages))
    if line == "b":
        return lambda: pipeline(messages)
    if line == "b_without_rules":
        return lambda: pipeline_without_rules(messages)
    models = [dmtool.parse(data) for data in messages]
    return lambda: to_xml_all(models)


def count_child(line: str, rounds: int, listing: Path) -> int:
    """What valgrind runs: the work of ``line`` on the files ``listing`` names (one path a line), made ready, then
    done ``rounds`` times."""
    work = ready(line, [Path(name).read_bytes() for name in listing.read_text().splitlines()])
    for _ in range(rounds):
        work()
    return 0


def instructions_per_message(line: str, listing: Path, messages: int) -> float:
    """Instructions ``line`` costs per message: the difference between valgrind's count for a process that does the
    work three times and one that does it once, over twice the messages (start-up and making ready cancel out)."""

    def count(rounds: int) -> int:
        with tempfile.TemporaryDirectory(prefix="dmtool-callgrind-") as temp:
            command = [
                "valgrind",
                "--tool=callgrind",
                f"--callgrind-out-file={Path(temp) / 'out'}",
                sys.executable,
                __file__,
                "--count-child",
                line,
                "--rounds",
                str(rounds),
                "--listing",
                str(listing),
            ]
            same_hashes = {**os.environ, "PYTHONHASHSEED": "0"}  # sets and dicts in the same order on every run
            completed = subprocess.run(command, capture_output=True, text=True, check=True, env=same_hashes)
        found = re.search(r"I\s+refs:\s+([\d,]+)", completed.stderr)
        if found is None:
            raise RuntimeError(f"valgrind gave no count: {completed.stderr[-500:]}")
        return int(found.group(1).replace(",", ""))

    with ThreadPoolExecutor(2) as pool:  # two processes, one for each count; valgrind runs each on one core
        once, thrice = pool.map(count, (1, 3))
    return (thrice - once) / (2 * messages)


def count_instructions(bench: Bench, work: Path) -> None:
    """``--instructions``: instructions per message of (a), (b), (b) without the rules and (d), counted by valgrind
    (callgrind) over :data:`COUNTED_MESSAGES` messages each; the same on every run of the same code and inputs."""
    if shutil.which("valgrind") is None:
        bench.note("valgrind is not installed: no instructions counted (Debian: apt install valgrind)")
        return
    corpus = work / "corpus"
    _, entries = generate(corpus, COUNTED_CORPUS)
    listings = {}
    for valid_only in (False, True):
        chosen = [e["file"] for e in entries if e["verdict"] == "valid" or not valid_only][:COUNTED_MESSAGES]
        listings[valid_only] = work / f"listing-{valid_only}.txt", len(chosen)
        listings[valid_only][0].write_text("".join(f"{corpus / name}\n" for name in chosen))
    print(f"instructions per message, counted by valgrind (callgrind) in {COUNTED_MESSAGES} messages of "
          f"dmtool fixtures --count {COUNTED_CORPUS:,} --seed 1 --invalid all:")  # fmt: skip
    counted = {}
    with ThreadPoolExecutor(max(1, (os.cpu_count() or 2) // 2)) as pool:
        jobs = {
            line: pool.submit(instructions_per_message, line, *listings[valid_only])
            for line, (_, valid_only) in COUNTED.items()
        }
        for line, (label, valid_only) in COUNTED.items():
            counted[line] = jobs[line].result()
            messages = listings[valid_only][1]
            bench.measure(
                f"instructions_{line}",
                label,
                f"{messages:>6,} msgs  {counted[line] / 1e6:>9.2f} M instructions",
                messages=messages,
                instructions=counted[line],
            )
    bench.note(
        f"(a) / (b) in instructions: {counted['a'] / counted['b']:.2f} (what (b) / (a) in messages per second would be "
        "if time followed instructions; Python runs fewer instructions a cycle than libxml2)"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="2,000 files and a 5 MB message, to try it out")
    parser.add_argument("--out-json", type=Path, metavar="FILE", help="also save the figures as JSON")
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="only count the instructions (a), (b), (b) without the rules and (d) cost per message with valgrind, "
        "which do not vary between runs: to compare commits (about 3 minutes)",
    )
    parser.add_argument("--count-child", choices=COUNTED, help=argparse.SUPPRESS)
    parser.add_argument("--rounds", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--listing", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.count_child:
        return count_child(args.count_child, args.rounds, args.listing)
    plan = QUICK if args.quick else FULL
    started = time.perf_counter()
    bench = Bench()

    info = machine()
    print(f"dmtool benchmark{' (--quick)' if args.quick else ''}  {info['date']}")
    print(
        f"machine: {info['cores']} cores, {info['cpu']}, {info['memory']}; load average {info['load_average'][0]:.2f}"
    )
    print(
        f"python {info['python']}, lxml {info['lxml']} (libxml2 {info['libxml2']}), xmlschema {info['xmlschema']}, "
        f"dmtool {info['dmtool']} at {info['commit']}"
    )

    with tempfile.TemporaryDirectory(prefix="dmtool-bench-") as temp:
        if args.instructions:
            count_instructions(bench, Path(temp))
        else:
            measure_all(bench, plan, Path(temp))

    info["load_average_end"] = os.getloadavg()
    met = sum(target.met is True for target in bench.targets)
    verdict = "" if args.instructions else f"{met} of {len(bench.targets)} targets met; "  # counts have no targets
    print(
        f"\n{verdict}load average at the end {info['load_average_end'][0]:.2f}; "
        f"the run took {time.perf_counter() - started:.0f} s"
    )
    for target in bench.targets:
        if target.met is not True:
            print(f"  {target.verdict}: {target.what} (measured {target.measured})")
    if args.out_json:
        document = {
            "machine": info,
            "plan": {"instructions": COUNTED_MESSAGES} if args.instructions else asdict(plan),
            "results": bench.results,
            "targets": [{**asdict(target), "verdict": target.verdict} for target in bench.targets],
        }
        args.out_json.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
        print(f"figures saved to {args.out_json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
