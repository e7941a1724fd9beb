"""Word documents (.docx, python-docx) where officials work in Word: the protocol, its extracts
and the tjänsteskrivelse.

Built from the same plain structures the PDF and the page are rendered from
(`operations.protocols.Protocol`, `operations.proposals.ProposalDocument`): the text of the
record is decided there once; this module only lays it out, in the order the PDF template
(templates/protocols/_document.html) prints it. Always Swedish, like the PDF.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from docx import Document
from docx.document import Document as DocumentObject
from docx.shared import Pt

from workflow.rules.protocols import kronor

VOTE_WORDS = {"yes": "ja", "no": "nej"}


def _save(document: DocumentObject) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _new(title: str, subject: str) -> DocumentObject:
    document = Document()
    properties = document.core_properties
    properties.title = title
    properties.subject = subject
    properties.language = "sv-SE"
    properties.author = "finsam-grants"
    style = document.styles["Normal"]
    style.font.size = Pt(11)  # type: ignore[attr-defined]
    return document


def _head(document: DocumentObject, organisation: str, kind: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.add_run(organisation).bold = True
    paragraph.add_run(f"\t{kind}").bold = True


def _facts(document: DocumentObject, rows: Sequence[tuple[str, str]]) -> None:
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].paragraphs[0].add_run(label).bold = True
        cells[1].text = value


def _person(person: Any) -> str:
    """As the PDF names a person: name, member (seat, ersätter X)."""
    text = person.name
    if person.member:
        text += f", {person.member}"
    if person.seat:
        text += f" ({person.seat}" + (f", ersätter {person.replaces}" if person.replaces else "")
        text += ")"
    return text


def _names(people: Iterable[Any]) -> str:
    return "\n".join(_person(p) for p in people) or "–"


def _field(item: Any, name: str, default: Any = None) -> Any:
    # A § of another kind may lack a field a decision has.
    value = getattr(item, name, default)
    return default if value is None else value


def _paragraphs_text(paragraphs: dict[str, int] | None) -> str:
    if not paragraphs:
        return "–"
    if paragraphs["first"] == paragraphs["last"]:
        return f"§ {paragraphs['first']}"
    return f"§§ {paragraphs['first']}–{paragraphs['last']}"


def _justered_on(protocol: Any) -> str:
    if protocol.notice and protocol.notice.justered_on:
        return protocol.notice.justered_on
    chair = protocol.signatures[1] if len(protocol.signatures) > 1 else None
    return chair.signed_at[:10] if chair is not None and chair.signed_at else ""


def _item(document: DocumentObject, item: Any) -> None:
    document.add_heading(f"§ {item.number} {item.title}", level=2)
    if _field(item, "diary_number"):
        document.add_paragraph(f"Dnr {item.diary_number}")
    if item.kind == "delegation_report":
        document.add_paragraph("Anmälan av delegationsbeslut").runs[0].italic = True
    for recusal in _field(item, "recusals", []):
        reason = f" ({recusal['reason']})" if recusal.get("reason") else ""
        document.add_paragraph(
            f"{recusal['name']} anmäler jäv och deltar inte i handläggningen av ärendet{reason}."
        )
    document.add_heading("Beslut", level=3)
    document.add_paragraph(item.decision_text)
    amounts = _field(item, "amounts", [])
    if amounts:
        table = document.add_table(rows=1, cols=2)
        table.style = "Table Grid"
        table.rows[0].cells[0].text = "År"
        table.rows[0].cells[1].text = "Belopp"
        for line in amounts:
            cells = table.add_row().cells
            cells[0].text = str(line["year"])
            cells[1].text = kronor(line["amount_sek"])
        cells = table.add_row().cells
        cells[0].text = "Totalt"
        cells[1].text = kronor(_field(item, "total_sek", 0))
    if _field(item, "conditions"):
        document.add_heading("Villkor", level=3)
        document.add_paragraph(item.conditions)
    if _field(item, "questions"):
        document.add_heading("Styrelsens frågor", level=3)
        document.add_paragraph(item.questions)
    counts = _field(item, "vote_counts")
    if counts:
        document.add_heading("Omröstning", level=3)
        text = f"Ja {counts['yes']}, nej {counts['no']}, avstår {counts['abstain']}."
        if _field(item, "casting_vote"):
            text += (
                " Rösterna faller lika; ordföranden avgör med sin utslagsröst"
                f" ({VOTE_WORDS.get(item.casting_vote, item.casting_vote)})."
            )
        document.add_paragraph(text)
        for vote in _field(item, "votes", []):
            document.add_paragraph(f"{vote['name']}: {vote['label']}", style="List Bullet")
    for dissent in _field(item, "dissents", []):
        if dissent["kind"] == "reservation":
            document.add_paragraph(
                f"{dissent['name']} reserverar sig mot beslutet: {dissent['text']}"
            )
        else:
            document.add_paragraph(
                f"Protokollsanteckning: {dissent['name']} låter anteckna: {dissent['text']}"
            )
    quorum = _field(item, "quorum")
    if quorum:
        document.add_paragraph(
            f"Beslutsförhet: {quorum['present']} av {quorum['seats']} platser besatta."
        )
    if _field(item, "legal_force_on"):
        document.add_paragraph(
            f"Beslutet vinner laga kraft {item.legal_force_on} om det inte överklagas."
        )


def protocol(p: Any, *, extract: bool = False) -> bytes:
    """The protocol (or one § of it, a protokollsutdrag) as a Word document."""
    kind = "Protokollsutdrag" if extract else "Protokoll"
    document = _new(f"{kind} {p.organ} {p.date}", p.association["name"])
    _head(document, p.association["name"], kind + ("" if p.signed else " – utkast, ej justerat"))
    document.add_heading(p.organ, level=1)
    place = (p.location or "–") + (f", {p.time}" if p.time else "")
    justering = p.justering_place or "–"
    if _justered_on(p):
        justering += f", {_justered_on(p)}"
    _facts(
        document,
        [
            ("Sammanträdesdatum", p.date),
            ("Plats och tid", place),
            ("Beslutande", _names(p.decision_makers)),
            ("Ersättare", _names(p.substitutes)),
            ("Frånvarande", _names(p.absent)),
            ("Övriga närvarande", _names(p.others)),
            ("Utses att justera", p.justerare.name if p.justerare else "–"),
            ("Justeringens plats och tid", justering),
            ("Paragrafer", _paragraphs_text(p.paragraphs)),
        ],
    )
    if not extract:
        document.add_paragraph()
        _facts(
            document,
            [
                (
                    s.role,
                    "\n\n_______________________________\n"
                    + (s.name or "")
                    + (f" – justerat {s.signed_at}" if s.signed_at else ""),
                )
                for s in p.signatures
            ],
        )
    if p.notice:
        document.add_heading("ANSLAG/BEVIS", level=2)
        document.add_paragraph(
            "Protokollet är justerat. Justeringen har tillkännagivits genom anslag."
        )
        n = p.notice
        _facts(
            document,
            [
                ("Organ", n.organ),
                ("Sammanträdesdatum", n.meeting_date),
                ("Datum då anslaget sätts upp", n.posted_on),
                ("Datum då anslaget tas ned", n.taken_down_on),
                ("Sista dag att överklaga", n.last_appeal_day),
                ("Laga kraft (om beslutet inte överklagas)", n.legal_force_on),
                ("Förvaringsplats för protokollet", n.kept_at),
                ("Underskrift", "\n_______________________________"),
            ],
        )
    for item in p.items:
        _item(document, item)
    if not p.items:
        document.add_paragraph("Inga paragrafer.")
    if extract:
        chair = p.signatures[1].name if len(p.signatures) > 1 else ""
        justerare = p.signatures[2].name if len(p.signatures) > 2 else ""
        document.add_paragraph(
            f"Justerat {_justered_on(p)} av {chair} (ordförande) och {justerare} (justerande)."
        )
        document.add_paragraph("Rätt utdraget betygar")
        document.add_paragraph("_______________________________")
        document.add_paragraph(p.secretary.name if p.secretary else "")
    return _save(document)


def proposal(d: Any) -> bytes:
    """The tjänsteskrivelse as a Word document, to edit further where officials work."""
    document = _new(f"Tjänsteskrivelse {d.diary_number or ''} {d.title}".strip(), d.association)
    _head(document, d.association, "Tjänsteskrivelse")
    document.add_heading(d.title, level=1)
    _facts(
        document,
        [
            ("Ärende", d.title),
            ("Diarienummer", d.diary_number or "–"),
            ("Datum", d.date),
            ("Handläggare", d.author or "–"),
        ],
    )
    for block in d.blocks:
        paragraph = document.add_paragraph()
        for index, line in enumerate(block):
            run = paragraph.add_run(line)
            if index < len(block) - 1:
                run.add_break()
    # The signature block: the förbundschef who wrote it, for the association.
    document.add_paragraph()
    document.add_paragraph(d.author or "")
    document.add_paragraph(f"Förbundschef, {d.association}")
    return _save(document)
