"""Coverage-guided fuzzing of dmtool with atheris (libFuzzer for Python), for runs longer than the test suite's.

Every input goes through the whole library API, and :func:`exercise` checks that each entry point keeps its
documented contract: :func:`dmtool.validate` returns a report (never raises for bytes; it runs once with the
national rules and once under a profile, with the facts the profile rules need, and with an original message to
compare replies with, both chosen by the input's checksum), :func:`dmtool.parse` and
:func:`dmtool.parse_apprec` return a model or raise :class:`dmtool.ParseError`, :func:`dmtool.apprec_for` returns a
receipt (:class:`ValueError` only for an AppRec or a MsgHead typed APPREC, or for parties it cannot read when they
are not given) that :func:`dmtool.apprec.to_xml` writes, and :func:`dmtool.check_apprec` returns a verdict or raises
:class:`dmtool.ParseError`. What validate passes, parse reads and to_xml (with the rules) writes back; a model that
writes back reads back equal, a valid message's own receipt checks consistent with it, and no report or verdict
holds a Python repr or a stack trace. Anything else is a crash: libFuzzer stops and writes the input to ``crash-*``
in the artifact folder (default: the corpus folder's parent).

Install the ``fuzz`` extra and run from the project root (one worker; ``--seconds`` bounds the run)::

    .venv/bin/pip install -e '.[fuzz]'
    .venv/bin/python tools/fuzz.py CORPUS_DIR --seconds 900 [-- LIBFUZZER_OPTION...]

Everything after ``--`` goes to libFuzzer as it is (``-rss_limit_mb=512``, ``-max_len=65536``, a file to replay).
``CORPUS_DIR`` is created when missing and seeded with the files of ``fixtures/examples`` and ``fixtures/generated``,
and with messages whose free text, or whose sender's and receiver's unit names, are the adversarial texts of
``tests/adversarial.py`` (the texts that took dmtool's text checks more than linear time, or could); the tree
mutations put those texts into elements too, and nest elements in copies of themselves. libFuzzer adds every input
that reaches new code. Nothing is kept from one input to the next, so memory stays flat over a long run. A
dictionary of XML fragments (the seeds' element and attribute names, ``<!DOCTYPE``, ``&ent;``, ``]]>`` ...) is
written beside it and given with ``-dict``. Replay one input (a crash, or a file of the corpus) with
``tools/fuzz.py CORPUS_DIR -- crash-FILE``. ``tools/fuzz.py --sweep`` does not
fuzz: it tries every odd value in every element and attribute of ``fixtures/examples`` (a few minutes).
``tests/test_fuzz.py`` uses :func:`exercise` as the oracle of its hypothesis properties.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import functools
import json
import random
import re
import shutil
import sys
import zlib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Final, TypeVar
from xml.sax.saxutils import escape

from lxml import etree

if TYPE_CHECKING:
    from dmtool.report import Report
    from dmtool.rules.facts import Original
    from dmtool.standards.profiles import Settings

T = TypeVar("T")
ROOT: Final = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
import adversarial  # noqa: E402  # the adversarial texts, shared with the tests; no dmtool import

SEEDS: Final = (ROOT / "fixtures" / "examples", ROOT / "fixtures" / "generated")
#: The message that fuzzed receipts are checked against.
ORIGINAL: Final = ROOT / "fixtures" / "examples" / "foresporsel-1.0.xml"
#: A Python repr or a stack trace: never in what dmtool says, unless the input itself holds the same text.
LEAK: Final = re.compile(
    r"Traceback \(most recent call last\)|<lxml\.|object at 0x|<[A-Z]\w*\.\w+: |\b\w+(?:Error|Exception)\("
)
#: Markup that a byte-level mutation of XML rarely makes on its own: libFuzzer's dictionary starts with it.
_FRAGMENTS: Final = (
    "<!DOCTYPE x>", "<!ENTITY e \"x\">", "&e;", "&amp;", "&#0;", "&#x10FFFF;", "<?pi x?>", "<![CDATA[", "]]>", "<!--",
    "-->", 'xmlns=""', "xmlns:a=", 'xsi:type="x"', '<?xml version="1.0" encoding="ISO-8859-1"?>', "\xef\xbb\xbf",
    "T00:00:00+01:00", "-02-29", "99999999999999999999",
)  # fmt: skip
#: Bytes that are not UTF-8 (a lone continuation byte, a cut sequence, an encoded surrogate, an overlong form).
_NOT_UTF8: Final = (b"\xff", b"\x80", b"\xc3", b"\xe2\x82", b"\xed\xa0\x80", b"\xc0\xaf", b"\xf4\x90\x80\x80")
#: Text and attribute values a generated message never has; all are characters XML can carry. The last two took the
#: plain-text checks seconds and hours (a hang is a libFuzzer timeout).
ODD_VALUES: Final = (
    "", " ", "\t\r\n", "0", "-1", "99999999999999999999999999999999", "1e309", "NaN", "0" * 40, "ÆØÅ æøå",
    "<&>\"'", "\x85\x7f\u00a0\u2028\ufeff\ufffd", "\U0001f600", "2026-02-30", "0000-00-00T00:00:00",
    "9999-12-31T23:59:59+14:00", "9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00", "10000-01-01T00:00:00",
    "2026-03-29T02:30:00", "2026-10-25T02:30:00", "2026-01-01T00:00:00+24:00", "2026-01-01T00:00:00+15:30",
    "2026-01-01T00:00:00+01:00:30",
    "8000001", "8000001 ", "8000\u066101", "\u00b94037549100", "\uff114037549100",
    "DIALOG_SVAR", "APPREC", "FNR", "HER", "J", "N", "x" * 600, "<" + " " * 9000 + "p", "data:a/b" + ";" * 40,
)  # fmt: skip
_NAMESPACES: Final = (
    "http://www.kith.no/xmlstds/msghead/2006-05-24", "http://www.kith.no/xmlstds/dialog/2006-10-11",
    "http://www.kith.no/xmlstds/dialog/2013-01-23", "http://www.kith.no/xmlstds/apprec/2004-11-21",
    "http://www.kith.no/xmlstds/apprec/2012-02-15", "http://www.w3.org/1999/xhtml", "urn:x", "",
)  # fmt: skip
#: XML 1.0 characters: what random text is drawn from.
_XML_CHARS: Final = ((0x9, 0xA), (0xD, 0xD), (0x20, 0xD7FF), (0xE000, 0xFFFD), (0x10000, 0x10FFFF))
_NAME: Final = re.compile(rb"</?([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)|\s([A-Za-z_][\w.-]*)=")


def leaks(text: str, data: bytes) -> list[str]:
    """The reprs and stack traces in ``text`` (dmtool's output for ``data``) that ``data`` does not hold itself."""
    return [found.group(0) for found in LEAK.finditer(text) if found.group(0).encode() not in data]


def _check_said(what: str, said: object, data: bytes) -> None:
    """``said`` (a report's or verdict's JSON shape) must be JSON with no repr or stack trace in it."""
    text = json.dumps(said, ensure_ascii=False)
    found = leaks(text, data)
    if found:
        raise AssertionError(f"{what} shows {found!r}: {text[:2000]}")


_MSGHEAD: Final = "{http://www.kith.no/xmlstds/msghead/2006-05-24}MsgHead"


def says_apprec(report: Report, data: bytes) -> bool:
    """Whether ``data``, a MsgHead by ``report``, says by its type that it is an AppRec, as ``apprec_for`` reads the
    type: the first ``Type`` in the first ``MsgInfo``, each by its local name whatever its namespace, ``V`` without
    the space around it (an xs:token). ``apprec_for`` then makes no receipt, however broken the rest is."""
    if report.kind != "msghead":
        return False
    root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))
    head = root if root.tag == _MSGHEAD else next(root.iter(_MSGHEAD))  # the loader found one
    info = next((item for item in head.iterchildren(etree.Element) if etree.QName(item).localname == "MsgInfo"), None)
    types = () if info is None else info.iterchildren(etree.Element)  # elements: not a comment or a PI among them
    kind = next((item for item in types if etree.QName(item).localname == "Type"), None)
    return kind is not None and kind.get("V", "").strip() == "APPREC"


def exercise(data: bytes) -> None:
    """Feed ``data`` to every entry point; raise when one breaks its documented contract (see the module text).

    dmtool is imported here, not at the top, so that :func:`main` can import it first under atheris'
    instrumentation.
    """
    import dmtool
    from dmtool import apprec
    from dmtool.apprec import make as receipts

    report = dmtool.validate(data)
    if not isinstance(report, dmtool.Report):
        raise AssertionError(f"validate returned {type(report).__name__}, not a Report")
    _check_said("the report", report.to_dict(), data)
    variants = _settings()
    settings = variants[zlib.crc32(data) % len(variants)]
    _check_said(
        "the report under a profile", dmtool.validate(data, settings=settings, original=_original()).to_dict(), data
    )

    if report.kind == "msghead":
        message = _round_trip(
            dmtool.parse,
            functools.partial(dmtool.to_xml, strict=False),
            data,
            "parse(to_xml(m)) != m for the model parsed from the input",
        )
        if report.valid:
            if message is None:
                raise AssertionError("parse refused a message that validate passes")
            try:
                dmtool.to_xml(message)
            except dmtool.BuildError as error:
                raise AssertionError(f"to_xml refused a message that validate passes, once parsed: {error}") from None
    else:
        try:
            dmtool.parse(data)
        except dmtool.ParseError:
            pass
        else:
            raise AssertionError(f"parse read a {report.kind} input")

    if report.kind == "apprec":
        what = "parse_apprec(to_xml(a)) != a for the AppRec parsed from the input"
        receipt = _round_trip(dmtool.parse_apprec, apprec.to_xml, data, what)
        if receipt is None and report.valid:
            raise AssertionError("parse_apprec refused an AppRec that validate passes")
        if receipt is not None:
            _check_said("the verdict", dmtool.check_apprec(receipt).to_dict(), data)
    if len(dmtool.validate_each(data)) > 1:  # a file of several messages: apprec_for answers one, and says so
        try:
            dmtool.apprec_for(data, report)
        except ValueError as error:
            if "apprec_for answers one" not in str(error) and "is an AppRec" not in str(error):
                raise
        else:
            raise AssertionError("apprec_for answered one message of a file of several")
    elif report.kind == "apprec" or says_apprec(report, data):
        try:
            dmtool.apprec_for(data, report)
        except ValueError as error:
            if "is an AppRec" not in str(error):
                raise
        else:
            raise AssertionError("apprec_for made a receipt for a receipt")
    else:
        try:
            own = dmtool.apprec_for(data, report)
        except ValueError as error:
            if "cannot be read" not in str(error):
                raise
        else:
            own_xml = apprec.to_xml(own)
            verdict = dmtool.check_apprec(own_xml, data)
            if report.valid and report.kind == "msghead" and not (verdict.consistent and own.status == "1"):
                raise AssertionError(f"the receipt for a valid message is {verdict.to_dict()}")
        given = receipts.party_by_her("8000101"), receipts.party_by_her("8000001")
        apprec.to_xml(dmtool.apprec_for(data, report, "1.1", sender=given[0], receiver=given[1]))

    for original in (None, ORIGINAL.read_bytes()):
        try:
            verdict = receipts.check_apprec(data, original)
        except dmtool.ParseError:
            continue
        _check_said("the verdict", verdict.to_dict(), data)


def _round_trip(read: Callable[[bytes], T], write: Callable[[T], bytes], data: bytes, what: str) -> T | None:
    """``read(data)``, or ``None`` when it refuses the input with ``ParseError``. The model written back (unless
    writing refuses it with ``BuildError``) must read as the same model; ``what`` is the failure otherwise."""
    from dmtool import BuildError, ParseError

    try:
        model = read(data)
    except ParseError:
        return None
    try:
        written = write(model)
    except BuildError:
        return model
    if read(written) != model:
        raise AssertionError(what)
    return model


def _settings() -> tuple[Settings, ...]:
    """Every profile with a last contact long ago, at the calendar's ends and admitted or not: the settings the
    profile rules run with, one chosen for each input (by its checksum, so that a crash replays)."""
    from dmtool.standards.profiles import PROFILES, Settings

    days = (dt.date(2026, 1, 1), dt.date.min, dt.date.max)
    return tuple(
        Settings(profile, last_contact=day, admitted=admitted)
        for profile in PROFILES.values()
        for day in days
        for admitted in (None, True, False)
    )


@functools.cache
def _original() -> Original:
    """The :data:`ORIGINAL` message, as what replies are validated against."""
    from dmtool.dialog.reader import parse
    from dmtool.rules.facts import original_of

    return original_of(parse(ORIGINAL))


#: The sizes of the adversarial texts the mutations put into elements.
ADVERSARIAL_SIZES: Final = (1, 16, 400, 4096)


def _odd_text(rng: random.Random) -> str:
    draw = rng.random()
    if draw < 0.55:
        return rng.choice(ODD_VALUES)
    if draw < 0.8:
        return rng.choice(list(adversarial.FAMILIES.values()))(rng.choice(ADVERSARIAL_SIZES))
    ranges = [rng.choice(_XML_CHARS) for _ in range(rng.randint(1, 20))]
    return "".join(chr(rng.randint(low, high)) for low, high in ranges)


def mutate_bytes(data: bytes, rng: random.Random) -> bytes:
    """One byte-level change of ``data``: a flipped bit, an inserted, deleted or repeated range, a cut, a chunk
    spliced in from elsewhere, a NUL, bytes that are not UTF-8, or a markup fragment (``<!DOCTYPE``, ``&e;`` ...)."""
    at = rng.randint(0, len(data))
    end = rng.randint(at, min(len(data), at + 64))
    operations: list[Callable[[], bytes]] = [
        lambda: data[:at] + bytes([data[at] ^ (1 << rng.randint(0, 7))]) + data[at + 1 :] if at < len(data) else data,
        lambda: data[:at] + bytes([rng.randint(0, 255)]) + data[at:],
        lambda: data[:at] + data[end:],
        lambda: data[:at],
        lambda: data[:at] + data[end:] + data[at:end] * 2,
        lambda: data[:at] + data[rng.randint(0, len(data)) :][: rng.randint(1, 256)] + data[at:],
        lambda: data[:at] + b"\x00" + data[at:],
        lambda: data[:at] + rng.choice(_NOT_UTF8) + data[at:],
        lambda: data[:at] + rng.choice(_FRAGMENTS).encode("latin-1") + data[at:],
    ]
    return rng.choice(operations)()


def mutate_tree(data: bytes, rng: random.Random) -> bytes | None:
    """One change to the element tree of ``data``, which is written back in UTF-8 or ISO-8859-1; ``None`` when
    ``data`` is not XML that dmtool reads. The change deletes, duplicates, moves, renames or empties an element, puts
    it in another namespace, puts odd text (:data:`ODD_VALUES`, adversarial texts, random characters) in its text or
    an attribute, or nests it in up to 200 copies of itself (free text in free text).
    """
    from dmtool.xml import loader

    try:
        root = loader.parse_bytes(data)
    except loader.LoadError:
        return None
    elements = list(root.iter(etree.Element))
    element = rng.choice(elements)
    parent = element.getparent()
    local = etree.QName(element).localname
    choice = rng.randrange(9)
    if choice == 0 and parent is not None:
        parent.remove(element)
    elif choice == 1 and parent is not None:
        element.addnext(copy.deepcopy(element))
    elif choice == 2 and parent is not None:
        outside = [other for other in elements if element not in other.iterancestors() and other is not element]
        rng.choice(outside).insert(rng.randint(0, 3), element)
    elif choice == 3:
        other = etree.QName(rng.choice(elements))
        namespace = other.namespace if rng.random() < 0.8 else rng.choice(_NAMESPACES)
        element.tag = etree.QName(namespace or None, other.localname)
    elif choice == 4:
        element.tag = etree.QName(rng.choice(_NAMESPACES) or None, local)
    elif choice == 5:
        name = rng.choice([*element.attrib, "V", "S", "DN", "OT", "{http://www.w3.org/2001/XMLSchema-instance}type"])
        element.set(name, _odd_text(rng))
    elif choice == 6:
        element.text = _odd_text(rng)
    elif choice == 7 and parent is not None:
        for _ in range(rng.randint(1, 200)):
            outer = etree.Element(element.tag)
            element.addprevious(outer)
            outer.append(element)
    else:
        element.clear()
    encoding = rng.choice(["UTF-8", "ISO-8859-1"])
    return etree.tostring(root.getroottree(), encoding=encoding, xml_declaration=True)


def odd_value_edits(data: bytes) -> Iterator[bytes]:
    """``data`` with the text of each element, and each attribute, set to each of :data:`ODD_VALUES` in turn: the
    systematic sweep of what :func:`mutate_tree` draws at random. ``data`` must be XML that dmtool reads."""
    from dmtool.xml import loader

    root = loader.parse_bytes(data)
    for element in root.iter(etree.Element):
        for name in (None, *element.attrib):
            old = element.text if name is None else element.get(name)
            for value in ODD_VALUES:
                if name is None:
                    element.text = value
                else:
                    element.set(name, value)
                yield etree.tostring(root.getroottree(), encoding="UTF-8", xml_declaration=True)
            if name is None:
                element.text = old
            else:
                element.set(name, old or "")


def sweep(seeds: Sequence[Path]) -> int:
    """:func:`exercise` every :func:`odd_value_edits` of the ``seeds``; print each failure (the first of each kind
    in full) and return how many there were."""
    failures = 0
    seen: set[str] = set()
    for seed in seeds:
        for edited in odd_value_edits(seed.read_bytes()):
            try:
                exercise(edited)
            except Exception as error:  # every failure is reported, whatever it is
                failures += 1
                kind = f"{type(error).__name__}: {str(error)[:120]}"
                print(f"{seed.name}: {kind}" + ("" if kind in seen else f"\n{edited.decode('utf-8')}"))
                seen.add(kind)
    return failures


def dictionary(seeds: Sequence[Path]) -> list[bytes]:
    """libFuzzer dictionary entries: the element and attribute names of the ``seeds`` files, and :data:`_FRAGMENTS`."""
    names: set[bytes] = set()
    for seed in seeds:
        for found in _NAME.finditer(seed.read_bytes()):
            names.update(part.rstrip(b":=") for part in found.groups() if part)
    return sorted(names) + [fragment.encode("latin-1") for fragment in _FRAGMENTS]


def seed_files() -> list[Path]:
    """The ``*.xml`` files of :data:`SEEDS`: the examples and the generated sample corpus."""
    return sorted(path for folder in SEEDS for path in folder.rglob("*.xml"))


#: The message the adversarial seeds are made from, and what they replace in it.
_ADVERSARIAL_BASE: Final = ROOT / "fixtures" / "examples" / "helsefaglig-1.1.xml"
_NOTE: Final = ("<TekstNotatInnhold>", "</TekstNotatInnhold>")
_UNITS: Final = (">Lungesykdommer<", ">Hjemmesykepleie<")


def adversarial_seeds(size: int = 4096) -> Iterator[tuple[str, bytes]]:
    """A file name and a message for each adversarial text of ``size`` characters: the helsefaglig example with
    the text as its note, and with the text as the names of the sending unit and of the addressed service."""
    base = _ADVERSARIAL_BASE.read_text(encoding="utf-8")
    start, end = base.index(_NOTE[0]) + len(_NOTE[0]), base.index(_NOTE[1])
    for name, text in adversarial.texts(size).items():
        value = escape(text)
        file_name = re.sub(r"[^A-Za-z0-9-]+", "-", name)
        yield f"adversarial-{file_name}-note.xml", (base[:start] + value + base[end:]).encode()
        named = base
        for unit in _UNITS:
            named = named.replace(unit, f">{value}<")
        yield f"adversarial-{file_name}-names.xml", named.encode()


def _write_dictionary(path: Path, entries: Sequence[bytes]) -> None:
    """``entries`` in libFuzzer's dictionary syntax: one quoted string a line, ``\\xNN`` for other bytes."""
    lines = []
    for entry in entries:
        quoted = "".join(chr(byte) if 32 <= byte < 127 and byte not in b'"\\' else f"\\x{byte:02x}" for byte in entry)
        lines.append(f'"{quoted}"')
    path.write_text("\n".join(lines) + "\n", encoding="ascii")


def _test_one_input(data: bytes) -> None:
    exercise(data)


def _mutator(mutate: Callable[[bytes, int], bytes]) -> Callable[[bytes, int, int], bytes]:
    """libFuzzer's custom mutator: a tree-level change (:func:`mutate_tree`) half the time, else a byte-level one
    (:func:`mutate_bytes` or libFuzzer's own ``mutate``)."""

    def custom(data: bytes, max_size: int, seed: int) -> bytes:
        rng = random.Random(seed)
        draw = rng.random()
        mutated = mutate_tree(data, rng) if draw < 0.5 else mutate_bytes(data, rng) if draw < 0.7 else None
        return mutated if mutated is not None and len(mutated) <= max_size else mutate(data, max_size)

    return custom


def parse_arguments(argv: Sequence[str] | None = None) -> tuple[argparse.Namespace, list[str]]:
    """The options, and what follows ``--`` (libFuzzer's options and files to replay, passed on as they are)."""
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0] if __doc__ else None,
        usage="%(prog)s [CORPUS] [--sweep] [--seconds N] [--timeout N] [-- LIBFUZZER_OPTION_OR_FILE...]",
    )
    parser.add_argument(
        "corpus", type=Path, nargs="?", help="Corpus folder (created and seeded when missing or empty)."
    )
    parser.add_argument(
        "--sweep",
        action="store_true",
        help="Instead of fuzzing, try every odd value in every element and attribute of the examples.",
    )
    parser.add_argument("--seconds", type=int, default=600, help="Stop after this many seconds [default: 600].")
    parser.add_argument("--timeout", type=int, default=10, help="One input taking longer is a hang [default: 10 s].")
    given = list(sys.argv[1:] if argv is None else argv)
    split = given.index("--") if "--" in given else len(given)
    args = parser.parse_args(given[:split])
    if not args.sweep and args.corpus is None:
        parser.error("give the corpus folder (or --sweep)")
    return args, given[split + 1 :]


def main(argv: Sequence[str] | None = None) -> int:
    """Seed the corpus folder, write the dictionary and run libFuzzer (returns only when the run ends normally); or
    with ``--sweep`` run :func:`sweep` on the examples."""
    args, libfuzzer_options = parse_arguments(argv)
    if args.sweep:
        failures = sweep(sorted(SEEDS[0].glob("*.xml")))
        print(f"sweep: {failures} failure(s)")
        return 1 if failures else 0

    seeds = seed_files()
    args.corpus.mkdir(parents=True, exist_ok=True)
    if not any(args.corpus.iterdir()):
        for seed in seeds:
            shutil.copyfile(seed, args.corpus / f"{seed.parent.name}-{seed.name}")
        for name, data in adversarial_seeds():
            (args.corpus / name).write_bytes(data)
    words = args.corpus.parent / f"{args.corpus.name}.dict"
    _write_dictionary(words, dictionary(seeds))
    replay = [option for option in libfuzzer_options if not option.startswith("-")]

    import atheris  # the fuzz extra

    with atheris.instrument_imports(include=["dmtool"]):
        import dmtool  # noqa: F401  # and every dmtool module the API uses, instrumented for coverage

    libfuzzer = [
        sys.argv[0],
        f"-max_total_time={args.seconds}",
        f"-timeout={args.timeout}",
        f"-dict={words}",
        f"-artifact_prefix={args.corpus.resolve().parent}/",
        "-print_final_stats=1",
        *libfuzzer_options,
    ]
    atheris.Setup(
        libfuzzer if replay else [*libfuzzer, str(args.corpus)],
        _test_one_input,
        custom_mutator=_mutator(
            lambda data, size: atheris.Mutate(data, size)  # looked up late: Fuzz() replaces atheris.Mutate
        ),
    )
    atheris.Fuzz()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
