"""What changed between two frozen versions: words in text fields, rows in tables.

Pure functions on two content snapshots (services.applications.content); no database,
no Flask. The compare page and the API both render what these return.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from workflow.rules.sections import SECTIONS, section_content

Op = Literal["equal", "insert", "delete"]
RowStatus = Literal["added", "removed", "changed", "unchanged"]

# Free text: compared word by word.
TEXT_FIELDS = frozenset(
    {
        "title",
        "target_group",
        "follow_up_plan",
        "gender_equality_plan",
        "continuation_plan",
        "steering_group",
        "activity_description",
        "report_plan",
        "results_summary",
    }
)
# A list of member ids whose order carries no meaning.
SET_FIELDS = frozenset({"partner_member_ids"})

# Words (letters and digits, Swedish ones too), runs of punctuation, runs of whitespace.
_TOKEN = re.compile(r"\w+|[^\w\s]+|\s+")


@dataclass(frozen=True)
class TableSpec:
    """How the rows of a list field are matched: by key columns, or by position when None."""

    key: tuple[str, ...] | None
    columns: tuple[str, ...]


TABLES: dict[str, TableSpec] = {
    "budget": TableSpec(key=("year",), columns=("amount_sek",)),
    "cofunding": TableSpec(key=("member_id", "year"), columns=("amount_sek",)),
    # Goals have no key of their own: rows are aligned as a sequence.
    "goals": TableSpec(key=None, columns=("description", "indicator", "target")),
}


@dataclass(frozen=True)
class Chunk:
    """A run of text that is in both versions, only in the new one, or only in the old one."""

    op: Op
    text: str


@dataclass(frozen=True)
class TextDiff:
    """A free-text field, compared word by word."""

    field: str
    old: str | None
    new: str | None
    chunks: tuple[Chunk, ...]
    kind: Literal["text"] = "text"

    @property
    def changed(self) -> bool:
        return self.old != self.new


@dataclass(frozen=True)
class ValueDiff:
    """A single value (a number, a date, a choice)."""

    field: str
    old: Any
    new: Any
    kind: Literal["value"] = "value"

    @property
    def changed(self) -> bool:
        return self.old != self.new


@dataclass(frozen=True)
class SetDiff:
    """A set of ids: which were added and which removed."""

    field: str
    old: tuple[Any, ...]
    new: tuple[Any, ...]
    added: tuple[Any, ...]
    removed: tuple[Any, ...]
    kind: Literal["set"] = "set"

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed)


@dataclass(frozen=True)
class RowDiff:
    """One row of a table in either version, with the columns that differ."""

    status: RowStatus
    old: dict[str, Any] | None
    new: dict[str, Any] | None
    changed_columns: tuple[str, ...] = ()


@dataclass(frozen=True)
class TableDiff:
    """A list of rows (budget, co-funding, goals), row by row."""

    field: str
    columns: tuple[str, ...]
    key: tuple[str, ...] | None
    rows: tuple[RowDiff, ...]
    kind: Literal["table"] = "table"

    @property
    def changed(self) -> bool:
        return any(row.status != "unchanged" for row in self.rows)


FieldDiff = TextDiff | ValueDiff | SetDiff | TableDiff


@dataclass(frozen=True)
class SectionDiff:
    """One section of the application in two versions."""

    key: str
    changed: bool
    fields: tuple[FieldDiff, ...]


def tokens(text: str | None) -> list[str]:
    """The words, punctuation and whitespace of a text, in order; joined they give it back."""
    return _TOKEN.findall(text or "")


def _merged(chunks: list[Chunk]) -> tuple[Chunk, ...]:
    """Adjacent chunks of the same kind as one."""
    merged: list[Chunk] = []
    for chunk in chunks:
        if not chunk.text:
            continue
        if merged and merged[-1].op == chunk.op:
            merged[-1] = Chunk(chunk.op, merged[-1].text + chunk.text)
        else:
            merged.append(chunk)
    return tuple(merged)


def word_diff(old: str | None, new: str | None) -> tuple[Chunk, ...]:
    """The two texts as equal, deleted and inserted runs of words (difflib on word tokens)."""
    a, b = tokens(old), tokens(new)
    # Whitespace does not anchor a match, so a rewritten sentence is not cut into
    # single words around the spaces it happens to share.
    matcher = difflib.SequenceMatcher(str.isspace, a, b, autojunk=False)
    chunks: list[Chunk] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            chunks.append(Chunk("equal", "".join(a[i1:i2])))
            continue
        if tag in ("delete", "replace"):
            chunks.append(Chunk("delete", "".join(a[i1:i2])))
        if tag in ("insert", "replace"):
            chunks.append(Chunk("insert", "".join(b[j1:j2])))
    return _merged(chunks)


def old_side(chunks: Sequence[Chunk]) -> list[Chunk]:
    """What the old version showed: its equal and deleted runs."""
    return [c for c in chunks if c.op != "insert"]


def new_side(chunks: Sequence[Chunk]) -> list[Chunk]:
    """What the new version shows: its equal and inserted runs."""
    return [c for c in chunks if c.op != "delete"]


def _compare(old: dict[str, Any], new: dict[str, Any], columns: tuple[str, ...]) -> RowDiff:
    changed = tuple(c for c in columns if old.get(c) != new.get(c))
    return RowDiff("changed" if changed else "unchanged", old, new, changed)


def _sortable(key: tuple[Any, ...]) -> tuple[tuple[int, Any], ...]:
    """A sort key for row keys: numbers in numeric order, anything else after, as text."""
    return tuple((0, v) if isinstance(v, int) else (1, str(v)) for v in key)


def _keyed_rows(
    old: list[dict[str, Any]], new: list[dict[str, Any]], spec: TableSpec
) -> list[RowDiff]:
    columns = spec.key or ()

    def key(row: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(row.get(k) for k in columns)

    old_by, new_by = {key(r): r for r in old}, {key(r): r for r in new}
    rows = []
    for k in sorted(old_by.keys() | new_by.keys(), key=_sortable):
        before, after = old_by.get(k), new_by.get(k)
        if before is None:
            rows.append(RowDiff("added", None, after))
        elif after is None:
            rows.append(RowDiff("removed", before, None))
        else:
            rows.append(_compare(before, after, spec.columns))
    return rows


def _sequence_rows(
    old: list[dict[str, Any]], new: list[dict[str, Any]], spec: TableSpec
) -> list[RowDiff]:
    a = [tuple(r.get(c) for c in spec.columns) for r in old]
    b = [tuple(r.get(c) for c in spec.columns) for r in new]
    rows: list[RowDiff] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pairs = zip(range(i1, i2), range(j1, j2), strict=True)
            rows.extend(RowDiff("unchanged", old[i], new[j]) for i, j in pairs)
            continue
        paired = min(i2 - i1, j2 - j1) if tag == "replace" else 0
        # A replaced block pairs its rows in order: the same goal reworded is "changed".
        rows.extend(_compare(old[i1 + n], new[j1 + n], spec.columns) for n in range(paired))
        rows.extend(RowDiff("removed", old[i], None) for i in range(i1 + paired, i2))
        rows.extend(RowDiff("added", None, new[j]) for j in range(j1 + paired, j2))
    return rows


def table_diff(
    field: str, old: list[dict[str, Any]] | None, new: list[dict[str, Any]] | None
) -> TableDiff:
    """The rows of a list field in both versions: added, removed, changed or unchanged."""
    spec = TABLES[field]
    before, after = list(old or []), list(new or [])
    if spec.key is None:
        rows = _sequence_rows(before, after, spec)
    else:
        rows = _keyed_rows(before, after, spec)
    return TableDiff(field, spec.columns, spec.key, tuple(rows))


def set_diff(field: str, old: list[Any] | None, new: list[Any] | None) -> SetDiff:
    """Which ids the new version adds and which it drops."""
    before, after = list(old or []), list(new or [])
    return SetDiff(
        field,
        tuple(before),
        tuple(after),
        added=tuple(x for x in after if x not in before),
        removed=tuple(x for x in before if x not in after),
    )


def field_diff(field: str, old: Any, new: Any) -> FieldDiff:
    """The difference in one field, by the kind of field it is."""
    if field in TEXT_FIELDS:
        return TextDiff(field, old, new, word_diff(old, new))
    if field in SET_FIELDS:
        return set_diff(field, old, new)
    if field in TABLES:
        return table_diff(field, old, new)
    return ValueDiff(field, old, new)


def diff_snapshots(old: dict[str, Any], new: dict[str, Any]) -> list[SectionDiff]:
    """Every section of the application, field by field, in page order."""
    result = []
    for section in SECTIONS:
        fields = tuple(field_diff(name, old.get(name), new.get(name)) for name in section.fields)
        changed = section_content(old, section.key) != section_content(new, section.key)
        result.append(SectionDiff(section.key, changed, fields))
    return result
