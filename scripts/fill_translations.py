"""Fill empty Swedish msgstr in the catalog from pending .po files (one per work stream)."""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

CATALOG = Path("workflow/translations/sv/LC_MESSAGES/messages.po")
PENDING = Path("workflow/translations/pending")


def main() -> int:
    """Copy translations from every pending file into the catalog where it has none."""
    sources = [Path(p) for p in sys.argv[1:]] or sorted(PENDING.glob("*.po"))
    if not sources:
        return 0
    with CATALOG.open("rb") as fh:
        catalog = read_po(fh, locale="sv")
    filled = 0
    for source in sources:
        with source.open("rb") as fh:
            pending = read_po(fh, locale="sv")
        for message in pending:
            if not message.id or not message.string:
                continue
            target = catalog.get(message.id)
            # A plural's string is a tuple, empty when every form is empty.
            empty = target is not None and not (
                any(target.string) if isinstance(target.string, tuple) else target.string
            )
            if target is not None and empty:
                target.string = message.string
                filled += 1
    with CATALOG.open("wb") as fh:
        write_po(fh, catalog, width=100, sort_output=True, include_previous=False)
    sys.stdout.write(f"filled {filled} translations from {len(sources)} pending file(s)\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
