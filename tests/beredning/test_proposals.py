"""The drafted proposal to the board (tjänsteskrivelse): content, determinism, decision line."""

from __future__ import annotations

from datetime import date

from flask_babel import force_locale, gettext

from states.application import State
from workflow.models import Endorsement
from workflow.operations import proposals
from workflow.operations.proposals import draft_proposal, kronor, shorten


def _sv(message: str, **values) -> str:
    """A message as the draft words it (the service's language, whatever the catalog holds)."""
    with force_locale("sv"):
        return gettext(message, **values)


def _endorse(session, app, member, decision, user, comment=None) -> None:
    session.add(
        Endorsement(
            application_id=app.id,
            member_id=member.id,
            decision=decision,
            comment=comment,
            user_id=user.id,
        )
    )
    session.commit()


def test_amounts_are_whole_kronor_with_spaced_thousands(app):
    with force_locale("sv"):
        assert kronor(1_500_000).startswith("1 500 000")
        assert kronor(0).startswith("0")
        assert kronor(999).startswith("999 ")


def test_plans_are_shortened_at_a_word_boundary():
    text = "ord " * 200
    short = shorten(text, 50)
    assert len(short) <= 52
    assert short.endswith(" …")
    assert shorten("  Kort\n\n plan  ") == "Kort plan"
    assert shorten(None) == ""


def test_the_draft_holds_the_application_budget_and_recommendation(
    app, session, world, make_application, fire
):
    year = date.today().year
    application = make_application(
        state=State.IN_PREPARATION,
        cofunding=[],
        budget=[{"year": year, "amount_sek": 1_200_000}, {"year": year + 1, "amount_sek": 800_000}],
    )
    _endorse(session, application, world.members["fk"], "endorse", world.users["applicant"])
    _endorse(
        session,
        application,
        world.members["af"],
        "decline",
        world.users["applicant"],
        comment="Saknar resurser för medverkan under år 1.",
    )
    fire(
        application,
        "recommend",
        "preparer",
        recommendation="approve_with_conditions",
        motivation="Insatsen fyller ett glapp mellan parterna.",
        conditions="En extern utvärdering upphandlas.",
    )
    session.refresh(application)
    text = draft_proposal(session, application)

    assert application.diary_number in text
    assert "Enter – samlad väg till arbete" in text
    assert world.association.name in text
    assert "Jönköpings kommun" in text
    assert _sv("%(member)s stands behind the application.", member="Försäkringskassan") in text
    assert (
        _sv(
            "%(member)s does not stand behind the application: %(comment)s",
            member="Arbetsförmedlingen",
            comment="Saknar resurser för medverkan under år 1.",
        )
        in text
    )
    assert f"{year}: {_sv('%(amount)s SEK', amount='1 200 000')}" in text
    assert f"{year + 1}: {_sv('%(amount)s SEK', amount='800 000')}" in text
    assert _sv("Total: %(amount)s", amount=_sv("%(amount)s SEK", amount="2 000 000")) in text
    assert "Insatsen fyller ett glapp mellan parterna." in text
    assert "En extern utvärdering upphandlas." in text
    assert "Kvartalsvis i Uppföljning Finsam" in text  # the follow-up plan, in short
    assert _sv("Ages %(low)s–%(high)s.", low=18, high=29) in text
    decision = text.rstrip("\n").split("\n")
    heading = decision.index(_sv("Proposed decision"))
    grant = decision[heading + 1]
    assert _sv("%(amount)s SEK", amount="2 000 000") in grant
    assert f"{year}–{year + 1}" in grant
    assert application.diary_number in grant
    assert _sv("%(amount)s SEK", amount="1 200 000") in grant
    assert decision[heading + 2] == _sv(
        "The grant is subject to these conditions: %(conditions)s",
        conditions="En extern utvärdering upphandlas.",
    )


def test_a_rejection_is_proposed_as_a_rejection(app, session, make_application, fire):
    application = make_application(state=State.IN_PREPARATION)
    fire(application, "recommend", "preparer", recommendation="reject", motivation="Utanför mål.")
    session.refresh(application)
    lines = draft_proposal(session, application).rstrip("\n").split("\n")
    heading = lines.index(_sv("Proposed decision"))
    assert lines[heading + 1 :] == [
        _sv(
            "The board decides to reject the application for %(amount)s for the insats"
            " “%(title)s” (%(number)s).",
            amount=_sv("%(amount)s SEK", amount="3 000 000"),
            title="Enter – samlad väg till arbete",
            number=application.diary_number,
        )
    ]


def test_without_a_recommendation_the_draft_says_so(app, session, make_application):
    # A draft: a submitted application always names a partner.
    application = make_application(state=State.DRAFT, partner_member_ids=[])
    text = draft_proposal(session, application)
    assert _sv("The preparatory group has not given a recommendation.") in text
    assert _sv("No other member organisation is named as a partner.") in text
    assert _sv("No co-funding is given.") in text


def test_the_draft_is_deterministic_and_in_the_service_language(
    app, session, make_application, client
):
    application = make_application(state=State.PREPARED)
    first = draft_proposal(session, application)
    with force_locale("en"):
        assert draft_proposal(session, application) == first
    assert first.endswith("\n")
    assert len(first) > proposals.PLAN_SUMMARY_MAX
