"""``dmtool serve`` as a user starts it, on a free loopback port: ``curl --data-binary @m.xml .../api/validate`` gets
what ``dmtool validate --format json`` prints; 1,000 requests from this process, 20 at a time, end without an error
and with the server's memory flat; the command's exit statuses and words."""

from __future__ import annotations

import asyncio
import shutil
import signal
import socket
import subprocess
import sys

import httpx
import pytest
from click.testing import CliRunner
from paths import EXAMPLES, ROOT
from serving import rss_kib, served

from dmtool import cli
from dmtool.validation import examine_each

FAMILIES = ROOT / "fixtures" / "families"
MESSAGES = [EXAMPLES / "foresporsel-1.0.xml", EXAMPLES / "notat-1.0-latin1.xml", EXAMPLES / "apprec-1.1-avvist.xml",
            FAMILIES / "dialog" / "bad-hnummer.xml", FAMILIES / "dialog" / "bad-ugyldig-fnr.xml"]  # fmt: skip
REQUESTS, AT_ONCE, WARM_UP = 1_000, 20, 200


def test_curl_gets_what_validate_format_json_prints():
    message = EXAMPLES / "foresporsel-1.0.xml"
    invalid = FAMILIES / "dialog" / "bad-hnummer.xml"
    dmtool = [sys.executable, "-m", "dmtool", "validate", "--format", "json"]
    with served() as (url, _):
        for file in (message, invalid):
            printed = subprocess.run([*dmtool, "-"], input=file.read_bytes(), capture_output=True, cwd=ROOT).stdout
            named = subprocess.run([*dmtool, str(file)], capture_output=True, cwd=ROOT).stdout
            if shutil.which("curl"):
                got = subprocess.run(["curl", "-sS", "--data-binary", f"@{file}", f"{url}api/validate"],
                                     capture_output=True, check=True).stdout  # fmt: skip
            else:
                got = httpx.post(f"{url}api/validate", content=file.read_bytes()).content
            assert got == printed
            assert httpx.post(f"{url}api/validate", params={"path": str(file)}, content=file.read_bytes()
                              ).content == named  # fmt: skip


def _failed(answers: list[httpx.Response | BaseException]) -> list[str]:
    """What each request that was not answered 200 got, for the assertion's message: the status and the start of the
    body, or the error."""
    return [
        f"{answer.status_code}: {answer.text[:300]}" if isinstance(answer, httpx.Response) else f"{answer!r}"
        for answer in answers
        if not isinstance(answer, httpx.Response) or answer.status_code != 200
    ]


async def _load(url: str, count: int, bodies: list[bytes]) -> list[httpx.Response | BaseException]:
    gate = asyncio.Semaphore(AT_ONCE)
    limits = httpx.Limits(max_connections=AT_ONCE, max_keepalive_connections=AT_ONCE)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=120) as client:

        async def one(number: int) -> httpx.Response | BaseException:
            async with gate:
                try:
                    return await client.post("api/validate", content=bodies[number % len(bodies)])
                except httpx.HTTPError as error:
                    return error

        return await asyncio.gather(*(one(number) for number in range(count)))


def test_a_thousand_concurrent_validations_end_without_error_and_memory_stays_flat():
    bodies = [file.read_bytes() for file in MESSAGES]
    expected = [examine_each(body, "-")[0][0].to_dict() for body in bodies]
    with served() as (url, process):
        warm = asyncio.run(_load(url, WARM_UP, bodies))
        assert _failed(warm) == []
        before = rss_kib(process.pid)
        answers = asyncio.run(_load(url, REQUESTS, bodies))
        after = rss_kib(process.pid)
        assert process.poll() is None
    assert _failed(answers) == []
    for number, answer in enumerate(answers):
        assert isinstance(answer, httpx.Response)
        assert answer.json() == expected[number % len(bodies)]
    # flat: five times the warm-up's requests added less than an eighth to what the warmed-up server held (a leak of
    # even a kilobyte a request would add a megabyte)
    assert after - before < before / 8, (before, after)


def _free_port() -> tuple[socket.socket, int]:
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen(1)
    return holder, holder.getsockname()[1]


def test_a_port_in_use_is_said_and_exits_2():
    holder, port = _free_port()
    with holder:
        ran = subprocess.run([sys.executable, "-m", "dmtool", "serve", "--port", str(port)], capture_output=True,
                             timeout=60, cwd=ROOT)  # fmt: skip
    assert ran.returncode == 2 and b"cannot listen on 127.0.0.1 port" in ran.stderr
    assert b"Traceback" not in ran.stderr


@pytest.mark.parametrize(("stop", "status"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_ctrl_c_and_sigterm_stop_the_server_with_their_exit_status(stop, status):
    with served() as (url, process):
        assert httpx.get(f"{url}api/rules").status_code == 200
        process.send_signal(stop)
        assert process.wait(timeout=60) == status
        assert process.stderr is not None and b"Traceback" not in process.stderr.read()


def test_without_the_serve_extra_the_command_says_what_to_install():
    blocked = "import sys; sys.modules['uvicorn'] = None; from dmtool.cli import main; main()"
    ran = subprocess.run([sys.executable, "-c", blocked, "serve"], capture_output=True, timeout=60, cwd=ROOT)
    assert ran.returncode == 2
    assert b"dmtool serve needs uvicorn" in ran.stderr and b"pip install -U 'dmtool[serve]'" in ran.stderr


def test_another_host_than_loopback_is_warned_of(monkeypatch):
    from dmtool import serve

    calls = []
    monkeypatch.setattr(serve, "run", lambda host, port, settings, announce: calls.append((host, port)))
    loud = CliRunner().invoke(cli.main, ["serve", "--host", "0.0.0.0", "--port", "9"])
    assert loud.exit_code == 0 and "warning: listening on 0.0.0.0" in loud.stderr and calls == [("0.0.0.0", 9)]
    for quiet in ("127.0.0.1", "127.0.0.2", "::1", "localhost"):
        assert "warning" not in CliRunner().invoke(cli.main, ["serve", "--host", quiet]).stderr
