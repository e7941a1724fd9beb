"""The budget page: the carried-forward budget of a range of years, as a table and a chart."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_decimal, gettext
from flask_login import current_user, login_required

from forms.budget import BudgetForm, OutcomeForm, key_form
from workflow import http, limits, permissions, transaction
from workflow.errors import NotFound, ValidationFailed
from workflow.extensions import db
from workflow.i18n import _l
from workflow.models import LINE_CATEGORIES, Association, today
from workflow.operations import associations
from workflow.operations.budget import record_outcome, set_budget, set_contribution_key
from workflow.pagecache import cached_page
from workflow.rules import budget
from workflow.rules.budget import BudgetWarning, YearBudget
from workflow.rules.outcome import parse_outcome
from workflow.rules.tables import Sheet
from workflow.web.budget_chart import balance_chart
from workflow.web.formerrors import FormErrors

bp = Blueprint("budget", __name__)

YEAR = f"int(min={limits.YEAR_MIN}, max={limits.YEAR_MAX})"
# Warnings about how the contributions are split: shown once for the page, not per year.
SPLIT_NOTES = frozenset(
    {"equal_split", "no_region", "no_municipality", "no_local_members", "key_mismatch"}
)
# The cost categories as the associations' own budgets name them.
CATEGORY_LABELS = {
    "insats": _l("Insatser for individuals and groups"),
    "new_insatser": _l("Available for new insatser"),
    "structural": _l("Structural insatser"),
    "competence": _l("Competence development"),
    "admin": _l("Administration"),
}


def tkr(value: int | None) -> str:
    """Kronor as whole thousands (tkr), rounded half away from zero; '–' for nothing."""
    if value is None:
        return "–"
    thousands = (abs(value) + 500) // 1000
    return format_decimal(thousands if value >= 0 else -thousands)


def _association(slug: str) -> Association:
    """The association if the user may read its budget: 404 if not theirs, 403 by role."""
    association = associations.by_slug(db.session, slug)
    if association is None or not permissions.can_view_association(current_user, association):
        raise NotFound(_l("No such association."))
    if not permissions.can_view_budget(current_user, association):
        abort(403)
    return association


def _default_years() -> range:
    this_year = today().year
    return range(this_year - 1, this_year + 3)


def _years(errors: FormErrors) -> range:
    """The years asked for in the query string; problems go to `errors`, the default is used."""
    labels = {"from": gettext("From year"), "to": gettext("To year")}
    ends: dict[str, int | None] = {}
    for name in ("from", "to"):
        raw = (request.args.get(name) or "").strip()
        ends[name] = None
        if not raw:
            continue
        if not raw.isdigit() or not limits.YEAR_MIN <= int(raw) <= limits.YEAR_MAX:
            errors.add(
                name,
                labels[name],
                _l(
                    "Must be between %(min)s and %(max)s.", min=limits.YEAR_MIN, max=limits.YEAR_MAX
                ),
            )
            continue
        ends[name] = int(raw)
    if errors:
        return _default_years()
    try:
        return budget.choose_years(ends["from"], ends["to"], _default_years())
    except ValidationFailed as exc:
        for problem in exc.problems:
            errors.add(problem.field, labels.get(problem.field, ""), problem.message)
        return _default_years()


def _blank_form(row: YearBudget) -> BudgetForm:
    """The form of one year as stored; a new year suggests what would be carried in."""
    stored = row.stored
    data: dict[str, Any] = {"carried_over_sek": row.carried_over_sek}
    if stored is not None:
        data = {name: getattr(stored, name) for name in budget.FIGURES}
        data["version"] = stored.version
    return BudgetForm(prefix=f"y{row.year}", formdata=None, data=data)


def _locator(form: BudgetForm) -> Any:
    def locate(name: str) -> tuple[str | None, Any, str | None]:
        if name in form._fields and name != "version":
            return form[name].id, form[name].label.text, None
        return None, "", None

    return locate


def _line_rows(rows: list[YearBudget]) -> list[tuple[str, str, list[int | None]]]:
    """The budget lines of the years side by side: (category, label, budget per year)."""
    keys: list[tuple[str, str]] = []
    for row in rows:
        for line in row.stored.lines if row.stored is not None else ():
            if (line.category, line.label) not in keys:
                keys.append((line.category, line.label))
    keys.sort(key=lambda key: LINE_CATEGORIES.index(key[0]))
    found = []
    for category, label in keys:
        amounts = []
        for row in rows:
            lines = row.stored.lines if row.stored is not None else ()
            amounts.append(
                next(
                    (x.budget_sek for x in lines if (x.category, x.label) == (category, label)),
                    None,
                )
            )
        found.append((category, label, amounts))
    return found


def _render(
    association: Association,
    years: range,
    errors: FormErrors,
    *,
    posted: tuple[int, BudgetForm] | None = None,
    posted_key: tuple[int, Any] | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    rows = budget.projection(db.session, association, years=years)
    editable = permissions.can_edit_budget(current_user, association)
    forms = {}
    if editable:
        forms = {row.year: _blank_form(row) for row in rows}
        if posted is not None and posted[0] in forms:
            forms[posted[0]] = posted[1]
    key_forms = _key_forms(association, rows) if editable else {}
    if posted_key is not None and posted_key[0] in key_forms:
        key_forms[posted_key[0]] = posted_key[1]
    notes: dict[str, BudgetWarning] = {}
    for row in rows:
        for warning in row.warnings:
            if warning.code in SPLIT_NOTES:
                notes.setdefault(warning.code, warning)
    chart = balance_chart(
        rows,
        title=gettext(
            "Committed amounts and projected balance, %(first)s–%(last)s",
            first=years.start,
            last=years.stop - 1,
        ),
        description=" ".join(
            gettext(
                "%(year)s: committed %(committed)s tkr, projected balance %(balance)s tkr.",
                year=row.year,
                committed=tkr(row.committed_sek),
                balance=tkr(row.projected_balance_sek),
            )
            for row in rows
        ),
        labels={
            "unit": gettext("tkr"),
            "committed": gettext("Committed insatser"),
            "balance": gettext("Projected balance in December"),
        },
        tkr=tkr,
    )
    return (
        render_template(
            "budget/index.html",
            association=association,
            budgeted_years=set(budget.stored_figures(db.session, association.id)),
            region_names=", ".join(m.name for m in association.members if m.party == "region"),
            rows=rows,
            first_year=years.start,
            last_year=years.stop - 1,
            forms=forms,
            posted_year=posted[0] if posted is not None else None,
            errors=errors,
            notes=list(notes.values()),
            split_notes=SPLIT_NOTES,
            chart=chart,
            line_rows=_line_rows(rows),
            key_forms=key_forms,
            payers=_payers(association),
            outcome_forms={
                row.year: OutcomeForm(prefix=f"o{row.year}", formdata=None)
                for row in rows
                if editable
                and row.stored is not None
                and row.stored.lines
                and not row.stored.closed
            },
            lined=any(row.stored is not None and row.stored.lines for row in rows),
            category_labels=CATEGORY_LABELS,
            category_totals=budget.category_totals,
            tkr=tkr,
            kronor=format_decimal,
        ),
        status,
    )


@bp.route("/associations/<slug>/budget")
@cached_page
@login_required
def show(slug: str) -> ResponseReturnValue:
    """The budget of a range of years; officers also get a form per year."""
    association = _association(slug)
    errors = FormErrors()
    years = _years(errors)
    return _render(association, years, errors, status=422 if errors else 200)


@bp.route(f"/associations/<slug>/budget/<{YEAR}:year>", methods=["POST"])
@login_required
def save(slug: str, year: int) -> ResponseReturnValue:
    """Enter or change one year's budget (officers)."""
    association = _association(slug)
    if not permissions.can_edit_budget(current_user, association):
        abort(403)
    errors = FormErrors()
    # The years shown around the form: those of the page it came from, if they hold the year.
    years = _years(FormErrors())
    if year not in years:
        years = range(year, min(year + 4, limits.YEAR_MAX + 1))
    form = BudgetForm(prefix=f"y{year}")
    if not form.validate():
        errors.add_form(form)
        return _render(association, years, errors, posted=(year, form), status=422)
    with transaction.step() as refusal:
        set_budget(
            db.session,
            association,
            year,
            contributions_sek=form.contributions_sek.data,
            carried_over_sek=form.carried_over_sek.data,
            admin_costs_sek=form.admin_costs_sek.data,
            other_costs_sek=form.other_costs_sek.data,
            by=current_user,
            expected_version=form.version.data,
        )
    if (exc := refusal.error) is not None:
        if exc.problems:
            errors.add_problems(exc.problems, _locator(form))
        else:
            errors.add(None, "", exc.message)
        return _render(_association(slug), years, errors, posted=(year, form), status=exc.status)
    flash(gettext("The budget for %(year)s is saved.", year=year), "success")
    target = url_for(
        "budget.show",
        slug=association.slug,
        **{"from": years.start, "to": years.stop - 1},
    )
    return redirect(f"{target}#year-{year}", code=303)


def _payers(association: Association) -> list[Any]:
    """The members a contribution key shares the local half between: region, municipalities."""
    return [m for m in association.members if m.party in ("region", "municipality") and m.active]


def _key_forms(association: Association, rows: list[YearBudget]) -> dict[int, Any]:
    """A key form per year, filled from the year's key (or the members' own populations)."""
    keys = budget.stored_keys(db.session, association.id)
    payers = _payers(association)
    form_class = key_form(payers)
    forms = {}
    for row in rows:
        key = keys.get(row.year)
        data: dict[str, Any] = {
            "basis": key.basis if key else "population",
            "rounding_sek": key.rounding_sek if key else 1,
        }
        for member in payers:
            population, amount = key.entries.get(member.id, (None, None)) if key else (None, None)
            data[f"population_{member.id}"] = (
                population if population is not None else member.population
            )
            data[f"amount_{member.id}"] = amount
        forms[row.year] = form_class(prefix=f"k{row.year}", formdata=None, data=data)
    return forms


@bp.route(f"/associations/<slug>/budget/<{YEAR}:year>/key", methods=["POST"])
@login_required
def save_key(slug: str, year: int) -> ResponseReturnValue:
    """Set one year's contribution key (officers)."""
    association = _association(slug)
    if not permissions.can_edit_budget(current_user, association):
        abort(403)
    years = _years(FormErrors())
    if year not in years:
        years = range(year, min(year + 4, limits.YEAR_MAX + 1))
    payers = _payers(association)
    form = key_form(payers)(prefix=f"k{year}")
    errors = FormErrors()
    if not form.validate():
        errors.add_form(form)
        return _render(association, years, errors, posted_key=(year, form), status=422)
    fixed = form.basis.data == "fixed"
    entries = [
        {
            "member_id": m.id,
            "population": form[f"population_{m.id}"].data,
            "amount_sek": form[f"amount_{m.id}"].data if fixed else None,
        }
        for m in payers
    ]
    with transaction.step() as refusal:
        set_contribution_key(
            db.session,
            association,
            year,
            basis=form.basis.data,
            rounding_sek=form.rounding_sek.data,
            members=entries,
            by=current_user,
        )
    if (exc := refusal.error) is not None:
        for problem in exc.problems or ():
            parts = problem.field.split(".")
            if len(parts) == 3 and parts[0] == "members":
                member = payers[int(parts[1])]
                name = "population" if parts[2] == "population" else "amount"
                field = form[f"{name}_{member.id}"]
                errors.add(field.id, field.label.text, problem.message)
            elif problem.field in form._fields:
                errors.add(form[problem.field].id, form[problem.field].label.text, problem.message)
            else:
                errors.add(None, "", problem.message)
        if not exc.problems:
            errors.add(None, "", exc.message)
        return _render(
            _association(slug), years, errors, posted_key=(year, form), status=exc.status
        )
    flash(gettext("The contribution key for %(year)s is saved.", year=year), "success")
    target = url_for(
        "budget.show", slug=association.slug, **{"from": years.start, "to": years.stop - 1}
    )
    return redirect(f"{target}#key-{year}", code=303)


@bp.route(f"/associations/<slug>/budget/<{YEAR}:year>/outcome", methods=["POST"])
@login_required
def import_outcome(slug: str, year: int) -> ResponseReturnValue:
    """Read a year's outcome from the accounts (officers); the lines are matched by label."""
    association = _association(slug)
    if not permissions.can_edit_budget(current_user, association):
        abort(403)
    years = _years(FormErrors())
    if year not in years:
        years = range(year, min(year + 4, limits.YEAR_MAX + 1))
    form = OutcomeForm(prefix=f"o{year}")
    errors = FormErrors()
    if not form.validate():
        errors.add_form(form)
        return _render(association, years, errors, status=422)
    upload = form.file.data
    # The body is bounded by MAX_CONTENT_LENGTH before the view runs.
    outcomes, problems = parse_outcome(upload.read(), upload.filename or "", year)
    with transaction.step() as refusal:
        if problems:
            raise ValidationFailed(_l("Some fields are invalid."), problems=problems)
        record_outcome(db.session, association, year, outcomes, by=current_user)
    if (exc := refusal.error) is not None:
        for problem in exc.problems or ():
            errors.add(form.file.id, form.file.label.text, problem.message)
        if not exc.problems:
            errors.add(None, "", exc.message)
        return _render(_association(slug), years, errors, status=exc.status)
    flash(gettext("The outcome for %(year)s is saved.", year=year), "success")
    target = url_for(
        "budget.show", slug=association.slug, **{"from": years.start, "to": years.stop - 1}
    )
    return redirect(f"{target}#outcome-{year}", code=303)


def _export(association: Association) -> tuple[list[str], list[list[Any]], range]:
    """The budget of the years asked for as one table: a row per income, line and sum."""
    years = _years(FormErrors())
    rows = budget.projection(db.session, association, years=years)
    header = [
        gettext("Year"),
        gettext("Category"),
        gettext("Line"),
        gettext("Budget (SEK)"),
        gettext("Forecast (SEK)"),
        gettext("Outcome (SEK)"),
    ]
    income, total = gettext("Income"), gettext("Sum")
    table: list[list[Any]] = []
    for row in rows:
        stored = row.stored
        table.append(
            [row.year, income, gettext("Contributions"), row.contributions_sek, None, None]
        )
        table.append(
            [row.year, income, gettext("From the year before"), row.carried_over_sek, None, None]
        )
        for line in stored.lines if stored is not None else ():
            table.append(
                [
                    row.year,
                    str(CATEGORY_LABELS[line.category]),
                    line.label,
                    line.budget_sek,
                    line.forecast_sek,
                    line.outcome_sek,
                ]
            )
        if stored is None or not stored.lines:
            costs = gettext("Costs")
            table.append([row.year, costs, gettext("Insatser (decided)"), row.committed_sek])
            table[-1] += [None, None]
            table.append([row.year, costs, gettext("Administration"), row.admin_costs_sek])
            table[-1] += [None, None]
            table.append([row.year, costs, gettext("Other costs"), row.other_costs_sek])
            table[-1] += [None, None]
        table.append([row.year, total, gettext("Total income"), row.income_total_sek, None, None])
        table.append([row.year, total, gettext("Total costs"), row.cost_total_sek, None, None])
        table.append(
            [
                row.year,
                total,
                gettext("Result (prel. balanserat resultat)"),
                row.result_sek,
                None,
                None,
            ]
        )
    return header, table, years


@bp.route("/associations/<slug>/budget.csv")
@login_required
def export_csv(slug: str) -> ResponseReturnValue:
    """The budget of the years shown, as CSV (officers, board, chair, auditors)."""
    association = _association(slug)
    header, table, years = _export(association)
    name = f"budget-{association.slug}-{years.start}-{years.stop - 1}.csv"
    return http.csv_response(name, header, table)


@bp.route("/associations/<slug>/budget.xlsx")
@login_required
def export_xlsx(slug: str) -> ResponseReturnValue:
    """The budget of the years shown, as an XLSX workbook."""
    association = _association(slug)
    header, table, years = _export(association)
    name = f"budget-{association.slug}-{years.start}-{years.stop - 1}"
    return http.xlsx_response(f"{name}.xlsx", [Sheet(gettext("Budget"), header, table)])


@bp.app_template_global("budget_links")
def budget_links() -> list[tuple[str, str]]:
    """The budgets the signed-in user may read: (label, address), for the menu."""
    wanted = [
        a
        for a in permissions.association_ids(current_user)
        if permissions.BUDGET_READERS & permissions.roles_in(current_user, a)
    ]
    if not wanted:
        return []
    rows = associations.by_ids(db.session, wanted)
    several = len(rows) > 1
    label = gettext("Budget")
    return [
        (f"{label} – {row.name}" if several else label, url_for("budget.show", slug=row.slug))
        for row in rows
    ]
