"""Meeting pages: the list, the agenda builder, attendance, the meeting page with the chair's
decision forms, and the officer's decision by delegation."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_login import current_user, login_required
from wtforms import Form

from forms.base import options
from forms.meetings import (
    BLANK_ROWS,
    ActionForm,
    AgendaAddForm,
    AgendaItemForm,
    AttendanceForm,
    DecisionForm,
    DelegatedDecisionForm,
    ItemDecisionForm,
    MeetingForm,
    MeetingStepForm,
)
from states import meeting as meeting_machine
from states.application import DECIDE_DELEGATED
from workflow import engine, labels, permissions, transaction
from workflow.errors import DomainError, NotFound
from workflow.extensions import db
from workflow.i18n import _l
from workflow.labels import action_label
from workflow.lifecycles.meeting import MEETING
from workflow.models import Application, Association, Meeting
from workflow.operations import applications, associations, meetings, protocols
from workflow.pagecache import cached_page
from workflow.rules import delegations as delegation_rules
from workflow.rules import meetings as meetings_rules
from workflow.rules import protocol_texts
from workflow.rules.meetings import AgendaEntry, AmountIn, BoardMember
from workflow.web.formerrors import FormErrors
from workflow.web.menu import in_menu

bp = Blueprint("meetings", __name__)

SEAT_LABELS: dict[str, Any] = {"ledamot": _l("Member"), "ersattare": _l("Substitute")}
VOTE_LABELS: dict[str, Any] = {"yes": _l("Yes"), "no": _l("No"), "abstain": _l("Abstains")}
DISSENT_LABELS: dict[str, Any] = {
    "reservation": _l("Reservation"),
    "protocol_note": _l("Note in the minutes"),
}
OUTCOME_LABELS: dict[str, Any] = {
    "approve": _l("Approved"),
    "approve_with_conditions": _l("Approved with conditions"),
    "reject": _l("Rejected"),
    "refer_back": _l("Referred back to preparation"),
}


@bp.app_template_global("meeting_state_label")
def meeting_state_label(value: str) -> Any:
    """The translated name of a meeting state."""
    return labels.meeting_state_label(value)


@bp.app_template_global("item_kind_label")
def item_kind_label(value: str) -> Any:
    """The translated name of an agenda item's kind."""
    return labels.item_kind_label(value)


@bp.app_template_global("item_state_label")
def item_state_label(value: str) -> Any:
    """The translated name of an agenda item's state."""
    return labels.item_state_label(value)


@bp.app_template_global("meeting_time")
def meeting_time(meeting: Meeting) -> str | None:
    """The meeting's own times as the protocol prints them (kl. 13.00–15.30)."""
    return protocols.meeting_time(meeting)


@bp.app_template_global("meeting_labels")
def meeting_labels() -> dict[str, dict[str, Any]]:
    """Labels of seats, votes, dissents and outcomes for the meeting templates."""
    return {
        "seat": SEAT_LABELS,
        "vote": VOTE_LABELS,
        "dissent": DISSENT_LABELS,
        "outcome": OUTCOME_LABELS,
    }


@bp.app_template_global("meeting_links")
def meeting_links() -> list[tuple[str, str]]:
    """The board meetings of each association where the user may see them: (label, address)."""
    ids = sorted(
        a
        for a in in_menu(permissions.association_ids(current_user))
        if permissions.can_view_meetings(current_user, a)
    )
    if not ids:
        return []
    rows = associations.by_ids(db.session, ids)
    label = gettext("Board meetings")
    return [
        (f"{label} – {a.name}" if len(rows) > 1 else label, url_for("meetings.index", slug=a.slug))
        for a in rows
    ]


# --- loading ---------------------------------------------------------------------------------


def _association(slug: str) -> Association:
    """The association if the user may see its meetings: 404 if not theirs, 403 if no role."""
    association = associations.by_slug(db.session, slug)
    if association is None or not permissions.can_view_association(current_user, association):
        raise NotFound(_l("No such association."))
    if not permissions.can_view_meetings(current_user, association.id):
        abort(403)
    return association


def _meeting(meeting_id: int) -> Meeting:
    return meetings.load(db.session, meeting_id, current_user)


def _locator(
    form: Form, origins: dict[str, list[int]] | None = None
) -> Callable[[str], tuple[str | None, Any, str | None]]:
    """Map a service problem's field (e.g. "votes.2.user_id") to the element that shows it."""
    visible = {"amounts": "amount_sek", "votes": "vote"}

    def locate(name: str) -> tuple[str | None, Any, str | None]:
        head, *rest = name.split(".")
        if head not in form._fields:
            return None, "", None
        group = form[head]
        if rest and rest[0].isdigit() and origins and head in origins:
            index = int(rest[0])
            if index < len(origins[head]):
                row = group.entries[origins[head][index]].form
                sub = visible.get(head) or (rest[1] if len(rest) > 1 else "")
                if sub in row._fields:
                    return row[sub].id, f"{group.label.text}: {row[sub].label.text}", None
        if hasattr(group, "entries"):
            first = group.entries[0].form if group.entries else None
            anchor = next(iter(first)).id if first is not None else None
            return group.id, group.label.text, anchor
        if group.type == "RadioField":
            return group.id, group.label.text, f"{group.id}-0"
        return group.id, group.label.text, None

    return locate


def _add_error(errors: FormErrors, exc: DomainError, locate: Callable[..., Any]) -> None:
    if exc.problems:
        errors.add_problems(exc.problems, locate)
    else:
        errors.add(None, "", exc.message)


# --- the list and planning -------------------------------------------------------------------


@bp.route("/associations/<slug>/meetings", methods=["GET", "POST"])
@cached_page
@login_required
def index(slug: str) -> ResponseReturnValue:
    """The association's board meetings; officers plan new ones here."""
    association = _association(slug)
    can_plan = permissions.can_plan_meetings(current_user, association.id)
    errors = FormErrors()
    if request.method == "GET":
        return _render_index(association, MeetingForm(formdata=None) if can_plan else None, errors)
    if not can_plan:
        abort(403)
    form = MeetingForm()
    if not form.validate():
        errors.add_form(form)
        return _render_index(association, form, errors, 422)
    with transaction.step() as refusal:
        meeting = meetings.create_meeting(
            db.session,
            association,
            on=form.date.data,
            location=form.location.data,
            starts_at=form.starts_at.data,
            by=current_user,
        )
    if (exc := refusal.error) is not None:
        _add_error(errors, exc, _locator(form))
        return _render_index(_association(slug), form, errors, exc.status)
    flash(gettext("The meeting is planned."), "success")
    return redirect(url_for("meetings.show", meeting_id=meeting.id), code=303)


def _render_index(
    association: Association, form: MeetingForm | None, errors: FormErrors, status: int = 200
) -> ResponseReturnValue:
    return (
        render_template(
            "meetings/index.html",
            association=association,
            rows=meetings_rules.listing(db.session, association),
            form=form,
            errors=errors,
        ),
        status,
    )


# --- the meeting page ------------------------------------------------------------------------


@dataclass
class ItemView:
    """One agenda item as the meeting page shows it."""

    entry: AgendaEntry
    impact: list[meetings_rules.Impact] = field(default_factory=list)
    form: DecisionForm | ItemDecisionForm | None = None
    errors: FormErrors = field(default_factory=FormErrors)

    @property
    def application(self) -> Application | None:
        return self.entry.application

    @property
    def tabled(self) -> bool:
        return self.entry.item.state == meeting_machine.ItemState.TABLED

    @property
    def decided(self) -> bool:
        return self.entry.item.state == meeting_machine.ItemState.DECIDED

    @property
    def tableable(self) -> bool:
        """An item by title the board may still leave undecided (bordläggning)."""
        return self.entry.undecided and self.entry.application is None

    @property
    def anchor(self) -> str:
        """The item's id on the page: by application for an application, else by item."""
        app = self.entry.application
        return f"item-{app.id}" if app is not None else f"own-{self.entry.item.id}"


def _present(session: Any, meeting: Meeting) -> list[BoardMember]:
    return [p for p, present in meetings_rules.attendance_rows(session, meeting) if present]


def _decision_form(
    app: Application, present: list[BoardMember], posted: bool = False
) -> DecisionForm:
    """The chair's form for one item: amounts from the application, a vote row per present
    member, blank rows for dissents and jäv."""
    prefix = f"item-{app.id}"
    if posted:
        form = DecisionForm(prefix=prefix)
    else:
        form = DecisionForm(
            formdata=None,
            prefix=prefix,
            data={
                "amounts": [
                    {"year": a.year, "amount_sek": a.amount_sek}
                    for a in meetings_rules.requested_amounts(app)
                ],
                "votes": [{"user_id": p.user_id, "vote": ""} for p in present],
                "dissents": [{} for _ in range(BLANK_ROWS)],
                "recusals": [{} for _ in range(BLANK_ROWS)],
            },
        )
    choices = options([("", gettext("Choose…")), *((p.user_id, p.user.name) for p in present)])
    for entry in (*form.dissents.entries, *form.recusals.entries):
        entry.form.user_id.choices = choices
    return form


def _step_forms(meeting: Meeting, posted: tuple[str, MeetingStepForm] | None) -> dict:
    """The forms of the steps the user may take, the justerare choice among present members."""
    present = _present(db.session, meeting)
    people = present or meetings.roster(db.session, meeting.association_id)
    choices = options([("", gettext("Choose…")), *((p.user_id, p.user.name) for p in people)])
    forms = {}
    for trigger in MEETING.allowed(current_user, meeting):
        if posted is not None and posted[0] == trigger:
            form = posted[1]
        else:
            form = MeetingStepForm(
                formdata=None,
                prefix=trigger,
                data={"expected_version": meeting.version, "justerare_id": meeting.justerare_id},
            )
        form.justerare_id.choices = choices
        forms[trigger] = form
    return forms


def _item_form(entry: AgendaEntry, posted: bool = False) -> ItemDecisionForm:
    """The chair's form for an item by title, starting from the proposal or the standard text."""
    prefix = f"own-{entry.item.id}"
    if posted:
        return ItemDecisionForm(prefix=prefix)
    item = entry.item
    text = (
        item.decision_text or item.proposal or protocol_texts.default_text(item.kind, item.standard)
    )
    return ItemDecisionForm(formdata=None, prefix=prefix, data={"text": text})


def _render_show(
    meeting: Meeting,
    *,
    refused_item: tuple[int, DecisionForm, FormErrors] | None = None,
    refused_own: tuple[int, ItemDecisionForm, FormErrors] | None = None,
    new_item: tuple[AgendaItemForm, FormErrors] | None = None,
    refused_step: tuple[str, MeetingStepForm, FormErrors] | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    session = db.session
    association = meetings_rules.association_of(session, meeting.association_id)
    entries = meetings_rules.agenda(session, meeting)
    present = _present(session, meeting)
    deciding = meeting.state in meeting_machine.DECIDING
    can_decide = deciding and permissions.can_lead(current_user, meeting)
    # The vice chair decides an application the chair is jävig on, recorded in its form.
    can_decide_applications = deciding and permissions.can_lead_an_item(current_user, meeting)
    items = []
    for entry in entries:
        view = ItemView(entry)
        app, item = entry.application, entry.item
        if app is None:
            if can_decide and item.state != meeting_machine.ItemState.TABLED:
                if refused_own is not None and refused_own[0] == item.id:
                    view.form, view.errors = refused_own[1], refused_own[2]
                else:
                    view.form = _item_form(entry)
            items.append(view)
            continue
        undecided = item.kind == meeting_machine.APPLICATION_ITEM and entry.undecided
        if undecided:
            view.impact = meetings_rules.budget_impact(
                session, association, meetings_rules.requested_amounts(app)
            )
        if undecided and can_decide_applications:
            if refused_item is not None and refused_item[0] == app.id:
                view.form, view.errors = refused_item[1], refused_item[2]
            else:
                view.form = _decision_form(app, present)
        items.append(view)
    people = meetings_rules.people_by_id(
        session,
        {r.user_id for e in entries for r in e.recusals}
        | {
            uid
            for e in entries
            if e.decision is not None
            for uid in (
                e.decision.decided_by_id,
                *(v.user_id for v in e.decision.votes),
                *(d.user_id for d in e.decision.dissents),
            )
        }
        | {meeting.chair_id, meeting.justerare_id, meeting.signed_by_id}  # type: ignore[arg-type]
        | {p.user_id for p in present},
    )
    return (
        render_template(
            "meetings/show.html",
            meeting=meeting,
            association=association,
            items=items,
            quorum=meetings_rules.quorum(session, meeting),
            attendance=meetings_rules.attendance_rows(session, meeting),
            paragraphs=meetings_rules.paragraph_range(session, meeting),
            people=people,
            step_forms=_step_forms(
                meeting, (refused_step[0], refused_step[1]) if refused_step else None
            ),
            step_errors=refused_step[2] if refused_step else FormErrors(),
            refused_step=refused_step[0] if refused_step else None,
            item_errors=(refused_item or refused_own or new_item or (None, FormErrors()))[-1],
            new_item_form=(new_item[0] if new_item else AgendaItemForm(formdata=None))
            if can_decide
            else None,
            action=ActionForm(formdata=None),
            # The vice chair while the chair leads: decides only items the chair is jävig on.
            stand_in=can_decide_applications and not can_decide,
            can_plan=permissions.can_plan_meetings(current_user, meeting.association_id),
            can_record_attendance=permissions.can_record_attendance(
                current_user, meeting.association_id
            ),
            agenda_editable=meeting.state in meeting_machine.AGENDA_EDITABLE,
            attendance_editable=meeting.state in meeting_machine.ATTENDANCE_EDITABLE,
            has_protocol=meeting.state in meeting_machine.MINUTED,
        ),
        status,
    )


@bp.route("/meetings/<int:meeting_id>")
@cached_page
@login_required
def show(meeting_id: int) -> ResponseReturnValue:
    """The board member's meeting page: each item with its preparation and budget impact."""
    return _render_show(_meeting(meeting_id))


@bp.route("/meetings/<int:meeting_id>/transitions/<trigger>", methods=["POST"])
@login_required
def transition(meeting_id: int, trigger: str) -> ResponseReturnValue:
    """Open or close the meeting, or sign its protocol (the chair)."""
    meeting = _meeting(meeting_id)
    if trigger not in meeting_machine.PUBLIC_TRIGGERS:
        raise NotFound(_l("No such step: %(trigger)s.", trigger=trigger))
    form = MeetingStepForm(prefix=trigger)
    errors = FormErrors()
    if not form.validate():
        errors.add_form(form)
        return _render_show(meeting, refused_step=(trigger, form, errors), status=422)
    payload: dict[str, Any] = (
        {"justerare_id": form.justerare_id.data} if form.justerare_id.data else {}
    )
    if trigger == "close" and (form.ends_at.data or "").strip():
        payload["ends_at"] = form.ends_at.data.strip()
    with transaction.step() as refusal:
        engine.fire(
            MEETING,
            meeting,
            trigger,
            by=current_user,
            session=db.session,
            payload=payload,
            expected_version=form.expected_version.data,
        )
    if (exc := refusal.error) is not None:
        _add_error(errors, exc, _locator(form))
        return _render_show(
            _meeting(meeting_id), refused_step=(trigger, form, errors), status=exc.status
        )
    flash(gettext("Done: %(step)s.", step=str(labels.MEETING_STEP_LABELS[trigger])), "success")
    return redirect(url_for("meetings.show", meeting_id=meeting.id), code=303)


@bp.app_template_global("meeting_step_label")
def meeting_step_label(trigger: str) -> Any:
    """The button text of a meeting step."""
    return labels.meeting_step_label(trigger)


# --- the chair's decision ----------------------------------------------------------------------


def _amounts(form: Any) -> tuple[list[AmountIn], list[int]]:
    """The amounts filled in per year, and which form row each came from."""
    amounts, origin = [], []
    for index, entry in enumerate(form.amounts.entries):
        row = entry.form
        if row.amount_sek.data is None or row.year.data is None or row.amount_sek.errors:
            continue
        amounts.append(AmountIn(row.year.data, row.amount_sek.data))
        origin.append(index)
    return amounts, origin


def _collect(form: DecisionForm, app: Application) -> tuple[meetings.DecisionInput, dict]:
    """The decision the form carries, and the form row behind each list item."""
    amounts, amount_rows = _amounts(form)
    votes, vote_rows = [], []
    for index, entry in enumerate(form.votes.entries):
        row = entry.form
        if row.vote.data and row.user_id.data is not None:
            votes.append(meetings_rules.VoteIn(row.user_id.data, row.vote.data))
            vote_rows.append(index)
    dissents, dissent_rows = [], []
    for index, entry in enumerate(form.dissents.entries):
        row = entry.form
        if not row.is_blank():
            dissents.append(
                meetings_rules.DissentIn(
                    row.user_id.data or 0, row.kind.data or "", row.text.data or ""
                )
            )
            dissent_rows.append(index)
    recusals, recusal_rows = [], []
    for index, entry in enumerate(form.recusals.entries):
        row = entry.form
        if row.user_id.data:
            recusals.append(meetings_rules.RecusalIn(row.user_id.data, row.reason.data))
            recusal_rows.append(index)
    data = meetings.DecisionInput(
        application_id=app.id,  # type: ignore[arg-type]
        outcome=form.outcome.data or "",
        amounts=amounts,
        conditions=form.conditions.data,
        questions=form.questions.data,
        votes=votes,
        casting_vote=form.casting_vote.data or None,
        dissents=dissents,
        recusals=recusals,
        excess_reason=form.excess_reason.data,
    )
    origins = {
        "amounts": amount_rows,
        "votes": vote_rows,
        "dissents": dissent_rows,
        "recusals": recusal_rows,
    }
    return data, origins


@bp.route("/meetings/<int:meeting_id>/decisions/<int:application_id>", methods=["POST"])
@login_required
def decide(meeting_id: int, application_id: int) -> ResponseReturnValue:
    """Record the board's decision on one item; a refusal keeps the input on the page."""
    meeting = _meeting(meeting_id)
    if not permissions.can_chair(current_user, meeting.association_id):
        abort(403)
    app = applications.load_visible(db.session, application_id, current_user)
    form = _decision_form(app, _present(db.session, meeting), posted=True)
    errors = FormErrors()
    if not form.validate():
        errors.add_form(form)
        return _render_show(meeting, refused_item=(app.id, form, errors), status=422)  # type: ignore[arg-type]
    data, origins = _collect(form, app)
    with transaction.step() as refusal:
        decision = meetings.decide(db.session, meeting, data, by=current_user)
    if (exc := refusal.error) is not None:
        _add_error(errors, exc, _locator(form, origins))
        return _render_show(
            _meeting(meeting_id),
            refused_item=(application_id, form, errors),
            status=exc.status,
        )
    flash(gettext("Decided under § %(n)s.", n=decision.paragraph), "success")
    return redirect(
        url_for("meetings.show", meeting_id=meeting.id, _anchor=f"item-{application_id}"), code=303
    )


@bp.route("/meetings/<int:meeting_id>/items/<int:item_id>/decision", methods=["POST"])
@login_required
def decide_item(meeting_id: int, item_id: int) -> ResponseReturnValue:
    """The chair writes the board's decision on an item by title."""
    meeting = _meeting(meeting_id)
    if not permissions.can_chair(current_user, meeting.association_id):
        abort(403)
    form = ItemDecisionForm(prefix=f"own-{item_id}")
    errors = FormErrors()
    if not form.validate():
        errors.add_form(form)
        return _render_show(meeting, refused_own=(item_id, form, errors), status=422)
    with transaction.step() as refusal:
        item = meetings.decide_item(db.session, meeting, item_id, form.text.data, by=current_user)
    if (exc := refusal.error) is not None:
        _add_error(errors, exc, _locator(form))
        return _render_show(
            _meeting(meeting_id), refused_own=(item_id, form, errors), status=exc.status
        )
    flash(gettext("Recorded under § %(n)s.", n=item.paragraph), "success")
    return redirect(
        url_for("meetings.show", meeting_id=meeting.id, _anchor=f"own-{item_id}"), code=303
    )


@bp.route("/meetings/<int:meeting_id>/items/<int:item_id>/table", methods=["POST"])
@login_required
def table_item(meeting_id: int, item_id: int) -> ResponseReturnValue:
    """The board leaves an item undecided (bordläggning); it keeps its §."""
    meeting = _meeting(meeting_id)
    ActionForm().validate()
    meetings.table_item(db.session, meeting, item_id, by=current_user)
    flash(gettext("The item is tabled."), "success")
    return redirect(url_for("meetings.show", meeting_id=meeting.id), code=303)


@bp.route("/meetings/<int:meeting_id>/items", methods=["POST"])
@login_required
def add_item(meeting_id: int) -> ResponseReturnValue:
    """Add an item by title: the officer before the meeting, the chair at it."""
    meeting = _meeting(meeting_id)
    at_meeting = meeting.state in meeting_machine.DECIDING
    form = AgendaItemForm()
    errors = FormErrors()
    if not form.validate():
        errors.add_form(form)
        return _refused_item(meeting, form, errors, 422, at_meeting)
    data = meetings.ItemIn(
        kind=form.kind.data or "",
        title=form.title.data,
        proposal=form.proposal.data,
        diary_number=form.diary_number.data,
    )
    with transaction.step() as refusal:
        item = meetings.add_item(db.session, meeting, data, by=current_user)
    if (exc := refusal.error) is not None:
        _add_error(errors, exc, _locator(form))
        return _refused_item(_meeting(meeting_id), form, errors, exc.status, at_meeting)
    flash(gettext("The item is on the agenda."), "success")
    target = "meetings.show" if at_meeting else "meetings.agenda"
    return redirect(url_for(target, meeting_id=meeting.id, _anchor=f"own-{item.id}"), code=303)


def _refused_item(
    meeting: Meeting, form: AgendaItemForm, errors: FormErrors, status: int, at_meeting: bool
) -> ResponseReturnValue:
    if at_meeting:
        return _render_show(meeting, new_item=(form, errors), status=status)
    if not permissions.can_plan_meetings(current_user, meeting.association_id):
        abort(403)
    return _render_agenda(meeting, AgendaAddForm(formdata=None), errors, status, item_form=form)


# --- the agenda builder ----------------------------------------------------------------------


def _planned(meeting_id: int) -> Meeting:
    meeting = _meeting(meeting_id)
    if not permissions.can_plan_meetings(current_user, meeting.association_id):
        abort(403)
    return meeting


def _render_agenda(
    meeting: Meeting,
    form: AgendaAddForm,
    errors: FormErrors,
    status: int = 200,
    item_form: AgendaItemForm | None = None,
) -> ResponseReturnValue:
    ready = meetings_rules.ready_for_agenda(db.session, meeting.association_id)
    form.application_ids.choices = options((a.id, a.title or "") for a in ready)
    return (
        render_template(
            "meetings/agenda.html",
            meeting=meeting,
            association=meetings_rules.association_of(db.session, meeting.association_id),
            entries=meetings_rules.agenda(db.session, meeting),
            ready=ready,
            form=form,
            action=ActionForm(formdata=None),
            item_form=item_form or AgendaItemForm(formdata=None, data={"kind": "decision"}),
            errors=errors,
            editable=meeting.state in meeting_machine.AGENDA_EDITABLE,
        ),
        status,
    )


@bp.route("/meetings/<int:meeting_id>/agenda", methods=["GET", "POST"])
@login_required
def agenda(meeting_id: int) -> ResponseReturnValue:
    """The officer's agenda builder: tick applications ready for the board, order, remove."""
    meeting = _planned(meeting_id)
    errors = FormErrors()
    if request.method == "GET":
        return _render_agenda(meeting, AgendaAddForm(formdata=None), errors)
    form = AgendaAddForm()
    if not form.validate():
        errors.add_form(form)
        return _render_agenda(meeting, form, errors, 422)
    with transaction.step() as refusal:
        meetings.add_to_agenda(
            db.session, meeting, list(form.application_ids.data or []), by=current_user
        )
    if (exc := refusal.error) is not None:
        for problem in exc.problems or []:
            errors.add(form.application_ids.id, form.application_ids.label.text, problem.message)
        if not exc.problems:
            errors.add(None, "", exc.message)
        return _render_agenda(_planned(meeting_id), form, errors, exc.status)
    flash(gettext("The agenda is saved."), "success")
    return redirect(url_for("meetings.agenda", meeting_id=meeting.id), code=303)


@bp.route(
    "/meetings/<int:meeting_id>/agenda/<int:application_id>/<any(up, down):direction>",
    methods=["POST"],
)
@login_required
def move(meeting_id: int, application_id: int, direction: str) -> ResponseReturnValue:
    """Move one item a step up or down."""
    meeting = _planned(meeting_id)
    ActionForm().validate()
    meetings.move(db.session, meeting, application_id, direction, by=current_user)
    return redirect(
        url_for("meetings.agenda", meeting_id=meeting.id, _anchor=f"item-{application_id}"),
        code=303,
    )


@bp.route("/meetings/<int:meeting_id>/agenda/<int:application_id>/remove", methods=["POST"])
@login_required
def remove(meeting_id: int, application_id: int) -> ResponseReturnValue:
    """Take one item off the agenda (→ proposed)."""
    meeting = _planned(meeting_id)
    ActionForm().validate()
    meetings.remove_from_agenda(db.session, meeting, application_id, by=current_user)
    flash(gettext("The application is taken off the agenda."), "success")
    return redirect(url_for("meetings.agenda", meeting_id=meeting.id), code=303)


@bp.route(
    "/meetings/<int:meeting_id>/agenda/items/<int:item_id>/<any(up, down):direction>",
    methods=["POST"],
)
@login_required
def move_item(meeting_id: int, item_id: int, direction: str) -> ResponseReturnValue:
    """Move one item a step up or down."""
    meeting = _planned(meeting_id)
    ActionForm().validate()
    meetings.move_item(db.session, meeting, item_id, direction, by=current_user)
    return redirect(
        url_for("meetings.agenda", meeting_id=meeting.id, _anchor=f"own-{item_id}"), code=303
    )


@bp.route("/meetings/<int:meeting_id>/agenda/items/<int:item_id>/remove", methods=["POST"])
@login_required
def remove_item(meeting_id: int, item_id: int) -> ResponseReturnValue:
    """Take one item off the agenda (an application goes back to proposed)."""
    meeting = _planned(meeting_id)
    ActionForm().validate()
    meetings.remove_item(db.session, meeting, item_id, by=current_user)
    flash(gettext("The item is taken off the agenda."), "success")
    return redirect(url_for("meetings.agenda", meeting_id=meeting.id), code=303)


# --- attendance ------------------------------------------------------------------------------


def _render_attendance(
    meeting: Meeting, form: AttendanceForm, errors: FormErrors, status: int = 200
) -> ResponseReturnValue:
    rows = meetings_rules.attendance_rows(db.session, meeting)
    form.present.choices = options((p.user_id, p.user.name) for p, _ in rows)
    return (
        render_template(
            "meetings/attendance.html",
            meeting=meeting,
            association=meetings_rules.association_of(db.session, meeting.association_id),
            rows=rows,
            form=form,
            errors=errors,
            quorum=meetings_rules.quorum(db.session, meeting),
            editable=meeting.state in meeting_machine.ATTENDANCE_EDITABLE,
        ),
        status,
    )


@bp.route("/meetings/<int:meeting_id>/attendance", methods=["GET", "POST"])
@login_required
def attendance(meeting_id: int) -> ResponseReturnValue:
    """Who is present: ledamöter, and ersättare who take the seat of an absent ledamot."""
    meeting = _meeting(meeting_id)
    if not permissions.can_record_attendance(current_user, meeting.association_id):
        abort(403)
    errors = FormErrors()
    if request.method == "GET":
        present = [
            p.user_id for p, here in meetings_rules.attendance_rows(db.session, meeting) if here
        ]
        return _render_attendance(
            meeting, AttendanceForm(formdata=None, data={"present": present}), errors
        )
    form = AttendanceForm()
    if not form.validate():
        errors.add_form(form)
        return _render_attendance(meeting, form, errors, 422)
    ticked = set(form.present.data or [])
    people = meetings.roster(db.session, meeting.association_id)
    unknown = ticked - {p.user_id for p in people}
    entries = [meetings.AttendanceIn(p.user_id, p.user_id in ticked) for p in people]
    entries += [meetings.AttendanceIn(user_id, True) for user_id in sorted(unknown)]
    with transaction.step() as refusal:
        meetings.record_attendance(db.session, meeting, entries, by=current_user)
    if (exc := refusal.error) is not None:
        for problem in exc.problems or []:
            errors.add(form.present.id, form.present.label.text, problem.message)
        if not exc.problems:
            errors.add(None, "", exc.message)
        return _render_attendance(_meeting(meeting_id), form, errors, exc.status)
    flash(gettext("The attendance is saved."), "success")
    return redirect(url_for("meetings.show", meeting_id=meeting.id), code=303)


# --- the officer's decision by delegation ----------------------------------------------------


@bp.app_template_global("delegated_form")
def delegated_form(app: Application, posted: DelegatedDecisionForm | None = None) -> Any:
    """The delegated-decision form of the application page's step area, amounts pre-filled."""
    if posted is not None:
        return posted
    return DelegatedDecisionForm(
        formdata=None,
        prefix=DECIDE_DELEGATED,
        data={
            "expected_version": app.version,
            "amounts": [
                {"year": a.year, "amount_sek": a.amount_sek}
                for a in meetings_rules.requested_amounts(app)
            ],
        },
    )


@bp.app_template_global("delegation_limit")
def delegation_limit(app: Application) -> int | None:
    """The highest amount the signed-in user may decide by delegation (None: no limit)."""
    rows = delegation_rules.mandates(
        db.session,
        app.association_id,
        permissions.roles_in(current_user, app.association_id),
    )
    widest = delegation_rules.widest(rows)
    return widest.limit_sek if widest is not None else 0


def _render_delegated(
    app: Application, form: DelegatedDecisionForm, errors: FormErrors, status: int = 200
) -> ResponseReturnValue:
    association = meetings_rules.association_of(db.session, app.association_id)
    amounts, _ = _amounts(form)
    return (
        render_template(
            "meetings/delegated.html",
            application=app,
            association=association,
            form=form,
            errors=errors,
            impact=meetings_rules.budget_impact(db.session, association, amounts),
        ),
        status,
    )


@bp.route(f"/applications/<int:application_id>/{DECIDE_DELEGATED}", methods=["GET", "POST"])
@login_required
def decide_delegated(application_id: int) -> ResponseReturnValue:
    """Approve or reject within the delegation limit; refusals keep the input."""
    app = applications.load_visible(db.session, application_id, current_user)
    if not permissions.can_decide_delegated(current_user, app):
        abort(403)
    errors = FormErrors()
    if request.method == "GET":
        return _render_delegated(app, delegated_form(app), errors)
    form = DelegatedDecisionForm(prefix=DECIDE_DELEGATED)
    if not form.validate():
        errors.add_form(form)
        return _render_delegated(app, form, errors, 422)
    amounts, origin = _amounts(form)
    with transaction.step() as refusal:
        meetings.decide_delegated(
            db.session,
            app,
            by=current_user,
            outcome=form.outcome.data or "",
            amounts=amounts,
            reason=form.reason.data,
            expected_version=form.expected_version.data,
        )
    if (exc := refusal.error) is not None:
        _add_error(errors, exc, _locator(form, {"amounts": origin}))
        app = applications.load_visible(db.session, application_id, current_user)
        return _render_delegated(app, form, errors, exc.status)
    flash(gettext("Done: %(step)s.", step=str(action_label(DECIDE_DELEGATED))), "success")
    return redirect(url_for("applications.show", application_id=app.id), code=303)
