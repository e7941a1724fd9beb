"""The workflow page: each state machine of states/ as a table of steps and mermaid source."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask.typing import ResponseReturnValue
from flask_login import login_required

from workflow.i18n import _l
from workflow.pagecache import cached_page
from workflow.rules import diagram

bp = Blueprint("diagram", __name__)

TITLES = {
    "application": _l("Applications"),
    "meeting": _l("Board meetings"),
    "report": _l("Reports"),
}


@bp.route("/workflow", defaults={"machine": "application"})
@bp.route("/workflow/<machine>")
@cached_page
@login_required
def show(machine: str) -> ResponseReturnValue:
    """One machine: its states, its steps with the roles that may take them, and the diagram."""
    if machine not in diagram.MACHINES:
        abort(404)
    return render_template(
        "diagram/show.html",
        machine=machine,
        machines=[(name, TITLES.get(name, name)) for name in diagram.MACHINES],
        title=TITLES.get(machine, machine),
        states=diagram.states(machine),
        initial=diagram.initial(machine),
        rows=diagram.transitions(machine),
        source=diagram.mermaid(machine),
    )
