"""Where a command's output goes: standard output, or the file ``-o OUT`` names, written whole or not at all.

What :func:`write_output` does with ``OUT``:

* ``-``, or the file standard output is open on (``/dev/stdout``, say): writes to standard output.
* a FIFO or a character device (``/dev/null``, a terminal): writes into it, never replaces it (a FIFO waits for its
  reader, as the shell's ``>`` does).
* a regular file, also through symbolic links (which stay links: their target is written): replaced in one step by
  a file that holds the whole output, written beside the target and flushed to disk first, so that no reader ever
  sees a partial file. It keeps the old file's permission bits, and its owner and group where the system allows; a
  group that cannot be kept gets no permissions (never a group the old file did not have).
* nothing there yet (or a symbolic link to nothing yet, whose target is then made): a new file, mode 0600 (less if
  the umask says so), since outputs hold patient data.

Refused with :class:`OutputRefused`, before anything is written: a regular file with more than one hard link
(writing in place would keep the links consistent, but a failure such as a full disk would leave every one of them
partial; replacing it would leave the other links with the old content, without a word), and anything else (a
folder, a block device, a socket). A failure raises :class:`OSError`; either way nothing is left behind. Only a
process killed outright (``SIGKILL``) can leave a hidden temporary file ``.NAME.….tmp`` beside the target, never a
partial ``OUT``.
"""

from __future__ import annotations

import os
import stat
import uuid
from typing import BinaryIO, Final

from .errors import DmtoolError

#: Permission bits of a new output file, before the umask: its owner's only.
NEW_FILE_MODE: Final = 0o600


class OutputRefused(DmtoolError, ValueError):
    """``OUT`` is not something :func:`write_output` writes to: the message says why, and what to do."""


def write_output(data: bytes, target: str, stdout: BinaryIO) -> None:
    """Write ``data`` to ``target`` (``-``: ``stdout``), as the module says.

    Raises :class:`OutputRefused` for a target it does not write to, :class:`OSError` when writing fails.
    """
    found = None if target == "-" else _stat(target)
    if target == "-" or (found is not None and _is_stdout(found, stdout)):
        stdout.write(data)
        stdout.flush()
        return
    if found is not None and (stat.S_ISFIFO(found.st_mode) or stat.S_ISCHR(found.st_mode)):
        _into(target, data)
        return
    real = os.path.realpath(target)  # through every symbolic link: the file to replace, or to make
    found = _stat(real)
    if found is not None and not stat.S_ISREG(found.st_mode):
        raise OutputRefused("it is not a regular file, a FIFO or a character device; name a file to write")
    if found is not None and found.st_nlink > 1:
        raise OutputRefused(
            f"it has {found.st_nlink} hard links, and dmtool writes no file in place (a failure would leave every "
            "link partial) nor replaces one (the other links would keep the old content); remove the other links "
            "or write to another file"
        )
    _replace(real, data, found)


def _stat(path: str) -> os.stat_result | None:
    """``stat`` of ``path`` through symbolic links, ``None`` when there is nothing there."""
    try:
        return os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None


def _is_stdout(found: os.stat_result, stdout: BinaryIO) -> bool:
    """Whether ``found`` is the file ``stdout`` is open on."""
    try:
        return os.path.samestat(found, os.fstat(stdout.fileno()))
    except OSError:  # no descriptor behind it (io.UnsupportedOperation), or a closed one
        return False


def _write_all(descriptor: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(descriptor, view) :]


def _into(target: str, data: bytes) -> None:
    """Write ``data`` into the FIFO or character device ``target``, as it is."""
    descriptor = os.open(target, os.O_WRONLY | getattr(os, "O_NOCTTY", 0))
    try:
        _write_all(descriptor, data)
    finally:
        os.close(descriptor)


def _replace(real: str, data: bytes, old: os.stat_result | None) -> None:
    """Make the file ``real`` hold ``data``: a temporary file beside it, written whole and flushed to disk, with the
    mode (and owner) of ``old`` (the file there now, if any), then renamed over it."""
    folder, name = os.path.split(real)
    temporary = os.path.join(folder, f".{name}.{uuid.uuid4().hex}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    descriptor = os.open(temporary, flags, NEW_FILE_MODE)
    try:
        try:
            if old is not None:
                _keep_owner_and_mode(descriptor, old)
            _write_all(descriptor, data)
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        os.replace(temporary, real)
    except BaseException:  # an interrupt too: no temporary file is left behind
        os.unlink(temporary)
        raise


def _keep_owner_and_mode(descriptor: int, old: os.stat_result) -> None:
    """Give the file open on ``descriptor`` the permission bits of ``old`` (never set-user-ID or set-group-ID, which a
    write clears), and its owner and group as far as this process may: a group it may not give gets no permissions,
    so that the file is never open to a group the old one was closed to. (POSIX only: Windows has neither.)"""
    if not hasattr(os, "fchown"):
        return
    mode = stat.S_IMODE(old.st_mode) & ~(stat.S_ISUID | stat.S_ISGID)
    try:
        os.fchown(descriptor, old.st_uid, old.st_gid)
    except PermissionError:
        try:
            os.fchown(descriptor, -1, old.st_gid)
        except PermissionError:
            mode &= ~stat.S_IRWXG
    os.fchmod(descriptor, mode)
