"""The Swedish texts of the protocol's §§: the standard items, items by title, LIV decisions.

The protocol is the legal record and is written in Swedish whatever the reader's language;
these are the texts a secretary would otherwise type into the Word template each time.
"""

from __future__ import annotations

from states import meeting as spec
from workflow.rules.protocols import kronor

# The standard items' headings, in the order of STANDARD_OPENING + STANDARD_CLOSING.
STANDARD_TITLES: dict[str, str] = {
    "opening": "Mötets öppnande",
    "justerare": "Val av justerare",
    "agenda": "Godkännande av dagordningen",
    "previous_minutes": "Föregående mötesprotokoll",
    "closing": "Mötets avslutande",
}


def standard_text(key: str, *, chair: str | None = None, justerare: str | None = None) -> str:
    """The § text of a standard item, with the names the meeting gave it."""
    if key == "opening":
        return f"{chair or 'Ordföranden'} förklarar mötet öppnat."
    if key == "justerare":
        who = justerare or "–"
        return f"Styrelsen beslutar att utse {who} att jämte ordföranden justera protokollet."
    if key == "agenda":
        return "Styrelsen beslutar att godkänna dagordningen."
    if key == "previous_minutes":
        return "Föregående mötesprotokoll läggs till handlingarna."
    if key == "closing":
        return f"{chair or 'Ordföranden'} förklarar mötet avslutat."
    return ""


def agenda_text_with_additions(titles: list[str]) -> str:
    """The agenda's § when the board added items at the meeting (a recorded decision)."""
    if not titles:
        return standard_text("agenda")
    added = ", ".join(f"”{t}”" for t in titles)
    return f"Styrelsen beslutar att godkänna dagordningen med tillägg av följande ärenden: {added}."


def default_text(kind: str, standard: str | None = None, **names: str | None) -> str:
    """What the § says when the chair writes nothing else."""
    if kind == spec.STANDARD_ITEM and standard is not None:
        return standard_text(standard, **names)
    if kind == spec.INFORMATION_ITEM:
        return "Styrelsen noterar informationen."
    return ""


def tabled_text() -> str:
    """The § of an item the board left undecided (bordläggning)."""
    return "Styrelsen beslutar att bordlägga ärendet till ett kommande sammanträde."


def liv_decision_text(
    *, admission: bool, approve: bool, title: str, applicant: str | None, years: str, total: int
) -> str:
    """The § text of a decision on long-term financing (LIV)."""
    who = applicant or "sökanden"
    if admission and approve:
        return (
            f"Styrelsen beslutar att insatsen ”{title}” tas in i långsiktig finansiering (LIV)"
            f" och att bevilja {who} {kronor(total)} för {years}."
        )
    if admission:
        return (
            f"Styrelsen beslutar att inte ta in insatsen ”{title}” i långsiktig finansiering (LIV)."
        )
    if approve:
        return (
            f"Styrelsen beslutar att inom långsiktig finansiering (LIV) bevilja {who}"
            f" {kronor(total)} för insatsen ”{title}” för {years}."
        )
    return (
        f"Styrelsen beslutar att inte bevilja medel inom långsiktig finansiering (LIV)"
        f" för insatsen ”{title}” för {years}."
    )


def excess_text(reason: str, requested: int, granted: int) -> str:
    """The § note when the board grants more than was applied for."""
    return (
        f"Styrelsen beviljar {kronor(granted)}, mer än de {kronor(requested)} som söktes,"
        f" med följande motivering: {reason}"
    )
