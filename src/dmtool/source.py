"""What the API reads a message from: a path, the bytes, or a binary file object, read with a size bound."""

from __future__ import annotations

import os
from typing import BinaryIO

from .loader import MAX_SIZE

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
            return handle.read(MAX_SIZE + 1), str(source)
    name = getattr(source, "name", None)
    return source.read(MAX_SIZE + 1), name if isinstance(name, str) else None
