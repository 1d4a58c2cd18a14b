"""How a command stops on a signal: :data:`STOPPING` raises :class:`Stopped` where the command stands, so that it
stops its workers and removes what it had half written on the way out."""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from collections.abc import Iterator
from typing import Final, NoReturn

#: The signals that stop a command: exit 128 + the signal's number (130, 143).
STOPPING: Final = (signal.SIGINT, signal.SIGTERM)


class Stopped(BaseException):
    """A signal of :data:`STOPPING` arrived: raised where the command stands, so that it stops its workers and removes
    what it had half written on the way out; not an :class:`Exception`, which a command may catch."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def name(self) -> str:
        """The signal's name: ``SIGINT``, ``SIGTERM``."""
        return signal.Signals(self.signum).name


#: The signal of :data:`STOPPING` that arrived during the command, if one did. The :class:`Stopped` its handler raises
#: can be lost: raised inside a garbage collector's callback or a ``__del__`` method, it goes to
#: :func:`sys.unraisablehook` (hypothesis, which ``fixtures`` uses, has such a callback). The command's loops raise it
#: again (:func:`_stop_if_signalled`), and the hook is told to say nothing of it.
_signalled: int | None = None


def _stop(signum: int, frame: object) -> NoReturn:
    """The handler of the signals of :data:`STOPPING`: a second one ends the process at once (its default action)."""
    global _signalled
    _signalled = signum
    for each in STOPPING:
        signal.signal(each, signal.SIG_DFL)
    raise Stopped(signum)


def _stop_if_signalled() -> None:
    """Raise :class:`Stopped` again when a signal of :data:`STOPPING` arrived (its first one may have been lost)."""
    if _signalled is not None:
        raise Stopped(_signalled)


@contextlib.contextmanager
def _stopped_by_signals() -> Iterator[None]:
    """Within the block, the signals of :data:`STOPPING` raise :class:`Stopped` (in the main thread, the only one that
    may handle signals), and again at its end if that one was lost; the handlers before are restored after it."""
    global _signalled
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _signalled = None
    report_unraisable = sys.unraisablehook

    def unraisable(unraisable: sys.UnraisableHookArgs) -> None:
        if not isinstance(unraisable.exc_value, Stopped):
            report_unraisable(unraisable)

    sys.unraisablehook = unraisable
    before = {each: signal.signal(each, _stop) for each in STOPPING}
    try:
        yield
        _stop_if_signalled()
    finally:
        for each, handler in before.items():
            signal.signal(each, handler)
        sys.unraisablehook = report_unraisable
