"""Frozen versions of an application: the list, one snapshot, and the difference of two."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field
from sqlmodel import select

from workflow.api.paging import paginate
from workflow.api.registry import ID, route
from workflow.api.schemas import ActorOut, ApplicationContentOut, Out, Page, PageQuery, Timestamp
from workflow.api.serializers import timestamp
from workflow.extensions import db
from workflow.models import ApplicationVersion, User
from workflow.operations import annotations, applications
from workflow.rules import diff
from workflow.rules.diff import FieldDiff, SectionDiff

APPLICATION = f"/applications/<{ID}:application_id>"
NUMBER = {"description": "The version's number (1 is the first submission)."}

SectionName = Literal[tuple(s.key for s in diff.SECTIONS)]  # type: ignore[valid-type]


class VersionOut(Out):
    """A frozen version: what was submitted (or resubmitted), when and by whom."""

    number: int
    trigger: str = Field(description="The step that froze it: `submit` or `resubmit`.")
    created_at: Timestamp
    created_by: ActorOut | None


class SnapshotOut(ApplicationContentOut):
    """The application's fields as they stood in the version."""


class VersionDetailOut(VersionOut):
    """A frozen version with its content."""

    snapshot: SnapshotOut


class ChunkOut(Out):
    op: Literal["equal", "insert", "delete"]
    text: str


class TextDiffOut(Out):
    """A text field compared word by word."""

    kind: Literal["text"]
    field: str
    changed: bool
    old: str | None
    new: str | None
    chunks: list[ChunkOut] = Field(
        description="Joined, `equal` and `delete` give the old text, `equal` and `insert` the new."
    )


class ValueDiffOut(Out):
    """A single value (a number, a date, a choice)."""

    kind: Literal["value"]
    field: str
    changed: bool
    old: int | str | None
    new: int | str | None


class SetDiffOut(Out):
    """Member ids: which the new version adds and which it drops."""

    kind: Literal["set"]
    field: str
    changed: bool
    old: list[int]
    new: list[int]
    added: list[int]
    removed: list[int]


class RowDiffOut(Out):
    status: Literal["added", "removed", "changed", "unchanged"]
    old: dict[str, Any] | None
    new: dict[str, Any] | None
    changed_columns: list[str]


class TableDiffOut(Out):
    """Rows of budget, co-funding or goals: matched by key, goals by position in sequence."""

    kind: Literal["table"]
    field: str
    changed: bool
    key: list[str] | None = Field(description="The columns rows are matched by; null: by order.")
    columns: list[str]
    rows: list[RowDiffOut]


FieldDiffOut = Annotated[
    TextDiffOut | ValueDiffOut | SetDiffOut | TableDiffOut, Field(discriminator="kind")
]


class SectionDiffOut(Out):
    section: SectionName
    changed: bool
    fields: list[FieldDiffOut]


class DiffOut(Out):
    """Two versions compared section by section."""

    a: int
    b: int
    changed_sections: list[SectionName] = Field(description="In page order.")
    sections: list[SectionDiffOut]


# --- serialisers ---------------------------------------------------------------------------


def _creator(version: ApplicationVersion) -> User | None:
    return db.session.get(User, version.created_by_id)


def version_json(version: ApplicationVersion) -> dict[str, Any]:
    """A version without its content."""
    creator = _creator(version)
    return {
        "number": version.number,
        "trigger": version.trigger,
        "created_at": timestamp(version.created_at),
        "created_by": {"id": creator.id, "name": creator.name} if creator is not None else None,
    }


LIST_FIELDS = frozenset({"partner_member_ids", "budget", "cofunding", "goals"})


def snapshot_json(snapshot: dict[str, Any]) -> dict[str, Any]:
    """Every field of SnapshotOut; one missing from an older snapshot reads as empty."""
    data = {}
    for name in SnapshotOut.model_fields:
        value = snapshot.get(name)
        data[name] = (value or []) if name in LIST_FIELDS else value
    return data


def field_diff_json(f: FieldDiff) -> dict[str, Any]:
    """One field's difference, by kind."""
    base = {"kind": f.kind, "field": f.field, "changed": f.changed}
    if isinstance(f, diff.TextDiff):
        return {
            **base,
            "old": f.old,
            "new": f.new,
            "chunks": [{"op": c.op, "text": c.text} for c in f.chunks],
        }
    if isinstance(f, diff.SetDiff):
        return {
            **base,
            "old": list(f.old),
            "new": list(f.new),
            "added": list(f.added),
            "removed": list(f.removed),
        }
    if isinstance(f, diff.TableDiff):
        return {
            **base,
            "key": list(f.key) if f.key is not None else None,
            "columns": list(f.columns),
            "rows": [
                {
                    "status": r.status,
                    "old": r.old,
                    "new": r.new,
                    "changed_columns": list(r.changed_columns),
                }
                for r in f.rows
            ],
        }
    return {**base, "old": f.old, "new": f.new}


def section_diff_json(s: SectionDiff) -> dict[str, Any]:
    """One section's difference."""
    return {
        "section": s.key,
        "changed": s.changed,
        "fields": [field_diff_json(f) for f in s.fields],
    }


# --- endpoints -----------------------------------------------------------------------------


@route(
    f"{APPLICATION}/versions",
    summary="List the frozen versions",
    tag="versions",
    query=PageQuery,
    response=Page[VersionOut],
)
def list_versions(user: User, application_id: int, query: PageQuery) -> dict[str, Any]:
    """Oldest first; whoever sees the application sees its versions."""
    app = applications.load_visible(db.session, application_id, user)
    statement = (
        select(ApplicationVersion)
        .where(ApplicationVersion.application_id == app.id)
        .order_by(ApplicationVersion.number)  # type: ignore[arg-type]
    )
    return paginate(db.session, statement, query, version_json)


@route(
    f"{APPLICATION}/versions/<{ID}:number>",
    summary="Read one frozen version",
    tag="versions",
    response=VersionDetailOut,
    params={"number": NUMBER},
)
def get_version(user: User, application_id: int, number: int) -> dict[str, Any]:
    """The application's fields as they were submitted in that version."""
    app = applications.load_visible(db.session, application_id, user)
    version = annotations.version_of(db.session, app, number)
    return {**version_json(version), "snapshot": snapshot_json(version.snapshot)}


@route(
    f"{APPLICATION}/versions/<{ID}:a>/diff/<{ID}:b>",
    summary="Compare two frozen versions",
    tag="versions",
    response=DiffOut,
    params={"a": NUMBER, "b": NUMBER},
)
def diff_versions(user: User, application_id: int, a: int, b: int) -> dict[str, Any]:
    """Section by section: text word by word, budget, co-funding and goals row by row."""
    app = applications.load_visible(db.session, application_id, user)
    old = annotations.version_of(db.session, app, a)
    new = annotations.version_of(db.session, app, b)
    sections = diff.diff_snapshots(old.snapshot, new.snapshot)
    return {
        "a": a,
        "b": b,
        "changed_sections": [s.key for s in sections if s.changed],
        "sections": [section_diff_json(s) for s in sections],
    }
