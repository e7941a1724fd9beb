"""Errors of a page form: per field (shown inline) and as a summary at the top of the page."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from flask import request
from flask_babel import gettext
from wtforms import Field, Form
from wtforms.fields import FieldList, FormField

from workflow.errors import Problem
from workflow.i18n import _l


@dataclass(frozen=True)
class SummaryEntry:
    """One line of the error summary: the message and the element its link moves focus to."""

    anchor: str | None
    label: str
    message: str


@dataclass
class FormErrors:
    """Messages keyed by the id of the element they describe (a field, or a group's fieldset)."""

    by_key: dict[str, list[str]] = field(default_factory=dict)
    summary: list[SummaryEntry] = field(default_factory=list)

    def add(self, key: str | None, label: Any, message: Any, *, anchor: str | None = None) -> None:
        """Record one message: inline under `key` (if any) and in the summary."""
        text = str(message)
        if key is not None:
            self.by_key.setdefault(key, []).append(text)
        self.summary.append(SummaryEntry(anchor or key, str(label or ""), text))

    def get(self, key: str) -> list[str]:
        """The inline messages of one field or group."""
        return self.by_key.get(key, [])

    def error_id(self, key: str) -> str | None:
        """The id of the element holding the field's messages, for aria-describedby."""
        return f"{key}-error" if key in self.by_key else None

    def aria(self, key: str, hint: Any = None) -> dict[str, str]:
        """The ARIA attributes of a field: its hint and error texts, and whether it is invalid."""
        described = [f"{key}-hint"] if hint else []
        attrs: dict[str, str] = {}
        if key in self.by_key:
            described.append(f"{key}-error")
            attrs["aria-invalid"] = "true"
        if described:
            attrs["aria-describedby"] = " ".join(described)
        return attrs

    def __bool__(self) -> bool:
        return bool(self.summary)

    def add_form(self, form: Form, *, labels: dict[str, Any] | None = None) -> None:
        """Collect the messages WTForms found while parsing and validating."""
        for item in form:
            if item.type in {"CSRFTokenField", "SubmitField"}:
                continue
            self._add_field(item, str(item.label.text), labels or {})

    def _add_field(self, item: Field, label: str, labels: dict[str, Any]) -> None:
        if isinstance(item, FieldList):
            for index, entry in enumerate(item.entries):
                row_label = row_caption(label, index)
                self._add_field(entry, row_label, labels)
            return
        if isinstance(item, FormField):
            for sub in item.form:
                self._add_field(sub, f"{label}: {sub.label.text}", labels)
            return
        for message in item.errors:
            self.add(item.id, labels.get(item.id, label), message)

    def add_row_problems(self, rows: FieldList, origin: list[int], refused: Any) -> None:
        """Place a refused step's problems on the rows they came from.

        A problem names `<group>.<n>.<field>` in the list the step got, which left out blank
        rows: `origin[n]` is the row's place on the page. Any other problem goes to the summary.
        """
        for problem in refused.problems or ():
            parts = problem.field.split(".")
            if len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < len(origin):
                index = origin[int(parts[1])]
                field = rows.entries[index].form[parts[2]]
                caption = row_caption(rows.label.text, index)
                self.add(field.id, f"{caption}: {field.label.text}", problem.message)
            else:
                self.add(None, "", problem.message)
        if not refused.problems:
            self.add(None, "", refused.message)

    def add_problems(
        self,
        problems: Iterable[Problem],
        locate: Callable[[str], tuple[str | None, Any, str | None]],
    ) -> None:
        """Place service or schema problems; `locate` maps a field name to (key, label, anchor)."""
        for problem in problems:
            key, label, anchor = locate(problem.field)
            self.add(key, label, problem.message, anchor=anchor)


def int_arg(name: str, errors: FormErrors, label: str) -> int | None:
    """A whole number from the query string (None when absent); a problem goes to `errors`."""
    raw = (request.args.get(name) or "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        errors.add(name, label, _l("Must be a whole number."))
        return None
    return int(raw)


def row_caption(group_label: Any, index: int) -> str:
    """How a row is named in the summary, e.g. "Budget per year, row 2"."""
    return gettext("%(group)s, row %(n)s", group=str(group_label), n=index + 1)
