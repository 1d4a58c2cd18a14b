"""Issue 20, item 2: one table maps versions, namespaces, labels and MIG versions (:mod:`dmtool.standards.versions`);
every other mapping between them is made from it and agrees with it."""

from __future__ import annotations

from pathlib import Path
from typing import get_args

import pytest

import dmtool
from dmtool.apprec import model as apprec_model
from dmtool.dialog import model as dialog_model
from dmtool.dialog import writer
from dmtool.report import Version, versions
from dmtool.standards import versions as table
from dmtool.xml.loader import load

PACKAGE = Path(dmtool.__file__).resolve().parent
#: Strings only the table (and the namespaces it names) may hold.
TABLE_ONLY = ("1.0 2004-11-21", "v1.1 2012-02-15", "v1.2 2006-05-24", "2006-10-11", "2013-01-23", "2012-02-15")


def test_the_models_versions_come_from_the_table() -> None:
    assert dialog_model.DIALOG_VERSIONS == table.numbers("dialog") == get_args(dialog_model.DialogVersion)
    assert apprec_model.APPREC_VERSIONS == table.numbers("apprec") == get_args(apprec_model.AppRecVersion)
    assert table.namespaces("apprec") == apprec_model.NAMESPACES
    assert table.mig_versions("apprec") == apprec_model.MIG_VERSIONS
    assert table.namespaces("dialog") == writer.DIALOG_NAMESPACES
    assert table.mig_versions("msghead")["1.2"] == writer.MIG_VERSION


def test_the_report_labels_are_the_tables() -> None:
    labels = {found.label for found in table.VERSIONS if found.standard != "msghead"}
    assert set(get_args(Version)) == labels
    for found in table.VERSIONS:
        keys = versions(found.label)
        assert keys["dialog_version"] == (found.number if found.standard == "dialog" else None)
        assert keys["apprec_version"] == (found.number if found.standard == "apprec" else None)
    assert versions(None) == {"dialog_version": None, "apprec_version": None}


@pytest.mark.parametrize("found", table.of("apprec"), ids=lambda found: found.label)
def test_the_loader_names_an_apprec_by_the_table(found: table.StandardVersion) -> None:
    loaded = load(f'<AppRec xmlns="{found.namespace}"><MsgType V="APPREC"/><Id>x</Id></AppRec>'.encode())
    assert loaded.kind == "apprec" and loaded.version == found.label
    assert apprec_model.version_of(found.label) == found.number
    assert table.label("apprec", found.number) == found.label


def test_an_unknown_version_is_refused() -> None:
    with pytest.raises(KeyError):
        table.label("dialog", "2.0")
    with pytest.raises(ValueError, match="not an AppRec version"):
        apprec_model.version_of("dialog-1.1")
    assert table.by_label("dialog-2.0") is None


def test_no_other_module_spells_a_version_out() -> None:
    """A MIG version or a namespace's date written anywhere but in the table (and the namespaces) is a second table
    that can drift from it."""
    allowed = {PACKAGE / "standards" / "versions.py", PACKAGE / "standards" / "namespaces.py"}
    for path in sorted(PACKAGE.rglob("*.py")):
        if path in allowed or path.name == "cli.py":
            continue
        text = path.read_text(encoding="utf-8")
        for spelled in TABLE_ONLY:
            assert f'"{spelled}"' not in text, (path, spelled)
