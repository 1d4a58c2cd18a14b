"""``-o OUT`` (``build``, ``apprec``): written whole or not at all, where the user means, with the right mode."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from paths import EXAMPLES

from dmtool import output
from dmtool.cli import main
from dmtool.dialog.spec import example

EXPECTED = (json.dumps(example("notat"), ensure_ascii=False, indent=2) + "\n").encode()
is_root = os.geteuid() == 0 if hasattr(os, "geteuid") else False


def build(out: Path | str) -> Result:
    """``dmtool build notat --example -o OUT``: a small output that is always the same."""
    return CliRunner().invoke(main, ["build", "notat", "--example", "-o", str(out)])


@pytest.fixture
def umask() -> Iterator[None]:
    """The umask of the test (022), restored after it."""
    before = os.umask(0o022)
    yield
    os.umask(before)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def leftovers(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if path.name.endswith(".tmp"))


@pytest.mark.parametrize(("umask_bits", "wanted"), [(0o022, 0o600), (0o000, 0o600), (0o077, 0o600), (0o277, 0o400)])
def test_a_new_file_is_0600_unless_the_umask_is_stricter(tmp_path: Path, umask_bits: int, wanted: int) -> None:
    before = os.umask(umask_bits)
    try:
        assert build(tmp_path / "new.json").exit_code == 0
    finally:
        os.umask(before)
    assert mode(tmp_path / "new.json") == wanted
    assert (tmp_path / "new.json").read_bytes() == EXPECTED


@pytest.mark.parametrize("old_mode", [0o600, 0o640, 0o604])
def test_an_existing_file_keeps_its_mode(tmp_path: Path, umask: None, old_mode: int) -> None:
    target = tmp_path / "patient.json"
    target.write_bytes(b"old")
    target.chmod(old_mode)
    assert build(target).exit_code == 0
    assert mode(target) == old_mode and target.read_bytes() == EXPECTED
    assert leftovers(tmp_path) == []


@pytest.mark.skipif(not is_root, reason="giving a file to another user needs root")
def test_root_writing_another_users_file_leaves_it_theirs(tmp_path: Path, umask: None) -> None:
    target = tmp_path / "theirs.json"
    target.write_bytes(b"old")
    os.chown(target, 4242, 4343)
    assert build(target).exit_code == 0
    found = target.stat()
    assert (found.st_uid, found.st_gid) == (4242, 4343) and target.read_bytes() == EXPECTED


def test_a_group_that_cannot_be_kept_gets_no_permissions(tmp_path: Path, umask: None, monkeypatch) -> None:
    """Where the old file's group cannot be given, the new file must not open the old group's bits to another."""

    def refused(*args: object) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "fchown", refused)
    target = tmp_path / "shared.json"
    target.write_bytes(b"old")
    target.chmod(0o664)
    assert build(target).exit_code == 0
    assert mode(target) == 0o604


def test_a_symbolic_link_stays_a_link_and_its_target_is_written(tmp_path: Path, umask: None) -> None:
    target = tmp_path / "real" / "out.json"
    target.parent.mkdir()
    target.write_bytes(b"old")
    target.chmod(0o600)
    link = tmp_path / "link.json"
    link.symlink_to(Path("real") / "out.json")
    chain = tmp_path / "chain.json"
    chain.symlink_to(link)
    assert build(chain).exit_code == 0
    assert chain.is_symlink() and link.is_symlink() and os.readlink(link) == str(Path("real") / "out.json")
    assert target.read_bytes() == EXPECTED and mode(target) == 0o600
    assert leftovers(tmp_path) == leftovers(target.parent) == []


def test_a_link_to_nothing_yet_makes_its_target(tmp_path: Path, umask: None) -> None:
    link = tmp_path / "link.json"
    link.symlink_to("made.json")
    assert build(link).exit_code == 0
    assert link.is_symlink() and (tmp_path / "made.json").read_bytes() == EXPECTED
    assert mode(tmp_path / "made.json") == 0o600


def test_a_hard_linked_file_is_refused_and_left_alone(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_bytes(b"old")
    os.link(target, tmp_path / "other.json")
    result = build(target)
    assert result.exit_code == 2
    assert "will not write" in result.stderr and "2 hard links" in result.stderr
    assert target.read_bytes() == (tmp_path / "other.json").read_bytes() == b"old"


def test_a_folder_is_refused(tmp_path: Path) -> None:
    result = build(tmp_path)
    assert result.exit_code == 2 and "not a regular file, a FIFO or a character device" in result.stderr


def test_a_fifo_is_written_into_and_its_reader_gets_the_bytes(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    assert build(fifo).exit_code == 0
    reader.join(30)
    assert got == [EXPECTED]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


@pytest.mark.skipif(not is_root, reason="making a device node needs root")
def test_a_character_device_is_written_into_not_replaced(tmp_path: Path) -> None:
    """A node of /dev/null's kind, made for the test: code that renames over its OUT must not be tried on the real
    /dev/null as root."""
    node = tmp_path / "null"
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("this container may not make device nodes")
    assert build(node).exit_code == 0
    assert stat.S_ISCHR(os.lstat(node).st_mode) and leftovers(tmp_path) == []


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="links to the standard output through /proc")
@pytest.mark.parametrize("redirect", ["pipe", "file"])
def test_a_link_to_standard_output_is_standard_output(tmp_path: Path, redirect: str) -> None:
    """What ``-o /dev/stdout`` is: a link to ``/proc/self/fd/1``, made here so that code that renames over its OUT
    (which, run as root, replaced /dev/stdout with a file) is never tried on the real one."""
    stdout = tmp_path / "stdout"
    stdout.symlink_to("/proc/self/fd/1")
    target = tmp_path / "redirected.json"
    with target.open("wb") as file:
        ran = subprocess.run(
            [sys.executable, "-m", "dmtool", "build", "notat", "--example", "-o", str(stdout)],
            stdout=subprocess.PIPE if redirect == "pipe" else file, stderr=subprocess.PIPE, timeout=60, check=False,
        )  # fmt: skip
    assert ran.returncode == 0, ran.stderr
    assert (ran.stdout if redirect == "pipe" else target.read_bytes()) == EXPECTED
    assert stdout.is_symlink() and leftovers(tmp_path) == []


def test_a_failed_write_leaves_the_old_file_and_no_temporary_one(tmp_path: Path, monkeypatch) -> None:
    """A full disk halfway through: the old content stays, whole."""
    target = tmp_path / "out.json"
    target.write_bytes(b"old")
    write = os.write

    def half_then_full(descriptor: int, data: object) -> int:
        if len(data) > 10:  # type: ignore[arg-type]
            return write(descriptor, data[:10])  # type: ignore[index]
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "write", half_then_full)
    result = build(target)
    assert result.exit_code == 2 and "No space left on device" in result.stderr
    assert target.read_bytes() == b"old" and leftovers(tmp_path) == []


def test_an_interrupt_while_writing_leaves_no_temporary_file(tmp_path: Path, monkeypatch) -> None:
    def interrupted(descriptor: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        output.write_output(b"new", str(tmp_path / "out.json"), sys.stdout.buffer)
    assert list(tmp_path.iterdir()) == []


def test_apprec_writes_through_a_link_too(tmp_path: Path, umask: None) -> None:
    target = tmp_path / "receipt.xml"
    target.write_bytes(b"old")
    target.chmod(0o600)
    (tmp_path / "link.xml").symlink_to(target)
    result = CliRunner().invoke(
        main, ["apprec", str(EXAMPLES / "foresporsel-1.0.xml"), "-o", str(tmp_path / "link.xml")]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "link.xml").is_symlink() and b"<AppRec" in target.read_bytes() and mode(target) == 0o600
