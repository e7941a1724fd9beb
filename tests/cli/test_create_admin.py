"""`flask create-admin EMAIL --password PW` and its refusals."""

from __future__ import annotations

from sqlmodel import func, select

from workflow import limits
from workflow.models import User
from workflow.operations import users

PASSWORD = "a-long-enough-password"


def _user_count(session) -> int:
    return session.exec(select(func.count()).select_from(User)).one()


def test_create_admin_with_password_option(runner, session) -> None:
    result = runner.invoke(args=["create-admin", "Chef@Example.se", "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    assert "Created the administrator chef@example.se" in result.output
    user = users.authenticate(session, "chef@example.se", PASSWORD)
    assert user is not None
    assert user.is_admin
    assert user.grants == []


def test_create_admin_prompts_hidden_with_confirmation(runner, session) -> None:
    result = runner.invoke(
        args=["create-admin", "boss@example.se", "--name", "Bo Ss"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert "Repeat for confirmation" in result.output
    assert PASSWORD not in result.output
    user = users.authenticate(session, "boss@example.se", PASSWORD)
    assert user is not None
    assert user.name == "Bo Ss"


def test_create_admin_refuses_an_existing_email(runner, session) -> None:
    assert (
        runner.invoke(args=["create-admin", "a@example.se", "--password", PASSWORD]).exit_code == 0
    )
    before = _user_count(session)
    result = runner.invoke(args=["create-admin", "A@example.se", "--password", "another-password"])
    assert result.exit_code == 1
    assert "already exists" in result.output
    assert isinstance(result.exception, SystemExit)  # a clean exit, not a crash
    assert "Traceback" not in result.output
    assert _user_count(session) == before
    assert users.authenticate(session, "a@example.se", PASSWORD) is not None


def test_create_admin_refuses_a_short_password(runner, session) -> None:
    short = "x" * (limits.PASSWORD_MIN - 1)
    result = runner.invoke(args=["create-admin", "c@example.se", "--password", short])
    assert result.exit_code == 1
    assert f"at least {limits.PASSWORD_MIN} characters" in result.output
    assert isinstance(result.exception, SystemExit)  # a clean exit, not a crash
    assert "Traceback" not in result.output
    assert users.find_user(session, "c@example.se") is None


def test_create_admin_refuses_a_malformed_email(runner, session) -> None:
    result = runner.invoke(args=["create-admin", "not-an-address", "--password", PASSWORD])
    assert result.exit_code == 1
    assert "Not a valid e-mail address" in result.output
    assert _user_count(session) == 0
