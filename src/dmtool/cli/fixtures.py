"""``dmtool fixtures``: test messages and their manifest (needs hypothesis, the fixtures extra)."""

from __future__ import annotations

from pathlib import Path
from typing import Final, Literal, cast

import click

from ..dialog.model import DIALOG_VERSIONS, KIND_NAMES
from .common import EXIT_ERROR, EXIT_INVALID, _fail, _progress, _quiet, main
from .options import _output_options
from .render import _printable
from .signals import _stop_if_signalled

#: The most files (or threads) ``fixtures --count`` writes in one run: about half an hour's work.
MAX_FIXTURES: Final = 1_000_000


def _split(values: tuple[str, ...]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


@main.command("fixtures")
@click.option("-o", "--output", "--out", "out", required=True, metavar="DIR",
              help="Folder to write into (created; must be empty).")  # fmt: skip
@click.option(
    "--count",
    type=click.IntRange(min=0, max=MAX_FIXTURES),
    default=100,
    show_default=True,
    help=f"Files to write, at most {MAX_FIXTURES:,} (with --threads: threads, four files each).",
)
@click.option("--seed", type=click.IntRange(min=-(2**63), max=2**63 - 1), default=0, show_default=True,
              help="Same seed and options: the same files (a 64-bit integer).")  # fmt: skip
@click.option(
    "--kinds",
    multiple=True,
    metavar="KIND[,KIND]",
    help="Kinds to draw: foresporsel, svar, avvik, notat, helsefaglig [default: all]; with --threads, whole threads: "
    "foresporsel,svar and/or notat,avvik.",
)
@click.option(
    "--dialog-version",
    "versions",
    multiple=True,
    metavar="V[,V]",
    help="Dialogmelding versions: 1.0, 1.1 [default: both].",
)
@click.option(
    "--invalid",
    multiple=True,
    metavar="RULE|all",
    help="Also write files that break this guideline rule (repeatable), or all those fixtures can break in turn; not "
    "with --threads.",
)
@click.option("--threads", is_flag=True, help="Write whole threads: message, AppRec, reply (svar or avvik), AppRec.")
@click.option(
    "--shapes",
    multiple=True,
    metavar="SHAPE[,SHAPE]|all",
    help="With --threads: threads also take these shapes in turn, for following them up: late-reply, "
    "missing-receipt, rejection, duplicate; the manifest says what a ledger must follow up.",
)
@_output_options
def fixtures_command(
    out: str, count: int, seed: int, kinds: tuple[str, ...], versions: tuple[str, ...], invalid: tuple[str, ...],
    threads: bool, shapes: tuple[str, ...],
) -> None:  # fmt: skip
    """Write test messages and a manifest.json that says, per file, kind, version, verdict, broken rules and thread.

    Exit status: 0 written, 1 a file did not get the verdict it was made for (a bug in dmtool), 2 usage error (such
    as --invalid with --threads, or --kinds that are not whole threads with --threads), an output folder that is not
    empty or that another run is writing into, or hypothesis missing (pip install 'dmtool[fixtures]'); nothing is
    written on exit 2, nor when the run fails or is stopped (130 Ctrl-C, 143 SIGTERM).
    """
    try:
        from ..testing import fixtures, strategies
    except ImportError as error:  # hypothesis is an optional dependency
        _fail(EXIT_ERROR, f"dmtool fixtures needs hypothesis ({error}): pip install -U 'dmtool[fixtures]'")
    chosen_kinds = _split(kinds)  # none: every kind (with --threads, every kind of a thread)
    unknown = [kind for kind in chosen_kinds if kind not in KIND_NAMES]
    if unknown:
        raise click.BadParameter(f"unknown kind {unknown[0]!r}; choose from {', '.join(KIND_NAMES)}",
                                 param_hint="--kinds")  # fmt: skip
    chosen_versions = _split(versions) or list(DIALOG_VERSIONS)
    if any(version not in DIALOG_VERSIONS for version in chosen_versions):
        raise click.BadParameter("choose 1.0 and/or 1.1", param_hint="--dialog-version")
    rules_chosen = _split(invalid)
    if "all" in rules_chosen:
        rules_chosen = list(strategies.HARD_RULES)
    shapes_chosen = _split(shapes)
    if "all" in shapes_chosen:
        shapes_chosen = list(strategies.THREAD_SHAPES)
    plan = fixtures.Plan(
        count=count,
        seed=seed,
        kinds=tuple(KIND_NAMES[kind] for kind in dict.fromkeys(chosen_kinds)),
        versions=cast(tuple[Literal["1.0", "1.1"], ...], tuple(dict.fromkeys(chosen_versions))),
        invalid=tuple(dict.fromkeys(rule.upper() for rule in rules_chosen)),
        threads=threads,
        shapes=tuple(dict.fromkeys(shape.lower() for shape in shapes_chosen)),
    )
    total = count * 4 if threads else count
    try:
        with _progress(total, "writing fixtures", prints=False) as advance:

            def written(files: int) -> None:
                advance(1)
                _stop_if_signalled()

            entries = fixtures.write(plan, Path(out), written)
    except (ValueError, FileExistsError) as error:
        _fail(EXIT_ERROR, str(error))
    except OSError as error:
        _fail(EXIT_ERROR, f"cannot write into {out}: {error.strerror or error}; nothing was written")
    except fixtures.FixtureError as error:
        _fail(EXIT_INVALID, f"internal error, please report it: {error}")
    invalid_count = sum(entry.verdict == "invalid" for entry in entries)
    if not _quiet():
        said = f"wrote {len(entries)} files ({invalid_count} invalid) and manifest.json to {_printable(out)}"
        click.echo(f"dmtool: {said}", err=True)
