"""The application form: sections, rows without JavaScript, inline errors, kept input."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from sqlmodel import func, select

from states.application import State
from tests.web.conftest import text
from workflow.models import Application

YEAR = date.today().year


def _form(world, **overrides: Any) -> dict[str, Any]:
    """A complete, valid form post."""
    data: dict[str, Any] = {
        "title": "Steg till arbete",
        "kind": "individual",
        "lead_member_id": world.members["jonkoping"].id,
        "partner_member_ids": [world.members["fk"].id, world.members["af"].id],
        "target_group": "Unga vuxna som står långt från arbetsmarknaden",
        "age_min": "18",
        "age_max": "29",
        "participants_women": "30",
        "participants_men": "30",
        "start_date": f"{YEAR}-01-01",
        "end_date": f"{YEAR + 1}-12-31",
        "budget-0-year": str(YEAR),
        "budget-0-amount_sek": "1 000 000",
        "budget-1-year": str(YEAR + 1),
        "budget-1-amount_sek": "900000",
        "budget-2-year": "",
        "budget-2-amount_sek": "",
        "cofunding-0-member_id": str(world.members["fk"].id),
        "cofunding-0-year": str(YEAR),
        "cofunding-0-amount_sek": "250000",
        "cofunding-1-member_id": "",
        "cofunding-1-year": "",
        "cofunding-1-amount_sek": "",
        "goals-0-description": "Fler i arbete",
        "goals-0-indicator": "Andel till arbete",
        "goals-0-target": "40 %",
        "goals-1-description": "",
        "goals-1-indicator": "",
        "goals-1-target": "",
        "follow_up_plan": "Kvartalsvis uppföljning.",
        "gender_equality_plan": "Könsuppdelad statistik.",
        "continuation_plan": "Kommunen tar över.",
        "steering_group": "En per part",
        "save": "Spara utkast",
    }
    data.update(overrides)
    return data


def _count(session) -> int:
    return session.exec(select(func.count()).select_from(Application)).one()


NEW = "/associations/svb/applications/new"


def test_new_form_has_every_section(client, world, login):
    login(world.users["applicant"])
    response = client.get(NEW)
    assert response.status_code == 200
    body = text(response)
    for legend in (
        "Grunduppgifter",
        "Målgrupp",
        "Period",
        "Budget per år",
        "Medfinansiering",
        "Mål",
        "Planer",
        "Styrgrupp",
    ):
        assert f'<span class="section__title">{legend}</span>' in body
    # Every visible input has a label pointing at it.
    ids = re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"[^>]*>', body)
    hidden = set(re.findall(r'<input[^>]*id="([^"]+)"[^>]*type="(?:hidden|submit)"', body))
    for field_id in ids:
        if field_id in hidden:
            continue
        assert f'for="{field_id}"' in body, field_id
    # Partners: the other members as checkboxes, not the applicant's own.
    assert f'value="{world.members["fk"].id}"' in body
    assert "Jönköpings kommun" in body  # the lead member drop-down
    assert 'name="budget-1-year"' in body  # blank rows to fill without JavaScript


def test_save_a_draft(client, world, login, post, session):
    login(world.users["applicant"])
    response = post(NEW, _form(world), from_page=NEW)
    assert response.status_code == 303
    app_id = int(response.headers["Location"].rsplit("/", 1)[1])
    session.expire_all()
    app_row = session.get(Application, app_id)
    assert app_row.state == State.DRAFT
    assert app_row.title == "Steg till arbete"
    assert [(b.year, b.amount_sek) for b in app_row.budget_lines] == [
        (YEAR, 1_000_000),
        (YEAR + 1, 900_000),
    ]
    assert [(c.member_id, c.amount_sek) for c in app_row.cofunding_lines] == [
        (world.members["fk"].id, 250_000)
    ]
    assert [g.description for g in app_row.goals] == ["Fler i arbete"]
    assert {p.member_id for p in app_row.partners} == {
        world.members["fk"].id,
        world.members["af"].id,
    }
    page = text(client.get(response.headers["Location"]))
    assert "Utkastet är sparat." in page


def test_an_almost_empty_draft_is_fine(client, world, login, post, session):
    login(world.users["applicant"])
    before = _count(session)
    response = post(NEW, {"title": "Bara en titel", "save": "1"}, from_page=NEW)
    assert response.status_code == 303
    assert _count(session) == before + 1


def test_bad_input_gives_inline_errors_and_keeps_everything(client, world, login, post, session):
    login(world.users["applicant"])
    before = _count(session)
    long_title = "Å" * 301
    response = post(
        NEW,
        _form(
            world,
            title=long_title,
            age_min="15",
            start_date=f"{YEAR + 1}-06-01",
            end_date=f"{YEAR + 1}-01-01",
            **{"budget-1-amount_sek": "-5", "goals-0-target": "hälften <b>minst</b>"},
        ),
        from_page=NEW,
    )
    assert response.status_code == 422
    body = text(response)
    assert _count(session) == before  # nothing saved
    # The summary at the top links to each field with a problem.
    assert 'class="error-summary" role="alert"' in body
    assert 'href="#title"' in body
    assert 'href="#age_min"' in body
    assert 'href="#budget-1-amount_sek"' in body
    # Each message is next to its field and the field points at it.
    assert "Högst 300 tecken." in body
    assert "Måste vara minst 16." in body
    assert "Måste vara minst 0." in body
    for field_id in ("title", "age_min", "budget-1-amount_sek"):
        assert f'id="{field_id}-error"' in body
        assert re.search(
            rf'aria-describedby="[^"]*{field_id}-error[^"]*"[^>]*id="{field_id}"', body
        )
    # What the user typed is still there (escaped).
    assert f'value="{long_title}"' in body
    assert 'value="15"' in body
    assert 'value="-5"' in body
    assert 'value="hälften &lt;b&gt;minst&lt;/b&gt;"' in body
    assert "Kvartalsvis uppföljning." in body


def test_end_before_start_is_named_at_the_end_date(client, world, login, post, session):
    login(world.users["applicant"])
    before = _count(session)
    response = post(
        NEW, _form(world, start_date=f"{YEAR}-06-01", end_date=f"{YEAR}-01-01"), from_page=NEW
    )
    assert response.status_code == 422
    body = text(response)
    assert "Slutdatumet får inte vara före startdatumet." in body
    assert 'id="end_date-error"' in body
    assert 'href="#end_date"' in body
    assert _count(session) == before


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("age_max", "68", "Får vara högst 67."),
        ("age_min", "tjugo", "Måste vara ett heltal."),
        ("start_date", "1 januari", "Måste vara ett datum skrivet ÅÅÅÅ-MM-DD."),
        ("start_date", "0001-01-01", "Måste vara ett datum mellan 2000-01-01 och 2100-12-31."),
        ("end_date", "9999-12-31", "Måste vara ett datum mellan 2000-01-01 och 2100-12-31."),
        ("budget-0-amount_sek", "100000001", "Får vara högst 100000000."),
        ("participants_women", "-1", "Måste vara minst 0."),
        ("follow_up_plan", "x" * 20_001, "Högst 20000 tecken."),
    ],
)
def test_each_limit_has_a_swedish_message(
    client, world, login, post, session, field, value, message
):
    login(world.users["applicant"])
    before = _count(session)
    response = post(NEW, _form(world, **{field: value}), from_page=NEW)
    assert response.status_code == 422
    body = text(response)
    assert message in body
    assert f'id="{field}-error"' in body
    assert _count(session) == before


def test_inverted_ages_are_refused(client, world, login, post, session):
    login(world.users["applicant"])
    response = post(NEW, _form(world, age_min="40", age_max="20"), from_page=NEW)
    assert response.status_code == 422
    assert "Den högsta åldern får inte vara lägre än den lägsta." in text(response)


def test_half_filled_row_names_the_missing_cell(client, world, login, post, session):
    login(world.users["applicant"])
    response = post(NEW, _form(world, **{"budget-2-year": str(YEAR + 1)}), from_page=NEW)
    assert response.status_code == 422
    body = text(response)
    assert 'id="budget-2-amount_sek-error"' in body
    assert "Budget per år, rad 3: Belopp (kr)" in body


def test_duplicate_budget_year_points_at_the_right_row(client, world, login, post):
    login(world.users["applicant"])
    # A blank row between the two lines: the error must land on form row 3, not data row 2.
    response = post(
        NEW,
        _form(
            world,
            **{
                "budget-1-year": "",
                "budget-1-amount_sek": "",
                "budget-2-year": str(YEAR),
                "budget-2-amount_sek": "5",
            },
        ),
        from_page=NEW,
    )
    assert response.status_code == 422
    body = text(response)
    assert "Året är angivet två gånger." in body
    assert 'id="budget-2-year-error"' in body


def test_partner_from_another_association_is_refused(client, world, login, post, session):
    login(world.users["applicant"])
    before = _count(session)
    response = post(
        NEW,
        _form(world, partner_member_ids=[world.other_members["nassjo"].id]),
        from_page=NEW,
    )
    assert response.status_code == 422
    body = text(response)
    assert "Förbundet har ingen sådan medlem." in body
    assert 'id="partner_member_ids-error"' in body
    assert _count(session) == before


def test_leading_for_another_organisation_is_refused(client, world, login, post, session):
    login(world.users["applicant"])
    before = _count(session)
    response = post(NEW, _form(world, lead_member_id=world.members["region"].id), from_page=NEW)
    assert response.status_code == 422
    assert "Du kan bara söka för din egen medlemsorganisation." in text(response)
    assert _count(session) == before


def test_add_rows_keeps_the_input_and_adds_blank_rows(client, world, login, post, session):
    login(world.users["applicant"])
    before = _count(session)
    data = _form(world, title="Behåll mig")
    data.pop("save")
    data["add_rows"] = "Lägg till rader"
    response = post(NEW, data, from_page=NEW)
    assert response.status_code == 200
    body = text(response)
    assert 'value="Behåll mig"' in body
    assert 'value="1 000 000"' in body
    assert 'name="budget-4-year"' in body  # three posted rows plus two more
    assert 'name="goals-3-description"' in body
    assert _count(session) == before


def test_only_applicants_may_open_the_new_form(client, world, login):
    login(world.users["preparer"])
    assert client.get(NEW).status_code == 403
    login(world.users["outsider_applicant"])
    assert client.get(NEW).status_code == 404
    assert client.get("/associations/nope/applications/new").status_code == 404


def test_edit_changes_the_draft(client, world, login, post, make_application, session):
    app_row = make_application()
    login(world.users["applicant"])
    url = f"/applications/{app_row.id}/edit"
    old_version = app_row.version
    page = text(client.get(url))
    assert 'value="Enter – samlad väg till arbete"' in page
    assert f'name="version" type="hidden" value="{app_row.version}"' in page
    response = post(
        url, _form(world, title="Nytt namn", version=str(app_row.version)), from_page=url
    )
    assert response.status_code == 303
    session.expire_all()
    fresh = session.get(Application, app_row.id)
    assert fresh.title == "Nytt namn"
    # Rows with the same year, partner or position are updated in place, not duplicated.
    assert [(b.year, b.amount_sek) for b in fresh.budget_lines] == [
        (YEAR, 1_000_000),
        (YEAR + 1, 900_000),
    ]
    assert [g.description for g in fresh.goals] == ["Fler i arbete"]
    assert fresh.version == old_version + 1


def test_edit_with_a_stale_version_is_a_409_keeping_input(
    client, world, login, post, make_application, session
):
    app_row = make_application()
    login(world.users["applicant"])
    url = f"/applications/{app_row.id}/edit"
    response = post(
        url,
        _form(world, title="Min ändring", version=str(app_row.version - 1 or 99)),
        from_page=url,
    )
    assert response.status_code == 409
    body = text(response)
    assert "Ansökan har ändrats av någon annan" in body
    assert 'value="Min ändring"' in body
    session.expire_all()
    assert session.get(Application, app_row.id).title == "Enter – samlad väg till arbete"


def test_edit_is_refused_outside_the_editable_states(client, world, login, make_application):
    app_row = make_application(state=State.SUBMITTED)
    login(world.users["applicant"])
    response = client.get(f"/applications/{app_row.id}/edit")
    assert response.status_code == 409
    assert "Ansökan kan inte längre ändras" in text(response)


def test_edit_by_someone_who_may_only_read(client, world, login, make_application):
    app_row = make_application(state=State.SUBMITTED)
    login(world.users["preparer"])
    assert client.get(f"/applications/{app_row.id}/edit").status_code == 403
    draft = make_application()
    assert client.get(f"/applications/{draft.id}/edit").status_code == 404
    login(world.users["other_applicant"])
    assert client.get(f"/applications/{draft.id}/edit").status_code == 404


def test_saving_after_a_completion_request_does_not_call_it_a_draft(
    client, world, login, post, make_application
):
    """Issue 19, friction 7: "Utkastet är sparat." was said of a submitted application."""
    app_row = make_application(state=State.COMPLETION_REQUESTED)
    login(world.users["applicant"])
    url = f"/applications/{app_row.id}/edit"
    response = post(
        url, _form(world, title="Kompletterad", version=str(app_row.version)), from_page=url
    )
    assert response.status_code == 303
    page = text(client.get(response.headers["Location"]))
    assert "Dina ändringar är sparade. Skicka in ansökan igen när den är komplett." in page
    assert "Utkastet är sparat." not in page
    draft = make_application()
    url = f"/applications/{draft.id}/edit"
    response = post(url, _form(world, title="Utkast", version=str(draft.version)), from_page=url)
    assert "Utkastet är sparat." in text(client.get(response.headers["Location"]))


def test_the_words_the_officials_found_unclear_are_gone():
    """Issue 19, friction 7: the Swedish read by klarspråk."""
    from babel.messages.pofile import read_po

    from tests.web.test_translations import PO

    with PO.open("rb") as source:
        catalog = read_po(source, locale="sv")
    strings = [
        s
        for m in catalog
        if m.id
        for s in (m.string if isinstance(m.string, tuple) else (m.string,))
    ]
    for unclear in ("Bifoga en plan", "Avvecklad", "Beslutförhet", "Beslutsförhet", "1 delade"):
        assert not [s for s in strings if unclear in s], unclear
    plural = catalog.get(
        (
            "%(num)s shared request for completion is still open: resolve it, or say why the"
            " group recommends anyway.",
            "%(num)s shared requests for completion are still open: resolve them, or say why"
            " the group recommends anyway.",
        )
    )
    assert plural is not None
    assert plural.string[0].startswith("%(num)s delad begäran")


def test_a_save_with_a_problem_keeps_the_valid_rest(
    client, world, login, post, make_application, session
):
    """Issue 19, friction 8: a draft save with one bad field stored nothing."""
    app_row = make_application()
    login(world.users["applicant"])
    url = f"/applications/{app_row.id}/edit"
    changed = _form(
        world,
        title="Nytt namn",
        age_min="tjugo",
        target_group="Nya målgruppen",
        version=str(app_row.version),
        **{"budget-1-amount_sek": "-5"},
    )
    response = post(url, changed, from_page=url)
    assert response.status_code == 422
    body = text(response)
    assert "Allt annat är sparat." in body
    assert "Måste vara ett heltal." in body
    assert 'value="tjugo"' in body  # the refused input is still there to correct
    session.expire_all()
    fresh = session.get(Application, app_row.id)
    assert (fresh.title, fresh.target_group) == ("Nytt namn", "Nya målgruppen")
    assert fresh.age_min == app_row.age_min  # the refused field keeps what was stored
    # The budget group with a refused row keeps its stored rows.
    assert [(b.year, b.amount_sek) for b in fresh.budget_lines] == [
        (b.year, b.amount_sek) for b in app_row.budget_lines
    ]
    # The form carries the new version: correcting and saving again is no conflict.
    assert f'name="version" type="hidden" value="{fresh.version}"' in body
    corrected = {**changed, "age_min": "20", "budget-1-amount_sek": "5", "version": fresh.version}
    again = post(url, corrected, from_page=url)
    assert again.status_code == 303
    session.expire_all()
    assert session.get(Application, app_row.id).age_min == 20
