"""Memory stays bounded in a long-running process, whatever names the messages bring.

libxml2 keeps every name it parses in a dictionary per thread that lxml never empties; dmtool makes lxml start a new
one after :data:`dmtool.xml.parsing.THREAD_BYTES` (see :mod:`dmtool.xml.parsing`). The process under test validates
messages full of names it has never seen, in a subprocess of its own so that its memory is its own.
"""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest
from lxml import etree

from dmtool.xml import parsing

_GROWTH = r"""
import sys
import dmtool

def rss_mib():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096 / 2**20

def message(number, names):
    parts = [b'<MsgHead xmlns="http://www.kith.no/xmlstds/msghead/2006-05-24">']
    parts += (b"<n%d_%d_%s/>" % (number, name, b"x" * 24) for name in range(names))
    parts.append(b"</MsgHead>")
    return b"".join(parts)

count, names = int(sys.argv[1]), int(sys.argv[2])
for number in range(count):
    if number == 20:
        warm = rss_mib()
    report = dmtool.validate(message(number, names))
    assert report.issues[0].rule == "UNSUPPORTED-MESSAGE", report.issues
print(rss_mib() - warm)
"""


def _growth_mib(count: int, names: int) -> float:
    ran = subprocess.run(
        [sys.executable, "-c", _GROWTH, str(count), str(names)], capture_output=True, text=True, timeout=600
    )
    assert ran.returncode == 0, ran.stderr
    return float(ran.stdout)


@pytest.mark.slow
def test_a_thousand_messages_of_fifteen_thousand_new_names_grow_the_process_by_less_than_50_mib() -> None:
    # 15 million new names: without a new dictionary now and then, they took about a gigabyte.
    assert _growth_mib(1_000, 15_000) < 50


def test_a_thread_starts_a_new_dictionary_after_its_share_of_bytes_and_keeps_its_default_parser() -> None:
    outcome: list[object] = []

    def run() -> None:
        mine = etree.XMLParser(remove_comments=True)
        etree.set_default_parser(mine)
        old = parsing.fromstring(b"<a><b/></a>")
        parsing._THREAD.left = 0  # as if it had read its share
        new = parsing.fromstring(b"<a><c/></a>")
        outcome.append((etree.get_default_parser() is mine, old[0].tag, new[0].tag, parsing._THREAD.left))
        outcome.append(etree.fromstring(b"<x><!--c--></x>").text is None and len(etree.fromstring(b"<x/>")) == 0)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    assert outcome[0] == (True, "b", "c", parsing.THREAD_BYTES - len(b"<a><c/></a>"))
    assert outcome[1] is True


def test_trees_from_an_old_dictionary_stay_whole() -> None:
    """A tree parsed before the thread started a new dictionary keeps its names while it is used."""
    old = [parsing.fromstring(b"<r><first%d/></r>" % n) for n in range(3)]
    parsing._THREAD.left = 0
    new = [parsing.fromstring(b"<r><second%d/></r>" % n) for n in range(3)]
    assert [tree[0].tag for tree in old] == ["first0", "first1", "first2"]
    assert [tree[0].tag for tree in new] == ["second0", "second1", "second2"]
    assert etree.tostring(old[0]) == b"<r><first0/></r>"
