"""Generate XML instances from the component model of the *reference* XML Schemas (test helper).

The official KITH / e-helse schemas in ``shared/reference/xsd`` (see ``shared/reference/README.md``) are loaded with
``xmlschema`` and walked to build instances: model groups (sequence/choice/all with capped occurrences), elements
(qualified per form), attributes, simple types (builtins, enumerations, patterns, unions), fixed/default values,
wildcards (strict/lax, ``##any``/``##other``), ``anyType`` and mixed content, with bounded recursion.

Public strategies (Hypothesis):

* :func:`valid_instance` -- a document that the reference schema set accepts;
* :func:`mutant` -- such a document with one mutation (dropped/duplicated/swapped element, wrong datatype, unknown
  element/attribute, wrong namespace, ``xsi:type``, foreign element in ``anyType`` content, ...). Mutants are
  valid or invalid; tests compare verdicts, not expectations.

Both yield serialized documents (``bytes``). :data:`ROOTS` lists every root this module knows, keyed by a short id;
:func:`reference_lxml` / :func:`reference_xmlschema` give the reference schema sets, :func:`validate` runs lxml.
"""

from __future__ import annotations

import base64
import calendar
import copy
import functools
import pathlib
import random
import string
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import xmlschema
from hypothesis import strategies as st
from lxml import etree

#: ``shared/reference`` next to the project checkout (``/work/main`` -> ``/work/shared/reference``).
REFERENCE_DIR = pathlib.Path(__file__).resolve().parents[1].parent / "shared" / "reference"
XSD_DIR = REFERENCE_DIR / "xsd"

XS = "http://www.w3.org/2001/XMLSchema"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
MH = "http://www.kith.no/xmlstds/msghead/2006-05-24"
B64 = "http://www.kith.no/xmlstds/base64container"
D10 = "http://www.kith.no/xmlstds/dialog/2006-10-11"
D11 = "http://www.kith.no/xmlstds/dialog/2013-01-23"
A10 = "http://www.kith.no/xmlstds/apprec/2004-11-21"
A11 = "http://www.kith.no/xmlstds/apprec/2012-02-15"
KITH = "http://www.kith.no/xmlstds"
FK1 = "http://www.kith.no/xmlstds/felleskomponent1"
DS = "http://www.w3.org/2000/09/xmldsig#"
FOREIGN = "urn:x-dmtool-test:foreign"

#: Reference schema files per namespace (relative to ``xsd/``); Dialogmelding 1.1 is the 2017 revision.
REFERENCE_FILES: dict[str, str] = {
    MH: "msghead-1.2/MsgHead-v1_2.xsd",
    B64: "msghead-1.2/kith-base64.xsd",
    D10: "dialogmelding-1.0/dialogmelding.xsd",
    D11: "dialogmelding-1.1/dialogmelding-v1.1.xsd",
    A10: "apprec-1.0/AppRec-v1-2004-11-21.xsd",
    A11: "apprec-1.1/AppRec-v1.1.xsd",
}
#: Namespaces imported by the reference wrapper of each of our schema set names.
SET_NAMESPACES: dict[str, tuple[str, ...]] = {
    "msghead": (MH, B64, D10, D11),
    "apprec-1.0": (A10,),
    "apprec-1.1": (A11,),
}
PREFIXES = {
    MH: "mh",
    B64: "b64",
    D10: "d10",
    D11: "d11",
    A10: "ar",
    A11: "ar",
    KITH: "kith",
    FK1: "fk1",
    DS: "ds",
    XSI: "xsi",
    XS: "xs",
    FOREIGN: "fx",
}


def reference_available() -> bool:
    return all((XSD_DIR / f).is_file() for f in REFERENCE_FILES.values())


def _wrapper(set_name: str) -> str:
    imports = "".join(
        f'<xs:import namespace="{ns}" schemaLocation="{(XSD_DIR / REFERENCE_FILES[ns]).resolve().as_uri()}"/>'
        for ns in SET_NAMESPACES[set_name]
    )
    return f'<xs:schema xmlns:xs="{XS}" targetNamespace="urn:local:wrapper">{imports}</xs:schema>'


@functools.cache
def reference_lxml(set_name: str) -> etree.XMLSchema:
    """The reference schema set ``set_name`` compiled by lxml (in-memory wrapper importing the official files)."""
    doc = etree.fromstring(
        _wrapper(set_name).encode(), etree.XMLParser(no_network=True), base_url=XSD_DIR.resolve().as_uri() + "/"
    )
    return etree.XMLSchema(doc)


@functools.cache
def written_schema(set_name: str) -> etree.XMLSchema:
    """What a message dmtool wrote is checked against: the reference schema set ``set_name`` when ``shared`` is beside
    the checkout (:func:`reference_available`), else dmtool's own (the same standards, as the package holds them), so
    that the tests of writing run without ``shared`` too."""
    if reference_available():
        return reference_lxml(set_name)
    from dmtool.xml.xsd import compile_set

    return compile_set(set_name)


@functools.cache
def reference_xmlschema(set_name: str) -> xmlschema.XMLSchema:
    """The reference schema set ``set_name`` loaded by xmlschema (offline)."""
    return xmlschema.XMLSchema(_wrapper(set_name), base_url=str(XSD_DIR), allow="local")


PARSER = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False, huge_tree=True)


def parse(data: bytes) -> etree._ElementTree:
    return etree.ElementTree(etree.fromstring(data, PARSER))


def validate(schema: etree.XMLSchema, data: bytes) -> tuple[bool, str]:
    """lxml verdict and error log for ``data`` (parsed afresh)."""
    ok = schema.validate(parse(data))
    return ok, "" if ok else "\n".join(str(e) for e in schema.error_log)


# --------------------------------------------------------------------------------------------------------------
# Roots


@dataclass(frozen=True)
class Root:
    key: str
    set_name: str
    name: str  # Clark name of a global element
    body: str | None = None  # preferred Dialogmelding namespace in MsgHead RefDoc/Content


def _global_elements(set_name: str) -> list[str]:
    schema = reference_xmlschema(set_name)
    return sorted(n for n in schema.maps.elements if not n.startswith("{" + XS + "}"))


@functools.cache
def roots() -> dict[str, Root]:
    """Every root: MsgHead with 1.0 and with 1.1 body, then each global element of each set."""
    out = {
        "msghead+dialog-1.0": Root("msghead+dialog-1.0", "msghead", f"{{{MH}}}MsgHead", D10),
        "msghead+dialog-1.1": Root("msghead+dialog-1.1", "msghead", f"{{{MH}}}MsgHead", D11),
    }
    for set_name in SET_NAMESPACES:
        for name in _global_elements(set_name):
            q = etree.QName(name)
            namespace = q.namespace or ""
            key = f"{set_name}:{PREFIXES.get(namespace, namespace)}:{q.localname}"
            out[key] = Root(key, set_name, name)
    return out


MAIN_ROOTS = (
    "msghead+dialog-1.0",
    "msghead+dialog-1.1",
    "msghead:d10:Dialogmelding",
    "msghead:d11:Dialogmelding",
    "apprec-1.0:ar:AppRec",
    "apprec-1.1:ar:AppRec",
)


# --------------------------------------------------------------------------------------------------------------
# Randomness: the generator takes its decisions through Rnd, backed by Hypothesis draws (shrinkable) or a
# seeded random.Random. Every decision shrinks towards "less" (0, False, first choice).


T = TypeVar("T")


class Rnd:
    def randint(self, a: int, b: int) -> int:
        raise NotImplementedError

    def chance(self, p: float) -> bool:
        return self.randint(0, 999) >= 1000 - int(p * 1000)

    def choice(self, seq: Sequence[T]) -> T:
        return seq[self.randint(0, len(seq) - 1)]

    def text(self, alphabet: str, lo: int, hi: int) -> str:
        return "".join(self.choice(alphabet) for _ in range(self.randint(lo, hi)))


class DrawRnd(Rnd):
    def __init__(self, draw: Callable[[Any], Any]) -> None:
        self.draw = draw

    def randint(self, a: int, b: int) -> int:
        return a if a >= b else self.draw(st.integers(a, b))

    def text(self, alphabet: str, lo: int, hi: int) -> str:
        drawn: str = self.draw(st.text(st.sampled_from(alphabet), min_size=lo, max_size=hi))
        return drawn


class RandomRnd(Rnd):
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def randint(self, a: int, b: int) -> int:
        return a if a >= b else self.rng.randint(a, b)


# --------------------------------------------------------------------------------------------------------------
# Simple values

TEXT_ALPHABET = string.ascii_letters + string.digits + "  \t\n.,:;-_/()'\"<>&æøåÆØÅéü€—\u00a0😀"
NAME_START = string.ascii_letters + "_"
NAME_CHARS = string.ascii_letters + string.digits + "_-."
TZS = ["", "", "Z", "+01:00", "-05:30", "+14:00", "-00:00"]
URIS = [
    "http://example.no/a/b?c=d#e",
    "urn:oid:2.16.578.1.12.4.1.1.8116",
    "relative/path.xml",
    "",
    "cid:part1@example.no",
    "mailto:post@example.no",
    "#frag",
    "file:///tmp/x.pdf",
    "https://x.no",
    "http://www.w3.org/2000/09/xmldsig#sha1",
    "a%20b",
    "urn:uuid:0b51d8b2-2c2a-4d3e-9f0a-4c1d2e3f4a5b",
]


def _builtin(t: Any) -> str:
    """Local name of the nearest builtin ancestor of a simple type."""
    while t is not None and not (t.name or "").startswith("{" + XS + "}"):
        t = getattr(t, "base_type", None)
    return etree.QName(t.name).localname if t is not None else "string"


def _pad(r: Rnd, v: str, collapse: bool = True) -> str:
    """Optional surrounding whitespace (legal where whiteSpace collapses)."""
    if collapse and r.chance(0.1):
        return r.choice([" ", "\n\t", "  "]) + v + r.choice(["", " ", "\n"])
    return v


def _date(r: Rnd) -> str:
    y = r.choice([r.randint(1900, 2099), r.randint(1, 9999)])
    m = r.randint(1, 12)
    d = r.randint(1, calendar.monthrange(y, m)[1])
    return f"{y:04d}-{m:02d}-{d:02d}"


def _time(r: Rnd) -> str:
    t = f"{r.randint(0, 23):02d}:{r.randint(0, 59):02d}:{r.randint(0, 59):02d}"
    if r.chance(0.3):
        t += "." + str(r.randint(0, 999999))
    return t


def builtin_value(r: Rnd, kind: str, ctx: Gen | None = None) -> str:
    if kind in ("string", "normalizedString", "anySimpleType"):
        return r.text(TEXT_ALPHABET, 0, 12)
    if kind == "token":
        return _pad(
            r, " ".join(r.text(string.ascii_letters + string.digits + "-_.æøå", 1, 8) for _ in range(r.randint(1, 2)))
        )
    if kind == "NMTOKEN":
        return _pad(r, r.text(NAME_CHARS + ":", 1, 8))
    if kind in ("ID", "NCName", "Name", "IDREF"):
        name = r.choice(NAME_START) + r.text(NAME_CHARS, 0, 5)
        if kind == "ID" and ctx is not None:
            ctx.ids += 1
            name += f"_{ctx.ids}"
        return name
    if kind in ("integer", "long", "int", "short", "byte", "nonNegativeInteger", "positiveInteger"):
        n = r.choice([r.randint(0, 9), r.randint(-1000, 1000), r.randint(-(10**20), 10**20)])
        if kind in ("nonNegativeInteger", "positiveInteger"):
            n = abs(n) + (kind == "positiveInteger")
        s = str(n)
        if r.chance(0.1) and n >= 0:
            s = r.choice(["+", "0", "00"]) + s
        return _pad(r, s)
    if kind == "decimal":
        s = r.choice(["0", "-1.50", ".5", "5.", "+0.0", "123456789012345678901234567890.1", "-0"])
        return _pad(r, r.choice([s, f"{r.randint(-9999, 9999)}.{r.randint(0, 99)}"]))
    if kind in ("double", "float"):
        value = r.choice(
            ["0", "1e3", "INF", "-INF", "NaN", "1.5E-2", "-0", "12.75", "1E+10", str(r.randint(-(10**6), 10**6))]
        )
        # libxml2 refuses white space after INF and NaN (' INF\n', ' NaN '), though the type collapses white space
        return _pad(r, value, collapse=value not in ("INF", "-INF", "NaN"))
    if kind == "boolean":
        return _pad(r, r.choice(["true", "false", "1", "0"]))
    if kind == "date":
        return _date(r) + r.choice(TZS)
    # libxml2 rejects surrounding whitespace in date/time values (they are in BAD_VALUES instead)
    if kind == "dateTime":
        return _date(r) + "T" + _time(r) + r.choice(TZS)
    if kind == "time":
        return _time(r) + r.choice(TZS)
    if kind == "gYear":
        return f"{r.randint(1, 9999):04d}" + r.choice(TZS)
    if kind == "gYearMonth":
        return f"{r.randint(1, 9999):04d}-{r.randint(1, 12):02d}" + r.choice(TZS)
    if kind == "anyURI":
        return _pad(r, r.choice(URIS))
    if kind == "base64Binary":
        raw = bytes(r.randint(0, 255) for _ in range(r.randint(0, 70)))
        enc = base64.b64encode(raw).decode()
        if r.chance(0.2) and len(enc) > 8:
            enc = "\n".join(enc[i : i + 8] for i in range(0, len(enc), 8))
        return _pad(r, enc)
    if kind == "language":
        return _pad(r, r.choice(["no", "nb-NO", "en", "x-klingon"]))
    return r.text(TEXT_ALPHABET, 0, 8)


def _pattern_value(r: Rnd, pattern: str) -> str | None:
    """Hand-written generators for the patterns used by the schemas."""
    if pattern == r"(\d+\.?)*\d+":
        parts = [str(r.choice([r.randint(0, 9), r.randint(0, 99999)])) for _ in range(r.randint(1, 9))]
        seps = [r.choice([".", ".", ".", ""]) for _ in parts[1:]]
        return _pad(r, parts[0] + "".join(s + p for s, p in zip(seps, parts[1:], strict=True)))
    if pattern == "true|false":
        return r.choice(["true", "false"])
    return None


def simple_value(r: Rnd, t: Any, ctx: Gen | None = None) -> str:
    """A lexical value valid for simple type ``t`` (checked with xmlschema where facets are involved)."""
    if t.is_union():
        return simple_value(r, r.choice(t.member_types), ctx)
    if t.is_list():
        return " ".join(simple_value(r, t.item_type, ctx) for _ in range(r.randint(1, 3)))
    enum = getattr(t, "enumeration", None)
    if enum:
        return _pad(r, str(r.choice(enum)), _builtin(t) != "string")
    patterns = getattr(t, "patterns", None)
    if patterns:
        for p in patterns.regexps:
            v = _pattern_value(r, p)
            if v is not None:
                return v
    kind = _builtin(t)
    facets = set(getattr(t, "facets", None) or ()) - {f"{{{XS}}}whiteSpace", None}
    for _ in range(20):
        v = builtin_value(r, kind, ctx)
        if (t.name or "").startswith("{" + XS + "}") or not facets or t.is_valid(v):
            return v
    raise ValueError(f"cannot generate a value for {t}")


# --------------------------------------------------------------------------------------------------------------
# Instance generation


@dataclass
class Gen:
    """One instance under construction."""

    r: Rnd
    schema: xmlschema.XMLSchema
    body: str | None = None
    ids: int = 0
    #: (element, declared type or None for foreign elements, kind) for the mutator
    record: list[tuple[etree._Element, Any, str]] = field(default_factory=list)

    REC_CAP = 2  # how often one declaration may nest within itself
    WILD_CAP = 2  # how deep wildcard content may nest

    @functools.cached_property
    def globals(self) -> list[Any]:
        return [e for n, e in sorted(self.schema.maps.elements.items()) if not n.startswith("{" + XS + "}")]

    @functools.cached_property
    def global_types(self) -> list[Any]:
        return [t for n, t in sorted(self.schema.maps.types.items()) if not n.startswith("{" + XS + "}")]

    @functools.cached_property
    def global_attributes(self) -> list[Any]:
        return [a for n, a in sorted(self.schema.maps.attributes.items()) if n.startswith("{" + KITH + "}")]

    def new_root(self, decl: Any) -> etree._Element:
        nsmap = {PREFIXES[ns]: ns for ns in self.namespaces()}
        nsmap.update(xsi=XSI, xs=XS, fx=FOREIGN)
        el = etree.Element(decl.name, nsmap=nsmap)
        return el

    def namespaces(self) -> list[str]:
        nss = {etree.QName(n).namespace for n in self.schema.maps.elements} | {
            etree.QName(n).namespace for n in self.schema.maps.types
        }
        return sorted(namespace for namespace in nss if namespace is not None and namespace != XS)

    # -- elements ---------------------------------------------------------------------------------------------

    def element(self, decl: Any, parent: etree._Element | None, stack: tuple[str, ...], wild: int) -> etree._Element:
        el = self.new_root(decl) if parent is None else etree.SubElement(parent, decl.name)
        capped = stack.count(decl.name) >= self.REC_CAP or len(stack) > 30
        self.fill(el, decl.type, (*stack, decl.name), wild, capped, decl)
        return el

    def fill(
        self, el: etree._Element, t: Any, stack: tuple[str, ...], wild: int, capped: bool, decl: Any = None
    ) -> None:
        r = self.r
        if t.name == f"{{{XS}}}anyType":
            self.record.append((el, t, "anytype"))
            self.any_content(el, stack, wild)
            return
        if t.is_simple():
            self.record.append((el, t, "simple"))
            el.text = self.element_text(t, decl)
            return
        self.attributes(el, t)
        if t.has_simple_content():
            self.record.append((el, t, "simple"))
            el.text = self.element_text(t.content, decl)
            return
        if t.is_empty():
            self.record.append((el, t, "empty"))
            return
        self.record.append((el, t, "mixed" if t.mixed else "complex"))
        self.group(t.content, el, stack, wild, capped)
        if t.mixed:
            self.sprinkle_text(el)
        elif r.chance(0.1):
            self.pretty(el)

    def element_text(self, t: Any, decl: Any) -> str:
        if decl is not None and getattr(decl, "fixed", None) is not None:
            return str(decl.fixed)
        return simple_value(self.r, t, self)

    def sprinkle_text(self, el: etree._Element) -> None:
        r = self.r
        if r.chance(0.5):
            el.text = r.text(TEXT_ALPHABET, 1, 10)
        for c in el:
            if r.chance(0.3):
                c.tail = r.text(TEXT_ALPHABET, 1, 6)

    def pretty(self, el: etree._Element) -> None:
        if len(el):
            el.text = "\n  "
            for c in el:
                c.tail = "\n  "

    def attributes(self, el: etree._Element, t: Any) -> None:
        r = self.r
        for name, a in t.attributes.items():
            if name is None:  # attribute wildcard
                if a.namespace and r.chance(0.2):
                    self.wild_attribute(el, a)
                continue
            if a.use == "prohibited":
                continue
            if a.use == "required" or r.chance(0.5):
                el.set(a.name, a.fixed if a.fixed is not None else simple_value(r, a.type, self))

    def wild_attribute(self, el: etree._Element, w: Any) -> None:
        r = self.r
        known = [a for a in self.global_attributes if w.is_matching(a.name)]
        if known and r.chance(0.3):
            a = r.choice(known)
            el.set(a.name, a.fixed if a.fixed is not None else simple_value(r, a.type, self))
            return
        for ns in ("", FOREIGN):
            if w.is_namespace_allowed(ns):
                name = r.choice(["lang", "class", "style", "href", "x"]) + str(r.randint(0, 3))
                el.set(f"{{{ns}}}{name}" if ns else name, r.text(TEXT_ALPHABET, 0, 6))
                return

    def occurs(self, p: Any, capped: bool) -> int:
        lo: int = p.min_occurs
        hi = p.max_occurs if p.max_occurs is not None else lo + 3
        hi = min(hi, lo + 2)
        if capped:
            return lo
        return self.r.randint(lo, hi)

    def group(self, g: Any, el: etree._Element, stack: tuple[str, ...], wild: int, capped: bool) -> None:
        r = self.r
        for _ in range(self.occurs(g, capped)):
            particles = list(g)
            if g.model == "choice":
                if not particles:
                    continue
                particles = [r.choice(particles)]
            elif g.model == "all":
                order = list(range(len(particles)))
                for i in range(len(order) - 1, 0, -1):
                    j = r.randint(0, i)
                    order[i], order[j] = order[j], order[i]
                particles = [particles[i] for i in order]
            for p in particles:
                self.particle(p, el, stack, wild, capped)

    def particle(self, p: Any, el: etree._Element, stack: tuple[str, ...], wild: int, capped: bool) -> None:
        if isinstance(p, xmlschema.validators.XsdGroup):
            self.group(p, el, stack, wild, capped)
        elif isinstance(p, xmlschema.validators.XsdAnyElement):
            for _ in range(self.occurs(p, capped or wild >= self.WILD_CAP)):
                self.wildcard(p, el, stack, wild)
        else:
            for _ in range(self.occurs(p, capped)):
                self.element(p, el, stack, wild)

    # -- wildcards and anyType --------------------------------------------------------------------------------

    def matching_globals(self, w: Any) -> list[Any]:
        return [e for e in self.globals if w.is_matching(e.name)]

    def wildcard(self, w: Any, el: etree._Element, stack: tuple[str, ...], wild: int) -> None:
        r = self.r
        cands = self.matching_globals(w)
        if w.process_contents == "strict" or (cands and r.chance(0.25)) or not self.foreign_allowed(w):
            if not cands:
                raise ValueError(f"strict wildcard {w} without a matching global element")
            bodies = [e for e in cands if e.name in (f"{{{self.body}}}Dialogmelding", f"{{{B64}}}Base64Container")]
            if bodies and self.body and r.randint(0, 9) < 9:
                prefer = [e for e in bodies if etree.QName(e.name).namespace == self.body]
                decl = prefer[0] if prefer and r.randint(0, 9) < 7 else r.choice(bodies)
            else:
                decl = r.choice(cands)
            self.element(decl, el, stack, wild + 1)
        else:
            self.foreign(w, el, stack, wild)

    def foreign_allowed(self, w: Any) -> bool:
        return bool(w.is_namespace_allowed(FOREIGN) or w.is_namespace_allowed(""))

    def foreign(self, w: Any, el: etree._Element, stack: tuple[str, ...], wild: int) -> None:
        """An element with no declaration anywhere (only valid under lax/skip wildcards)."""
        r = self.r
        nss = [ns for ns in (FOREIGN, "") if w is None or w.is_namespace_allowed(ns)]
        ns = r.choice(nss)
        local = r.choice(["p", "br", "b", "div", "span", "x"])
        c = etree.SubElement(el, f"{{{ns}}}{local}" if ns else local)
        self.record.append((c, None, "foreign"))
        if r.chance(0.3):
            c.set(r.choice(["class", "id", "style"]), r.text(TEXT_ALPHABET, 0, 5))
        if wild < self.WILD_CAP and r.chance(0.3):
            for _ in range(r.randint(1, 2)):
                self.foreign(None, c, stack, wild + 1)
            self.sprinkle_text(c)
        elif r.chance(0.7):
            c.text = r.text(TEXT_ALPHABET, 1, 10)

    def any_content(self, el: etree._Element, stack: tuple[str, ...], wild: int) -> None:
        """Content of an xs:anyType element: text, foreign markup, declared globals, attributes, xsi:type."""
        r = self.r
        if r.chance(0.08) and wild < self.WILD_CAP:
            t = r.choice(self.global_types)
            if not getattr(t, "abstract", False):
                el.set(f"{{{XSI}}}type", self.qname(t.name))
                self.fill(el, t, stack, wild + 1, False)
                return
        if r.chance(0.15):
            a = r.choice([*self.global_attributes, None])
            if a is not None:
                el.set(a.name, a.fixed if a.fixed is not None else simple_value(r, a.type, self))
            else:
                el.set(r.choice(["style", "lang"]), r.text(TEXT_ALPHABET, 0, 5))
        mode = r.randint(0, 3) if wild < self.WILD_CAP else 0
        if mode == 0:
            if r.chance(0.8):
                el.text = r.text(TEXT_ALPHABET, 0, 20)
            return
        for _ in range(r.randint(1, 3)):
            if mode == 3 and r.chance(0.5):
                self.element(r.choice(self.globals), el, stack, wild + 1)
            else:
                self.foreign(None, el, stack, wild + 1)
        self.sprinkle_text(el)

    def qname(self, clark: str) -> str:
        q = etree.QName(clark)
        return f"{PREFIXES[q.namespace]}:{q.localname}" if q.namespace else q.localname


def generate(r: Rnd, root: Root) -> Gen:
    gen = Gen(r, reference_xmlschema(root.set_name), root.body)
    decl = gen.schema.maps.elements[root.name]
    gen.element(decl, None, (), 0)
    return gen


def tobytes(el: etree._Element) -> bytes:
    return etree.tostring(el, xml_declaration=True, encoding="UTF-8")


# --------------------------------------------------------------------------------------------------------------
# Mutations

BAD_VALUES = [
    "not-a-date",
    "x",
    " ",
    "",
    "2020-13-45",
    "2020-02-30",
    "1.5",
    "-1",
    "abc def",
    "true",
    "2024-01-01T10:00:00",
    "2024-01-01T24:00:00",
    "2024-01-01",
    "10:00",
    "2024",
    "2024-05",
    "99999999999999999999999",
    "1e3",
    "NaN",
    "INF",
    "P1D",
    "http://a b",
    "=",
    "a==",
    "Zm9v",
    "YQ=",
    "1..2",
    "1.2.",
    ".1",
    "1 2",
    "\u0663.\u0664",
    "\uff10",
    "1.2.3.4.5.6.7.8.9",
    "v1.2 2006-05-24",
    " v1.2 2006-05-24",
    "v1.2  2006-05-24",
    "1.0 2004-11-21",
    "v1.1 2012-02-15",
    "SHA-1",
    "GZ",
    "B64",
    "NI",
    "text/plain",
    "02:00:00+15:00",
    "2020-01-01Z",
    "-0001-01-01",
    "0000",
    " 2024-01-01T10:00:00Z ",
    "\n2024-01-01\n",
    " 10:00:00",
    "+1",
    "0x10",
    "tRuE",
    "\t7\n",
    "\u2260",
]
MUTATIONS = (
    "drop",
    "duplicate",
    "swap",
    "bad_value",
    "bad_attribute_value",
    "unknown_element",
    "namespace",
    "unknown_attribute",
    "xsi_type",
    "anytype_insert",
    "drop_attribute",
    "text_in_element",
    "rename",
)


def _tag(element: etree._Element) -> str:
    """The name of ``element`` in Clark notation (``{namespace}local``), as its ``tag`` holds it."""
    return etree.QName(element).text


def _walk(root: etree._Element) -> list[etree._Element]:
    return [e for e in root.iter() if isinstance(e.tag, str)]


def _set_text(el: etree._Element, text: str) -> None:
    for c in list(el):
        el.remove(c)
    el.text = text


def _pick_attribute(r: Rnd, elements: list[Any]) -> tuple[Any, str] | None:
    """One (element, attribute name) among the elements that have attributes, or None."""
    with_attrs = [e for e in elements if e.attrib]
    if not with_attrs:
        return None
    el = r.choice(with_attrs)
    return el, r.choice(sorted(el.attrib))


def mutate(r: Rnd, gen: Gen, root: etree._Element) -> str:
    """Apply one mutation in place; returns its description."""
    elements: list[Any] = _walk(root)  # lxml's own elements, whose tags _walk found to be strings
    nonroot = elements[1:]
    kind = r.choice(MUTATIONS)
    nss = [*gen.namespaces(), "", FOREIGN]
    if kind == "drop" and nonroot:
        el = r.choice(nonroot)
        el.getparent().remove(el)
        return f"drop {el.tag}"
    if kind == "duplicate" and nonroot:
        el = r.choice(nonroot)
        el.addnext(copy.deepcopy(el))
        return f"duplicate {el.tag}"
    if kind == "swap":
        pairs = [(e, after) for e in nonroot if (after := e.getnext()) is not None and after.tag != e.tag]
        if pairs:
            a, b = r.choice(pairs)
            a.addprevious(b)  # move b before a (keeps tails with their elements)
            return f"swap {a.tag} <-> {b.tag}"
    if kind == "bad_value":
        leaves = [e for e, _, k in gen.record if k in ("simple", "empty") and e.getroottree().getroot() is root]
        if leaves:
            el = r.choice(leaves)
            _set_text(el, r.choice(BAD_VALUES))
            return f"bad text in {_tag(el)}"
    if kind == "bad_attribute_value":
        picked = _pick_attribute(r, elements)
        if picked:
            el, name = picked
            el.set(name, r.choice(BAD_VALUES))
            return f"bad attribute {name} on {el.tag}"
    if kind == "unknown_element":
        parent = r.choice(elements)
        ns = r.choice([etree.QName(parent).namespace or "", *nss])
        local = r.choice(["Unknown", "Extra", "Id", "Type", "V", "MsgInfo", "Notat", "Content", "Organisation"])
        child = etree.Element(f"{{{ns}}}{local}" if ns else local)
        if r.chance(0.5):
            child.text = "x"
        parent.insert(r.randint(0, len(parent)), child)
        return f"insert {_tag(child)} into {parent.tag}"
    if kind == "namespace":
        el = r.choice(elements)
        q = etree.QName(el)
        ns = r.choice([n for n in nss if n != (q.namespace or "")])
        el.tag = f"{{{ns}}}{q.localname}" if ns else q.localname
        return f"move {q} to namespace {ns!r}"
    if kind == "unknown_attribute":
        el = r.choice(elements)
        name = r.choice(
            [
                "V",
                "S",
                "DN",
                "OT",
                "Id",
                "foo",
                f"{{{FOREIGN}}}bar",
                f"{{{KITH}}}NULL",
                f"{{{KITH}}}COMPN",
                f"{{{KITH}}}ENC",
                f"{{{MH}}}V",
                f"{{{XSI}}}nil",
            ]
        )
        el.set(name, r.choice(["1", "NI", "GZ", "true", "x y", "TXT"]))
        return f"attribute {name} on {el.tag}"
    if kind == "xsi_type":
        el = r.choice(elements)
        names = (
            [t.name for t in gen.global_types]
            + [f"{{{XS}}}{n}" for n in ("string", "anyType", "integer", "dateTime", "token", "base64Binary")]
            + [f"{{{MH}}}NoSuchType"]
        )
        name = r.choice(names)
        el.set(f"{{{XSI}}}type", gen.qname(name))
        return f"xsi:type {name} on {el.tag}"
    if kind == "anytype_insert":
        hosts = [
            e for e, _, k in gen.record if k in ("anytype", "mixed", "foreign") and e.getroottree().getroot() is root
        ]
        if hosts:
            host = r.choice(hosts)
            decl = r.choice(gen.globals)
            sub = Gen(r, gen.schema, gen.body)
            sub.ids = gen.ids + 1000
            child = sub.element(decl, None, (), Gen.WILD_CAP - 1)
            if r.chance(0.5):  # make it (probably) invalid
                mutate(r, sub, child) if r.chance(0.5) else _set_text(child, "x")
            host.insert(r.randint(0, len(host)), child)
            return f"insert global {decl.name} into {_tag(host)}"
    if kind == "drop_attribute":
        picked = _pick_attribute(r, elements)
        if picked:
            el, name = picked
            del el.attrib[name]
            return f"drop attribute {name} on {el.tag}"
    if kind == "text_in_element":
        el = r.choice(elements)
        txt = r.choice(["x", " ", "\n", "&lt;", "0"])
        if len(el) and r.chance(0.5):
            c = r.choice(list(el))
            c.tail = (c.tail or "") + txt
        else:
            el.text = (el.text or "") + txt
        return f"text {txt!r} in {el.tag}"
    if kind == "rename" and nonroot:
        el = r.choice(nonroot)
        q = etree.QName(el)
        local = r.choice([q.localname.lower(), q.localname + "s", "Formal", "Formål", "Foresporsel", "Id", "Type"])
        el.tag = f"{{{q.namespace}}}{local}" if q.namespace else local
        return f"rename {q} to {local}"
    # fallback: drop the last element child of the root (or a duplicate of the root's first child)
    if len(root):
        root.remove(root[-1])
        return "drop last child of root"
    root.text = "x"
    return "text in root"


# --------------------------------------------------------------------------------------------------------------
# Hypothesis strategies


def _root(root: str | Root) -> Root:
    return root if isinstance(root, Root) else roots()[root]


def _rnd(draw: Callable[[Any], Any], shrinkable: bool) -> Rnd:
    if shrinkable:
        return DrawRnd(draw)
    # One drawn seed drives a fast random.Random (Hypothesis draws per decision cost ~50x more); disagreements are
    # reduced by minimise() instead of Hypothesis' shrinker.
    return RandomRnd(random.Random(draw(st.integers(0, 2**63 - 1))))


@st.composite
def valid_instance(draw: Callable[[Any], Any], root: str | Root, shrinkable: bool = False) -> bytes:
    """A document for ``root`` (key of :func:`roots` or a :class:`Root`) valid under the reference schemas.

    With ``shrinkable`` every decision is a Hypothesis draw (shrinks structurally, but ~50x slower).
    """
    gen = generate(_rnd(draw, shrinkable), _root(root))
    return tobytes(gen.record[0][0].getroottree().getroot())


@st.composite
def mutant(draw: Callable[[Any], Any], root: str | Root, shrinkable: bool = False) -> bytes:
    """A valid document for ``root`` with one mutation applied (may or may not still be valid)."""
    r = _rnd(draw, shrinkable)
    gen = generate(r, _root(root))
    el = gen.record[0][0].getroottree().getroot()
    mutate(r, gen, el)
    return tobytes(el)


def random_instance(seed: int, root: str | Root, mutated: bool) -> bytes:
    """Non-Hypothesis variant (seeded ``random.Random``), handy for sampling and debugging."""
    r = RandomRnd(random.Random(seed))
    gen = generate(r, _root(root))
    el = gen.record[0][0].getroottree().getroot()
    if mutated:
        mutate(r, gen, el)
    return tobytes(el)


# --------------------------------------------------------------------------------------------------------------
# Minimisation of a disagreeing instance


def _reductions(data: bytes) -> Iterator[bytes]:
    """Every one-step smaller variant of ``data``: an element removed, then an attribute, a text or a tail cleared."""

    def edited(index: int, edit: Callable[[etree._Element], None]) -> bytes:
        root = etree.fromstring(data, PARSER)
        edit(_walk(root)[index])
        return tobytes(root)

    elements = _walk(etree.fromstring(data, PARSER))
    def removed(element: etree._Element) -> None:
        parent = element.getparent()
        assert parent is not None  # the root is never removed
        parent.remove(element)

    def unset(name: str) -> Callable[[etree._Element], None]:
        def edit(element: etree._Element) -> None:
            element.attrib.pop(name)

        return edit

    def cleared(attr: str) -> Callable[[etree._Element], None]:
        return lambda element: setattr(element, attr, None)

    for i in range(1, len(elements)):
        yield edited(i, removed)
    for i, el in enumerate(elements):
        for name in list(el.attrib):
            yield edited(i, unset(name))
        for attr in ("text", "tail"):
            if getattr(el, attr):
                yield edited(i, cleared(attr))


def minimise(data: bytes, disagrees: Callable[[bytes], bool], budget: int = 3000) -> bytes:
    """Greedy reduction: remove elements, attributes and text while ``disagrees`` still holds."""
    best = data
    changed = True
    while changed and budget > 0:
        changed = False
        for cand in _reductions(best):
            budget -= 1
            if disagrees(cand):
                best, changed = cand, True
                break
            if budget <= 0:
                break
    return best
