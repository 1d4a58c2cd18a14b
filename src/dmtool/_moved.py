"""The old flat module paths of dmtool, kept working after the modules moved into subpackages.

:data:`MOVED` is the one table of old name → new name. :func:`install` puts a finder on :data:`sys.meta_path` that
answers an import of an old name with the new module object itself (not a copy): ``dmtool.model is
dmtool.dialog.model``, and patching an attribute through one name patches it for both.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import Final

#: Every module that moved: old dotted name → new dotted name.
MOVED: Final[dict[str, str]] = {
    # XML: safe loading, identification, navigation, schemas
    "dmtool.loader": "dmtool.xml.loader",
    "dmtool.source": "dmtool.xml.source",
    "dmtool.tree": "dmtool.xml.tree",
    "dmtool.xsd": "dmtool.xml.xsd",
    "dmtool.parsing": "dmtool.xml.parsing",
    # the standards: versions, namespaces, code lists, identifiers, time, working days, profiles
    "dmtool.namespaces": "dmtool.standards.namespaces",
    "dmtool.codelists": "dmtool.standards.codelists",
    "dmtool.coded_fields": "dmtool.standards.coded_fields",
    "dmtool.ids": "dmtool.standards.ids",
    "dmtool.clock": "dmtool.standards.clock",
    "dmtool.deadlines": "dmtool.standards.deadlines",
    "dmtool.profiles": "dmtool.standards.profiles",
    # Dialogmelding: model, constructors, reader, writer, spec, replies
    "dmtool.model": "dmtool.dialog.model",
    "dmtool.compose": "dmtool.dialog.compose",
    "dmtool.reader": "dmtool.dialog.reader",
    "dmtool.spec": "dmtool.dialog.spec",
    "dmtool.replies": "dmtool.dialog.replies",
    "dmtool.summary": "dmtool.dialog.summary",
    # AppRec: dmtool.apprec is a package now (model, reader, writer, make, check) and keeps its old names
    "dmtool.apprec_check": "dmtool.apprec.check",
    "dmtool.receipts": "dmtool.apprec.make",
    # the rules' view of a message
    "dmtool.facts": "dmtool.rules.facts",
    "dmtool.families": "dmtool.rules.families",
    "dmtool.textscan": "dmtool.rules.textscan",
    # the writer checked the hard rules itself; that gate is dmtool.build now, over the pure dmtool.dialog.writer
    "dmtool.writer": "dmtool.build",
    # test data
    "dmtool.strategies": "dmtool.testing.strategies",
    "dmtool.fixtures": "dmtool.testing.fixtures",
}


class _Alias(importlib.abc.Loader):
    """Loads an old name as the module of its new name."""

    def __init__(self, new: str) -> None:
        self.new = new

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        module = importlib.import_module(self.new)
        self.spec = module.__spec__  # the import system sets the old name's spec on it: put its own back
        return module

    def exec_module(self, module: ModuleType) -> None:
        """Nothing to run (the new module ran when it was imported): only give the module back its own spec."""
        module.__spec__ = self.spec


class _Finder(importlib.abc.MetaPathFinder):
    """Finds the old names of :data:`MOVED`."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        new = MOVED.get(fullname)
        return None if new is None else importlib.util.spec_from_loader(fullname, _Alias(new))


def install() -> None:
    """Put the finder of the old names on :data:`sys.meta_path`, once."""
    if not any(isinstance(finder, _Finder) for finder in sys.meta_path):
        sys.meta_path.append(_Finder())


def old_module(name: str) -> ModuleType | None:
    """The module an old attribute of the ``dmtool`` package names (``dmtool.model``), or ``None``."""
    return importlib.import_module(f"dmtool.{name}") if f"dmtool.{name}" in MOVED else None
