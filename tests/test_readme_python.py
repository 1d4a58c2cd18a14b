"""The tutorial's Python example of building and answering a message (docs/tutorial/build-and-answer.md, once the
README's) runs as written and does what it says."""

from __future__ import annotations

import re

from paths import ROOT

import dmtool


def test_readme_message_example_runs():
    readme = (ROOT / "docs" / "tutorial" / "build-and-answer.md").read_text(encoding="utf-8")
    blocks = [block for block in re.findall(r"```python\n(.*?)```", readme, re.S) if "dmtool.svar(" in block]
    assert len(blocks) == 1
    scope: dict[str, object] = {}
    exec(blocks[0], scope)
    answer = scope["answer"]
    question = scope["question"]
    assert isinstance(answer, dmtool.Message) and isinstance(question, dmtool.Message)
    assert answer.kind == dmtool.Kind.SVAR
    assert answer.conversation == dmtool.ConversationRef(question.msg_id, question.msg_id)
    assert answer.receiver == question.sender
