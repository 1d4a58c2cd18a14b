"""What the API reads a message from: a path, the bytes, or a binary file object, read with a size bound.

A path is opened without blocking (``O_NONBLOCK``): opening a FIFO that no process writes to, or a device that waits
for a carrier, would otherwise wait for ever. What was opened is then judged by ``fstat`` on the open descriptor, never
by a ``stat`` of the path beforehand, which another process could swap for a FIFO in between.
"""

from __future__ import annotations

import os
import stat
from typing import BinaryIO, Final

from ..errors import ParseError
from . import loader

#: What the API accepts: a path (``str`` or path-like), the message as ``bytes``, or a binary file object.
Source = str | os.PathLike[str] | bytes | bytearray | memoryview | BinaryIO

#: Opening without waiting (POSIX only), and without making a terminal the controlling one.
_NONBLOCK: Final = getattr(os, "O_NONBLOCK", 0)
_OPEN_FLAGS: Final = os.O_RDONLY | _NONBLOCK | getattr(os, "O_NOCTTY", 0)
#: Why a file found in a folder is not read.
NOT_REGULAR: Final = "not a regular file (a FIFO, socket or device), and only files are read from folders"


def load_source(source: Source) -> loader.Loaded:
    """The message in ``source`` as :func:`dmtool.xml.loader.load` finds it; :class:`~dmtool.errors.ParseError` with the
    loader's issue (``NOT-XML`` or ``UNSUPPORTED-MESSAGE``) when it cannot be used at all, :class:`OSError` when a
    path cannot be read. The one preamble of every reader that refuses what it cannot read."""
    try:
        return loader.load(read_source(source)[0])
    except loader.LoadError as error:
        raise ParseError((error.issue,)) from None


def read_source(source: Source) -> tuple[bytes, str | None]:
    """Read at most :data:`~dmtool.xml.loader.MAX_SIZE` + 1 bytes of ``source``; return them and the path, if any.

    A path is opened as :func:`read_path` opens it. Raises :class:`OSError` when a path cannot be read.
    """
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source), None
    if isinstance(source, str | os.PathLike):
        return read_path(source), str(source)
    name = getattr(source, "name", None)
    return read_bounded(source), name if isinstance(name, str) else None


def read_path(path: str | os.PathLike[str], *, regular_only: bool = False) -> bytes:
    """At most :data:`~dmtool.xml.loader.MAX_SIZE` + 1 bytes of the file at ``path``, opened without blocking.

    A regular file is read; so is anything else the caller named (a FIFO or a device is read as standard input is,
    to its end or the bound: a FIFO that no process writes to reads as empty at once). With ``regular_only`` (for
    files found in a folder, which nobody named) anything but a regular file is refused with :class:`OSError`
    (:data:`NOT_REGULAR`) without reading a byte of it, and without opening it when it is no regular file already
    before it is opened. Raises :class:`OSError` when the file cannot be read.
    """
    if regular_only and not stat.S_ISREG(os.stat(path).st_mode):  # not even opened: opening a device can act
        raise OSError(0, NOT_REGULAR)
    descriptor = os.open(path, _OPEN_FLAGS)  # not pathlib: it interns every path's parts for good
    with open(descriptor, "rb") as handle:
        if regular_only and not stat.S_ISREG(os.fstat(descriptor).st_mode):  # swapped after the check above
            raise OSError(0, NOT_REGULAR)
        if _NONBLOCK:
            os.set_blocking(descriptor, True)  # a FIFO or device the caller named is read to its end, as a stream
        return read_bounded(handle)


def read_bounded(handle: BinaryIO) -> bytes:
    """At most :data:`~dmtool.xml.loader.MAX_SIZE` + 1 bytes of ``handle``, from where it stands.

    ``read(n)`` sets ``n`` bytes aside before it reads, and 50 MiB for every small file costs more than reading the
    file. So a file whose size the system knows is read at that size plus one byte (to see it grow meanwhile, and then
    read on); a pipe, a device or an object without a file is read to the bound.
    """
    bound = loader.MAX_SIZE + 1
    try:
        size = os.fstat(handle.fileno()).st_size
    except (AttributeError, OSError):  # no file behind it (io.UnsupportedOperation is an OSError)
        size = 0
    if not 0 < size < bound:
        return handle.read(bound)
    data = handle.read(size + 1)
    if len(data) > size:
        data += handle.read(bound - len(data))
    return data
