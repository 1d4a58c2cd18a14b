"""Issue 20, item 5: the tests' own set-up.

One ``conftest.py`` holds the hypothesis profiles (``dev``, ``ci``) that the modules no longer define each for
themselves; the ``slow`` marker is registered; only the tests about the reference data skip without ``../shared``;
mypy checks the tests, with one documented allowance.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path

import pytest
from conftest import PROFILE_ENV
from hypothesis import settings
from paths import ROOT

TESTS = ROOT / "tests"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def sources() -> dict[str, str]:
    """Every Python file of the tests but this one, by name."""
    own = Path(__file__).name
    return {path.name: path.read_text(encoding="utf-8") for path in sorted(TESTS.glob("*.py")) if path.name != own}


def test_the_profile_in_effect_is_the_one_the_environment_names() -> None:
    current = settings.default
    assert current is not None and current.deadline is None
    expected = settings.get_profile(os.environ.get(PROFILE_ENV, "dev"))
    assert (current.database is None) == (expected.database is None)
    ci = settings.get_profile("ci")
    assert ci.database is None and ci.print_blob and ci.deadline is None
    assert f"export {PROFILE_ENV}=ci" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_no_module_keeps_its_own_deadline_or_health_checks() -> None:
    """The profiles say it once; a test may suppress a health check of its own (a function-scoped fixture)."""
    for name, text in sources().items():
        if name == "conftest.py":
            continue
        assert "deadline=" not in text, name
        assert not re.search(r"^_?SETTINGS\b.*=", text, re.M), name
        for found in re.findall(r"suppress_health_check=\[([^\]]*)\]", text):
            assert "function_scoped_fixture" in found, (name, found)


def test_the_slow_marker_is_registered(pytestconfig: pytest.Config) -> None:
    assert any(line.startswith("slow:") for line in pytestconfig.getini("markers"))
    assert "--strict-markers" in PYPROJECT["tool"]["pytest"]["ini_options"]["addopts"]


def test_only_the_conformance_module_skips_whole_without_shared() -> None:
    """It compares dmtool's schemas with the reference ones, so every test in it needs them; any other module marks
    the tests that need ``../shared`` one by one (``paths.needs_reference``)."""
    skipping = [name for name, text in sources().items() if "allow_module_level=True" in text]
    assert skipping == ["test_conformance.py"]


def test_mypy_checks_the_tests_and_the_allowance_names_only_modules_that_exist() -> None:
    mypy = PYPROJECT["tool"]["mypy"]
    assert mypy["strict"] and "tests" in mypy["files"]
    allowed = [override for override in mypy["overrides"] if override.get("disallow_untyped_defs") is False]
    assert len(allowed) == 1 and allowed[0]["check_untyped_defs"] is True
    modules = allowed[0]["module"]
    assert all(name.startswith("test_") and (TESTS / f"{name}.py").is_file() for name in modules), modules
    assert "test_setup" not in modules and "test_conventions" not in modules  # written strictly
