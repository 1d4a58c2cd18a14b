"""tools/bench.py: the work its instruction counts run in valgrind's child processes does what the lines say.

The benchmark itself is run by hand (its figures are in docs/explanation/performance.md); this only keeps its counted
work from breaking unseen, since valgrind would report a broken child only as a failed count.
"""

from __future__ import annotations

import sys

import pytest
from paths import EXAMPLES, ROOT

sys.path.insert(0, str(ROOT / "tools"))
import bench

MESSAGES = sorted(EXAMPLES.glob("*.xml"))
VALID = [path for path in MESSAGES if path.name.startswith(("foresporsel", "helsefaglig", "notat"))]


@pytest.mark.parametrize("line", sorted(bench.COUNTED))
def test_each_counted_line_handles_every_message_it_is_given(line, tmp_path):
    paths = VALID if bench.COUNTED[line][1] else MESSAGES
    assert bench.ready(line, [path.read_bytes() for path in paths])() == len(paths)
    listing = tmp_path / "listing.txt"
    listing.write_text("".join(f"{path}\n" for path in paths))
    assert bench.main(["--count-child", line, "--rounds", "2", "--listing", str(listing)]) == 0


def test_the_floor_and_the_pipeline_agree_on_the_examples():
    data = [path.read_bytes() for path in VALID]
    assert bench.floor(data) == [True] * len(data)
    assert bench.pipeline(data) == len(data)
