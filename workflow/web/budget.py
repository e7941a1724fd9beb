"""The budget page: the carried-forward budget of a range of years, as a table and a chart."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_decimal, gettext
from flask_login import current_user, login_required

from forms.base import options
from forms.budget import (
    BLANK_LINES,
    RECORD_KINDS,
    BudgetForm,
    CloseYearForm,
    EconomyRecordForm,
    LinesForm,
    OutcomeForm,
    key_form,
)
from workflow import http, limits, permissions, transaction
from workflow.errors import NotFound, Problem, ValidationFailed
from workflow.extensions import db
from workflow.i18n import _l
from workflow.models import LINE_CATEGORIES, Association, today
from workflow.operations import associations
from workflow.operations.budget import (
    budget_row,
    budget_versions,
    close_year,
    economy_records_between,
    record_economy_step,
    record_outcome,
    set_budget,
    set_contribution_key,
)
from workflow.pagecache import cached_page
from workflow.rules import budget
from workflow.rules.budget import BudgetWarning, YearBudget
from workflow.rules.outcome import parse_outcome
from workflow.rules.tables import Sheet
from workflow.web.budget_chart import balance_chart
from workflow.web.formerrors import FormErrors, row_caption
from workflow.web.menu import in_menu

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
    posted_other: tuple[str, int, Any] | None = None,
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
            "Income, costs and capital, %(first)s–%(last)s",
            first=years.start,
            last=years.stop - 1,
        ),
        description=" ".join(
            gettext(
                "%(year)s: income %(income)s tkr, costs %(costs)s tkr, capital at the end"
                " of the year %(balance)s tkr (at most %(limit)s tkr recommended).",
                year=row.year,
                income=tkr(row.income_total_sek),
                costs=tkr(row.cost_total_sek),
                balance=tkr(row.projected_balance_sek),
                limit=tkr(row.capital_limit_sek),
            )
            for row in rows
        ),
        labels={
            "unit": gettext("tkr"),
            "income": gettext("Total income"),
            "costs": gettext("Total costs"),
            "balance": gettext("Capital at the end of the year"),
            "limit": gettext("Most capital recommended"),
        },
        tkr=tkr,
    )
    year_forms = _year_forms(association, rows) if editable else {}
    if posted_other is not None and posted_other[:2] in year_forms:
        year_forms[posted_other[:2]] = posted_other[2]
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
            year_forms=year_forms,
            records=_records(association, years),
            record_labels=dict(RECORD_KINDS),
            members_by_id={m.id: m for m in association.members},
            posted_other=posted_other[:2] if posted_other is not None else None,
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
    association = _editable(slug)
    errors = FormErrors()
    years = _page_years(year)
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
        return _refused(slug, years, errors, exc, _locator(form), posted=(year, form))
    flash(gettext("The budget for %(year)s is saved.", year=year), "success")
    return _back(association, years, f"year-{year}")


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
    association = _editable(slug)
    years = _page_years(year)
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

        def locate(name: str) -> tuple[str | None, Any, str | None]:
            parts = name.split(".")
            if len(parts) == 3 and parts[0] == "members":
                member = payers[int(parts[1])]
                kind = "population" if parts[2] == "population" else "amount"
                field = form[f"{kind}_{member.id}"]
                return field.id, field.label.text, None
            if name in form._fields:
                return form[name].id, form[name].label.text, None
            return None, "", None

        return _refused(slug, years, errors, exc, locate, posted_key=(year, form))
    flash(gettext("The contribution key for %(year)s is saved.", year=year), "success")
    return _back(association, years, f"key-{year}")


@bp.route(f"/associations/<slug>/budget/<{YEAR}:year>/outcome", methods=["POST"])
@login_required
def import_outcome(slug: str, year: int) -> ResponseReturnValue:
    """Read a year's outcome from the accounts (officers); the lines are matched by label."""
    association = _editable(slug)
    years = _page_years(year)
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
        # Every problem of an import is about the file.
        return _refused(
            slug, years, errors, exc, lambda _name: (form.file.id, form.file.label.text, None)
        )
    flash(gettext("The outcome for %(year)s is saved.", year=year), "success")
    return _back(association, years, f"outcome-{year}")


def _year_forms(association: Association, rows: list[YearBudget]) -> dict[tuple[str, int], Any]:
    """The forms of each year by (kind, year): its lines, the årsbokslut, the cycle's records."""
    insatser, categories = _insats_choices(association), _category_choices()
    members = [m for m in association.members if m.active]
    forms: dict[tuple[str, int], Any] = {}
    versions = budget_versions(db.session, association, [row.year for row in rows])
    for row in rows:
        stored = row.stored
        if stored is not None and not stored.closed:
            data = {
                "version": versions.get(row.year),
                "lines": [
                    {name: getattr(line, name) for name in LINE_FIELD_NAMES}
                    for line in stored.lines
                ]
                + [{} for _ in range(BLANK_LINES)],
            }
            lines_form = LinesForm(prefix=f"l{row.year}", formdata=None, data=data)
            _line_choices(lines_form, categories, insatser)
            forms[("lines", row.year)] = lines_form
            if stored.lines:
                forms[("close", row.year)] = CloseYearForm(
                    prefix=f"c{row.year}", formdata=None, data={"decided_on": today()}
                )
        record = EconomyRecordForm(prefix=f"r{row.year}", formdata=None)
        _record_choices(record, members)
        forms[("record", row.year)] = record
    return forms


LINE_FIELD_NAMES = (
    "category",
    "label",
    "application_id",
    "budget_sek",
    "forecast_sek",
    "outcome_sek",
)


def _records(association: Association, years: range) -> dict[int, list[Any]]:
    """The recorded steps of each year's cycle shown, in one statement."""
    found: dict[int, list[Any]] = {year: [] for year in years}
    for record in economy_records_between(db.session, association, years):
        found.setdefault(record.year, []).append(record)
    return found


def _category_choices() -> list[Any]:
    return options(list(CATEGORY_LABELS.items()))


def _insats_choices(association: Association) -> list[Any]:
    """The insatser a line may stand for: the applications granted money, by diary number."""
    applications = budget.granted_applications(db.session, association.id)
    return options(
        [
            ("", gettext("None")),
            *(
                (app_id, f"{diary_number or f'#{app_id}'} {title or ''}".strip())
                for app_id, diary_number, title in applications
            ),
        ]
    )


def _line_choices(form: LinesForm, categories: list[Any], insatser: list[Any]) -> None:
    for entry in form.lines.entries:
        entry.form.category.choices = categories
        entry.form.application_id.choices = insatser


def _record_choices(form: EconomyRecordForm, members: list[Any]) -> None:
    form.present_member_ids.choices = options((m.id, m.name) for m in members)
    form.member_id.choices = options([("", gettext("Choose…")), *((m.id, m.name) for m in members)])


def _page_years(year: int) -> range:
    """The years shown around a posted form: those of the page it came from, if they hold it."""
    years = _years(FormErrors())
    return years if year in years else range(year, min(year + 4, limits.YEAR_MAX + 1))


def _back(association: Association, years: range, anchor: str) -> ResponseReturnValue:
    """Back to the page of the years the form came from, at the part it changed."""
    target = url_for(
        "budget.show", slug=association.slug, **{"from": years.start, "to": years.stop - 1}
    )
    return redirect(f"{target}#{anchor}", code=303)


def _refused(
    slug: str,
    years: range,
    errors: FormErrors,
    exc: Any,
    locate: Callable[[str], tuple[str | None, Any, str | None]],
    **posted: Any,
) -> ResponseReturnValue:
    """The page again after a refused step: its problems placed, its form as posted (the
    `posted…` arguments of `_render`)."""
    if exc.problems:
        errors.add_problems(exc.problems, locate)
    else:
        errors.add(None, "", exc.message)
    return _render(_association(slug), years, errors, status=exc.status, **posted)


def _editable(slug: str) -> Association:
    """The association if the user keeps its budget: 404 if not theirs, 403 by role."""
    association = _association(slug)
    if not permissions.can_edit_budget(current_user, association):
        abort(403)
    return association


@bp.route(f"/associations/<slug>/budget/<{YEAR}:year>/lines", methods=["POST"])
@login_required
def save_lines(slug: str, year: int) -> ResponseReturnValue:
    """Replace one year's cost lines (officers); empty rows are dropped."""
    association = _editable(slug)
    years = _page_years(year)
    form = LinesForm(prefix=f"l{year}")
    _line_choices(form, _category_choices(), _insats_choices(association))
    errors = FormErrors()
    if not form.validate():
        errors.add_form(form)
        return _render(association, years, errors, posted_other=("lines", year, form), status=422)
    kept = [(i, e.form) for i, e in enumerate(form.lines.entries) if not e.form.is_blank()]
    lines = [{name: row[name].data for name in LINE_FIELD_NAMES} for _, row in kept]
    for line in lines:
        line["label"] = (line["label"] or "").strip()
    stored = budget_row(db.session, association, year)
    with transaction.step() as refusal:
        if stored is None:
            raise ValidationFailed(
                _l("Some fields are invalid."),
                problems=[Problem("lines", _l("Enter the year's budget first."))],
            )
        set_budget(
            db.session,
            association,
            year,
            contributions_sek=stored.contributions_sek,
            carried_over_sek=stored.carried_over_sek,
            admin_costs_sek=stored.admin_costs_sek,
            other_costs_sek=stored.other_costs_sek,
            lines=lines,
            by=current_user,
            expected_version=form.version.data,
        )
    if (exc := refusal.error) is not None:
        origins = [index for index, _ in kept]

        def locate(name: str) -> tuple[str | None, Any, str | None]:
            head, *rest = name.split(".")
            if head == "lines" and len(rest) == 2 and rest[0].isdigit():
                position = int(rest[0])
                if position < len(origins) and rest[1] in LINE_FIELD_NAMES:
                    field = form.lines.entries[origins[position]].form[rest[1]]
                    label = row_caption(form.lines.label.text, origins[position])
                    return field.id, f"{label}: {field.label.text}", None
            return None, "", None

        return _refused(slug, years, errors, exc, locate, posted_other=("lines", year, form))
    flash(gettext("The budget lines for %(year)s are saved.", year=year), "success")
    return _back(association, years, f"lines-{year}")


@bp.route(f"/associations/<slug>/budget/<{YEAR}:year>/close", methods=["POST"])
@login_required
def close(slug: str, year: int) -> ResponseReturnValue:
    """Record the board's årsbokslut for the year (officers)."""
    association = _editable(slug)
    years = _page_years(year)
    form = CloseYearForm(prefix=f"c{year}")
    errors = FormErrors()
    if not form.validate():
        errors.add_form(form)
        return _render(association, years, errors, posted_other=("close", year, form), status=422)
    with transaction.step() as refusal:
        close_year(db.session, association, year, decided_on=form.decided_on.data, by=current_user)
    if (exc := refusal.error) is not None:
        # Every problem of closing is about the year as a whole: shown at the date.
        return _refused(
            slug,
            years,
            errors,
            exc,
            lambda _name: (form.decided_on.id, form.decided_on.label.text, None),
            posted_other=("close", year, form),
        )
    flash(
        gettext("%(year)s is closed; its result is carried into the next year.", year=year),
        "success",
    )
    return _back(association, years, f"col-{year}")


@bp.route(f"/associations/<slug>/budget/<{YEAR}:year>/records", methods=["POST"])
@login_required
def add_record(slug: str, year: int) -> ResponseReturnValue:
    """Record a step of the year's cycle (officers): medlemssamråd, decisions, reports."""
    association = _editable(slug)
    years = _page_years(year)
    form = EconomyRecordForm(prefix=f"r{year}")
    _record_choices(form, [m for m in association.members if m.active])
    errors = FormErrors()
    if not form.validate():
        errors.add_form(form)
        return _render(association, years, errors, posted_other=("record", year, form), status=422)
    granted = {"yes": True, "no": False}.get(form.granted.data or "")
    with transaction.step() as refusal:
        record_economy_step(
            db.session,
            association,
            year,
            kind=form.kind.data or "",
            held_on=form.held_on.data,
            member_id=form.member_id.data,
            granted=granted,
            present_member_ids=form.present_member_ids.data or None,
            text=form.text.data,
            by=current_user,
        )
    if (exc := refusal.error) is not None:

        def locate(name: str) -> tuple[str | None, Any, str | None]:
            head = name.split(".")[0]
            if head in form._fields:
                return form[head].id, form[head].label.text, None
            return None, "", None

        return _refused(slug, years, errors, exc, locate, posted_other=("record", year, form))
    flash(gettext("Recorded for %(year)s.", year=year), "success")
    return _back(association, years, f"records-{year}")


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
    # The first column is the year: written without a thousands separator.
    sheet = Sheet(gettext("Budget"), header, table, plain=frozenset({0}))
    return http.xlsx_response(f"{name}.xlsx", [sheet])


@bp.app_template_global("budget_links")
def budget_links() -> list[tuple[str, str]]:
    """The budgets the signed-in user may read: (label, address), for the menu."""
    wanted = [
        a
        for a in in_menu(permissions.association_ids(current_user))
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
