"""Application pages: the form in sections, the application page with its steps and history."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_login import current_user, login_required
from sqlmodel import select

from forms.applications import (
    BLANK_ROWS,
    ROW_GROUPS,
    ApplicationForm,
    TransitionForm,
    new_idempotency_key,
)
from forms.base import BaseForm, options
from states import application as machine
from states.common import Role
from workflow import engine, permissions, schemas, transaction
from workflow.errors import Conflict, DomainError, NotFound, ValidationFailed
from workflow.extensions import db
from workflow.i18n import _l
from workflow.labels import action_label
from workflow.lifecycles.application import APPLICATION
from workflow.models import Application, Association, AuditEvent, Member, User, local_date
from workflow.operations import applications, associations
from workflow.pagecache import cached_page
from workflow.rules import completeness, parts
from workflow.rules.beredning import open_completion_requests
from workflow.web.formerrors import FormErrors, row_caption

bp = Blueprint("applications", __name__)

TEXT_FIELDS = (
    "title",
    "target_group",
    "follow_up_plan",
    "gender_equality_plan",
    "continuation_plan",
    "steering_group",
)
NUMBER_FIELDS = ("age_min", "age_max", "participants_women", "participants_men")
DATE_FIELDS = ("start_date", "end_date")
# Form fields that never carry an application field.
NOT_CONTENT = {"version", "save", "add_rows", "csrf_token", "idempotency_key"}


# --- loading --------------------------------------------------------------------------------


def _association(slug: str) -> Association:
    """The association, or 404 when it does not exist or the user has no part in it."""
    association = associations.by_slug(db.session, slug)
    if association is None or not permissions.can_view_association(current_user, association):
        raise NotFound(_l("No such association."))
    return association


def _members(association_id: int) -> list[Member]:
    return list(
        db.session.exec(
            select(Member).where(Member.association_id == association_id).order_by(Member.name)
        ).all()
    )


def _editable(application_id: int) -> Application:
    """The application if the user may change it now: 404 hidden, 403 not theirs, 409 state."""
    app = applications.load_visible(db.session, application_id, current_user)
    if not permissions.can_edit_application(current_user, app):
        abort(403)
    if app.state not in machine.EDITABLE:
        raise Conflict(
            _l("The application can no longer be changed in its current state."),
            code="invalid_state",
        )
    return app


# --- the form -------------------------------------------------------------------------------


def _initial(app: Application) -> dict[str, Any]:
    """The stored application in the form's shape."""
    data = applications.content(app)
    for name in DATE_FIELDS:
        data[name] = getattr(app, name)
    data["version"] = app.version
    return data


def _pad_rows(form: ApplicationForm, extra: int) -> None:
    """Offer `extra` blank rows under each group, up to what the group may hold."""
    for name, (_row_form, limit) in ROW_GROUPS.items():
        group = form[name]
        target = min(len(group.entries) + extra, limit + BLANK_ROWS)
        while len(group.entries) < target:
            group.append_entry()


def _set_choices(
    form: ApplicationForm, members: list[Member], own: list[Member], lead: int | None
) -> None:
    """Fill the drop-downs and checkboxes from the association's members."""
    form.lead_member_id.choices = options((m.id, m.name) for m in own)
    form.partner_member_ids.choices = options((m.id, m.name) for m in members if m.id != lead)
    member_choices = options([("", gettext("Choose…")), *((m.id, m.name) for m in members)])
    for entry in form.cofunding.entries:
        entry.form.member_id.choices = member_choices


def _build_form(association: Association, app: Application | None) -> ApplicationForm:
    """The form with the posted input (or, on GET, the stored application), choices set."""
    members = _members(association.id)
    own_ids = permissions.member_ids_for(current_user, association.id, Role.APPLICANT)
    own = [m for m in members if m.id in own_ids]
    if request.method == "GET":
        initial = (
            _initial(app)
            if app is not None
            else {"lead_member_id": own[0].id, "idempotency_key": new_idempotency_key()}
        )
        form = ApplicationForm(data=initial)
    else:
        form = ApplicationForm()
    if request.method == "GET" or form.add_rows.data:
        _pad_rows(form, BLANK_ROWS)
    _set_choices(form, members, own, form.lead_member_id.data)
    return form


def _stripped(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _collect(form: ApplicationForm) -> tuple[dict[str, Any], dict[str, list[int]]]:
    """The application fields the form carries, and which form row each list item came from."""
    data: dict[str, Any] = {}
    for name in (*TEXT_FIELDS, *NUMBER_FIELDS, *DATE_FIELDS, "kind", "lead_member_id"):
        field = form[name]
        if not field.errors:
            data[name] = _stripped(field.data)
    if not form.partner_member_ids.errors:
        data["partner_member_ids"] = list(form.partner_member_ids.data or [])
    rows: dict[str, list[int]] = {}
    for name in ROW_GROUPS:
        items, origin = [], []
        for index, entry in enumerate(form[name].entries):
            row = entry.form
            if row.is_blank() or any(f.errors for f in row):
                continue
            # A field left empty is absent, so the schema names it as missing.
            items.append(
                {k: v for k, v in ((k, _stripped(v)) for k, v in row.data.items()) if v is not None}
            )
            origin.append(index)
        data[name] = items
        rows[name] = origin
    return data, rows


def _locator(
    form: ApplicationForm, rows: dict[str, list[int]]
) -> Callable[[str], tuple[str | None, Any, str | None]]:
    """Map an API field name (e.g. "budget.1.year") to the element that shows its message."""

    def locate(name: str) -> tuple[str | None, Any, str | None]:
        head, *rest = name.split(".")
        if head in ROW_GROUPS:
            group = form[head]
            first = group.entries[0].form if group.entries else None
            group_anchor = next(iter(first)).id if first is not None else None
            if rest and rest[0].isdigit() and int(rest[0]) < len(rows[head]):
                index = rows[head][int(rest[0])]
                row = group.entries[index].form
                caption = row_caption(group.label.text, index)
                if len(rest) > 1 and rest[1] in row._fields:
                    sub = row[rest[1]]
                    return sub.id, f"{caption}: {sub.label.text}", None
                return f"{head}-{index}", caption, next(iter(row)).id
            return head, group.label.text, group_anchor
        if head == "partner_member_ids":
            anchor = f"{head}-0" if form.partner_member_ids.choices else None
            return head, form.partner_member_ids.label.text, anchor
        if head == "kind":
            return head, form.kind.label.text, "kind-0"
        if head in form._fields and head not in NOT_CONTENT:
            return form[head].id, form[head].label.text, None
        return None, "", None

    return locate


def _save(
    form: ApplicationForm,
    write: Callable[[schemas.ApplicationFields], Application],
    *,
    partly: bool = False,
) -> tuple[Application | None, FormErrors]:
    """Parse the form, validate through the schema and the service, and write.

    With `partly` (a stored application) a field or group of rows with a problem is left out
    and keeps what is stored, so a save never loses the rest of the applicant's work; else
    any problem writes nothing. The problems come back in `errors`; None when nothing was
    written.
    """
    errors = FormErrors()
    form.validate()
    errors.add_form(form)
    data, rows = _collect(form)
    if partly:
        # A group with a refused row keeps its stored rows: its valid rows alone would
        # replace them.
        for name in ROW_GROUPS:
            if any(any(f.errors for f in e.form) for e in form[name].entries):
                data.pop(name, None)
    locate = _locator(form, rows)
    for _attempt in range(3):
        try:
            fields = schemas.parse(schemas.ApplicationFields, data)
        except ValidationFailed as exc:
            errors.add_problems(exc.problems, locate)
            if not partly or not _leave_out(data, exc.problems):
                return None, errors
            continue
        if errors and not partly:
            return None, errors
        with transaction.step(ValidationFailed) as refusal:
            app = write(fields)
        if (exc := refusal.error) is None:
            if errors:
                # The valid part stays saved although the answer is a refusal of the rest.
                transaction.keep_writes()
            return app, errors
        errors.add_problems(exc.problems, locate)
        if not partly or not _leave_out(data, exc.problems):
            return None, errors
    return None, errors


def _leave_out(data: dict[str, Any], problems: Sequence[Any]) -> bool:
    """Drop the fields the problems name from `data`; whether any was there to drop."""
    heads = {problem.field.split(".")[0] for problem in problems}
    dropped = heads & data.keys()
    for head in dropped:
        del data[head]
    return bool(dropped)


def _partly_saved(form: ApplicationForm, errors: FormErrors, app: Application) -> None:
    """The form after a save that left fields out: the new version, and what happened."""
    form.version.data = app.version
    form.version.raw_data = [str(app.version)]
    errors.add(
        None,
        "",
        _l("Everything else is saved. Correct the fields marked and save again."),
    )


def _render_form(
    form: ApplicationForm,
    errors: FormErrors,
    association: Association,
    app: Application | None,
    status: int = 200,
) -> ResponseReturnValue:
    return (
        render_template(
            "applications/form.html",
            form=form,
            errors=errors,
            association=association,
            application=app,
        ),
        status,
    )


@bp.route("/associations/<slug>/applications/new", methods=["GET", "POST"])
@login_required
def new(slug: str) -> ResponseReturnValue:
    """A new draft for the user's member organisation."""
    association = _association(slug)
    if not permissions.can_create_application(current_user, association):
        abort(403)
    form = _build_form(association, None)
    if request.method == "GET" or form.add_rows.data:
        return _render_form(form, FormErrors(), association, None)

    def write(fields: schemas.ApplicationFields) -> Application:
        return applications.create_draft(
            db.session,
            association,
            fields,
            by=current_user,
            idempotency_key=form.idempotency_key.data or None,
        )

    app, errors = _save(form, write)
    if app is None:
        return _render_form(form, errors, association, None, 422)
    flash(gettext("The draft is saved."), "success")
    return redirect(url_for("applications.show", application_id=app.id), code=303)


@bp.route("/applications/<int:application_id>/edit", methods=["GET", "POST"])
@login_required
def edit(application_id: int) -> ResponseReturnValue:
    """Change the content while the application is in the applicant's hands."""
    app = _editable(application_id)
    association = db.session.get(Association, app.association_id)
    assert association is not None
    form = _build_form(association, app)
    if request.method == "GET" or form.add_rows.data:
        return _render_form(form, FormErrors(), association, app)

    def write(fields: schemas.ApplicationFields) -> Application:
        return applications.update_fields(
            db.session, app, fields, by=current_user, expected_version=form.version.data
        )

    with transaction.step(Conflict) as refusal:
        saved, errors = _save(form, write, partly=True)
    if (exc := refusal.error) is not None:
        errors = FormErrors()
        errors.add(None, "", exc.message)
        return _render_form(form, errors, association, app, exc.status)
    if saved is None:
        return _render_form(form, errors, association, app, 422)
    if errors:
        _partly_saved(form, errors, saved)
        return _render_form(form, errors, association, saved, 422)
    if saved.state == machine.State.DRAFT:
        flash(gettext("The draft is saved."), "success")
    else:
        # Asked to complete it, the applicant sends it again with the resubmit step.
        flash(
            gettext("Your changes are saved. Send the application again when it is complete."),
            "success",
        )
    return redirect(url_for("applications.show", application_id=app.id), code=303)


# --- the application page -------------------------------------------------------------------


def _history(app: Application) -> list[tuple[AuditEvent, User | None]]:
    """The application's audit events, oldest first, with who took each step."""
    events = db.session.exec(
        select(AuditEvent)
        .where(AuditEvent.entity_type == "application", AuditEvent.entity_id == app.id)
        .order_by(AuditEvent.created_at, AuditEvent.id)
    ).all()
    actor_ids = {e.actor_id for e in events if e.actor_id is not None}
    actors = (
        {u.id: u for u in db.session.exec(select(User).where(User.id.in_(actor_ids))).all()}  # type: ignore[union-attr]
        if actor_ids
        else {}
    )
    return [(e, actors.get(e.actor_id) if e.actor_id is not None else None) for e in events]


@dataclass(frozen=True)
class CompletionRequest:
    """What the applicant is asked to complete: the request's step, who asked, the shared
    annotations still open that ask for completion, and whether resubmitting is theirs."""

    event: AuditEvent
    actor: User | None
    open_annotations: int
    may_resubmit: bool


def _completion_request(
    app: Application,
    history: list[tuple[AuditEvent, User | None]],
    triggers: Iterable[str],
) -> CompletionRequest | None:
    """While completion is requested, the newest request, for the top of the page (to those
    who may resubmit, and to everyone else who sees the page)."""
    if app.state != machine.State.COMPLETION_REQUESTED:
        return None
    asked = [
        (event, actor)
        for event, actor in history
        if event.to_state == machine.State.COMPLETION_REQUESTED
    ]
    if not asked:
        return None
    event, actor = asked[-1]
    return CompletionRequest(
        event=event,
        actor=actor,
        open_annotations=open_completion_requests(db.session, app),
        may_resubmit="resubmit" in triggers,
    )


def _transition_form(
    trigger: str, app: Application, posted: TransitionForm | None
) -> TransitionForm:
    """The form of one step button, keeping what the user typed when the step was refused."""
    data: dict[str, Any] = {"expected_version": app.version}
    if posted is not None:
        for field in posted:
            if field.short_name not in {"csrf_token", "expected_version"}:
                data[field.short_name] = field.data
    return TransitionForm(formdata=None, prefix=trigger, data=data)


def _render_show(
    app: Application,
    *,
    refused: tuple[str, DomainError] | None = None,
    posted: TransitionForm | None = None,
    form_errors: FormErrors | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    members = {m.id: m for m in _members(app.association_id)}
    association = db.session.get(Association, app.association_id)
    triggers = permissions.allowed_transitions(current_user, app)
    refused_trigger = refused[0] if refused else None
    forms = {
        t: _transition_form(t, app, posted if t == refused_trigger else None) for t in triggers
    }
    show_checklist = permissions.can_edit_application(current_user, app) and (
        app.state in machine.EDITABLE
    )
    history = _history(app)
    other_part = parts.other_part(db.session, app.id)  # type: ignore[arg-type]
    if other_part is not None and not permissions.can_view_application(current_user, other_part):
        other_part = None
    may_make_part = (
        show_checklist
        and app.kind in parts.OTHER_KIND
        and (
            parts.pair_of(db.session, app.id) is None  # type: ignore[arg-type]
        )
    )
    return (
        render_template(
            "applications/show.html",
            other_part=other_part,
            may_make_part=may_make_part,
            other_kind=parts.OTHER_KIND.get(app.kind or ""),
            part_form=BaseForm() if may_make_part else None,
            application=app,
            association=association,
            members=members,
            checklist=completeness.checklist(app) if show_checklist else None,
            triggers=triggers,
            specs=machine.BY_TRIGGER,
            forms=forms,
            refused=refused,
            form_errors=form_errors or FormErrors(),
            history=history,
            versions=applications.versions(db.session, app),
            can_edit=show_checklist,
            completion_request=_completion_request(app, history, triggers),
        ),
        status,
    )


@bp.route("/applications/<int:application_id>")
@cached_page
@login_required
def show(application_id: int) -> ResponseReturnValue:
    """Every section, the submit checklist, the step buttons, the history and the versions."""
    app = applications.load_visible(db.session, application_id, current_user)
    return _render_show(app)


@bp.route("/applications/<int:application_id>/transitions/<trigger>", methods=["POST"])
@login_required
def transition(application_id: int, trigger: str) -> ResponseReturnValue:
    """Take one step through the engine; a refusal is shown on the application page."""
    app = applications.load_visible(db.session, application_id, current_user)
    if trigger not in machine.PUBLIC_TRIGGERS:
        raise NotFound(_l("No such step: %(trigger)s.", trigger=trigger))
    form = TransitionForm(prefix=trigger)
    if not form.validate():
        errors = FormErrors()
        errors.add_form(form)
        return _render_show(app, posted=form, form_errors=errors, status=422)
    spec = machine.BY_TRIGGER[trigger]
    payload: dict[str, Any] = {}
    for name in sorted(spec.payload_keys):
        value = form[name].data if name in form._fields else None
        if isinstance(value, str) and value.strip():
            payload[name] = value.strip()
    with transaction.step() as refusal:
        engine.fire(
            APPLICATION,
            app,
            trigger,
            by=current_user,
            session=db.session,
            payload=payload,
            expected_version=form.expected_version.data,
        )
    if (exc := refusal.error) is not None:
        app = applications.load_visible(db.session, application_id, current_user)
        return _render_show(app, refused=(trigger, exc), posted=form, status=exc.status)
    if trigger == "submit" and app.submitted_at is not None:
        # The receipt (kvittens): what the mail to the applicants says too.
        flash(
            gettext(
                "Receipt: the application is received with diary number %(number)s on"
                " %(date)s. The same receipt goes by e-mail to your organisation's applicants.",
                number=app.diary_number,
                date=local_date(app.submitted_at).isoformat(),
            ),
            "success",
        )
    else:
        flash(gettext("Done: %(step)s.", step=str(action_label(trigger))), "success")
    return redirect(url_for("applications.show", application_id=app.id), code=303)
