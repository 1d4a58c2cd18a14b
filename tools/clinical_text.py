"""Made-up Norwegian clinical free text of a chosen length, for the benchmark's real-traffic corpora (issue 22).

Real dialog messages carry hundreds to thousands of characters of text; the benchmark's fixtures carry about 15, so
the cost of the text checks, which grows with the text, never showed. :func:`clinical_text` writes what a nurse, a
GP or a hospital doctor writes in a Dialogmelding: usually a greeting naming the receiver, sentences about the
patient (admission, medicines, values, care at home, appointments, questions), and usually a signature with a name
and a role. Every person, place and value is invented, drawn from the lists below.

The words the advice heuristics look for come at the rate they come in such text, which is a judgement (no corpus of
real messages is at hand), set here in one place:

* a greeting (``Til ...``, ``Hei``, ``Vedr. ...``) in :data:`GREETING_RATE` of texts, a signature (``Hilsen``,
  ``Mvh``, a role such as ``fastlege``) in :data:`SIGNATURE_RATE`: what ``GREETING-AND-IDENTITY`` looks for;
* references to a referral, a stay, a discharge, an appointment or a date (``henvisning``, ``innlagt``,
  ``epikrise``, ``kontroll``, ``time``, ``14.03.``) in about four sentences in ten (:data:`SENTENCES`);
* a fagområde (``ortoped``, ``kardiolog``, ``psykiatrisk``, ...) in :data:`FAGOMRADE_RATE` of texts, besides the
  departments named as receiver or place (``Medisinsk avdeling``), so that a text sometimes names two
  (``ONE-PROBLEM-PER-THREAD``);
* urgency (``snarest``, ``haster``, ``akutt``) in :data:`URGENT_RATE` of texts (``NOT-URGENT``).
"""

from __future__ import annotations

import random
from typing import Final

#: Share of texts that open with a greeting, that close with a signature, and that ask for haste.
GREETING_RATE: Final = 0.85
SIGNATURE_RATE: Final = 0.85
URGENT_RATE: Final = 0.04
#: Share of texts with a sentence about another specialty (:data:`FAGOMRADE`).
FAGOMRADE_RATE: Final = 0.25

RECEIVERS: Final = (
    "fastlege", "Tildelingskontoret", "hjemmesykepleien", "sykehjemmet", "Medisinsk avdeling", "legekontoret",
    "Helse- og omsorgstjenesten", "saksbehandler", "behandlende lege",
)  # fmt: skip
GIVEN: Final = ("Kari", "Ola", "Ingrid", "Lars", "Marit", "Per", "Sigrid", "Nils", "Anne", "Håkon", "Solveig", "Øyvind")
FAMILY: Final = ("Nordmann", "Hansen", "Johansen", "Berg", "Haugen", "Lie", "Dahl", "Strand", "Bakke", "Sæther")
ROLES: Final = ("fastlege", "sykepleier", "lege", "overlege", "LIS-lege", "koordinator", "spesialsykepleier")
PLACES: Final = (
    "Storgata legekontor", "Medisinsk avdeling", "hjemmetjenesten sone nord", "Sentrum legesenter",
    "Lungepoliklinikken", "Solheim sykehjem", "Ortopedisk sengepost", "Fjellvik helsestasjon",
)  # fmt: skip
ILLNESSES: Final = (
    "lungebetennelse", "hjertesvikt", "KOLS-forverring", "urinveisinfeksjon", "hoftebrudd", "delirium", "dehydrering",
    "atrieflimmer", "forverring av diabetes",
)  # fmt: skip
MEDICINES: Final = (
    ("Paracet", "1 g", "x 4"), ("Albyl-E", "75 mg", "x 1"), ("Furix", "40 mg", "x 1"), ("Metformin", "500 mg", "x 2"),
    ("Eliquis", "5 mg", "x 2"), ("Selo-Zok", "50 mg", "x 1"), ("Zopiclone", "3,75 mg", "ved behov"),
    ("Movicol", "1 pose", "x 2"),
)  # fmt: skip

#: The sentences of the body, with slots filled from the lists; about four in ten name a referral, a stay, an
#: appointment or a date.
SENTENCES: Final = (
    "Pasienten ble innlagt {date} med {illness} og er nå i bedring.",
    "Viser til henvisning datert {date} og ber om en vurdering.",
    "Epikrise fra oppholdet er sendt, men vi mangler oppdatert legemiddelliste.",
    "Hun var til kontroll på poliklinikken {date} uten nye funn.",
    "Ny time er satt opp {date} kl. {clock}, og pasienten er informert.",
    "Han skrives ut i morgen og trenger hjelp med medisiner morgen og kveld.",
    "Etter utskrivning bor hun alene og har trygghetsalarm.",
    "Konsultasjonen ble gjennomført på telefon sammen med datteren.",
    "Blodtrykk {systolic}/{diastolic} mmHg, puls {pulse}, temperatur 37,{tenth}.",
    "Pasienten bruker {medicine} {dose} {frequency}, som tas fra dosett.",
    "{medicine} {dose} {frequency} er seponert på grunn av svimmelhet.",
    "Hjemmesykepleien kommer to ganger daglig og hjelper med dusj og påkledning.",
    "Pårørende er informert og ønsker å bli kontaktet ved endringer.",
    "Det er ikke observert bivirkninger siden oppstart.",
    "Såret på venstre legg er i bedring og skiftes hver tredje dag.",
    "Kan dere vurdere behov for økt hjelp i hjemmet?",
    "Pasienten sover dårlig og er noe urolig om natten.",
    "Vekt {weight} kg, ned {loss} kg siste måned, og appetitten er redusert.",
    "CRP {crp}, Hb {hb}, kreatinin {creatinine}.",
    "Hun ønsker ikke flere undersøkelser nå, og det respekteres.",
    "Fysioterapeut har startet opptrening med gåstol.",
    "Sønnen er kontaktperson og nås på telefon {phone}.",
    "Vi ber om at blodprøver tas før neste besøk.",
    "Han har god effekt av behandlingen og er mer i aktivitet.",
    "Ernæringsdrikk to ganger daglig er anbefalt.",
    "Det er søkt om korttidsopphold, og vedtak er ventet innen to uker.",
)  # fmt: skip
FAGOMRADE: Final = (
    "Vurdert av ortoped, og det er ikke aktuelt med operasjon.",
    "Kardiolog anbefaler ekkokardiografi ved neste kontroll.",
    "Psykiatrisk sykepleier følger opp hver uke.",
    "Hun er henvist til gynekolog for videre utredning.",
)  # fmt: skip
URGENT: Final = (
    "Vi ber om svar snarest.",
    "Saken haster noe, da pasienten skal utskrives.",
    "Ved akutt forverring kontaktes legevakt.",
)  # fmt: skip


def _person(rng: random.Random) -> str:
    return f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}"


def _date(rng: random.Random) -> str:
    day, month = rng.randint(1, 28), rng.randint(1, 12)
    month_name = ("januar", "mars", "mai")[month % 3]
    return rng.choice((f"{day}.{month}.", f"{day:02}.{month:02}.2026", f"{day}. {month_name}"))


def _sentence(rng: random.Random) -> str:
    medicine, dose, frequency = rng.choice(MEDICINES)
    return rng.choice(SENTENCES).format(
        date=_date(rng), clock=f"{rng.randint(8, 15):02}.{rng.choice((0, 15, 30, 45)):02}",
        illness=rng.choice(ILLNESSES), systolic=rng.randint(105, 170), diastolic=rng.randint(60, 100),
        pulse=rng.randint(52, 110), tenth=rng.randint(0, 9), medicine=medicine, dose=dose, frequency=frequency,
        weight=rng.randint(45, 110), loss=rng.randint(1, 6), crp=rng.randint(1, 180),
        hb=f"{rng.randint(90, 160) / 10:.1f}", creatinine=rng.randint(50, 180),
        phone=f"{rng.randint(400, 999)} {rng.randint(10, 99)} {rng.randint(100, 999)}",
    )  # fmt: skip


def clinical_text(rng: random.Random, length: int) -> str:
    """At least ``length`` characters (and at most a sentence more) of made-up clinical Norwegian, drawn with
    ``rng``: a greeting, sentences in paragraphs of four, a signature."""
    opening = ""
    if rng.random() < GREETING_RATE:
        opening = rng.choice((f"Til {rng.choice(RECEIVERS)}.", "Hei!", f"Vedr. {_person(rng)}.")) + "\n"
    closing = ""
    if rng.random() < SIGNATURE_RATE:
        sign_off = rng.choice(("Med vennlig hilsen", "Hilsen", "Mvh"))
        closing = f"\n{sign_off}\n{_person(rng)}, {rng.choice(ROLES)} ved {rng.choice(PLACES)}"
    rare = ((URGENT, URGENT_RATE), (FAGOMRADE, FAGOMRADE_RATE))
    body = [rng.choice(sentences) for sentences, rate in rare if rng.random() < rate]
    while len(_written(opening, body, closing)) < length:
        body.append(_sentence(rng))
    rng.shuffle(body)  # the same length in any order
    return _written(opening, body, closing)


def _written(opening: str, body: list[str], closing: str) -> str:
    paragraphs = [" ".join(body[at : at + 4]) for at in range(0, len(body), 4)]
    return opening + "\n\n".join(paragraphs) + closing
