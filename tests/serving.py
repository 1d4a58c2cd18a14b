"""``dmtool serve`` for the tests: a client that calls the application in this process with httpx (no socket), and
a real server in a process of its own on a free loopback port."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from paths import ROOT


class AppClient:
    """httpx against the application, synchronously: one event loop for the client's life, as a server has."""

    def __init__(self, app: Any, *, raise_app_exceptions: bool = True) -> None:
        self.runner = asyncio.Runner()
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=raise_app_exceptions)
        self.client = httpx.AsyncClient(transport=transport, base_url="http://localhost")

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        return self.runner.run(self.client.request(method, url, **kwargs))

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def close(self) -> None:
        self.runner.run(self.client.aclose())
        self.runner.close()

    def __enter__(self) -> AppClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def rss_kib(pid: int) -> int:
    """The resident memory of the process ``pid``, in KiB (Linux)."""
    status = open(f"/proc/{pid}/status", encoding="ascii").read()  # noqa: SIM115
    return int(re.search(r"^VmRSS:\s+(\d+) kB", status, re.M).group(1))  # type: ignore[union-attr]


@contextmanager
def served(*options: str, timeout: float = 60) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``dmtool serve --port 0 OPTIONS`` in a process of its own; its address (``http://127.0.0.1:PORT/``) once it
    listens, and the process. Stopped with ``SIGTERM`` at the end (killed if it does not stop)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")]))}
    process = subprocess.Popen([sys.executable, "-m", "dmtool", "serve", "--port", "0", *options],
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               env=env, cwd=ROOT)  # fmt: skip
    try:
        assert process.stderr is not None
        deadline = time.monotonic() + timeout
        line = b""
        while b"serving on" not in line:
            line = process.stderr.readline()
            if not line or time.monotonic() > deadline:
                raise AssertionError(f"dmtool serve did not start: {line!r}")
        match = re.search(rb"http://\S+/", line)
        assert match is not None, line
        yield match.group().decode(), process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if process.stderr is not None:
            process.stderr.close()
