"""``dmtool serve``: a page and a JSON API to check messages on (needs the serve extra)."""

from __future__ import annotations

import click

from ..standards import profiles
from .common import EXIT_ERROR, _fail, _say, main
from .options import _output_options, _settings


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="The address to listen on; only this machine reaches the default (loopback).")  # fmt: skip
@click.option("--port", type=click.IntRange(min=0, max=65535), default=8000, show_default=True,
              help="The port to listen on; 0 takes a free one (the address is said on standard error).")  # fmt: skip
@click.option("--profile", type=click.Choice(list(profiles.PROFILES)), default=None,
              help="The profile a request that chooses none is checked under [default: national, or the config "
              "file].")  # fmt: skip
@_output_options
def serve_command(host: str, port: int, profile: str | None) -> None:
    """Serve a page to check messages on, and a JSON API (/api/..., described at /openapi.json), until Ctrl-C.

    Nothing it is given is stored; a message larger than validate reads is refused (413). Needs the serve extra:
    pip install 'dmtool[serve]'.

    Exit status: 2 when the extra is missing, the config file is bad or the address cannot be listened on; 130
    Ctrl-C, 143 SIGTERM.
    """
    settings = _settings(profile, None, None, None, None)
    try:
        from .. import serve
    except ModuleNotFoundError as error:  # starlette, uvicorn, jinja2 and python-multipart are the serve extra
        _fail(EXIT_ERROR, f"dmtool serve needs {error.name} ({error}): pip install -U 'dmtool[serve]'")
    if not serve.is_loopback(host):
        _say(f"warning: listening on {host}: anyone who reaches this machine there can use the server, which has no "
             "login; the default, 127.0.0.1, is this machine only")  # fmt: skip
    try:
        serve.run(host, port, settings, lambda url: _say(f"serving on {url} (Ctrl-C stops it)"))
    except OSError as error:
        _fail(EXIT_ERROR, f"cannot listen on {host} port {port}: {error.strerror or error}; choose another --port "
              "or --host")  # fmt: skip
