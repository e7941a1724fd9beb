"""Demo data: the three samordningsförbund of Jönköpings län, as the seed documents describe them.

Everything goes through the same services and the same engine as a real request, so
diary numbers, frozen versions and the audit chain are all real. `build` flushes and
never commits: the `demo-data` command commits once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from states.application import State
from states.common import Role
from workflow import audit, engine
from workflow.errors import Conflict
from workflow.lifecycles.application import APPLICATION
from workflow.lifecycles.meeting import MEETING
from workflow.models import (
    Application,
    Association,
    AssociationBudget,
    Meeting,
    Member,
    RoleGrant,
    User,
)
from workflow.operations import (
    annotations,
    applications,
    associations,
    endorsements,
    meetings,
    protocols,
    reports,
    users,
)
from workflow.rules import meetings as meetings_rules
from workflow.rules.meetings import AmountIn
from workflow.schemas import ApplicationFields, parse

# Fixed so a newcomer can sign in straight away; README lists every login.
PASSWORD_YEAR = 2026
DOMAIN = "example.se"

AF = "Arbetsförmedlingen"
FK = "Försäkringskassan"
REGION = "Region Jönköpings län"


def password_for(kind: str) -> str:
    """The documented demo password of one kind of login, e.g. `demo-officer-2026`."""
    return f"demo-{kind}-{PASSWORD_YEAR}"


@dataclass(frozen=True)
class AssociationSpec:
    """One samordningsförbund and its member organisations (name, party, population)."""

    slug: str
    name: str
    prefix: str
    delegation_limit_sek: int
    municipalities: tuple[tuple[str, int], ...]

    def members(self) -> list[tuple[str, str, int | None]]:
        """State, region and municipalities: the four parties of lag (2003:1210)."""
        return [
            (AF, "af", None),
            (FK, "fk", None),
            (REGION, "region", None),
            *((name, "municipality", population) for name, population in self.municipalities),
        ]


# Populations are rounded recent figures; they drive the municipalities' split of the 25 %.
ASSOCIATIONS: tuple[AssociationSpec, ...] = (
    AssociationSpec(
        "svb",
        "Samordningsförbundet Södra Vätterbygden",
        "SVB",
        200_000,
        (
            ("Habo kommun", 12_780),
            ("Jönköpings kommun", 143_170),
            ("Mullsjö kommun", 7_300),
            ("Vaggeryds kommun", 14_190),
        ),
    ),
    AssociationSpec(
        "hoglandet",
        "Höglandets samordningsförbund",
        "HSF",
        150_000,
        (
            ("Aneby kommun", 6_900),
            ("Eksjö kommun", 17_660),
            ("Nässjö kommun", 31_870),
            ("Sävsjö kommun", 11_400),
            ("Tranås kommun", 19_330),
            ("Vetlanda kommun", 28_010),
        ),
    ),
    AssociationSpec(
        "finnveden",
        "Finnvedens samordningsförbund",
        "FSF",
        150_000,
        (
            ("Gislaveds kommun", 29_750),
            ("Gnosjö kommun", 9_690),
            ("Värnamo kommun", 34_580),
        ),
    ),
)

# (contributions, carried over, administration, other costs) in SEK per year, from the
# seeds: 000 (budgets 2020), 001 (utfall 2018, budget 2019-2020) and 002 (SVB 2018).
# Höglandet's carried-over and 2019 figures are not in the seeds and are plausible ones.
SEED_BUDGETS: dict[str, dict[int, tuple[int, int, int, int]]] = {
    "svb": {
        2018: (6_072_000, 1_981_000, 770_000, 118_000),
        2019: (6_072_000, 2_123_000, 845_000, 200_000),
        2020: (6_680_000, 786_000, 877_000, 200_000),
    },
    "hoglandet": {
        2018: (6_410_000, 500_000, 714_050, 0),
        2019: (6_600_000, 300_000, 760_000, 150_000),
        2020: (7_400_000, 592_000, 1_039_000, 0),
    },
    "finnveden": {
        2018: (5_236_000, 935_000, 654_000, 266_000),
        2019: (5_148_000, 1_991_000, 686_000, 200_000),
        2020: (5_152_000, 1_410_000, 722_000, 197_000),
    },
}

# The current year and the two before (offset 0, -1, -2): plausible growth from 2020.
RECENT_BUDGETS: dict[str, dict[int, tuple[int, int, int, int]]] = {
    "svb": {
        -2: (7_400_000, 900_000, 960_000, 220_000),
        -1: (7_600_000, 750_000, 990_000, 220_000),
        0: (7_800_000, 600_000, 1_010_000, 230_000),
    },
    "hoglandet": {
        -2: (8_200_000, 650_000, 1_070_000, 150_000),
        -1: (8_400_000, 500_000, 1_100_000, 150_000),
        0: (8_600_000, 450_000, 1_120_000, 160_000),
    },
    "finnveden": {
        -2: (6_000_000, 1_100_000, 690_000, 180_000),
        -1: (6_200_000, 950_000, 710_000, 190_000),
        0: (6_400_000, 800_000, 730_000, 200_000),
    },
}


def budgets_for(slug: str, year: int) -> dict[int, tuple[int, int, int, int]]:
    """Every budget year of one association; the seed figures win where years coincide."""
    result = {year + offset: figures for offset, figures in RECENT_BUDGETS[slug].items()}
    result.update(SEED_BUDGETS[slug])
    return dict(sorted(result.items()))


@dataclass(frozen=True)
class Grant:
    """A role in one association, bound to a member organisation where the role needs it."""

    slug: str
    role: Role
    member: str | None = None
    substitute: bool = False


@dataclass(frozen=True)
class Person:
    """A demo login: the key names it in the application scripts below."""

    key: str
    email: str
    name: str
    kind: str  # the word in its password: applicant, preparer, officer, board, ...
    grants: tuple[Grant, ...] = ()
    is_admin: bool = False

    @property
    def password(self) -> str:
        return password_for(self.kind)

    def describe_roles(self) -> str:
        """`officer in svb; officer in finnveden` — for the printed table."""
        if self.is_admin:
            return "admin (system administrator)"
        parts = []
        for grant in self.grants:
            role = "board (ersättare)" if grant.substitute else str(grant.role)
            where = f" for {grant.member}" if grant.member else ""
            parts.append(f"{role} in {grant.slug}{where}")
        return "; ".join(parts)


def _email(local: str) -> str:
    return f"{local}@{DOMAIN}"


# One förbundschef serves both Södra Vätterbygden and Finnveden, as in the seeds.
SHARED_OFFICER = Person(
    "officer.svb-fsf",
    _email("officer.svb-fsf"),
    "Anders Fors",
    "officer",
    (Grant("svb", Role.OFFICER), Grant("finnveden", Role.OFFICER)),
)

PEOPLE: tuple[Person, ...] = (
    Person("admin", _email("admin"), "Sam Systemadministratör", "admin", is_admin=True),
    # Samordningsförbundet Södra Vätterbygden
    Person(
        "svb.applicant",
        _email("applicant.svb"),
        "Sara Lindqvist",
        "applicant",
        (Grant("svb", Role.APPLICANT, "Jönköpings kommun"),),
    ),
    Person(
        "svb.region_applicant",
        _email("applicant.region.svb"),
        "Johan Berg",
        "applicant",
        (Grant("svb", Role.APPLICANT, REGION),),
    ),
    Person(
        "svb.preparer",
        _email("preparer.svb"),
        "Karin Holm",
        "preparer",
        (Grant("svb", Role.PREPARER),),
    ),
    SHARED_OFFICER,
    Person(
        "svb.board",
        _email("board.svb"),
        "Eva Sandberg",
        "board",
        (Grant("svb", Role.BOARD, "Jönköpings kommun"),),
    ),
    Person(
        "svb.substitute",
        _email("substitute.svb"),
        "Lars Ek",
        "board",
        (Grant("svb", Role.BOARD, "Jönköpings kommun", substitute=True),),
    ),
    Person(
        "svb.chair", _email("chair.svb"), "Ingrid Nyström", "chair", (Grant("svb", Role.CHAIR),)
    ),
    Person(
        "svb.auditor",
        _email("auditor.svb"),
        "Göran Wik",
        "auditor",
        (Grant("svb", Role.AUDITOR),),
    ),
    # Höglandets samordningsförbund
    Person(
        "hoglandet.applicant",
        _email("applicant.hsf"),
        "Emma Karlsson",
        "applicant",
        (Grant("hoglandet", Role.APPLICANT, "Nässjö kommun"),),
    ),
    Person(
        "hoglandet.region_applicant",
        _email("applicant.region.hsf"),
        "Oskar Lund",
        "applicant",
        (Grant("hoglandet", Role.APPLICANT, REGION),),
    ),
    Person(
        "hoglandet.preparer",
        _email("preparer.hsf"),
        "Linnea Strand",
        "preparer",
        (Grant("hoglandet", Role.PREPARER),),
    ),
    Person(
        "hoglandet.officer",
        _email("officer.hsf"),
        "Malin Ståhl",
        "officer",
        (Grant("hoglandet", Role.OFFICER),),
    ),
    Person(
        "hoglandet.board",
        _email("board.hsf"),
        "Per Gustafsson",
        "board",
        (Grant("hoglandet", Role.BOARD, "Eksjö kommun"),),
    ),
    Person(
        "hoglandet.substitute",
        _email("substitute.hsf"),
        "Anna Björk",
        "board",
        (Grant("hoglandet", Role.BOARD, "Eksjö kommun", substitute=True),),
    ),
    Person(
        "hoglandet.chair",
        _email("chair.hsf"),
        "Kerstin Ljung",
        "chair",
        (Grant("hoglandet", Role.CHAIR),),
    ),
    Person(
        "hoglandet.auditor",
        _email("auditor.hsf"),
        "Bengt Åkesson",
        "auditor",
        (Grant("hoglandet", Role.AUDITOR),),
    ),
    # Finnvedens samordningsförbund (its förbundschef is the shared officer above)
    Person(
        "finnveden.applicant",
        _email("applicant.fsf"),
        "Lina Johansson",
        "applicant",
        (Grant("finnveden", Role.APPLICANT, "Gislaveds kommun"),),
    ),
    Person(
        "finnveden.region_applicant",
        _email("applicant.region.fsf"),
        "Erik Nordin",
        "applicant",
        (Grant("finnveden", Role.APPLICANT, REGION),),
    ),
    Person(
        "finnveden.preparer",
        _email("preparer.fsf"),
        "Sofia Hedlund",
        "preparer",
        (Grant("finnveden", Role.PREPARER),),
    ),
    Person(
        "finnveden.board",
        _email("board.fsf"),
        "Mats Engström",
        "board",
        (Grant("finnveden", Role.BOARD, "Värnamo kommun"),),
    ),
    Person(
        "finnveden.substitute",
        _email("substitute.fsf"),
        "Helena Axelsson",
        "board",
        (Grant("finnveden", Role.BOARD, "Värnamo kommun", substitute=True),),
    ),
    Person(
        "finnveden.chair",
        _email("chair.fsf"),
        "Ulf Petersson",
        "chair",
        (Grant("finnveden", Role.CHAIR),),
    ),
    Person(
        "finnveden.auditor",
        _email("auditor.fsf"),
        "Birgitta Sjöberg",
        "auditor",
        (Grant("finnveden", Role.AUDITOR),),
    ),
)


def actor_key(slug: str, role: str) -> str:
    """The person acting as `role` (applicant, region_applicant, preparer, officer) in `slug`."""
    if role == "officer" and slug in {g.slug for g in SHARED_OFFICER.grants}:
        return SHARED_OFFICER.key
    return f"{slug}.{role}"


@dataclass(frozen=True)
class Fire:
    """One step of the lifecycle, taken through the engine by the person in that role."""

    trigger: str
    actor: str
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Annotate:
    """A preparer or officer annotates a section of the newest version."""

    actor: str
    section: str
    body: str
    shared: bool = False
    requests_completion: bool = False


@dataclass(frozen=True)
class Endorse:
    """A partner member's applicant stands behind the application."""

    actor: str
    member: str


@dataclass(frozen=True)
class Edit:
    """The applicant changes fields (e.g. to answer a request for completion)."""

    actor: str
    fields: dict[str, Any]


@dataclass(frozen=True)
class DemoApplication:
    """An application, who writes it, and the steps that bring it to its state."""

    slug: str
    author: str
    fields: dict[str, Any]
    steps: tuple[Fire | Edit | Annotate | Endorse, ...] = ()


def _goal(description: str, indicator: str, target: str) -> dict[str, str]:
    return {"description": description, "indicator": indicator, "target": target}


def _years(first: int, last: int, amount: int) -> list[dict[str, int]]:
    return [{"year": y, "amount_sek": amount} for y in range(first, last + 1)]


SUBMIT = Fire("submit", "applicant")
REGION_SUBMIT = Fire("submit", "region_applicant")
ACCEPT = Fire("accept_for_preparation", "officer")


def _recommend(motivation: str) -> Fire:
    return Fire("recommend", "preparer", {"recommendation": "approve", "motivation": motivation})


def applications_for(year: int) -> tuple[DemoApplication, ...]:
    """The demo applications; their periods start the year after `year`."""
    n = year + 1
    return (
        # --- Södra Vätterbygden ------------------------------------------------------
        DemoApplication(
            "svb",
            "applicant",
            {
                "title": "Enter – samlad väg till arbete",
                "kind": "individual",
                "partners": [AF, FK, REGION],
                "target_group": (
                    "Personer i arbetsför ålder som behöver insatser från flera av parterna och"
                    " bedöms ha en arbetsförmåga att bygga på inom ett år. Personer 18–29 år med"
                    " psykisk ohälsa och psykiatriska funktionsnedsättningar prioriteras."
                ),
                "age_min": 18,
                "age_max": 64,
                "participants_women": 36,
                "participants_men": 34,
                "start_date": date(n, 1, 1),
                "end_date": date(n + 2, 12, 31),
                "budget": _years(n, n + 2, 3_000_000),
                "cofunding": [
                    {"member": AF, "year": n, "amount_sek": 620_000},
                    {"member": FK, "year": n, "amount_sek": 620_000},
                ],
                "goals": [
                    _goal(
                        "Deltagare som bedöms ha arbetsförmåga kommer i arbete eller studier",
                        "Andel avslutade till arbete eller studier av dem med bedömd arbetsförmåga",
                        "40 %",
                    ),
                    _goal(
                        "Deltagarna upplever att hälsan eller livskvaliteten har förbättrats",
                        "Andel som anger förbättring i enkät vid avslut",
                        "75 %",
                    ),
                ],
                "follow_up_plan": (
                    "Deltagarna registreras i Uppföljning Finsam. Styrgruppen följer upp varje"
                    " kvartal; enkät om hälsa och livskvalitet vid start och avslut. Samhälls-"
                    "ekonomisk beräkning enligt Försäkringskassans modell (24 732 kr per heltid)."
                ),
                "gender_equality_plan": (
                    "All statistik är könsuppdelad. Teamet analyserar varje år remissvägar och"
                    " avslutsorsaker för kvinnor och män enligt förbundets handlingsplan för"
                    " jämställdhetsintegrering."
                ),
                "continuation_plan": (
                    "Parterna avser att föra in Enter i långsiktig integrerad verksamhet (LIV) och"
                    " fortsätter att bemanna teamet med egen personal."
                ),
                "steering_group": (
                    "En chef från Jönköpings kommun, Region Jönköpings län, Arbetsförmedlingen"
                    " och Försäkringskassan."
                ),
            },
            (
                SUBMIT,
                ACCEPT,
                _recommend(
                    "Enter har sedan starten fört 54 % av dem med bedömd arbetsförmåga till arbete"
                    " eller studier, långt över målet 30 %."
                ),
                Fire(
                    "propose",
                    "officer",
                    {
                        "proposal": (
                            f"Styrelsen föreslås bevilja Enter 3 000 000 kr per år {n}–{n + 2}."
                        )
                    },
                ),
            ),
        ),
        DemoApplication(
            "svb",
            "region_applicant",
            {
                "title": "FIA – Funktionsnedsatta i arbete",
                "kind": "individual",
                "partners": [AF, FK],
                "target_group": (
                    "Personer med fysisk eller psykisk funktionsnedsättning som står långt från"
                    " arbetsmarknaden; unga redovisas separat."
                ),
                "age_min": 20,
                "age_max": 64,
                "participants_women": 25,
                "participants_men": 11,
                "start_date": date(n, 1, 1),
                "end_date": date(n + 1, 12, 31),
                "budget": _years(n, n + 1, 400_000),
                "goals": [
                    _goal(
                        "Deltagare får arbete eller praktik",
                        "Andel avslutade till arbete eller praktik",
                        "30 %",
                    )
                ],
                "follow_up_plan": (
                    "Två jobbcoacher på 50 % vid Funktionsrätt Jönköpings län rapporterar"
                    " deltagare och avslut i Uppföljning Finsam; halvårsvis rapport till"
                    " styrgruppen."
                ),
                "gender_equality_plan": (
                    "Kvinnor är i majoritet bland deltagarna; coacherna följer upp om kvinnor och"
                    " män matchas mot lika omfattande anställningar."
                ),
                "continuation_plan": (
                    "Långsiktig finansiering av FIA prövas i dialog med regionen och"
                    " Arbetsförmedlingen inför LIV."
                ),
                "steering_group": "Region Jönköpings län, Arbetsförmedlingen, Försäkringskassan"
                " och Funktionsrätt Jönköpings län.",
            },
            (
                REGION_SUBMIT,
                ACCEPT,
                _recommend("7 av 10 avslutade gick till arbete eller studier; metoden är SE."),
            ),
        ),
        DemoApplication(
            "svb",
            "applicant",
            {
                "title": "IPS i psykosvården",
                "kind": "individual",
                "partners": [REGION],
                "target_group": (
                    "Arbetslösa patienter i psykosvården vid Länssjukhuset Ryhov, skrivna i"
                    " Jönköping, Mullsjö, Habo eller Vaggeryd; 18–29 år prioriteras."
                ),
                "age_min": 18,
                "age_max": 64,
                "participants_women": 10,
                "participants_men": 16,
                "start_date": date(n, 1, 1),
                "end_date": date(n + 1, 12, 31),
                "budget": _years(n, n + 1, 650_000),
                "goals": [
                    _goal(
                        "Deltagare får anställning eller studier som leder till arbete",
                        "Andel i arbete eller studier på minst 25 % av heltid",
                        "30 %",
                    )
                ],
                "follow_up_plan": "IPS-trohetsskala två gånger per år och uppföljning i"
                " Uppföljning Finsam.",
                "gender_equality_plan": "Könsuppdelad statistik; analys av vilka arbetsgivare"
                " kvinnor och män matchas mot.",
                "continuation_plan": "Överenskommelse mellan Jönköpings kommun och psykosvården"
                " om att föra in IPS-coacherna i ordinarie verksamhet.",
                "steering_group": "Jönköpings kommun (FHO) och psykosvården, Region Jönköpings"
                " län.",
            },
            (
                Endorse("region_applicant", "Region Jönköpings län"),
                SUBMIT,
                ACCEPT,
                Annotate(
                    "preparer",
                    "budget",
                    "Stäm av med psykosvården om de kan stå för lokalerna år 2.",
                ),
            ),
        ),
        DemoApplication(
            "svb",
            "applicant",
            {
                "title": "Hälsoskola för utrikes födda",
                "kind": "individual",
                "partners": [REGION, AF],
                "target_group": "Utrikes födda med risk för ohälsa, främst från kranskommunerna.",
                "age_min": 18,
                "age_max": 64,
                "participants_women": 18,
                "participants_men": 11,
                "start_date": date(n, 1, 1),
                "end_date": date(n, 12, 31),
                "budget": [{"year": n, "amount_sek": 180_000}],
                "goals": [
                    _goal(
                        "Deltagarna vet hur svensk vård fungerar och var de söker hjälp",
                        "Andel som svarar rätt i enkät vid kursens slut",
                        "80 %",
                    )
                ],
                "follow_up_plan": "Enkät före och efter kursen; rapport till beredningsgruppen.",
                "gender_equality_plan": "Separata grupper för kvinnor vid behov, med barnpassning.",
                "continuation_plan": "Vårdcentralerna tar över kursen om den visar gott resultat.",
                "steering_group": "Jönköpings kommun, Region Jönköpings län och"
                " Arbetsförmedlingen.",
            },
            (
                SUBMIT,
                ACCEPT,
                _recommend("Liten insats med goda resultat 2018 (29 deltagare)."),
                Fire(
                    "delegated_approve",
                    "officer",
                    {"outcome": "approve", "amounts": [{"year": n, "amount_sek": 180_000}]},
                ),
            ),
        ),
        DemoApplication(
            "svb",
            "applicant",
            {
                "title": "Projekt Efterstöd",
                "kind": "individual",
                "partners": [AF, FK],
                "target_group": "Tidigare deltagare som behöver stöd för att fullfölja arbete"
                " eller studier.",
                "age_min": 18,
                "age_max": 64,
                "participants_women": 20,
                "participants_men": 20,
                "start_date": date(n, 1, 1),
                "end_date": date(n + 1, 12, 31),
                "budget": _years(n, n + 1, 300_000),
                "goals": [
                    _goal(
                        "Deltagare behåller sin anställning eller fullföljer studierna",
                        "Andel kvar i arbete eller studier sex månader efter avslut",
                        "70 %",
                    )
                ],
                "follow_up_plan": "Uppföljning sex och tolv månader efter avslut.",
                "gender_equality_plan": "Könsuppdelad uppföljning av efterstödets omfattning.",
                "continuation_plan": "Efterstödet byggs in i Enter och FIA om det ger resultat.",
            },
            (
                SUBMIT,
                ACCEPT,
                Annotate(
                    "preparer",
                    "steering_group",
                    "Vilka ingår i styrgruppen? Ange en representant per part.",
                    shared=True,
                    requests_completion=True,
                ),
                Annotate(
                    "officer",
                    "budget",
                    "Internt: jämför med kostnaden för efterstöd i Enter innan rekommendation.",
                ),
                Fire(
                    "request_completion",
                    "preparer",
                    {
                        "reason": (
                            "Beskriv hur tjänsten fördelas mellan strukturarbete och individstöd"
                            " (50/50) och vilka som ingår i styrgruppen."
                        )
                    },
                ),
            ),
        ),
        DemoApplication(
            "svb",
            "applicant",
            {
                "title": "Arenasamverkan – fyrpartsmöten i Habo, Mullsjö och Jönköping",
                "kind": "structural",
                "target_group": "Handläggare hos FK, AF, rehabkoordinatorer och försörjningsstöd.",
            },
        ),
        # --- Höglandet -------------------------------------------------------------
        DemoApplication(
            "hoglandet",
            "region_applicant",
            {
                "title": "IT-spåret – IT-utbildning för unga vuxna med autism",
                "kind": "individual",
                "partners": ["Eksjö kommun", AF, FK],
                "target_group": (
                    "Unga vuxna från hela Jönköpings län med Aspergers syndrom/ASD och en"
                    " IT-talang; utbildning på Campus i12 i Eksjö, 15 platser."
                ),
                "age_min": 18,
                "age_max": 35,
                "participants_women": 3,
                "participants_men": 12,
                "start_date": date(n, 1, 1),
                "end_date": date(n + 1, 12, 31),
                "budget": _years(n, n + 1, 1_000_000),
                "goals": [
                    _goal(
                        "De antagna genomför utbildningen med godkända betyg",
                        "Andel av de antagna med godkända betyg",
                        "90 %",
                    ),
                    _goal(
                        "De som fullföljer går till arbete eller reguljära studier",
                        "Andel avslutade till arbete eller studier",
                        "70 %",
                    ),
                    _goal(
                        "Alla praktiserar med uppdrag från företag i modul 2 och 3",
                        "Andel med praktikuppdrag",
                        "100 %",
                    ),
                ],
                "follow_up_plan": "Terminsvis rapport om antagna, betyg och avslut.",
                "gender_equality_plan": (
                    "Aktivt arbete för fler kvinnor: riktad information och samarbetet med"
                    " Folkuniversitetet (Trygg start)."
                ),
                "continuation_plan": "Region Jönköpings län och de tre förbunden finansierar"
                " långsiktigt enligt avtal.",
                "steering_group": "Kommunal utveckling, de tre samordningsförbunden och"
                " Region Jönköpings län.",
            },
            (REGION_SUBMIT,),
        ),
        DemoApplication(
            "hoglandet",
            "applicant",
            {
                "title": "Supported Employment Höglandet (SE-Höglandet)",
                "kind": "individual",
                "partners": [AF, FK, REGION],
                "target_group": (
                    "Personer som har eller riskerar aktivitetsersättning på grund av"
                    " funktionshinder, psykisk ohälsa eller missbruk."
                ),
                "age_min": 19,
                "age_max": 29,
                "participants_women": 80,
                "participants_men": 87,
                "start_date": date(n, 1, 1),
                "end_date": date(n + 1, 12, 31),
                "budget": _years(n, n + 1, 2_500_000),
                "goals": [
                    _goal(
                        "Utskrivna går till arbete, studier eller blir arbetssökande",
                        "Andel av de utskrivna",
                        "65 %",
                    )
                ],
                "follow_up_plan": "Försörjning före och efter insatsen, avslutsorsaker per år.",
                "gender_equality_plan": "Könsuppdelad statistik; handledning av coacherna om"
                " bemötande.",
                "continuation_plan": "Ingår i LIV från och med nästa år.",
            },
            (
                SUBMIT,
                ACCEPT,
                Fire(
                    "request_completion",
                    "preparer",
                    {"reason": "Ange styrgrupp och hur Tranås deltar i insatsen."},
                ),
                Edit(
                    "applicant",
                    {
                        "steering_group": (
                            "En representant per part; Tranås kommun deltar igen med en coach."
                        )
                    },
                ),
                Fire("resubmit", "applicant"),
            ),
        ),
        DemoApplication(
            "hoglandet",
            "applicant",
            {
                "title": "Psykiatriveckan",
                "kind": "structural",
                "partners": [REGION],
                "target_group": (
                    "Patienter, anhöriga, vård- och omsorgspersonal och personal hos"
                    " myndigheter på Höglandet."
                ),
                "age_min": 16,
                "age_max": 67,
                "participants_women": 1_700,
                "participants_men": 900,
                "start_date": date(n, 11, 9),
                "end_date": date(n, 11, 15),
                "budget": [{"year": n, "amount_sek": 250_000}],
                "goals": [
                    _goal("Många besökare på föreläsningarna", "Antal besökare", "2 500"),
                    _goal("Besökarna svarar på webbenkäten", "Svarsandel", "40 %"),
                ],
                "follow_up_plan": "Webbenkät efter varje föreläsning.",
                "gender_equality_plan": "Föreläsare och teman väljs så att de når både kvinnor"
                " och män.",
                "continuation_plan": "Psykiatriska klinikerna och kommunerna delar kostnaden"
                " från och med året därpå.",
                "steering_group": "Psykiatriska klinikerna, Höglandets kommuner, IFS, Sensus"
                " och Vuxenskolan.",
            },
        ),
        # --- Finnveden -------------------------------------------------------------
        DemoApplication(
            "finnveden",
            "applicant",
            {
                "title": "Nya Vägar – Gnosjö och Gislaved",
                "kind": "individual",
                "partners": ["Gnosjö kommun", FK, AF],
                "target_group": (
                    "Unga med aktivitetsersättning, arbetslösa som riskerar sjukskrivning och"
                    " helt eller delvis sjukskrivna."
                ),
                "age_min": 19,
                "age_max": 64,
                "participants_women": 30,
                "participants_men": 20,
                "start_date": date(n, 1, 1),
                "end_date": date(n + 2, 12, 31),
                "budget": _years(n, n + 2, 1_150_000),
                "goals": [
                    _goal(
                        "Deltagarna närmar sig arbete eller studier",
                        "Andel som går vidare till arbete, studier eller arbetsträning",
                        "50 %",
                    )
                ],
                "follow_up_plan": "Ny Kraft, Aktiv Hälsa och kreativt skapande följs upp"
                " med enkät och Uppföljning Finsam.",
                "gender_equality_plan": "Aktiviteter utformas så att de lockar både kvinnor"
                " och män; könsuppdelad statistik.",
                "continuation_plan": "Kommunerna tar över de delar som ger bäst resultat.",
                "steering_group": "Gislaveds och Gnosjö kommuner, Försäkringskassan och"
                " Arbetsförmedlingen.",
            },
            (SUBMIT, ACCEPT),
        ),
        DemoApplication(
            "finnveden",
            "applicant",
            {
                "title": "Mitt Val",
                "kind": "individual",
                "partners": [FK, AF],
                "target_group": (
                    "Personer med nedsatt arbetsförmåga på grund av sjukdom eller"
                    " funktionsnedsättning som behöver förberedas inför Förstärkt samarbete."
                ),
                "age_min": 18,
                "age_max": 64,
                "participants_women": 24,
                "participants_men": 16,
                "start_date": date(n, 1, 1),
                "end_date": date(n + 1, 12, 31),
                "budget": _years(n, n + 1, 1_100_000),
                "goals": [
                    _goal(
                        "Deltagarna går vidare till Gemensam kartläggning",
                        "Andel som börjar i Förstärkt samarbete",
                        "60 %",
                    )
                ],
                "follow_up_plan": "Fyra veckors program, två gånger i veckan; enkät efter"
                " varje omgång.",
                "gender_equality_plan": "Könsuppdelad statistik och analys enligt handlingsplanen.",
                "continuation_plan": "Försäkringskassan och Arbetsförmedlingen tar över"
                " programmet om det ger resultat.",
            },
            (
                SUBMIT,
                Fire(
                    "withdraw",
                    "applicant",
                    {
                        "reason": (
                            "Försäkringskassan och Arbetsförmedlingen erbjuder förberedelsen"
                            " själva inom Förstärkt samarbete."
                        )
                    },
                ),
            ),
        ),
        DemoApplication(
            "finnveden",
            "applicant",
            {
                "title": "Stöd till arbete – SE/IPS i Finnveden",
                "kind": "individual",
                "partners": ["Gnosjö kommun", "Värnamo kommun", REGION, AF, FK],
                "target_group": (
                    "Personer som behöver samordnade insatser, är motiverade till arbete och bor"
                    " i Gislaved, Gnosjö eller Värnamo."
                ),
                "age_min": 18,
                "age_max": 64,
                "participants_women": 46,
                "participants_men": 53,
                "start_date": date(n, 1, 1),
                "end_date": date(n + 1, 12, 31),
                "budget": _years(n, n + 1, 1_642_000),
                "goals": [
                    _goal(
                        "Avslutade deltagare går till arbete",
                        "Andel av de avslutade med arbete",
                        "70 %",
                    )
                ],
                "follow_up_plan": "IPS-trohetsskala och Uppföljning Finsam; årsrapport.",
                "gender_equality_plan": "Könsuppdelad statistik per kommun och coach.",
                "continuation_plan": "Coacherna finns i kommunernas ordinarie organisation"
                " (AME, FH, socialpsykiatri); förbundet finansierar utvecklingen.",
                "steering_group": "En representant per part.",
            },
            (
                SUBMIT,
                ACCEPT,
                _recommend("Över 70 % till arbete 2019; evidensbaserad metod."),
                Fire(
                    "propose",
                    "officer",
                    {"proposal": (f"Styrelsen föreslås bevilja 1 642 000 kr per år {n}–{n + 1}.")},
                ),
            ),
        ),
    )


@dataclass
class DemoSummary:
    """What `build` created."""

    associations: int = 0
    members: int = 0
    users: int = 0
    applications: dict[str, int] = field(default_factory=dict)


def already_loaded(session: Session) -> bool:
    """Whether every demo association exists (the demo data was loaded before)."""
    return all(associations.by_slug(session, spec.slug) for spec in ASSOCIATIONS)


def _conflicts(session: Session) -> list[str]:
    slugs = [s.slug for s in ASSOCIATIONS if associations.by_slug(session, s.slug)]
    emails = [p.email for p in PEOPLE if users.find_user(session, p.email) is not None]
    return [f"association {s}" for s in slugs] + [f"user {e}" for e in emails]


def _grant(
    session: Session,
    user: User,
    association: Association,
    grant: Grant,
    member_id: int | None,
    by: User,
) -> None:
    """Give an existing user a role in a further association (the shared förbundschef)."""
    user.grants.append(
        RoleGrant(
            association_id=association.id,
            role=str(grant.role),
            member_id=member_id,
            substitute=grant.substitute,
        )
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        action="grant_role",
        entity_type="user",
        entity_id=user.id,
        association_id=association.id,
        actor=by,
        data={"email": user.email, "role": str(grant.role), "member_id": member_id},
    )


def _set_budget(
    session: Session,
    association: Association,
    year: int,
    figures: tuple[int, int, int, int],
    by: User,
) -> None:
    contributions, carried_over, admin_costs, other_costs = figures
    session.add(
        AssociationBudget(
            association_id=association.id,
            year=year,
            contributions_sek=contributions,
            carried_over_sek=carried_over,
            admin_costs_sek=admin_costs,
            other_costs_sek=other_costs,
        )
    )
    session.flush()
    audit.record(
        session,
        action="set_budget",
        entity_type="association_budget",
        entity_id=None,
        association_id=association.id,
        actor=by,
        data={
            "year": year,
            "contributions_sek": contributions,
            "carried_over_sek": carried_over,
            "admin_costs_sek": admin_costs,
            "other_costs_sek": other_costs,
        },
    )


def _grant_dict(grant: Grant, members: dict[str, Member]) -> dict[str, Any]:
    data: dict[str, Any] = {"role": str(grant.role)}
    if grant.member:
        data["member_id"] = members[grant.member].id
    if grant.substitute:
        data["substitute"] = True
    return data


def _resolve(fields: dict[str, Any], members: dict[str, Member]) -> ApplicationFields:
    """Turn member names into ids and validate through the same schema as the API."""
    data = {k: v for k, v in fields.items() if k not in {"partners", "cofunding"}}
    if "partners" in fields:
        data["partner_member_ids"] = [members[name].id for name in fields["partners"]]
    if "cofunding" in fields:
        data["cofunding"] = [
            {"member_id": members[c["member"]].id, "year": c["year"], "amount_sek": c["amount_sek"]}
            for c in fields["cofunding"]
        ]
    return parse(ApplicationFields, data)


def build(session: Session, *, year: int | None = None) -> DemoSummary | None:
    """Create the demo data; None if it is already there. Flushes, never commits."""
    if already_loaded(session):
        return None
    conflicts = _conflicts(session)
    if conflicts:
        raise Conflict(
            "The database already holds part of the demo data: " + ", ".join(conflicts),
            code="demo_conflict",
        )
    year = year or date.today().year
    summary = DemoSummary()
    admin_spec = next(p for p in PEOPLE if p.is_admin)
    admin = users.create_user(
        session,
        email=admin_spec.email,
        name=admin_spec.name,
        password=admin_spec.password,
        is_admin=True,
    )
    by_slug: dict[str, Association] = {}
    members: dict[str, dict[str, Member]] = {}
    for spec in ASSOCIATIONS:
        association = associations.create_association(
            session,
            slug=spec.slug,
            name=spec.name,
            diary_prefix=spec.prefix,
            delegation_limit_sek=spec.delegation_limit_sek,
            by=admin,
        )
        by_slug[spec.slug] = association
        members[spec.slug] = {
            name: associations.add_member(
                session, association, name=name, party=party, population=population, by=admin
            )
            for name, party, population in spec.members()
        }
        for budget_year, figures in budgets_for(spec.slug, year).items():
            _set_budget(session, association, budget_year, figures, admin)
    summary.associations = len(by_slug)
    summary.members = sum(len(m) for m in members.values())

    people: dict[str, User] = {admin_spec.key: admin}
    for person in PEOPLE:
        if person.is_admin:
            continue
        first, *others = person.grants
        user = users.create_user(
            session,
            email=person.email,
            name=person.name,
            password=person.password,
            association=by_slug[first.slug],
            roles=[_grant_dict(first, members[first.slug])],
            by=admin,
        )
        for grant in others:
            member = members[grant.slug].get(grant.member) if grant.member else None
            _grant(session, user, by_slug[grant.slug], grant, member.id if member else None, admin)
        people[person.key] = user
    summary.users = len(people)

    made: dict[str, Application] = {}
    for spec_app in applications_for(year):
        association = by_slug[spec_app.slug]
        author = people[actor_key(spec_app.slug, spec_app.author)]
        fields = _resolve(spec_app.fields, members[spec_app.slug])
        app = applications.create_draft(session, association, fields, by=author)
        for step in spec_app.steps:
            actor = people[actor_key(spec_app.slug, step.actor)]
            if isinstance(step, Edit):
                applications.update_fields(
                    session, app, _resolve(step.fields, members[spec_app.slug]), by=actor
                )
            elif isinstance(step, Annotate):
                annotations.annotate(
                    session,
                    app,
                    by=actor,
                    section=step.section,
                    body=step.body,
                    shared_with_applicant=step.shared,
                    requests_completion=step.requests_completion,
                )
            elif isinstance(step, Endorse):
                endorsements.endorse(session, app, members[spec_app.slug][step.member].id, by=actor)
            elif step.trigger == "delegated_approve":
                # The officer's decision within the delegation limit, with its Decision row.
                meetings.decide_delegated(
                    session,
                    app,
                    by=actor,
                    outcome=step.payload["outcome"],
                    amounts=[AmountIn(a["year"], a["amount_sek"]) for a in step.payload["amounts"]],
                )
            else:
                engine.fire(
                    APPLICATION, app, step.trigger, by=actor, session=session, payload=step.payload
                )
        summary.applications[app.state] = summary.applications.get(app.state, 0) + 1
        made[app.title or ""] = app
    _held_meeting(session, by_slug["svb"], people, made[MEETING_ITEM])
    summary.applications[State.PROPOSED] -= 1
    summary.applications[State.APPROVED] = summary.applications.get(State.APPROVED, 0) + 1
    # A running insats with an accepted annual report and an overdue one (issue 6).
    reports.build_demo(
        session,
        by_slug["svb"],
        applicant=people[actor_key("svb", "applicant")],
        preparer=people[actor_key("svb", "preparer")],
        officer=people[actor_key("svb", "officer")],
        year=year,
    )
    summary.applications[State.ACTIVE] = summary.applications.get(State.ACTIVE, 0) + 1
    return summary


# The demo's held meeting decides this proposed application, so `make run` shows a real
# protocol: signed by the chair and the justerare, its notice posted.
MEETING_ITEM = "Enter – samlad väg till arbete"


def _held_meeting(
    session: Session, association: Association, people: dict[str, User], app: Application
) -> Meeting:
    """A board meeting five weeks ago: Enter approved, protocol signed, notice posted."""
    officer = people[actor_key("svb", "officer")]
    chair = people[actor_key("svb", "chair")]
    ledamot = people[actor_key("svb", "board")]
    substitute = people[actor_key("svb", "substitute")]
    held_on = date.today() - timedelta(days=35)
    meeting = meetings.create_meeting(
        session, association, on=held_on, location="Förbundets kansli, Jönköping", by=officer
    )
    meetings.add_to_agenda(session, meeting, [app.id], by=officer)  # type: ignore[list-item]
    meetings.record_attendance(
        session,
        meeting,
        [meetings.AttendanceIn(ledamot.id, True), meetings.AttendanceIn(substitute.id, True)],  # type: ignore[arg-type]
        by=officer,
    )
    engine.fire(
        MEETING, meeting, "open", by=chair, session=session, payload={"justerare_id": ledamot.id}
    )
    meetings.decide(
        session,
        meeting,
        meetings.DecisionInput(
            application_id=app.id,  # type: ignore[arg-type]
            outcome="approve_with_conditions",
            amounts=meetings_rules.requested_amounts(app),
            conditions="Insatsen redovisar deltagarnas försörjning vid start och avslut.",
            dissents=[
                meetings_rules.DissentIn(
                    ledamot.id,  # type: ignore[arg-type]
                    "protocol_note",
                    "Jönköpings kommun vill att uppföljningen redovisas för styrelsen i juni.",
                )
            ],
        ),
        by=chair,
    )
    engine.fire(MEETING, meeting, "close", by=chair, session=session)
    protocols.sign_as_justerare(session, meeting, by=ledamot)
    engine.fire(MEETING, meeting, "sign", by=chair, session=session)
    # The steps ran now; the meeting they record was held on `held_on`, 09.00–10.30.
    zone = ZoneInfo("Europe/Stockholm")
    meeting.opened_at = datetime.combine(held_on, time(9, 0), zone).astimezone(UTC)
    meeting.closed_at = datetime.combine(held_on, time(10, 30), zone).astimezone(UTC)
    meeting.signed_at = datetime.combine(held_on + timedelta(days=3), time(14, 0), zone).astimezone(
        UTC
    )
    for signature in protocols.signatures(session, meeting).values():
        signature.signed_at = meeting.signed_at
        session.add(signature)
    session.add(meeting)
    session.flush()
    protocols.record_posting(
        session,
        meeting,
        posted_on=held_on + timedelta(days=4),
        kept_at="Förbundets kansli, Jönköping",
        by=officer,
    )
    return meeting
