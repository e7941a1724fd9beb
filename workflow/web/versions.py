"""Frozen versions of an application: the list, and any two side by side with their differences."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from sqlmodel import select

from workflow.errors import NotFound
from workflow.extensions import db
from workflow.i18n import _l
from workflow.models import Application, ApplicationVersion, Member
from workflow.operations import applications
from workflow.pagecache import cached_page
from workflow.rules import diff
from workflow.rules.sections import BY_KEY
from workflow.web.formerrors import FormErrors

bp = Blueprint("versions", __name__)

# How the compare page names each field and table column of a snapshot.
FIELD_LABELS: dict[str, Any] = {
    "title": _l("Title"),
    "kind": _l("Kind of insats"),
    "lead_member_id": _l("Lead member organisation"),
    "partner_member_ids": _l("Other member organisations taking part"),
    "target_group": _l("Target group"),
    "age_min": _l("Lowest age"),
    "age_max": _l("Highest age"),
    "participants_women": _l("Expected participants, women"),
    "participants_men": _l("Expected participants, men"),
    "start_date": _l("Start date"),
    "end_date": _l("End date"),
    "budget": _l("Budget per year"),
    "cofunding": _l("Co-funding"),
    "goals": _l("Goals"),
    "follow_up_plan": _l("Follow-up and evaluation plan"),
    "gender_equality_plan": _l("Gender equality plan"),
    "continuation_plan": _l("Continuation funding plan"),
    "steering_group": _l("Steering group"),
    "activity_description": _l("Activity description"),
    "report_plan": _l("Yearly report plan"),
    "results_summary": _l("Results to date"),
    "year": _l("Year"),
    "member_id": _l("Member organisation"),
    "amount_sek": _l("Amount (SEK)"),
    "description": _l("Goal"),
    "indicator": _l("Indicator"),
    "target": _l("Target value"),
}
ROW_STATUS_LABELS: dict[str, Any] = {
    "added": _l("Added"),
    "removed": _l("Removed"),
    "changed": _l("Changed"),
    "unchanged": _l("Unchanged"),
}
COMPARED = ("a", "b")


def _members(app: Application) -> dict[int, Member]:
    rows = db.session.exec(select(Member).where(Member.association_id == app.association_id))
    return {m.id: m for m in rows.all() if m.id is not None}


def _render_index(
    app: Application,
    frozen: list[ApplicationVersion],
    chosen: dict[str, Any],
    errors: FormErrors,
    status: int = 200,
) -> ResponseReturnValue:
    return render_template(
        "versions/index.html", application=app, versions=frozen, chosen=chosen, errors=errors
    ), status


def _defaults(frozen: list[ApplicationVersion]) -> dict[str, Any]:
    """The pair offered first: the one before the newest and the newest."""
    if not frozen:
        return {"a": None, "b": None}
    return {"a": frozen[-2].number if len(frozen) > 1 else frozen[0].number, "b": frozen[-1].number}


@bp.route("/applications/<int:application_id>/versions")
@cached_page
@login_required
def index(application_id: int) -> ResponseReturnValue:
    """Every frozen version, and a form to compare two of them."""
    app = applications.load_visible(db.session, application_id, current_user)
    frozen = applications.versions(db.session, app)
    return _render_index(app, frozen, _defaults(frozen), FormErrors())


def _number(raw: str | None) -> int | None:
    """A version number from the query string, or None when it is not a positive integer."""
    text = (raw or "").strip()
    if not text.isascii() or not text.isdigit():
        return None
    # A number too long to be a version is simply a version that does not exist (404).
    number = int(text.lstrip("0")[:12] or "0")
    return number if number >= 1 else None


@bp.route("/applications/<int:application_id>/versions/compare")
@cached_page
@login_required
def compare(application_id: int) -> ResponseReturnValue:
    """Two versions side by side: changed sections marked, words and rows that differ shown."""
    app = applications.load_visible(db.session, application_id, current_user)
    frozen = applications.versions(db.session, app)
    numbers = {name: _number(request.args.get(name)) for name in COMPARED}
    errors = FormErrors()
    labels = {"a": _l("Compare version"), "b": _l("with version")}
    for name in COMPARED:
        if numbers[name] is None:
            errors.add(f"compare-{name}", labels[name], _l("Choose a version by its number."))
    if errors:
        chosen = {name: request.args.get(name, "") for name in COMPARED}
        return _render_index(app, frozen, chosen, errors, 422)
    by_number = {v.number: v for v in frozen}
    if numbers["a"] not in by_number or numbers["b"] not in by_number:
        raise NotFound(_l("No such version of this application."))
    old, new = by_number[numbers["a"]], by_number[numbers["b"]]
    sections = diff.diff_snapshots(old.snapshot, new.snapshot)
    return render_template(
        "versions/compare.html",
        application=app,
        old=old,
        new=new,
        sections=sections,
        section_labels={key: section.label for key, section in BY_KEY.items()},
        field_labels=FIELD_LABELS,
        row_status_labels=ROW_STATUS_LABELS,
        members=_members(app),
        versions=frozen,
        old_side=diff.old_side,
        new_side=diff.new_side,
    )
