"""The families of traffic dmtool judges, and the layers of rules that judge each.

Every message is judged by the ``standard`` layer (what the standards say). Beyond it, by its ``MsgInfo/Type`` and the
profile chosen: the five dialog kinds of hospital ⇄ municipality and GP dialog get the ``dialog`` layer (the
guidelines of seeds 000-003), Helsenorge's patient dialog (``DIALOG_INNBYGGER_*``) the ``helsenorge`` layer, and
under the profile ``nav`` NAV ⇄ behandler dialog the ``nav`` layer; under the profile ``standard`` (and for any other
type, such as ``DIALOG_STATUS_HENVISNING``) the standard layer is all.
"""

from __future__ import annotations

from typing import Final, Literal

from ..dialog.model import Kind
from ..standards import codelists

#: The layers of rules, each for the traffic it applies to.
Layer = Literal["standard", "dialog", "helsenorge", "nav"]
LAYERS: Final[tuple[Layer, ...]] = ("standard", "dialog", "helsenorge", "nav")
#: The ``MsgInfo/Type`` of Helsenorge's patient dialog begins with this (code list 8279).
HELSENORGE_PREFIX: Final = "DIALOG_INNBYGGER_"
#: Status på henvisning (HIS 1206): a Dialogmelding 1.1 Notat judged by the standard layer alone.
STATUS_HENVISNING: Final = "DIALOG_STATUS_HENVISNING"
_DIALOG_KINDS: Final = frozenset(Kind)
_TYPES: Final = codelists.get("8279").codes


#: Helsenorge's synchronous processes, which take no AppRec ("det skal ikke sendes applikasjonskvittering"): the
#: lookups of time reservation, TypeForesp 7601 HLT (hent ledige timer) and HBT (hent bestilte timer), and their
#: answers, TemaKodet 7602 01-04 (bestilte, ingen bestilte, ledige, ingen ledige timer), as (list, code).
SYNCHRONOUS: Final = frozenset({("7601", "HLT"), ("7601", "HBT"), *(("7602", f"0{n}") for n in range(1, 5))})


def no_receipt(msg_type: str, body_code: tuple[str, str] | None, ack: str, profile: str) -> str | None:
    """Why a message of type ``msg_type`` whose body is coded ``body_code`` (list number and code of its
    ``TypeForesp`` or ``TemaKodet``), with ``Ack`` code ``ack``, takes no AppRec under ``profile``; ``None`` when it
    takes one.

    A synchronous process of Helsenorge's patient dialog (:data:`SYNCHRONOUS`) never does; ``Ack`` N asks for none,
    except under the dialog guidelines, which require receipts (``ACK-REQUESTED`` rejects the message instead).
    """
    if is_patient_dialog(msg_type) and body_code in SYNCHRONOUS:
        number, code = body_code
        return f"{msg_type} with {number} code {code} is one of Helsenorge's synchronous queries, which take no AppRec"
    if ack == "N" and "dialog" not in layers(msg_type, profile):
        return "the message asks for no receipt (Ack N)"
    return None


def added_layers(msg_type: str, profile: str = "national") -> frozenset[Layer]:
    """The layers beyond the standard one that judge a message of type ``msg_type`` under ``profile``
    (:func:`layers`): what the field table and the layer-aware checks ask about."""
    return frozenset(layers(msg_type, profile)[1:])


def is_patient_dialog(msg_type: str) -> bool:
    """True for Helsenorge's patient dialog (``DIALOG_INNBYGGER_*``), whose replies are due by the ``pasientdialog``
    profile's deadline (seed 004: 4 working days) whatever the profile chosen."""
    return msg_type.startswith(HELSENORGE_PREFIX)


def deadline_profile(msg_type: str, profile: str) -> str:
    """The profile whose reply deadline applies to a message of type ``msg_type`` judged under ``profile``."""
    return "pasientdialog" if is_patient_dialog(msg_type) else profile


def unsupported(msg_type: str, version: str | None) -> str | None:
    """Why dmtool cannot judge a MsgHead of type ``msg_type`` (``MsgInfo/Type``) whose Dialogmelding is ``version``
    (``"1.0"``, ``"1.1"``), or ``None`` when it can.

    Supported: the five dialog kinds (:class:`~dmtool.dialog.model.Kind`) in either version; Helsenorge's patient
    dialog, every ``DIALOG_INNBYGGER_*`` type of code list 8279, and ``DIALOG_STATUS_HENVISNING``, in Dialogmelding 1.1
    (what their standards prescribe).
    """
    if msg_type in _DIALOG_KINDS:
        return None
    family = "Helsenorge's patient dialog" if is_patient_dialog(msg_type) else None
    if msg_type == STATUS_HENVISNING:
        family = "status på henvisning (HIS 1206)"
    if family is None or msg_type not in _TYPES:
        kinds = ", ".join(Kind)
        return (
            f"MsgInfo/Type {msg_type!r} is not a message type dmtool supports: the dialog kinds ({kinds}), "
            f"{HELSENORGE_PREFIX}* of code list 8279, or {STATUS_HENVISNING}"
        )
    if version != "1.1":
        return f"{msg_type} is {family}, which is Dialogmelding 1.1; this body is {version or 'not a Dialogmelding'}"
    return None


def layers(msg_type: str, profile: str = "national") -> tuple[Layer, ...]:
    """The layers that judge a message of type ``msg_type`` under the profile named ``profile``, ``standard`` first.

    ``standard`` and ``nav`` choose their layers whatever the type; otherwise the five dialog kinds get the dialog
    layer, ``DIALOG_INNBYGGER_*`` the helsenorge layer, and any other type the standard layer alone.
    """
    if profile == "standard":
        return ("standard",)
    if profile == "nav":
        return ("standard", "nav")
    if is_patient_dialog(msg_type):
        return ("standard", "helsenorge")
    if msg_type in _DIALOG_KINDS:
        return ("standard", "dialog")
    return ("standard",)
