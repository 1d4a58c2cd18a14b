"""Test material in bulk: valid messages, messages that break exactly one rule, and whole threads with receipts.

Everything is drawn from the public strategies of :mod:`dmtool.testing.strategies` (so it needs hypothesis:
``pip install 'dmtool[fixtures]'``), written with the same writer, and checked with the same rules that validate
messages: every file is validated as it is written, and a file whose verdict differs from what the manifest says
stops the run. The same seed and options give byte-identical output with the same hypothesis version (the manifest
records it).

Files are laid out in order: valid files take the chosen kinds and versions in turn; with ``invalid`` rules, every
(len(rules) + 1)th file is valid and the others break the rules in turn, each in a kind and version the rule applies
to; with ``threads``, each thread is a forespørsel, its AppRec, the svar and its AppRec, or a notat, an avvik about it
and their AppRecs, the kinds of thread and the versions taken in turn. With ``shapes`` too, every (len(shapes) + 1)th
thread is plain and the others take the shapes of :data:`dmtool.testing.strategies.THREAD_SHAPES` in turn (a late reply,
a missing receipt, a rejection, a file delivered twice), and the manifest says of each file which way it went, its
MsgId, and what a ledger must follow up about it (:mod:`dmtool.ledger`). Single files recombine a pool of drawn values
(see :class:`_Pools`), threads are drawn whole.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import errno
import json
import os
import random
import re
import shutil
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, TypeVar

import hypothesis
from hypothesis import strategies as st

from .. import __version__, apprec, build
from ..dialog.model import KIND_NAMES as KIND_NAMES  # fixtures.KIND_NAMES, where it was first
from ..dialog.model import DialogVersion, Kind, Message
from ..errors import DmtoolError
from ..ledger.entries import read
from ..report import Version, versions
from ..rules import RULES
from ..validation import validate
from . import strategies

#: The oldest hypothesis whose engine :func:`draw` works with (it uses hypothesis' internals: no public API draws a
#: value from a seed outside a test). Older releases lack the provider module, or take other arguments.
OLDEST_HYPOTHESIS: Final = (6, 133, 2)
if hypothesis.__version_info__ < OLDEST_HYPOTHESIS:
    raise ImportError(
        f"hypothesis {hypothesis.__version__} is too old: dmtool fixtures needs {'.'.join(map(str, OLDEST_HYPOTHESIS))}"
        " or newer"
    )

# hypothesis' internals, imported once the version is known to have them
from hypothesis.control import BuildContext  # noqa: E402
from hypothesis.errors import StopTest  # noqa: E402
from hypothesis.internal.conjecture.data import ConjectureData  # noqa: E402
from hypothesis.internal.conjecture.providers import HypothesisProvider  # noqa: E402

T = TypeVar("T")

_SHORT: Final = {kind: name for name, kind in KIND_NAMES.items()}
#: The one kind a rule about replies can be broken in.
_RULE_KIND: Final = {"SVAR-REFERENCES-FORESPORSEL": Kind.SVAR, "AVVIK-REFERENCES-MESSAGE": Kind.AVVIK}
#: Every rule id dmtool knows, including those fixtures cannot break.
_RULE_IDS: Final = frozenset(rule.id for rule in RULES)
#: The threads there are, as (first message, reply): a forespørsel and its svar, a notat and an avvik about it.
THREADS: Final[tuple[tuple[Kind, Kind], ...]] = ((Kind.FORESPORSEL, Kind.SVAR), (Kind.NOTAT, Kind.AVVIK))
#: What ``--kinds`` may name with ``--threads``: whole threads.
_THREAD_CHOICES: Final = " and/or ".join(",".join(_SHORT[kind] for kind in pair) for pair in THREADS)


class FixtureError(DmtoolError, RuntimeError):
    """A generated file did not get the verdict it was made for: a bug in dmtool, never in the input."""


@dataclass(frozen=True)
class Entry:
    """One written file, as the manifest lists it."""

    file: str
    kind: str
    version: str
    verdict: str
    rules: tuple[str, ...] = ()
    thread: str | None = None
    #: With shapes (:attr:`Plan.shapes`) only: the thread's shape, which way the file went as the party that started
    #: the thread sees it, its MsgId (an AppRec's Id), what a ledger must follow up about it (``missing-receipt``,
    #: ``rejection``, ``late-reply``), and the file it is a second delivery of.
    shaped: bool = False
    shape: str | None = None
    direction: str | None = None
    msg_id: str | None = None
    follow_up: str | None = None
    duplicate_of: str | None = None
    #: What ``dmtool validate`` says the written file is, once it is checked: its ``MsgInfo/Type`` (the kind made,
    #: but for a file made to break TYPE-MATCHES-BODY) and its version as a report gives it (``dialog-1.0``).
    msg_type: str | None = None
    written_version: Version | None = None

    def to_dict(self) -> dict[str, Any]:
        """The manifest's shape of the entry; ``shape``, ``direction``, ``msg_id``, ``follow_up`` and
        ``duplicate_of`` only for a run with shapes. ``msg_type``, ``dialog_version`` and ``apprec_version`` say what
        the file is under the names ``dmtool validate`` gives them."""
        found: dict[str, Any] = {
            "file": self.file,
            "kind": self.kind,
            "version": self.version,
            "msg_type": self.msg_type,
            **versions(self.written_version),
            "verdict": self.verdict,
            "rules": list(self.rules),
            "thread": self.thread,
        }
        if self.shaped:
            found.update(shape=self.shape, direction=self.direction, msg_id=self.msg_id, follow_up=self.follow_up,
                         duplicate_of=self.duplicate_of)  # fmt: skip
        return found


class _SeededProvider(HypothesisProvider):
    """Hypothesis' provider without the constants it mixes in from the source of every module loaded in the process:
    those would make a seed's values depend on what else is imported."""

    def _maybe_draw_constant(self, choice_type: Any, constraints: Any, *, p: float = 0.05) -> None:
        return None


def draw(strategy: st.SearchStrategy[T], seed: int, index: int | str) -> T:
    """The value ``strategy`` gives for (``seed``, ``index``): the same every time with the same hypothesis version.

    Uses hypothesis' engine directly (``ConjectureData`` with a seeded random source), outside a test.
    """
    for attempt in range(_ATTEMPTS):
        key = f"dmtool-fixtures:{seed}:{index}" + (f":{attempt}" if attempt else "")
        data = ConjectureData(random=random.Random(key), provider=_SeededProvider)
        try:
            with BuildContext(data, is_final=True, wrapped_test=lambda: None):
                return data.draw(strategy)
        except StopTest:  # the draw was rejected (a filter, a time that does not exist): draw again, as hypothesis does
            continue
    raise FixtureError(f"no value drawn for {index} in {_ATTEMPTS} attempts")


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


@dataclass(frozen=True)
class Plan:
    """What to write: ``count`` files (or threads), ``seed``, the ``kinds`` and ``versions`` to draw, the hard rules
    to break (``invalid``, any of :data:`dmtool.testing.strategies.HARD_RULES`), whether to write ``threads``, and the
    ``shapes`` threads take in turn with the plain one (any of :data:`dmtool.testing.strategies.THREAD_SHAPES`).

    ``kinds`` empty (the default) is every kind; with ``threads``, every kind a thread has (:data:`THREADS`), and
    chosen kinds must then make whole threads. Threads are always valid: ``threads`` with ``invalid`` is refused.
    :meth:`check` says what cannot be written as asked."""

    count: int
    seed: int = 0
    kinds: tuple[Kind, ...] = ()
    versions: tuple[DialogVersion, ...] = ("1.0", "1.1")
    invalid: tuple[str, ...] = ()
    threads: bool = False
    shapes: tuple[str, ...] = ()

    def kinds_drawn(self) -> tuple[Kind, ...]:
        """The kinds the files are of: ``kinds``, or when none are given every kind (with ``threads``, of a thread)."""
        if self.kinds:
            return self.kinds
        return tuple(kind for pair in THREADS for kind in pair) if self.threads else tuple(Kind)

    def combos(self) -> list[tuple[Kind, DialogVersion]]:
        """Every (kind, version) that exists among the chosen ones, in a fixed order."""
        found = [(k, v) for k in self.kinds_drawn() for v in self.versions if v in strategies.kind_versions(k)]
        if not found:
            raise ValueError("no kind exists in the chosen versions (helsefaglig is 1.1 only)")
        return found

    def thread_combos(self) -> list[tuple[tuple[Kind, Kind], DialogVersion]]:
        """Every (thread, version) among the chosen ones, in a fixed order: each thread of :data:`THREADS` whose two
        kinds are chosen, in every chosen version. A chosen kind that is in no such thread is refused."""
        kinds = self.kinds_drawn()
        pairs = [pair for pair in THREADS if set(pair) <= set(kinds)]
        stray = [kind for kind in kinds if not any(kind in pair for pair in pairs)]
        if stray or not pairs:
            got = ",".join(_SHORT[kind] for kind in kinds)
            raise ValueError(f"with --threads, --kinds names whole threads: {_THREAD_CHOICES} (helsefaglig has no "
                             f"thread); got {got}")  # fmt: skip
        return [(pair, version) for pair in pairs for version in self.versions]

    def check(self) -> None:
        """Raise :class:`ValueError`, in one line saying what to change, when the plan cannot be written as asked."""
        if self.count < 0:
            raise ValueError("count must be 0 or more")
        if not self.versions:
            raise ValueError("no Dialogmelding version chosen (1.0, 1.1)")
        for rule in self.invalid:
            if rule not in strategies.HARD_RULES:
                what = f"cannot break {rule}" if rule in _RULE_IDS else f"unknown rule {rule!r}"
                raise ValueError(f"{what}: fixtures break only the guideline rules they can generate: "
                                 f"{', '.join(strategies.HARD_RULES)}, or all of them")  # fmt: skip
        for shape in self.shapes:
            if shape not in strategies.THREAD_SHAPES:
                raise ValueError(f"unknown thread shape {shape!r}: choose from {', '.join(strategies.THREAD_SHAPES)}, "
                                 "or all of them")  # fmt: skip
        if self.shapes and not self.threads:
            raise ValueError("--shapes shapes threads: use it with --threads")
        if self.threads:
            if "late-reply" in self.shapes and not any(pair[0] == Kind.FORESPORSEL for pair, _ in self.thread_combos()):
                raise ValueError("a late reply is a svar to a forespørsel: --shapes late-reply needs the "
                                 "foresporsel,svar thread in --kinds")  # fmt: skip
            if self.invalid:
                raise ValueError("--invalid cannot be used with --threads: every file of a thread is valid; write "
                                 "rule-breaking files in a run without --threads")  # fmt: skip
            self.thread_combos()
        else:
            self.combos()


_ATTEMPTS: Final = 100
#: At most this many values are drawn per pool; files recombine them.
POOL_SIZE: Final = 16
_MSG_ID: Final = re.compile(rb"(<(?:[\w.-]+:)?MsgId>)[^<]*(</(?:[\w.-]+:)?MsgId>)")
_YEAR_IN_MINUTES: Final = 365 * 24 * 60


class _Pools:
    """Values drawn once per plan and recombined per file: drawing a message through hypothesis costs about 15 ms,
    recombining drawn parts about nothing, so large counts stay fast while every part still comes from the
    strategies. Valid files take the body (with its kind, version and references) of one drawn message and the
    sender, receiver and patient of others of the same kind and version, with a new MsgId and a GenDate moved by up
    to a year; invalid files are drawn rule-breaking messages with a new MsgId."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        slots = len(plan.combos()) + len(plan.invalid)
        self.size = max(1, min(POOL_SIZE, -(-plan.count // max(slots, 1))))
        self.messages: dict[tuple[Kind, DialogVersion], list[Message]] = {}
        self.broken: dict[str, list[tuple[bytes, Kind, DialogVersion]]] = {}

    def message(self, kind: Kind, version: DialogVersion, rng: random.Random) -> Message:
        key = (kind, version)
        if key not in self.messages:
            strategy = strategies.messages(kind, version)
            self.messages[key] = [draw(strategy, self.plan.seed, f"{kind}:{version}:{n}") for n in range(self.size)]
        pool = self.messages[key]
        base = rng.choice(pool)
        return dataclasses.replace(
            base,
            msg_id=_uuid(rng),
            gen_date=base.gen_date + dt.timedelta(minutes=rng.randint(-_YEAR_IN_MINUTES, _YEAR_IN_MINUTES)),
            sender=rng.choice(pool).sender,
            receiver=rng.choice(pool).receiver,
            patient=rng.choice(pool).patient,
        )

    def breaking(self, rule: str, rng: random.Random) -> tuple[bytes, Kind, DialogVersion]:
        """A message breaking ``rule``, of one of the plan's kinds and versions the rule applies to."""
        if rule not in self.broken:
            fitting = [(k, v) for k, v in self.plan.combos() if k == _RULE_KIND.get(rule, k)]
            if not fitting:
                kind = _RULE_KIND[rule]
                fitting = [(kind, v) for v in self.plan.versions if v in strategies.kind_versions(kind)] or [
                    (kind, "1.1")
                ]
            pool = []
            for n in range(self.size):
                kind, version = fitting[n % len(fitting)]
                data = draw(strategies.breaking(rule, kind, version), self.plan.seed, f"{rule}:{kind}:{version}:{n}")
                pool.append((data, kind, version))
            self.broken[rule] = pool
        data, kind, version = rng.choice(self.broken[rule])
        new_id = _uuid(rng).encode()
        return _MSG_ID.sub(lambda match: match.group(1) + new_id + match.group(2), data, 1), kind, version


def _single(plan: Plan, pools: _Pools, index: int) -> tuple[bytes, Entry]:
    combos = plan.combos()
    cycle = len(plan.invalid) + 1
    kind, version = combos[index // cycle % len(combos)]  # the valid files take the kinds and versions in turn
    rule = plan.invalid[index % cycle - 1] if plan.invalid and index % cycle else None
    rng = random.Random(f"dmtool-file:{plan.seed}:{index}")
    rules: tuple[str, ...] = ()
    if rule is None:
        data = build.to_xml(pools.message(kind, version, rng))
        verdict = "valid"
    else:
        data, kind, version = pools.breaking(rule, rng)
        verdict, rules = "invalid", (rule,)
    name = f"{index + 1:05d}-{_SHORT[kind]}-{version}-{rule.lower() if rule else 'valid'}.xml"
    return data, Entry(name, str(kind), version, verdict, rules)


def _thread(plan: Plan, index: int, seen: set[str]) -> Iterator[tuple[bytes, Entry]]:
    if plan.shapes:
        yield from _shaped_thread(plan, index, seen)
        return
    combos = plan.thread_combos()
    (first, _reply), version = combos[index % len(combos)]
    name = f"thread-{index + 1:05d}"
    drawn = draw(strategies.threads(version, avvik=first == Kind.NOTAT), plan.seed, index)
    steps = ((drawn.first, drawn.first_receipt), (drawn.reply, drawn.reply_receipt))
    for step, (message, receipt) in enumerate(steps):
        stem = f"{name}-{2 * step + 1}-{_SHORT[Kind(message.kind)]}"
        yield build.to_xml(message), Entry(f"{stem}.xml", message.kind, version, "valid", (), name)
        receipt_name = f"{name}-{2 * step + 2}-apprec.xml"
        yield apprec.to_xml(receipt), Entry(receipt_name, "APPREC", f"apprec-{receipt.version}", "valid", (), name)


def _shaped_thread(plan: Plan, index: int, seen: set[str]) -> Iterator[tuple[bytes, Entry]]:
    """Thread ``index`` of a plan with shapes: every (len(shapes) + 1)th plain, the others in the shapes in turn (a
    late reply always in a forespørsel's thread).

    A ledger must tell the threads' messages apart, so a thread is drawn again when a MsgId of its own, or the
    content of one of its messages (:mod:`dmtool.ledger.entries`: the same message under another MsgId), is one an
    earlier thread has (``seen``), or two of its own messages share one: drawn values repeat more often than chance
    would have them."""
    cycle = len(plan.shapes) + 1
    shape = plan.shapes[index % cycle - 1] if index % cycle else None
    combos = plan.thread_combos()
    (first, _reply), version = combos[index % len(combos)]
    if shape == "late-reply" and first != Kind.FORESPORSEL:
        (first, _reply), version = next(combo for combo in combos if combo[0][0] == Kind.FORESPORSEL)
    name = f"thread-{index + 1:05d}"
    strategy = strategies.shaped_threads(shape, version, avvik=first == Kind.NOTAT)
    for attempt in range(_ATTEMPTS):
        drawn = draw(strategy, plan.seed, f"{index}:{attempt}" if attempt else index)
        written_items = [_written(delivery.item) for delivery in drawn.deliveries]
        own = [key for (data, _, _, msg_id, _), delivery in zip(written_items, drawn.deliveries, strict=True)
               if not delivery.again for key in (f"id:{msg_id}", f"content:{read(data).content_sha256}")]  # fmt: skip
        if len(set(own)) == len(own) and not seen.intersection(own):
            seen.update(own)
            break
    else:
        raise FixtureError(f"{name}: no thread drawn in {_ATTEMPTS} attempts whose messages differ from the others")
    follow_up = {msg_id: kind for kind, msg_id in drawn.expected}
    written: dict[str, str] = {}
    for step, (delivery, (data, kind, label, msg_id, written_version)) in enumerate(
        zip(drawn.deliveries, written_items, strict=True), 1
    ):
        file = f"{name}-{step}-{label}{'-again' if delivery.again else ''}.xml"
        entry = Entry(file, kind, written_version, "valid", (), name, shaped=True, shape=shape,
                      direction=delivery.direction, msg_id=msg_id,
                      follow_up=None if delivery.again else follow_up.get(msg_id),
                      duplicate_of=written.get(msg_id) if delivery.again else None)  # fmt: skip
        written.setdefault(msg_id, file)
        yield data, entry


def _written(item: Message | apprec.AppRec) -> tuple[bytes, str, str, str, str]:
    """A thread's message or receipt as written, with its type, its label in file names, its MsgId (a receipt's
    Id) and its version in the manifest."""
    if isinstance(item, Message):
        return build.to_xml(item), str(item.kind), _SHORT[Kind(item.kind)], item.msg_id, item.version
    return apprec.to_xml(item), "APPREC", "apprec", item.id, f"apprec-{item.version}"


def _check(data: bytes, entry: Entry) -> Entry:
    """``entry`` with what the file ``data`` is, once it is found to have the verdict ``entry`` gives it."""
    report = validate(data)
    found = tuple(sorted({issue.rule for issue in report.errors}))
    if found != tuple(sorted(entry.rules)):
        raise FixtureError(f"{entry.file} was made to break {list(entry.rules) or 'nothing'} but breaks {list(found)}")
    return dataclasses.replace(entry, msg_type=report.msg_type, written_version=report.version)


def generate(plan: Plan) -> Iterator[tuple[bytes, Entry]]:
    """Every file of ``plan`` in order, as (bytes, manifest entry), each checked against its verdict.

    Raises :class:`ValueError` at once (before anything is drawn) when the plan cannot be written as asked.
    """
    plan.check()
    return _generate(plan)


def _generate(plan: Plan) -> Iterator[tuple[bytes, Entry]]:
    items: Iterator[tuple[bytes, Entry]]
    if plan.threads:
        seen: set[str] = set()
        items = (item for index in range(plan.count) for item in _thread(plan, index, seen))
    else:
        pools = _Pools(plan)
        items = (_single(plan, pools, index) for index in range(plan.count))
    for data, entry in items:
        yield data, _check(data, entry)


#: The folder a run writes into inside an existing empty ``out`` folder (:func:`write`): making it claims the folder.
CLAIM: Final = ".dmtool-fixtures.partial"


def write(plan: Plan, out: Path, progress: Callable[[int], None] | None = None) -> list[Entry]:
    """Write the files of ``plan`` and ``manifest.json`` into the folder ``out``, all of them or none.

    ``out`` must not exist or be an empty folder. ``progress`` is called with the number of files written so far.
    Returns the manifest's entries. A plan that cannot be written as asked (:class:`ValueError`) or a folder that is
    not empty (:class:`FileExistsError`) is refused before anything is created.

    The folder is claimed in one step, so that of two runs into it one writes it and the other is refused
    (:class:`FileExistsError`), and no run leaves a partial folder, even when it fails or is interrupted:

    * ``out`` that does not exist is written as a hidden folder beside it (``.NAME.<random>.partial``), renamed to
      ``out`` once complete; renaming is the claim, and fails when another run's folder is there. A run killed
      outright (``SIGKILL``) leaves ``out`` as it was, and the hidden folder beside it.
    * an empty folder (a mount point, say, which cannot be renamed over) is claimed by making :data:`CLAIM` inside
      it, where the files are written and then moved out of, ``manifest.json`` last. A run killed outright leaves
      :data:`CLAIM` inside it, which a later run refuses: remove it.
    """
    plan.check()
    staging = _claim(out)
    try:
        entries: list[Entry] = []
        for data, entry in generate(plan):
            (staging / entry.file).write_bytes(data)
            entries.append(entry)
            if progress is not None:
                progress(len(entries))
        manifest = json.dumps(manifest_of(plan, entries), ensure_ascii=False, indent=2) + "\n"
        (staging / "manifest.json").write_text(manifest, encoding="utf-8")
        _publish(staging, out)
    except BaseException:  # an interrupt too
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return entries


def _claim(out: Path) -> Path:
    """Claim ``out`` for this run (:func:`write`) and return the folder to write into."""
    if not out.exists():
        out.parent.mkdir(parents=True, exist_ok=True)
        staging = out.parent / f".{out.name}.{uuid.uuid4().hex}.partial"
        staging.mkdir()
        return staging
    busy = f"{out} is being written by another dmtool fixtures run (or a killed one left {out / CLAIM}: remove it)"
    if not out.is_dir():
        raise FileExistsError(f"{out} exists and is not an empty folder")
    if any(out.iterdir()):
        raise FileExistsError(busy if (out / CLAIM).exists() else f"{out} exists and is not an empty folder")
    staging = out / CLAIM
    try:
        staging.mkdir()
    except FileExistsError:
        raise FileExistsError(busy) from None
    if os.listdir(out) != [CLAIM]:  # another run filled it between the look and the claim
        staging.rmdir()
        raise FileExistsError(f"{out} was written by another dmtool fixtures run meanwhile")
    return staging


def _publish(staging: Path, out: Path) -> None:
    """Put what was written into ``staging`` (:func:`_claim`) in its place, ``out``."""
    if staging.parent != out:
        try:
            os.rename(staging, out)
        except OSError as error:
            if error.errno in (errno.EEXIST, errno.ENOTEMPTY, errno.ENOTDIR, errno.EISDIR):
                raise FileExistsError(f"{out} was written by another dmtool fixtures run meanwhile") from None
            raise
        return
    for name in sorted(os.listdir(staging), key=lambda name: name == "manifest.json"):  # the manifest last
        os.rename(staging / name, out / name)
    staging.rmdir()


def manifest_of(plan: Plan, entries: Sequence[Entry]) -> dict[str, Any]:
    """The manifest: how the files were made (options, dmtool and hypothesis versions) and every file's entry."""
    return {
        "generator": {"dmtool": __version__, "hypothesis": hypothesis.__version__},
        "options": {
            "count": plan.count,
            "seed": plan.seed,
            "kinds": [_SHORT[kind] for kind in plan.kinds_drawn()],
            "dialog_versions": list(plan.versions),
            "invalid": list(plan.invalid),
            "threads": plan.threads,
            **({"shapes": list(plan.shapes)} if plan.shapes else {}),
        },
        "files": [entry.to_dict() for entry in entries],
    }
