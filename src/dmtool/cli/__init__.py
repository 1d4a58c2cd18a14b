"""The ``dmtool`` command line: a thin layer over the library.

``validate`` exits 0 when all inputs are valid (warnings allowed), 1 when at least one is invalid, 2 for a usage or
I/O error (a file that cannot be read, or one whose worker process crashed). ``build`` and ``parse`` exit 0 on
success, 1 for a bad spec or a message that cannot be read or built (one line on standard error naming the key or the
line), 2 for a usage error or a file that cannot be read or written.

Every command: ``SIGINT`` (Ctrl-C) exits 130 and ``SIGTERM`` 143 (128 + the signal's number), after stopping its
work and removing what it had half written; a second such signal ends it at once. An output pipe closed by its reader
(``dmtool validate DIR | head -1``) ends it quietly with 141 (128 + ``SIGPIPE``), as a program that ``SIGPIPE`` ends.
Names of files are printed as text without control characters, and as JSON in valid UTF-8
(:func:`dmtool.jsontext.dumps`).

One module per command (:mod:`.validate`, :mod:`.build`, :mod:`.parse`, :mod:`.apprec` with its ``check``
subcommand, :mod:`.rules`, :mod:`.config`, :mod:`.fixtures`, :mod:`.ledger`, :mod:`.serve`), over what they share:
:mod:`.common` (the ``dmtool`` group, exit statuses, what is said on standard error), :mod:`.options` (the options
several commands take), :mod:`.files` (inputs and outputs), :mod:`.render` (text for people) and :mod:`.signals`.
Each command module adds its command to :func:`main` when it is imported, as this package does.
"""

from __future__ import annotations

# The command modules add their commands to main when imported; the names of the module they replace stay here.
from . import apprec, build, config, fixtures, ledger, parse, rules, serve, validate
from .build import BUILD_KINDS, SPEC_KINDS
from .common import EXIT_CLOSED_PIPE, EXIT_ERROR, EXIT_INVALID, EXIT_VALID, main
from .fixtures import MAX_FIXTURES
from .render import _presented as _presented
from .render import _tally as _tally
from .signals import STOPPING, Stopped

__all__ = [
    "BUILD_KINDS",
    "EXIT_CLOSED_PIPE",
    "EXIT_ERROR",
    "EXIT_INVALID",
    "EXIT_VALID",
    "MAX_FIXTURES",
    "SPEC_KINDS",
    "STOPPING",
    "Stopped",
    "apprec",
    "build",
    "config",
    "fixtures",
    "ledger",
    "main",
    "parse",
    "rules",
    "serve",
    "validate",
]
