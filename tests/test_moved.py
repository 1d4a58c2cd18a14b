"""Issue 20, item 1: the modules moved into subpackages, and every old flat import path still works.

The one table is :data:`dmtool._moved.MOVED` (old name → new name); an old name gives the new module object itself,
so that patching one patches both.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest

import dmtool
from dmtool import _moved

SRC = Path(dmtool.__file__).resolve().parent

#: The public names of the old ``dmtool.apprec`` module (now a package of model, reader and writer).
OLD_APPREC_NAMES = (
    "APPREC_VERSIONS",
    "DEFAULT_VERSION",
    "MIG_VERSIONS",
    "NAMESPACES",
    "AppRec",
    "AppRecVersion",
    "Party",
    "Unit",
    "from_element",
    "parse_apprec",
    "to_element",
    "to_xml",
)


@pytest.mark.parametrize("old", sorted(_moved.MOVED))
def test_an_old_path_is_the_new_module(old: str) -> None:
    new = _moved.MOVED[old]
    module = importlib.import_module(old)
    assert module is importlib.import_module(new)
    assert module.__name__ == new and module.__spec__ is not None and module.__spec__.name == new
    assert getattr(dmtool, old.rpartition(".")[2]) is module


@pytest.mark.parametrize("old", sorted(_moved.MOVED))
def test_the_old_file_is_gone_and_the_new_one_is_there(old: str) -> None:
    """No old module is left behind to be imported instead (a stale copy would shadow the alias)."""
    leaf = old.removeprefix("dmtool.")
    assert not (SRC / f"{leaf}.py").exists() and not (SRC / leaf).is_dir()
    new = Path(*_moved.MOVED[old].split(".")[1:])
    assert (SRC / new).with_suffix(".py").is_file() or (SRC / new / "__init__.py").is_file()


def test_old_paths_work_in_a_fresh_interpreter() -> None:
    """``from dmtool.model import Message`` and ``import dmtool.receipts`` as a user's script would, first thing."""
    lines = [f"import {old}" for old in sorted(_moved.MOVED)]
    lines += [f"assert sys.modules[{old!r}] is sys.modules[{new!r}]" for old, new in sorted(_moved.MOVED.items())]
    lines += ["from dmtool.model import Message", "from dmtool.receipts import apprec_for, check_apprec"]
    lines += ["from dmtool.apprec import AppRec, parse_apprec, to_xml", "from dmtool import strategies, profiles"]
    lines += ["assert Message is dmtool.dialog.model.Message and profiles is dmtool.standards.profiles"]
    script = "import sys\nimport dmtool\n" + "\n".join(lines)
    ran = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert ran.returncode == 0, ran.stderr


def test_patching_through_the_old_name_patches_the_new_module(monkeypatch: pytest.MonkeyPatch) -> None:
    old = importlib.import_module("dmtool.loader")
    monkeypatch.setattr(old, "MAX_SIZE", 1000)
    assert importlib.import_module("dmtool.xml.loader").MAX_SIZE == 1000


def test_the_apprec_package_keeps_the_old_module_names() -> None:
    package = importlib.import_module("dmtool.apprec")
    for name in OLD_APPREC_NAMES:
        assert hasattr(package, name), name
    assert package.AppRec is dmtool.apprec.model.AppRec and package.to_xml is dmtool.apprec.writer.to_xml
    assert package.parse_apprec is dmtool.apprec.reader.parse_apprec


def test_every_name_of_the_package_is_there() -> None:
    for name in dmtool.__all__:
        assert hasattr(dmtool, name), name


def test_an_unknown_attribute_is_still_an_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nonesuch'"):
        dmtool.nonesuch  # noqa: B018


def test_every_moved_module_says_where_it_was_once_in_the_table() -> None:
    """One table: no new name twice, and no old name inside a new package."""
    assert len(set(_moved.MOVED.values())) == len(_moved.MOVED)
    for old in _moved.MOVED:
        assert old.count(".") == 1, old
