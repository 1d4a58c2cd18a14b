"""The families of traffic dmtool judges, and the layers of rules that judge each.

Every message is judged by the ``standard`` layer (what the standards say). Beyond it, by its ``MsgInfo/Type`` and the
profile chosen: the five dialog kinds of hospital ⇄ municipality and GP dialog get the ``dialog`` layer (the
guidelines of seeds 000-003), Helsenorge's patient dialog (``DIALOG_INNBYGGER_*``) the ``helsenorge`` layer, and
under the profile ``nav`` NAV ⇄ behandler dialog the ``nav`` layer; under the profile ``standard`` (and for any other
type, such as ``DIALOG_STATUS_HENVISNING``) the standard layer is all.
"""

from __future__ import annotations

from typing import Final, Literal

from .model import Kind

#: The layers of rules, each for the traffic it applies to.
Layer = Literal["standard", "dialog", "helsenorge", "nav"]
LAYERS: Final[tuple[Layer, ...]] = ("standard", "dialog", "helsenorge", "nav")
#: The ``MsgInfo/Type`` of Helsenorge's patient dialog begins with this (code list 8279).
HELSENORGE_PREFIX: Final = "DIALOG_INNBYGGER_"
_DIALOG_KINDS: Final = frozenset(Kind)


def layers(msg_type: str, profile: str = "national") -> tuple[Layer, ...]:
    """The layers that judge a message of type ``msg_type`` under the profile named ``profile``, ``standard`` first.

    ``standard`` and ``nav`` choose their layers whatever the type; otherwise the five dialog kinds get the dialog
    layer, ``DIALOG_INNBYGGER_*`` the helsenorge layer, and any other type the standard layer alone.
    """
    if profile == "standard":
        return ("standard",)
    if profile == "nav":
        return ("standard", "nav")
    if msg_type.startswith(HELSENORGE_PREFIX):
        return ("standard", "helsenorge")
    if msg_type in _DIALOG_KINDS:
        return ("standard", "dialog")
    return ("standard",)
