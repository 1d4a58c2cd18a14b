"""The frozen corpus of the writer's equivalence test (``tests/test_writer_equivalence.py``): models and what
``dmtool.to_xml`` made of each when the corpus was written.

Each record of ``tests/data/writer-equivalence.json.xz`` holds a model as :func:`dmtool.dialog.spec.to_data` gives it
(``model``), edits made to it after it is read back (``edits``: a path such as ``body.roles[0].person.given_name``
and a new value, so that the corpus also holds models no spec could give: a character XML cannot carry, an empty
name, a 1.1 field in 1.0, a code list number for an OID), the ``dialog_version`` asked for (or ``null``), and the
outcome of ``to_xml(strict=False)`` and ``to_xml()`` (strict): the SHA-256 of the bytes, or the error's class and text
(for a :class:`~dmtool.errors.RuleError`, its rule ids, which are the rules' concern, not the writer's).

The models are fixtures of every kind and broken rule (:mod:`dmtool.testing.fixtures`), the ``build --example`` ones,
messages of :func:`dmtool.testing.strategies.messages`, and random edits of all of them. Write the corpus anew only
when the written bytes are meant to change, with the writer whose output is right:

    PYTHONPATH=src .venv/bin/python tests/writer_corpus.py
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import lzma
import random
import re
import sys
from pathlib import Path
from typing import Any

import dmtool
from dmtool.dialog import spec
from dmtool.dialog.model import DIALOG_VERSIONS, Message
from dmtool.errors import BuildError, DmtoolError, RuleError

CORPUS = Path(__file__).parent / "data" / "writer-equivalence.json.xz"
_STEP = re.compile(r"([a-z_]+)(?:\[(\d+)\])?")


def decoded(value: Any) -> Any:
    """An edit's value as the model holds it: ``{"date": ...}`` and ``{"datetime": ...}`` as such, a list as a tuple,
    the rest as it is."""
    if isinstance(value, dict):
        if "date" in value:
            return dt.date.fromisoformat(value["date"])
        return dt.datetime.fromisoformat(value["datetime"])
    if isinstance(value, list):
        return tuple(decoded(item) for item in value)
    return value


def edited(model: Any, path: str, value: Any) -> Any:
    """``model`` with the field at ``path`` (``body.roles[0].person.given_name``) set to ``value``."""
    head, _, rest = path.partition(".")
    step = _STEP.fullmatch(head)
    assert step is not None, path
    name, index = step.group(1), step.group(2)
    current = getattr(model, name)
    if index is not None:
        items = list(current)
        items[int(index)] = edited(items[int(index)], rest, value) if rest else value
        return dataclasses.replace(model, **{name: tuple(items)})
    return dataclasses.replace(model, **{name: edited(current, rest, value) if rest else value})


def records() -> list[dict[str, Any]]:
    """The records of the corpus."""
    return [json.loads(line) for line in lzma.decompress(CORPUS.read_bytes()).decode().splitlines()]


def model_of(record: dict[str, Any]) -> Message:
    """The model of a corpus record."""
    model = spec.from_data(Message, record["model"])
    for path, value in record["edits"]:
        model = edited(model, path, decoded(value))
    return model


def outcome(model: Message, version: str | None, strict: bool) -> dict[str, Any]:
    """What ``dmtool.to_xml`` makes of ``model``: ``{"sha256": ...}`` or ``{"error": class, "text"|"rules": ...}``."""
    try:
        data = dmtool.to_xml(model, version, strict=strict)  # type: ignore[arg-type]
    except RuleError as error:
        return {"error": "RuleError", "rules": sorted({issue.rule for issue in error.issues})}
    except BuildError as error:
        return {"error": type(error).__name__, "text": str(error)}
    return {"sha256": hashlib.sha256(data).hexdigest()}


# -- writing the corpus -------------------------------------------------------------------------------------------

_BAD_TEXTS = ("a\x01b", "\ud800", "\ufffe")  # what XML cannot carry
_ODD_TEXTS = ("", " ", *_BAD_TEXTS, "<&>\"'\r\n\t]]>", "x\r\ny", "æøå \U0001f600", "\t", "&amp;")


def _paths(value: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """Every (path, value) of a field below ``value`` that holds a string, a date or a tuple."""
    found: list[tuple[str, Any]] = []
    for item in dataclasses.fields(value):
        if not item.compare:
            continue
        current = getattr(value, item.name)
        path = f"{prefix}{item.name}"
        if dataclasses.is_dataclass(current):
            found.extend(_paths(current, f"{path}."))
            found.append((path, current))
        elif isinstance(current, tuple):
            found.append((path, current))
            for index, element in enumerate(current):
                if dataclasses.is_dataclass(element):
                    found.extend(_paths(element, f"{path}[{index}]."))
                else:
                    found.append((f"{path}[{index}]", element))
        elif item.name != "version":
            found.append((path, current))
    return found


def _random_edit(
    rng: random.Random, model: Message, under: str = "", texts: tuple[str, ...] = _ODD_TEXTS
) -> tuple[str, Any] | None:
    """An odd value for a random field of ``model`` (of ``texts`` for a string), one below ``under`` when it has
    any."""
    paths = _paths(model)
    path, current = rng.choice([item for item in paths if item[0].startswith(under)] or paths)
    if isinstance(current, str) or (current is None and rng.random() < 0.5):
        return path, rng.choice(texts)
    if isinstance(current, tuple):
        return path, []
    if dataclasses.is_dataclass(current) or current is None:
        return path, None
    if isinstance(current, dt.datetime):
        return path, {"datetime": current.replace(tzinfo=None).isoformat()}
    if isinstance(current, dt.date):
        return path, {"date": dt.date(rng.choice((1, 1999, 9999)), 1, 31).isoformat()}
    return None


_TARGETED = (  # edits that reach the writer's own errors
    ("version", "1.0"),
    ("version", "2.0"),
    ("body.subject", "Emne"),
    ("body.topic.system", "8324"),
    ("body.type.system", "9152"),
    ("body.topic.system", "2.16.578.1.12.4.1.1.8324"),
    ("patient.id_type", None),
    ("patient.id", None),
    ("sender.her_id", None),
    ("receiver.org_number", None),
    ("ack", "J"),
    ("ack", "X"),
    ("kind", "DIALOG_UKJENT"),
)


def _models(rng: random.Random) -> list[tuple[Message, str]]:
    from dmtool.testing import fixtures
    from dmtool.testing import strategies as dms

    found: list[tuple[Message, str]] = []
    plan = fixtures.Plan(count=600, seed=22, invalid=tuple(dms.HARD_RULES))
    for data, entry in fixtures.generate(plan):
        try:
            found.append((dmtool.parse(data), f"fixture {entry}"))
        except DmtoolError:
            continue
    for kind in ("foresporsel", "notat", "helsefaglig"):
        for version in DIALOG_VERSIONS:
            try:
                found.append((spec.build_from_spec(kind, spec.example(kind), version), f"example {kind}"))
            except DmtoolError:
                continue

    found.extend((fixtures.draw(dms.messages(), 22, index), "strategies.messages") for index in range(240))
    rng.shuffle(found)
    return found


def _record(rng: random.Random, model: Message) -> dict[str, Any] | None:
    data = json.loads(json.dumps(spec.to_data(model)))
    if spec.from_data(Message, data) != model:
        return None  # a value to_data does not keep (a code list number as a system): edits give such values
    record: dict[str, Any] = {"model": data, "edits": [], "dialog_version": None}
    roll = rng.random()
    if roll < 0.35:
        for _ in range(rng.choice((1, 1, 2, 3))):
            edit = _random_edit(rng, model_of(record))
            if edit is not None:
                record["edits"].append(list(edit))
    elif roll < 0.65:  # one of the writer's own errors, mostly with another beside it or anywhere: which comes first
        target = rng.choice(_TARGETED)
        record["edits"].append(list(target))
        if rng.random() < 0.7:
            under = target[0].rpartition(".")[0] if rng.random() < 0.7 else ""
            record["edits"].append(list(_random_edit(rng, model, under, _BAD_TEXTS) or ("msg_id", "\x01")))
    if rng.random() < 0.1:
        record["dialog_version"] = rng.choice(DIALOG_VERSIONS)
    try:
        edited_model = model_of(record)
        record["lax"] = outcome(edited_model, record["dialog_version"], strict=False)
        record["strict"] = outcome(edited_model, record["dialog_version"], strict=True)
    except (AttributeError, TypeError, IndexError, ValueError) as error:
        if isinstance(error, BuildError):
            raise
        return None  # an edit the model has no place for, or a value of no model type: no contract on the error
    return record


def main() -> int:
    """Write the corpus; print how many records and outcomes of each sort."""
    rng = random.Random(22)
    records = [record for model, _ in _models(rng) if (record := _record(rng, model)) is not None]
    CORPUS.parent.mkdir(exist_ok=True)
    text = "\n".join(json.dumps(record, ensure_ascii=True, sort_keys=True) for record in records) + "\n"
    CORPUS.write_bytes(lzma.compress(text.encode(), preset=9))
    kinds: dict[str, int] = {}
    for record in records:
        for key in ("lax", "strict"):
            sort = record[key].get("error", "bytes")
            kinds[f"{key} {sort}"] = kinds.get(f"{key} {sort}", 0) + 1
    print(len(records), "records;", kinds, CORPUS.stat().st_size, "bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
