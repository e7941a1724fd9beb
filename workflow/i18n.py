"""Translation helpers usable outside a request (CLI, tests) as well as inside one."""

from __future__ import annotations

from babel.support import NullTranslations
from flask import Flask
from flask_babel import format_decimal, get_locale, get_translations, lazy_gettext

# `_l` marks a string for extraction and translates it when it is rendered.
_l = lazy_gettext


class Kronor(int):
    """A whole-kronor amount that prints with the request's digit grouping (1 234 567)."""

    def __str__(self) -> str:
        return format_decimal(int(self))


def install_template_gettext(app: Flask) -> None:
    """Templates translate through one locale lookup per string instead of Flask-Babel's three."""
    # A meeting page translates about 1,100 strings, and Flask-Babel resolves its context,
    # domain and locale name for each: a tenth of that page's render (73 -> 64 ms measured).
    # The catalogues are loaded once per locale for the process either way; here they are
    # kept per app, by locale.
    catalogues: dict[tuple[str | None, ...], NullTranslations] = {}

    def translations() -> NullTranslations:
        locale = get_locale()  # the request's, or force_locale's (mail to another reader)
        if locale is None:  # outside an app context: no catalogue, as Flask-Babel does
            return get_translations()
        key = (locale.language, locale.territory, locale.script, locale.variant)
        found = catalogues.get(key)
        if found is None:
            found = catalogues[key] = get_translations()
        return found

    def gettext(string: str) -> str:
        return translations().ugettext(string)

    def ngettext(singular: str, plural: str, n: int) -> str:
        return translations().ungettext(singular, plural, n)

    def pgettext(context: str, string: str) -> str:
        return translations().upgettext(context, string)

    def npgettext(context: str, singular: str, plural: str, n: int) -> str:
        return translations().unpgettext(context, singular, plural, n)

    # install_gettext_callables comes with Jinja's i18n extension (Flask-Babel adds it).
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=gettext, ngettext=ngettext, pgettext=pgettext, npgettext=npgettext, newstyle=True
    )


__all__ = ["Kronor", "_l", "install_template_gettext"]
