"""Issue 20, item 1: what is public. One root for dmtool's exceptions (:class:`dmtool.DmtoolError`), each class
keeping its older base; ``Settings``, ``Original`` and ``Party`` exported from the package; the docs say what is
public."""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path

import pytest
from paths import ROOT

import dmtool
from dmtool import errors

PACKAGE = Path(dmtool.__file__).resolve().parent
#: Exceptions that are not errors: control flow of the command line (an interrupted command).
NOT_ERRORS = {"dmtool.cli.signals.Stopped"}
#: Each exception class and the base it had before the common root: code that catches that still does.
OLDER_BASES = {
    "BuildError": ValueError,
    "ParseError": ValueError,
    "RuleError": ValueError,
    "NoReceipt": ValueError,
    "ReplyError": ValueError,
    "SpecError": ValueError,
    "ConfigError": ValueError,
    "OutputRefused": ValueError,
    "InvalidIdentifier": ValueError,
    "FixtureError": RuntimeError,
    "LoadError": Exception,
    "LedgerError": Exception,
    "ApiError": Exception,
}


def exception_classes() -> dict[str, type[BaseException]]:
    """Every exception class defined in a dmtool module, by its qualified name."""
    found: dict[str, type[BaseException]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        name = ".".join(parts[:-1] if parts[-1] in ("__init__", "__main__") else parts)
        module = importlib.import_module(name)
        for value in vars(module).values():
            if inspect.isclass(value) and issubclass(value, BaseException) and value.__module__ == name:
                found[f"{name}.{value.__qualname__}"] = value
    return found


def test_every_exception_class_has_the_one_root() -> None:
    classes = exception_classes()
    assert set(OLDER_BASES) <= {name.rpartition(".")[2] for name in classes}
    for name, cls in classes.items():
        if name not in NOT_ERRORS:
            assert issubclass(cls, errors.DmtoolError), name


@pytest.mark.parametrize(("name", "base"), sorted(OLDER_BASES.items()))
def test_each_keeps_its_older_base(name: str, base: type[BaseException]) -> None:
    (cls,) = [cls for qualified, cls in exception_classes().items() if qualified.rpartition(".")[2] == name]
    assert issubclass(cls, base)


def test_the_root_and_the_classes_used_in_practice_are_exported() -> None:
    for name in ("DmtoolError", "Settings", "Original", "Party"):
        assert name in dmtool.__all__
    assert dmtool.Settings is dmtool.standards.profiles.Settings
    assert dmtool.Original is dmtool.rules.facts.Original
    assert dmtool.Party is dmtool.apprec.model.Party
    with pytest.raises(dmtool.DmtoolError):
        dmtool.parse(b"not xml")


def test_the_api_page_says_what_is_public() -> None:
    page = (ROOT / "docs" / "reference" / "api" / "index.md").read_text(encoding="utf-8")
    assert "DmtoolError" in page and "not yet exported" not in page
    for name in ("Settings", "Original", "Party"):
        assert f"`dmtool.{name}`" in page
