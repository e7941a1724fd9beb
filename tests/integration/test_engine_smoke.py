"""A first walk through the engine: submit then withdraw."""

from states.application import State
from workflow import audit, engine
from workflow.lifecycles.application import APPLICATION


def test_submit_assigns_diary_number_and_version(session, world, make_application):
    app = make_application(state=State.DRAFT)
    engine.fire(APPLICATION, app, "submit", by=world.users["applicant"], session=session)
    session.commit()
    assert app.state == State.SUBMITTED
    assert app.diary_number.startswith("SVB ")
    assert app.version == 2
    assert audit.verify(session).ok
