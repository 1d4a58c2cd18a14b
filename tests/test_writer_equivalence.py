"""The writer keeps its output: ``dmtool.to_xml`` gives, for every model of a frozen corpus, the bytes (by SHA-256)
or the error it gave when the corpus was written (``tests/writer_corpus.py``): fixtures of every kind and broken rule,
the ``build --example`` messages, generated messages and odd edits of them, each strict and not. A change that makes
the writer faster must not change a byte it writes nor an error it raises."""

from __future__ import annotations

from collections import Counter

import writer_corpus

from dmtool.dialog.model import Kind


def test_every_model_of_the_corpus_is_written_as_it_was() -> None:
    records = writer_corpus.records()
    changed = []
    for index, record in enumerate(records):
        model = writer_corpus.model_of(record)
        for key, strict in (("lax", False), ("strict", True)):
            got = writer_corpus.outcome(model, record["dialog_version"], strict)
            if got != record[key]:
                changed.append(f"record {index} ({key}): {record[key]} became {got}")
    assert not changed, f"{len(changed)} outcomes changed:\n" + "\n".join(changed[:20])


def test_the_corpus_holds_every_kind_and_outcome() -> None:
    records = writer_corpus.records()
    assert len(records) >= 700
    kinds = Counter((record["model"]["kind"], record["model"]["version"]) for record in records)
    assert {kind for kind, _ in kinds} >= {kind.value for kind in Kind}
    assert {version for _, version in kinds} == {"1.0", "1.1"}
    lax = Counter(record["lax"].get("error", "bytes") for record in records)
    strict = Counter(record["strict"].get("error", "bytes") for record in records)
    assert lax["bytes"] >= 450 and lax["BuildError"] >= 200
    assert strict["bytes"] >= 200 and strict["RuleError"] >= 200
    errors = {record["lax"]["text"].partition(":")[0] for record in records if "text" in record["lax"]}
    assert len(errors) >= 20, errors  # many fields and kinds of error, not one over and over
