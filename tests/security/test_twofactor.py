"""Two-factor sign-in: enrolment, the code step, recovery codes, replay, the API, the rule."""

from __future__ import annotations

import re

from sqlmodel import select

from tests import factories
from tests.security.conftest import code_at, token_of
from workflow.models import AuditEvent
from workflow.models.security import RecoveryCode, SecuritySetting, TwoFactor


def _enrol(client, post) -> tuple[str, list[str]]:
    """Enrol the signed-in user: the secret from the page, confirmed by a code."""
    page = client.get("/account/two-factor/setup")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    secret = re.search(r'id="two-factor-secret">([A-Z2-7 ]+)<', page.get_data(as_text=True))
    assert secret, "the secret is shown as text"
    secret_text = secret.group(1).replace(" ", "")
    done = post("/account/two-factor/setup", {"code": code_at(secret_text)})
    assert done.status_code == 200, done.get_data(as_text=True)[:800]
    codes = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", done.get_data(as_text=True))
    return secret_text, codes


def _password_step(client, user, next_url: str | None = None):
    token = token_of(client, "/login")
    data = {"email": user.email, "password": factories.PASSWORD, "csrf_token": token}
    if next_url:
        data["next"] = next_url
    return client.post("/login", data=data)


def _code_step(client, code: str):
    token = token_of(client, "/login/two-factor")
    return client.post("/login/two-factor", data={"code": code, "csrf_token": token})


def _sign_out(client) -> None:
    client.post("/logout", data={"csrf_token": token_of(client, "/")})


def test_enrolment_shows_secret_and_qr_and_gives_ten_hashed_recovery_codes(
    client, world, login, post, session
):
    user = world.users["officer"]
    login(user)
    page = client.get("/account/two-factor/setup")
    assert 'src="/account/two-factor/qr.svg"' in page.get_data(as_text=True)
    qr = client.get("/account/two-factor/qr.svg")
    assert qr.status_code == 200
    assert qr.mimetype == "image/svg+xml"
    assert b"<svg" in qr.data
    secret, codes = _enrol(client, post)
    assert len(codes) == 10
    assert len(set(codes)) == 10
    rows = session.exec(select(RecoveryCode).where(RecoveryCode.user_id == user.id)).all()
    assert len(rows) == 10
    for row in rows:
        assert row.code_hash.startswith("$argon2")
        assert all(code.replace("-", "") not in row.code_hash for code in codes)
    assert session.get(TwoFactor, user.id).confirmed_at is not None
    # The confirmed secret is never shown again.
    assert client.get("/account/two-factor/qr.svg").status_code == 404
    assert secret not in client.get("/account/two-factor").get_data(as_text=True)
    actions = session.exec(select(AuditEvent.action)).all()
    assert "two_factor_enabled" in actions


def test_a_wrong_confirmation_code_enables_nothing(client, world, login, post, session):
    user = world.users["officer"]
    login(user)
    client.get("/account/two-factor/setup")
    response = post("/account/two-factor/setup", {"code": "000000"})
    assert response.status_code == 422
    assert "Koden är fel" in response.get_data(as_text=True)
    assert session.get(TwoFactor, user.id).confirmed_at is None


def test_sign_in_asks_for_the_code_after_the_password(client, world, login, post):
    user = world.users["officer"]
    login(user)
    secret, _codes = _enrol(client, post)
    _sign_out(client)
    first = _password_step(client, user, next_url="/admin/outbox")
    assert first.status_code == 303
    assert first.headers["Location"].endswith("/login/two-factor")
    # Not signed in yet: pages still ask for sign-in.
    assert client.get("/").status_code == 302
    valid = {code_at(secret, offset) for offset in (-1, 0, 1)}
    wrong = _code_step(client, next(c for c in ("123456", "654321", "111111") if c not in valid))
    assert wrong.status_code == 422
    assert "Koden är fel eller har redan använts" in wrong.get_data(as_text=True)
    right = _code_step(client, code_at(secret, 1))  # the enrolment spent this step's code
    assert right.status_code == 303
    assert right.headers["Location"].endswith("/admin/outbox")
    assert client.get("/").status_code == 200


def test_the_same_code_is_refused_a_second_time(client, world, login, post):
    user = world.users["officer"]
    login(user)
    secret, _codes = _enrol(client, post)
    _sign_out(client)
    code = code_at(secret, 1)  # the next step's code: not used by the enrolment
    _password_step(client, user)
    assert _code_step(client, code).status_code == 303
    _sign_out(client)
    _password_step(client, user)
    assert _code_step(client, code).status_code == 422


def test_a_recovery_code_works_once(client, world, login, post, session):
    user = world.users["officer"]
    login(user)
    _secret, codes = _enrol(client, post)
    _sign_out(client)
    _password_step(client, user)
    assert _code_step(client, codes[0].upper()).status_code == 303
    _sign_out(client)
    _password_step(client, user)
    assert _code_step(client, codes[0]).status_code == 422
    used = session.exec(
        select(RecoveryCode).where(
            RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_not(None)
        )
    ).all()
    assert len(used) == 1


def test_the_code_step_without_a_password_step_goes_back_to_sign_in(client):
    response = client.get("/login/two-factor")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/login")


def test_the_token_endpoint_asks_for_the_code(client, world, login, post):
    user = world.users["officer"]
    login(user)
    secret, codes = _enrol(client, post)
    credentials = {"email": user.email, "password": factories.PASSWORD}
    missing = client.post("/api/v1/tokens", json=credentials)
    assert missing.status_code == 401
    assert missing.get_json()["error"]["code"] == "otp_required"
    wrong = client.post("/api/v1/tokens", json={**credentials, "otp": "12345x"})
    assert wrong.status_code == 401
    assert wrong.get_json()["error"]["code"] == "otp_invalid"
    code = code_at(secret, 1)
    ok = client.post("/api/v1/tokens", json={**credentials, "otp": code})
    assert ok.status_code == 201
    replay = client.post("/api/v1/tokens", json={**credentials, "otp": code})
    assert replay.status_code == 401
    assert replay.get_json()["error"]["code"] == "otp_invalid"
    assert client.post("/api/v1/tokens", json={**credentials, "otp": codes[3]}).status_code == 201


def test_required_two_factor_sends_officers_to_enrolment_first(client, world, login, post, session):
    session.add(SecuritySetting(association_id=world.association.id, require_two_factor=True))
    session.commit()
    for name in ("officer", "board", "chair", "admin"):
        client.delete_cookie("session")
        login(world.users[name])
        response = client.get("/")
        assert response.status_code == 303, name
        assert response.headers["Location"].endswith("/account/two-factor/setup")
        assert client.get(f"/associations/{world.association.slug}/budget").status_code == 303
    # The API refuses a token to a user who must enrol.
    refused = client.post(
        "/api/v1/tokens",
        json={"email": world.users["board"].email, "password": factories.PASSWORD},
    )
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "two_factor_enrolment_required"
    # Applicants are not bound by the rule; enrolled officers go on as usual.
    client.delete_cookie("session")
    login(world.users["applicant"])
    assert client.get("/").status_code == 200
    client.delete_cookie("session")
    login(world.users["officer"])
    secret, _codes = _enrol(client, post)
    assert client.get("/").status_code == 200
    # Required: the officer may not turn it off.
    disable = post(
        "/account/two-factor/disable",
        {"disable-code": code_at(secret, 1)},
        from_page="/account/two-factor",
    )
    assert disable.status_code == 403


def test_the_officer_turns_the_requirement_on(client, world, login, post, session):
    login(world.users["officer"])
    url = f"/admin/associations/{world.association.slug}/security"
    assert client.get(url).status_code == 200
    response = post(url, {"require_two_factor": "y"})
    assert response.status_code == 303
    assert session.get(SecuritySetting, world.association.id).require_two_factor is True
    client.delete_cookie("session")
    login(world.users["applicant"])
    assert client.get(url).status_code == 403
    client.delete_cookie("session")
    login(world.users["outsider"])
    assert client.get(url).status_code == 404


def test_an_admin_resets_a_lost_phone(client, world, login, post, session):
    user = world.users["officer"]
    login(user)
    _enrol(client, post)
    client.delete_cookie("session")
    login(world.users["admin"])
    url = f"/admin/users/{user.id}/two-factor"
    assert "Tvåstegsinloggning är på" in client.get(url).get_data(as_text=True)
    assert post(url, {}).status_code == 303
    assert session.get(TwoFactor, user.id) is None
    assert session.exec(select(RecoveryCode).where(RecoveryCode.user_id == user.id)).all() == []
    # The user signs in with the password alone again.
    client.delete_cookie("session")
    assert _password_step(client, user).headers["Location"].endswith("/")
    # Only admins reset.
    client.delete_cookie("session")
    login(world.users["officer"])
    assert client.get(url).status_code == 403


def test_a_user_turns_it_off_with_a_code(client, world, login, post, session):
    user = world.users["applicant"]
    login(user)
    secret, _codes = _enrol(client, post)
    response = post(
        "/account/two-factor/disable",
        {"disable-code": code_at(secret, 1)},
        from_page="/account/two-factor",
    )
    assert response.status_code == 303
    assert session.get(TwoFactor, user.id) is None


def test_new_recovery_codes_replace_the_old(client, world, login, post, session):
    user = world.users["applicant"]
    login(user)
    secret, old = _enrol(client, post)
    response = post(
        "/account/two-factor/recovery-codes",
        {"codes-code": code_at(secret, 1)},
        from_page="/account/two-factor",
    )
    assert response.status_code == 200
    new = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", response.get_data(as_text=True))
    assert len(new) == 10
    assert not set(new) & set(old)
    assert (
        len(session.exec(select(RecoveryCode).where(RecoveryCode.user_id == user.id)).all()) == 10
    )
