"""Shared form pieces: the CSRF-protected base form and fields that read blanks as "not given"."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError
from wtforms import Form, SelectChoice
from wtforms.fields import DateField, IntegerField, SelectField, SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget, TextInput

from workflow.i18n import _l


class BaseForm(FlaskForm):
    """Every page form: CSRF on (Flask-WTF reads WTF_CSRF_ENABLED), labels through Babel."""

    def validate(self, extra_validators: Any = None) -> bool:
        """Validate; a missing or wrong CSRF token is a 400 page, never a field message."""
        valid = super().validate(extra_validators)
        csrf_field = getattr(self, "csrf_token", None)
        if self.meta.csrf and csrf_field is not None and csrf_field.errors:
            raise CSRFError(str(csrf_field.errors[0]))
        return valid


class RowForm(Form):
    """One row of a repeated group (no CSRF field of its own: the page form carries it)."""

    def is_blank(self) -> bool:
        """Whether the user left every field of the row empty (blank rows are ignored)."""
        return all(_blank(field.raw_data or []) for field in self)


def _blank(raw: list[Any]) -> bool:
    return all(str(value).strip() == "" for value in raw)


class IntField(IntegerField):
    """A whole number; an empty input means "not given" (None), never an error."""

    # A text box with a numeric keyboard: type="number" lets browsers drop what they cannot parse.
    widget = TextInput()

    def __init__(self, label: Any = None, validators: Any = None, **kwargs: Any) -> None:
        render_kw = {"inputmode": "numeric", **(kwargs.pop("render_kw", None) or {})}
        super().__init__(label, validators, render_kw=render_kw, **kwargs)

    def process_formdata(self, valuelist: list[str]) -> None:
        if not valuelist:
            return
        # Swedish readers write thousands with (non-breaking) spaces: 1 500 000.
        raw = valuelist[0].replace("\u00a0", "").replace(" ", "").strip()
        if raw == "":
            self.data = None
            return
        try:
            self.data = int(raw)
        except ValueError:
            self.data = None
            raise ValueError(str(_l("Must be a whole number."))) from None

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else str(self.data)


class DateInput(DateField):
    """A date written YYYY-MM-DD; empty means "not given"."""

    def process_formdata(self, valuelist: list[str]) -> None:
        if not valuelist:
            return
        raw = valuelist[0].strip()
        if raw == "":
            self.data = None
            return
        try:
            self.data = datetime.date.fromisoformat(raw)
        except ValueError:
            self.data = None
            raise ValueError(str(_l("Must be a date written YYYY-MM-DD."))) from None


def options(pairs: Iterable[tuple[Any, Any]]) -> list[SelectChoice]:
    """Choices for a select, radio or checkbox group from (value, label) pairs."""
    return [SelectChoice(value=value, label=label) for value, label in pairs]


def optional_int(value: Any) -> int | None:
    """Coerce a choice value: blank is None, anything else must be a whole number."""
    if value is None or value == "":
        return None
    return int(value)


class IntSelectField(SelectField):
    """A drop-down of ids; membership is checked by the service, which names the problem."""

    def __init__(self, label: Any = None, validators: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("coerce", optional_int)
        kwargs.setdefault("validate_choice", False)
        kwargs.setdefault("invalid_value_message", _l("Choose one of the options."))
        super().__init__(label, validators, **kwargs)


class MultiCheckboxField(SelectMultipleField):
    """A group of checkboxes carrying ids."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, label: Any = None, validators: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("coerce", int)
        kwargs.setdefault("validate_choice", False)
        kwargs.setdefault("invalid_value_message", _l("Choose one of the options."))
        super().__init__(label, validators, **kwargs)
