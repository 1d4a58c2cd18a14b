"""JSON text as dmtool writes it, on the command line (``--format json``) and in ``dmtool serve``'s API alike."""

from __future__ import annotations

import json
import re
from typing import Final

#: A surrogate, which UTF-8 cannot hold.
_SURROGATE: Final = re.compile("[\ud800-\udfff]")


def dumps(value: object, indent: int | None = None) -> str:
    """``value`` as JSON, non-ASCII characters as they are, and valid UTF-8 whatever it holds: a surrogate (a byte of
    a file name that is not UTF-8, as :func:`os.fsdecode` holds it) is written as its escape ``\\udcff``, which
    ``json.loads`` reads back as it was (``os.fsencode`` then gives the bytes of the name)."""
    text = json.dumps(value, ensure_ascii=False, indent=indent)  # a surrogate can only stand inside a string
    return _SURROGATE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)
