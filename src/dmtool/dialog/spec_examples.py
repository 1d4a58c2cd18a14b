"""The example specs of :func:`dmtool.dialog.spec.example` (``dmtool build KIND --example``): one complete spec per
kind a spec builds, with synthetic parties and patient. Data only."""

from __future__ import annotations

from typing import Any, Final

_SENDER: Final[dict[str, Any]] = {
    "name": "Kattskinnet legesenter",
    "her_id": "8000001",
    "org_number": "999999999",
    "professional": {
        "family_name": "Lege",
        "given_name": "Lise",
        "hpr": "9900012",
        "category": "LE",
        "telecom": ["tel:22334455"],
    },
}
_AUTHOR: Final[dict[str, Any]] = {
    "role": "1",
    "professional": {"family_name": "Lege", "given_name": "Lise", "hpr": "9900012", "category": "LE"},
}
_MUNICIPALITY: Final[dict[str, Any]] = {
    "name": "Fjordby kommune",
    "her_id": "8000100",
    "unit": {"name": "Hjemmesykepleien sone nord", "her_id": "8000101"},
}
_HOSPITAL: Final[dict[str, Any]] = {
    "name": "Fjordby sykehus HF",
    "her_id": "8000200",
    "unit": {
        "name": "Medisinsk avdeling",
        "her_id": "8000201",
        "unit": {"name": "Hjertepoliklinikken", "her_id": "8000202"},
    },
}
_PATIENT: Final[dict[str, Any]] = {
    "family_name": "Nordmann",
    "given_name": "Kari",
    "id": "14037549100",
    "id_type": "FNR",
    "date_of_birth": "1975-03-14",
    "sex": "2",
}
EXAMPLES: Final[dict[str, dict[str, Any]]] = {
    "foresporsel": {
        "sender": _SENDER,
        "receiver": _MUNICIPALITY,
        "patient": _PATIENT,
        "type": "1",
        "urgency": "3",
        "text": "Pasienten har fått ny blodtrykksmedisin. Kan dere sende oss blodtrykksmålingene fra de to siste "
        "ukene, og si fra om hun har hatt svimmelhet?",
        "roles": [_AUTHOR],
    },
    "notat": {
        "sender": _SENDER,
        "receiver": _MUNICIPALITY,
        "patient": _PATIENT,
        "topic": "4",
        "title": "Endret legemiddelbruk",
        "text": "Amlodipin 5 mg er seponert fra i dag på grunn av ankelødem. Losartan 50 mg 1 tablett morgen er "
        "startet opp. Legemiddellisten er oppdatert.",
        "roles": [_AUTHOR],
    },
    "helsefaglig": {
        "sender": _SENDER,
        "receiver": _HOSPITAL,
        "patient": _PATIENT,
        "topic": "6",
        "title": "Spørsmål om kontroll etter pacemakerinnleggelse",
        "text": "Pasienten lurer på når hun blir kalt inn til første kontroll etter pacemakerinnleggelsen i oktober. "
        "Hun har ikke mottatt innkalling. Kan dere gi beskjed til pasienten og oss?",
        "roles": [_AUTHOR],
    },
}
