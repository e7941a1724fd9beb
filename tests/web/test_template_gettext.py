"""Templates translate through workflow.i18n's catalogues: by the locale in force at each string."""

from __future__ import annotations

from flask import Flask, render_template_string
from flask_babel import force_locale

PAGE = "{{ _('Sign in') }} | {{ ngettext('%(num)d application', '%(num)d applications', n) }}"


def test_a_page_speaks_swedish_and_force_locale_switches_it_for_a_while(app: Flask) -> None:
    with app.test_request_context("/login"):
        assert render_template_string(PAGE, n=1) == "Logga in | 1 ansökan"
        with force_locale("en"):  # how a mail goes out in its reader's language
            assert render_template_string(PAGE, n=3) == "Sign in | 3 applications"
        # The English catalogue, once used, does not stick to the request.
        assert render_template_string(PAGE, n=3) == "Logga in | 3 ansökningar"


def test_the_language_chosen_with_the_switch_is_the_one_rendered(app: Flask) -> None:
    with app.test_request_context("/login"):
        from flask import session

        session["lang"] = "en"
        assert render_template_string(PAGE, n=2) == "Sign in | 2 applications"


def test_outside_a_request_templates_speak_the_default_language(app: Flask) -> None:
    # An RQ worker renders protocols and mail in an app context without a request.
    assert render_template_string(PAGE, n=2) == "Logga in | 2 ansökningar"
