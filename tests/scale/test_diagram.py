"""The workflow drawn: the diagram command and the /workflow page."""

from __future__ import annotations

from states import application as application_spec
from states import meeting as meeting_spec


def test_the_command_prints_the_application_lifecycle_as_mermaid(runner) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(args=["diagram"])
    assert result.exit_code == 0, result.output
    assert "stateDiagram-v2" in result.output
    assert "draft --> submitted: submit (applicant)" in result.output
    assert "on_agenda --> approved: board_approve (chair, vice_chair)" in result.output
    assert "[*] --> draft" in result.output
    for state in application_spec.State:
        assert f'state "{state.value}" as {state.value}' in result.output


def test_the_command_draws_the_meeting_machine_and_a_table(runner) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(args=["diagram", "--machine", "meeting"])
    assert result.exit_code == 0, result.output
    assert "planned --> open: open (chair, vice_chair)" in result.output
    table = runner.invoke(args=["diagram", "--machine", "meeting", "--format", "table"])
    assert table.exit_code == 0
    assert len(table.output.strip().splitlines()) == len(meeting_spec.TRANSITIONS)


def test_an_unknown_machine_is_a_clean_error(runner) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(args=["diagram", "--machine", "nope"])
    assert result.exit_code == 1
    assert "No machine called 'nope'" in result.output


def test_the_page_lists_every_step_with_its_roles(client, login, world) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/workflow").status_code in (302, 303)  # signed-in users only
    login(world.users["applicant"])
    html = client.get("/workflow").get_data(as_text=True)
    for spec in application_spec.TRANSITIONS:
        assert f"<code>{spec.trigger}</code>" in html
    assert "stateDiagram-v2" in html
    assert "Sökande" in html or "sökande" in html  # role names in Swedish
    meeting = client.get("/workflow/meeting")
    assert meeting.status_code == 200
    assert "<code>sign</code>" in meeting.get_data(as_text=True)
    assert client.get("/workflow/nope").status_code == 404
