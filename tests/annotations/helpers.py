"""Steps the annotation tests take through the engine and the services."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from tests import factories
from workflow import engine
from workflow.lifecycles.application import APPLICATION
from workflow.models import Annotation, Application
from workflow.operations import annotations, applications
from workflow.schemas import ApplicationFields

INTERNAL_BODY = "INTERNT: kommunens medfinansiering verkar osäker enligt beredningen"
SHARED_BODY = "Beskriv hur uppföljningen görs för deltagare som avbryter."


class Flow:
    """Takes steps as the world's users, committing each one."""

    def __init__(self, session: Session, world: factories.World) -> None:
        self.session = session
        self.world = world

    def user(self, name: str) -> Any:
        return self.world.users[name]

    def fire(self, app: Application, trigger: str, by: str, **payload: Any) -> Application:
        engine.fire(
            APPLICATION, app, trigger, by=self.user(by), session=self.session, payload=payload
        )
        self.session.commit()
        return app

    def annotate(
        self,
        app: Application,
        by: str = "preparer",
        *,
        section: str = "follow_up_plan",
        body: str = INTERNAL_BODY,
        **options: Any,
    ) -> Annotation:
        note = annotations.annotate(
            self.session, app, by=self.user(by), section=section, body=body, **options
        )
        self.session.commit()
        return note

    def reply(self, app: Application, note: Annotation, by: str, body: str) -> None:
        annotations.reply(self.session, app, note, by=self.user(by), body=body)
        self.session.commit()

    def resolve(self, app: Application, note: Annotation, by: str = "preparer") -> None:
        annotations.set_resolved(self.session, app, note, by=self.user(by), resolved=True)
        self.session.commit()

    def resubmit(self, app: Application, **fields: Any) -> Application:
        """Request completion, change `fields` as the applicant, resubmit (version + 1)."""
        self.fire(app, "request_completion", "preparer", reason="Komplettera uppföljningen.")
        applications.update_fields(
            self.session,
            app,
            ApplicationFields.model_validate(fields),
            by=self.user("applicant"),
        )
        self.session.commit()
        return self.fire(app, "resubmit", "applicant")
