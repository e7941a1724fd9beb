#!/bin/sh
# Extract every translatable string, merge it into the Swedish catalog, compile it.
#   scripts/translations.sh           extract + update + compile
#   scripts/translations.sh compile   compile only (what `make install` needs)
# Runs one at a time (flock), since parallel runs would overwrite each other's catalog.
set -eu
cd "$(dirname "$0")/.."
if [ -z "${FINSAM_TRANSLATIONS_LOCKED:-}" ] && command -v flock >/dev/null; then
    FINSAM_TRANSLATIONS_LOCKED=1 exec flock /tmp/finsam-translations.lock "$0" "$@"
fi
PYBABEL="${PYBABEL:-.venv/bin/pybabel}"
CATALOG_DIR=workflow/translations
POT="${TMPDIR:-/tmp}/finsam-messages.pot"

if [ "${1:-}" != "compile" ]; then
    "$PYBABEL" extract -F babel.cfg -k _l -k lazy_gettext -k lazy_ngettext:1,2 --add-location=file --sort-output \
        --project finsam-grants -o "$POT" .
    if [ -f "$CATALOG_DIR/sv/LC_MESSAGES/messages.po" ]; then
        "$PYBABEL" update -i "$POT" -d "$CATALOG_DIR" -l sv --no-fuzzy-matching --ignore-obsolete
    else
        "$PYBABEL" init -i "$POT" -d "$CATALOG_DIR" -l sv
    fi
    rm -f "$POT"
    # Work in progress keeps its Swedish in workflow/translations/pending/*.po until merged.
    if ls "$CATALOG_DIR"/pending/*.po >/dev/null 2>&1; then
        "${PYTHON:-.venv/bin/python}" scripts/fill_translations.py
    fi
fi
"$PYBABEL" compile -d "$CATALOG_DIR" --statistics
