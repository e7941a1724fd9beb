"""The officer's proposal to the board (tjänsteskrivelse), drafted from the application."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import current_app
from flask_babel import force_locale, gettext
from sqlmodel import Session

from workflow import labels
from workflow.errors import NotFound
from workflow.i18n import _l
from workflow.models import Application, Association, Recommendation, local_date
from workflow.operations import endorsements

# How much of each plan the proposal quotes; the board reads the application for the rest.
PLAN_SUMMARY_MAX = 400


def kronor(amount: int) -> str:
    """Whole kronor with spaces between the thousands, e.g. "1 500 000 kr"."""
    return gettext("%(amount)s SEK", amount=f"{amount:,}".replace(",", " "))


def shorten(text: str | None, limit: int = PLAN_SUMMARY_MAX) -> str:
    """The text on one line, cut at a word boundary near `limit` characters."""
    flat = re.sub(r"\s+", " ", text or "").strip()
    if len(flat) <= limit:
        return flat
    cut = flat[:limit].rsplit(" ", 1)[0].rstrip(",.;:")
    return f"{cut} …"


def _enumerate(items: list[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    if len(items) <= 1:
        return "".join(items)
    return gettext("%(items)s and %(last)s", items=", ".join(items[:-1]), last=items[-1])


def _years(years: list[int]) -> str:
    if not years:
        return ""
    if len(years) == 1:
        return gettext("for the year %(year)s", year=years[0])
    if years == list(range(years[0], years[-1] + 1)):
        return gettext("for the years %(first)s–%(last)s", first=years[0], last=years[-1])
    return gettext("for the years %(years)s", years=_enumerate([str(y) for y in years]))


def _partner_lines(session: Session, app: Application) -> list[str]:
    answers = endorsements.listing(session, app)
    if not answers:
        return [gettext("No other member organisation is named as a partner.")]
    lines = [gettext("Partners:")]
    for answer in answers:
        if answer.decision == "endorse":
            line = gettext("%(member)s stands behind the application.", member=answer.member_name)
        elif answer.decision == "decline":
            line = gettext(
                "%(member)s does not stand behind the application: %(comment)s",
                member=answer.member_name,
                comment=shorten(answer.comment),
            )
        else:
            line = gettext("%(member)s has not answered.", member=answer.member_name)
        lines.append(f"- {line}")
    return lines


def _recommendation_lines(recommendation: Recommendation | None) -> list[str]:
    if recommendation is None:
        return [gettext("The preparatory group has not given a recommendation.")]
    lines = [
        gettext(
            "Recommendation: %(recommendation)s",
            recommendation=labels.recommendation_label(recommendation.recommendation),
        ),
        gettext("Motivation: %(text)s", text=recommendation.motivation),
    ]
    if recommendation.conditions:
        lines.append(gettext("Conditions: %(text)s", text=recommendation.conditions))
    if recommendation.override_reason:
        lines.append(
            gettext(
                "Given although requests for completion were still open, because: %(text)s",
                text=recommendation.override_reason,
            )
        )
    return lines


def _decision_lines(
    app: Application, recommendation: Recommendation | None, title: str
) -> list[str]:
    number = app.diary_number or "–"
    total = kronor(app.total_amount_sek)
    if recommendation is not None and recommendation.recommendation == "reject":
        return [
            gettext(
                "The board decides to reject the application for %(amount)s for the insats"
                " “%(title)s” (%(number)s).",
                amount=total,
                title=title,
                number=number,
            )
        ]
    split = _enumerate(
        [
            gettext("%(amount)s in %(year)s", amount=kronor(line.amount_sek), year=line.year)
            for line in app.budget_lines
        ]
    )
    lines = [
        gettext(
            "The board decides to grant %(amount)s %(years)s to the insats “%(title)s”"
            " (%(number)s), divided as %(split)s.",
            amount=total,
            years=_years([line.year for line in app.budget_lines]),
            title=title,
            number=number,
            split=split,
        )
    ]
    if recommendation is not None and recommendation.conditions:
        lines.append(
            gettext(
                "The grant is subject to these conditions: %(conditions)s",
                conditions=recommendation.conditions,
            )
        )
    return lines


def _lines(session: Session, app: Application) -> list[str]:
    association = session.get(Association, app.association_id)
    assert association is not None
    names = {m.id: m.name for m in association.members}
    lead = names.get(app.lead_member_id, str(app.lead_member_id))
    title = app.title or gettext("(untitled)")
    recommendation = app.recommendations[-1] if app.recommendations else None
    partner_names = [names.get(p.member_id, str(p.member_id)) for p in app.partners]
    start = app.start_date.isoformat() if app.start_date else "?"
    end = app.end_date.isoformat() if app.end_date else "?"

    lines = [
        gettext("Officer's proposal"),
        association.name,
        "",
        gettext("Matter: application for funding of the insats “%(title)s”", title=title),
        gettext("Diary number: %(number)s", number=app.diary_number or "–"),
        "",
        gettext("Applicant"),
        gettext("Lead member organisation: %(member)s", member=lead),
        *_partner_lines(session, app),
        "",
        gettext("Summary"),
    ]
    together = (
        gettext("together with %(partners)s", partners=_enumerate(partner_names))
        if partner_names
        else ""
    )
    lines.append(
        " ".join(
            part
            for part in (
                gettext("%(lead)s applies", lead=lead),
                together,
                gettext(
                    "for %(amount)s for the insats “%(title)s” (%(kind)s), %(start)s – %(end)s.",
                    amount=kronor(app.total_amount_sek),
                    title=title,
                    kind=str(labels.kind_label(app.kind) or "–").lower(),
                    start=start,
                    end=end,
                ),
            )
            if part
        )
    )
    lines += ["", gettext("Target group"), shorten(app.target_group, 2_000) or "–"]
    ages = (
        gettext("Ages %(low)s–%(high)s.", low=app.age_min, high=app.age_max)
        if app.age_min is not None and app.age_max is not None
        else ""
    )
    participants = gettext(
        "Expected participants: %(women)s women and %(men)s men.",
        women=app.participants_women if app.participants_women is not None else "?",
        men=app.participants_men if app.participants_men is not None else "?",
    )
    lines.append(f"{ages} {participants}".strip())
    lines += ["", gettext("Period"), f"{start} – {end}", "", gettext("Budget per year")]
    lines += [f"{line.year}: {kronor(line.amount_sek)}" for line in app.budget_lines]
    lines.append(gettext("Total: %(amount)s", amount=kronor(app.total_amount_sek)))
    lines += ["", gettext("Co-funding")]
    lines += [
        f"- {names.get(c.member_id, str(c.member_id))} {c.year}: {kronor(c.amount_sek)}"
        for c in app.cofunding_lines
    ] or [gettext("No co-funding is given.")]
    if app.goals:
        lines += ["", gettext("Goals")]
        lines += [
            f"- {goal.description}" + (f" ({goal.target})" if goal.target else "")
            for goal in app.goals
        ]
    lines += ["", gettext("Plans in short")]
    for label, text in (
        (gettext("Follow-up and evaluation plan"), app.follow_up_plan),
        (gettext("Gender equality plan"), app.gender_equality_plan),
        (gettext("Continuation funding plan"), app.continuation_plan),
    ):
        lines.append(f"{label}: {shorten(text) or '–'}")
    lines += ["", gettext("The preparatory group's recommendation")]
    lines += _recommendation_lines(recommendation)
    lines += ["", gettext("Proposed decision")]
    lines += _decision_lines(app, recommendation, title)
    return lines


def draft_proposal(session: Session, app: Application) -> str:
    """The pre-filled tjänsteskrivelse, always in the service's language (Swedish by default)."""
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        return "\n".join(_lines(session, app)) + "\n"


# --- the tjänsteskrivelse as a document (PDF, Word, the kallelse's handlingar) ---------------


@dataclass(frozen=True)
class ProposalDocument:
    """The tjänsteskrivelse as sent to the board: what its PDF and its Word file show."""

    application_id: int
    association: str
    title: str
    diary_number: str | None
    author: str | None
    date: str
    version_number: int
    # The text in paragraphs (split at blank lines), each a list of its lines.
    blocks: list[list[str]]


def _blocks(text: str) -> list[list[str]]:
    blocks: list[list[str]] = [[]]
    for line in text.splitlines():
        if line.strip():
            blocks[-1].append(line.rstrip())
        elif blocks[-1]:
            blocks.append([])
    return [block for block in blocks if block]


def document(session: Session, app: Application) -> ProposalDocument | None:
    """The latest proposal to the board as a document, or None before the officer wrote one."""
    if not app.proposals:
        return None
    proposal = app.proposals[-1]
    association = session.get(Association, app.association_id)
    assert association is not None
    return ProposalDocument(
        application_id=app.id,  # type: ignore[arg-type]
        association=association.name,
        title=app.title or "(utan titel)",
        diary_number=app.diary_number,
        author=proposal.author.name if proposal.author else None,
        date=local_date(proposal.created_at).isoformat(),
        version_number=proposal.version_number,
        blocks=_blocks(proposal.text),
    )


def document_of(session: Session, app: Application) -> ProposalDocument:
    """The tjänsteskrivelse of `app` as a document; NotFound before the officer wrote one."""
    found = document(session, app)
    if found is None:
        raise NotFound(_l("The officer has not written a proposal to the board yet."))
    return found
