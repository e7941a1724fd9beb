"""Administration pages: associations (admins), members and users (admins and officers)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_login import current_user, login_required
from sqlmodel import select

from forms.admin import ROLE_ROWS, AssociationForm, MemberForm, RevokeRoleForm, UserForm
from forms.base import options
from workflow import permissions, transaction
from workflow.errors import Conflict, Forbidden, NotFound, ValidationFailed
from workflow.extensions import db
from workflow.i18n import _l
from workflow.labels import role_label
from workflow.models import Association, Member, RoleGrant, User
from workflow.operations import associations, users
from workflow.web.formerrors import FormErrors, row_caption

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _managed(slug: str) -> Association:
    """The association if the user manages it: 404 if none of theirs, 403 if only working there."""
    association = associations.by_slug(db.session, slug)
    if association is None or not permissions.can_view_association(current_user, association):
        raise NotFound(_l("No such association."))
    if not permissions.can_manage_association(current_user, association):
        abort(403)
    return association


def _simple_locator(form: Any) -> Any:
    def locate(name: str) -> tuple[str | None, Any, str | None]:
        head = name.split(".")[0]
        if head in form._fields:
            return form[head].id, form[head].label.text, None
        return None, "", None

    return locate


@bp.route("/associations", methods=["GET", "POST"])
@login_required
def association_list() -> ResponseReturnValue:
    """Every association, and the form to create one (administrators only)."""
    if not permissions.is_admin(current_user):
        abort(403)
    form = AssociationForm()
    errors = FormErrors()
    status = 200
    if request.method == "POST":
        if form.validate():
            with transaction.step(ValidationFailed) as refusal:
                association = associations.create_association(
                    db.session,
                    slug=form.slug.data,
                    name=form.name.data,
                    diary_prefix=form.diary_prefix.data,
                    delegation_limit_sek=form.delegation_limit_sek.data,
                    by=current_user,
                )
            if (exc := refusal.error) is not None:
                errors.add_problems(exc.problems, _simple_locator(form))
            else:
                flash(
                    gettext("The association %(name)s is created.", name=association.name),
                    "success",
                )
                return redirect(url_for("admin.association_list"), code=303)
        else:
            errors.add_form(form)
        status = 422
    rows = db.session.exec(select(Association).order_by(Association.name)).all()
    return (
        render_template("admin/associations.html", form=form, errors=errors, associations=rows),
        status,
    )


@bp.route("/associations/<slug>/members", methods=["GET", "POST"])
@login_required
def members(slug: str) -> ResponseReturnValue:
    """The association's member organisations, and the form to add one."""
    association = _managed(slug)
    form = MemberForm()
    errors = FormErrors()
    status = 200
    if request.method == "POST":
        if form.validate():
            with transaction.step(ValidationFailed) as refusal:
                member = associations.add_member(
                    db.session,
                    association,
                    name=form.name.data,
                    party=form.party.data,
                    population=form.population.data,
                    by=current_user,
                )
            if (exc := refusal.error) is not None:
                errors.add_problems(exc.problems, _simple_locator(form))
            else:
                flash(gettext("%(name)s is added.", name=member.name), "success")
                return redirect(url_for("admin.members", slug=association.slug), code=303)
        else:
            errors.add_form(form)
        status = 422
    rows = db.session.exec(
        select(Member).where(Member.association_id == association.id).order_by(Member.name)
    ).all()
    return (
        render_template(
            "admin/members.html", form=form, errors=errors, association=association, members=rows
        ),
        status,
    )


def _user_locator(form: UserForm, rows: list[int]) -> Any:
    """Map "roles.1.member_id" to the form row it came from (blank rows are skipped)."""
    simple = _simple_locator(form)

    def locate(name: str) -> tuple[str | None, Any, str | None]:
        head, *rest = name.split(".")
        if head != "roles":
            return simple(name)
        if rest and rest[0].isdigit() and int(rest[0]) < len(rows):
            index = rows[int(rest[0])]
            row = form.roles.entries[index].form
            caption = row_caption(form.roles.label.text, index)
            if len(rest) > 1 and rest[1] in row._fields:
                return row[rest[1]].id, f"{caption}: {row[rest[1]].label.text}", None
            return row.role.id, caption, None
        return None, form.roles.label.text, None

    return locate


@bp.route("/associations/<slug>/users", methods=["GET", "POST"])
@login_required
def user_list(slug: str) -> ResponseReturnValue:
    """The people with a role in the association, and the form to create one."""
    association = _managed(slug)
    member_rows = _member_rows(association)
    form = _user_form(member_rows, UserForm())
    errors = FormErrors()
    status = 200
    if request.method == "POST" and not form.add_rows.data:
        status = 422
        if form.validate():
            roles, origin = [], []
            for index, entry in enumerate(form.roles.entries):
                if entry.form.is_blank():
                    continue
                roles.append(
                    {
                        "role": entry.form.role.data,
                        "member_id": entry.form.member_id.data,
                        "substitute": bool(entry.form.substitute.data),
                    }
                )
                origin.append(index)
            with transaction.step(ValidationFailed) as refusal:
                user = users.create_user(
                    db.session,
                    email=form.email.data,
                    name=form.name.data,
                    password=form.password.data,
                    association=association,
                    roles=roles,
                    by=current_user,
                )
            if (exc := refusal.error) is not None:
                errors.add_problems(exc.problems, _user_locator(form, origin))
            else:
                flash(gettext("%(name)s is created.", name=user.name), "success")
                return redirect(url_for("admin.user_list", slug=association.slug), code=303)
        else:
            errors.add_form(form)
    return _users_page(association, member_rows, form, errors, status)


def _user_form(member_rows: list[Member], form: UserForm, *, blank: bool = False) -> UserForm:
    """The new-user form with its role rows (more when asked, or `blank`) and the members."""
    if blank or request.method == "GET" or form.add_rows.data:
        target = min(len(form.roles.entries) + ROLE_ROWS, form.roles.max_entries or ROLE_ROWS)
        while len(form.roles.entries) < target:
            form.roles.append_entry()
    choices = options([("", gettext("(none)")), *((m.id, m.name) for m in member_rows)])
    for entry in form.roles.entries:
        entry.form.member_id.choices = choices
    return form


def _member_rows(association: Association) -> list[Member]:
    return list(
        db.session.exec(
            select(Member).where(Member.association_id == association.id).order_by(Member.name)
        ).all()
    )


def _users_page(
    association: Association,
    member_rows: list[Member],
    form: UserForm,
    errors: FormErrors,
    status: int,
) -> ResponseReturnValue:
    """The users page: who holds which role, their accounts, and the new-user form."""
    grants = db.session.exec(
        select(RoleGrant, User)
        .join(User, User.id == RoleGrant.user_id)  # type: ignore[arg-type]
        .where(RoleGrant.association_id == association.id)
        .order_by(User.name, User.id, RoleGrant.role)
    ).all()
    people: dict[int, tuple[User, list[RoleGrant]]] = {}
    for grant, person in grants:
        people.setdefault(person.id, (person, []))[1].append(grant)
    return (
        render_template(
            "admin/users.html",
            form=form,
            errors=errors,
            association=association,
            people=list(people.values()),
            members={m.id: m for m in member_rows},
            can_deactivate_user=permissions.can_deactivate_user,
            can_revoke_role=permissions.can_revoke_role,
            revoke_form=RevokeRoleForm(),
        ),
        status,
    )


@bp.route("/associations/<slug>/users/<int:user_id>/roles/<int:grant_id>/revoke", methods=["POST"])
@login_required
def revoke_role(slug: str, user_id: int, grant_id: int) -> ResponseReturnValue:
    """Remove one role of a user; a refusal shows the users page with its reason."""
    association = _managed(slug)
    form = RevokeRoleForm()
    if not form.validate():
        abort(400)
    grant = users.find_grant(db.session, association, user_id, grant_id)
    holder = db.session.get(User, user_id)
    with transaction.step(Forbidden, Conflict) as refusal:
        users.revoke_role(db.session, grant, by=current_user._get_current_object())  # type: ignore[attr-defined]
    if (exc := refusal.error) is not None:
        errors = FormErrors()
        errors.add(None, "", exc.message)
        member_rows = _member_rows(association)
        page_form = _user_form(member_rows, UserForm(formdata=None), blank=True)
        return _users_page(association, member_rows, page_form, errors, exc.status)
    flash(
        gettext(
            "The role %(role)s of %(name)s is removed; their sessions have ended.",
            role=role_label(grant.role),
            name=holder.name if holder is not None else "",
        ),
        "success",
    )
    return redirect(url_for("admin.user_list", slug=association.slug), code=303)
