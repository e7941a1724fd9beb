"""Every user-facing text has its Swedish form: extract the catalog afresh and compare."""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "workflow" / "translations" / "sv" / "LC_MESSAGES" / "messages.po"
# The same keywords as scripts/translations.sh passes to `pybabel extract`.
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "lazy_ngettext": (1, 2)}


def _extracted() -> Catalog:
    with (ROOT / "babel.cfg").open(encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    catalog = Catalog(locale="sv")
    for filename, lineno, message, comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def _swedish() -> Catalog:
    with PO.open("rb") as source:
        return read_po(source, locale="sv")


def _translated(message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(s and s.strip() for s in strings)


def test_every_message_has_a_swedish_translation():
    extracted = _extracted()
    swedish = _swedish()
    assert len([m for m in extracted if m.id]) > 100  # the extraction itself worked
    problems = []
    for message in extracted:
        if not message.id:
            continue
        known = swedish.get(message.id, context=message.context)
        where = ", ".join(sorted({f for f, _ in message.locations}))
        if known is None:
            problems.append(f"missing: {message.id!r} ({where})")
        elif known.fuzzy:
            problems.append(f"fuzzy: {message.id!r} ({where})")
        elif not _translated(known):
            problems.append(f"untranslated: {message.id!r} ({where})")
    assert not problems, "run scripts/translations.sh and translate:\n" + "\n".join(problems)


def test_translations_keep_their_placeholders():
    swedish = _swedish()
    problems = [
        f"{message.id!r}: {error}"
        for message in swedish
        if message.id and not message.fuzzy
        for error in message.check(swedish)
    ]
    assert not problems, "\n".join(problems)


def test_the_catalog_has_no_leftover_entries():
    extracted = _extracted()
    stale = [m.id for m in _swedish() if m.id and extracted.get(m.id, context=m.context) is None]
    assert not stale, "run scripts/translations.sh to drop: " + ", ".join(map(repr, stale))
