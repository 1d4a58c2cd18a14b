"""Issue 20, Done when 1: ``src/dmtool`` is a tree of subpackages, no module is over 600 lines, and no module imports
one of a higher layer.

Every import of every module is read from its source (the syntax tree: imports inside functions and under
``TYPE_CHECKING`` count too), resolved to the dmtool module it names, and compared by layer (:data:`LAYERS`). On top
of the order, :data:`FORBIDDEN` lists pairs that must never meet whatever their layers: the Dialogmelding writer is a
pure serializer and knows nothing of the rules, and the AppRec code does not read Dialogmelding.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import Final, NamedTuple

import pytest

import dmtool
from dmtool import _moved

PACKAGE: Final = Path(dmtool.__file__).resolve().parent
MAX_LINES: Final = 600

#: The layers, lowest first; a module may import its own layer and those below. A name stands for the module and
#: everything under it, and the longest name that covers a module gives its layer.
LAYERS: Final[tuple[tuple[str, ...], ...]] = (
    # plain data every layer reports in (the report names versions by the table of versions and namespaces), the
    # table of old module names, and the version (a constant of the package, not its API: imported by name, it is
    # not the package's layer)
    (
        "dmtool.errors",
        "dmtool.report",
        "dmtool.standards.versions",
        "dmtool.standards.namespaces",
        "dmtool.jsontext",
        "dmtool._moved",
        "dmtool.__version__",
    ),
    # what the standards and guidelines say, as data
    ("dmtool.standards",),
    # safe XML: loading, identifying, navigating, schemas
    ("dmtool.xml",),
    # the models, and the XML binding declared on their fields
    ("dmtool.dialog.model", "dmtool.dialog.fields", "dmtool.apprec.model"),
    # reading and writing them (the pure serializers); dmtool.apprec gives its model, reader and writer
    ("dmtool.dialog", "dmtool.apprec"),
    # the rules and their view of a received message; checking a receipt against its message is a rule
    # (APPREC-CONSISTENT)
    ("dmtool.rules", "dmtool.apprec.check"),
    # the report of a message, and the strict gate over the writer
    ("dmtool.validation", "dmtool.build"),
    # what makes messages the rules take: the constructors (a svar or avvik copies what the rules accept of the
    # original: dmtool.dialog.replies), specs, receipts; batches and archives of reports; the settings file
    (
        "dmtool.dialog.compose",
        "dmtool.dialog.replies",
        "dmtool.dialog.spec",
        "dmtool.dialog.spec_examples",
        "dmtool.apprec.make",
        "dmtool.batch",
        "dmtool.archive",
        "dmtool.config",
        "dmtool.output",
    ),
    # the memory of messages sent and received
    ("dmtool.ledger",),
    # test data (a thread's deliveries are the ledger's entries)
    ("dmtool.testing",),
    # the front ends, and the package itself, which gathers the API
    ("dmtool.serve", "dmtool.cli", "dmtool.__main__", "dmtool"),
)

#: Pairs that must never meet, whatever their layers: (importer, imported); a name covers what is under it.
FORBIDDEN: Final = (
    ("dmtool.dialog.writer", "dmtool.rules"),
    ("dmtool.dialog.writer", "dmtool.validation"),
    ("dmtool.dialog.writer", "dmtool.build"),
    ("dmtool.apprec", "dmtool.dialog.reader"),
)


class Import(NamedTuple):
    importer: str
    imported: str
    line: int


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _is_module(name: str, known: dict[str, Path]) -> bool:
    return name in known or name == "dmtool.__version__"


def imports_of(name: str, path: Path, known: dict[str, Path]) -> Iterator[Import]:
    """The dmtool modules ``name`` imports, each as the most precise module the statement names (``from . import
    tree`` in ``dmtool.xml.loader`` is ``dmtool.xml.tree``; ``from .model import Message`` is
    ``dmtool.dialog.model``)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "dmtool" or alias.name.startswith("dmtool."):
                    yield Import(name, alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            if target != "dmtool" and not target.startswith("dmtool."):
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                yield Import(name, sub if _is_module(sub, known) else target, node.lineno)


def covers(prefix: str, name: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def layer(name: str) -> int:
    found = [(len(prefix), rank) for rank, names in enumerate(LAYERS) for prefix in names if covers(prefix, name)]
    assert found, f"{name} has no layer: add it to LAYERS"
    return max(found)[1]


def all_imports() -> list[Import]:
    known = modules()
    return [found for name, path in known.items() for found in imports_of(name, path, known)]


def upward(found: list[Import]) -> list[str]:
    return [
        f"{i.importer} (layer {layer(i.importer)}) imports {i.imported} (layer {layer(i.imported)}), line {i.line}"
        for i in found
        if layer(i.imported) > layer(i.importer)
    ]


def forbidden(found: list[Import]) -> list[str]:
    return [
        f"{i.importer} imports {i.imported}, line {i.line}"
        for i in found
        for importer, imported in FORBIDDEN
        if covers(importer, i.importer) and covers(imported, i.imported)
    ]


def test_no_module_imports_an_old_path() -> None:
    """The old flat names (dmtool._moved) are for the package's users; its own modules use the new paths."""
    old = [f"{i.importer} imports {i.imported}, line {i.line}" for i in all_imports() if i.imported in _moved.MOVED]
    assert old == []


def test_no_module_imports_a_higher_layer() -> None:
    assert upward(all_imports()) == []


def test_the_forbidden_pairs_never_meet() -> None:
    assert forbidden(all_imports()) == []


def test_every_module_has_a_layer() -> None:
    for name in modules():
        layer(name)


def test_no_module_is_over_600_lines() -> None:
    long = {
        name: n
        for name, path in modules().items()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_the_package_is_a_tree_of_subpackages() -> None:
    """One folder per concern, and only the modules of the top layers (and the entry points) beside them."""
    folders = {path.name for path in PACKAGE.iterdir() if (path / "__init__.py").is_file()}
    assert folders >= {"xml", "standards", "dialog", "apprec", "rules", "testing", "ledger", "serve", "cli"}
    flat = {path.stem for path in PACKAGE.glob("*.py")}
    assert flat <= {
        "__init__", "__main__", "_moved", "errors", "report", "jsontext", "validation", "build", "batch", "archive",
        "config", "output",
    }  # fmt: skip


# -- the checks can fail ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("importer", "source", "complaint"),
    [
        ("dmtool.dialog.writer", "from .. import rules\n", "upward"),
        ("dmtool.dialog.writer", "def f():\n    from ..rules.facts import Facts\n", "upward"),
        ("dmtool.dialog.writer", "from ..validation import validate\n", "upward"),
        ("dmtool.standards.clock", "from ..dialog.model import Message\n", "upward"),
        ("dmtool.xml.tree", "import dmtool.rules.codes\n", "upward"),
        ("dmtool.apprec.reader", "from ..dialog.reader import parse\n", "forbidden"),
        ("dmtool.apprec.make", "from ..dialog import reader\n", "forbidden"),
        ("dmtool.dialog.writer", "from ..rules import textscan\n", "forbidden"),
    ],
)
def test_a_bad_import_is_caught(tmp_path: Path, importer: str, source: str, complaint: str) -> None:
    """A module written with a bad import, read as if it stood at ``importer``'s place, is reported."""
    path = tmp_path / "module.py"
    path.write_text(source, encoding="utf-8")
    found = list(imports_of(importer, path, modules()))
    assert found
    assert (upward(found) if complaint == "upward" else forbidden(found)) != []
