"""Hooks for building dmtool's documentation with mkdocs (``hooks:`` in ``mkdocs.yml``).

The docstrings are written in Sphinx's style, and mkdocstrings shows its cross-reference roles as they are
(``:func:`validate``` becomes ``:func:validate`` in code). This writes each as the name in code, the way the role
reads: ``:class:`~dmtool.report.Report``` as ``Report``, ``:mod:`dmtool.dialog.model``` as ``dmtool.dialog.model``.
"""

from __future__ import annotations

import re
from typing import Final

_ROLE: Final = re.compile(r":(?:attr|class|const|data|exc|func|meth|mod|obj):<code>(~?)([^<]*)</code>")


def _name(match: re.Match[str]) -> str:
    tilde, target = match.groups()
    return f"<code>{target.rsplit('.', 1)[-1] if tilde else target}</code>"


def on_page_content(html: str, **_: object) -> str:
    """The page's HTML with the roles of the docstrings written as code."""
    return _ROLE.sub(_name, html)
