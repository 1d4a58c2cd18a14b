"""What the API reads a message from: a path, the bytes, or a binary file object, read with a size bound."""

from __future__ import annotations

import os
from typing import BinaryIO

from . import loader

#: What the API accepts: a path (``str`` or path-like), the message as ``bytes``, or a binary file object.
Source = str | os.PathLike[str] | bytes | bytearray | memoryview | BinaryIO


def read_source(source: Source) -> tuple[bytes, str | None]:
    """Read at most :data:`~dmtool.loader.MAX_SIZE` + 1 bytes of ``source``; return them and the path, if any.

    Raises :class:`OSError` when a path cannot be read.
    """
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source), None
    if isinstance(source, str | os.PathLike):
        with open(source, "rb") as handle:  # not pathlib: it interns every path's parts for good
            return read_bounded(handle), str(source)
    name = getattr(source, "name", None)
    return read_bounded(source), name if isinstance(name, str) else None


def read_bounded(handle: BinaryIO) -> bytes:
    """At most :data:`~dmtool.loader.MAX_SIZE` + 1 bytes of ``handle``, from where it stands.

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
