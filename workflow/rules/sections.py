"""The sections of an application: what annotations point at and what the diff compares."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from workflow.i18n import _l


@dataclass(frozen=True)
class Section:
    """A named part of the application and the content fields it holds."""

    key: str
    label: Any
    fields: tuple[str, ...]


SECTIONS: tuple[Section, ...] = (
    Section(
        "basics", _l("Basic details"), ("title", "kind", "lead_member_id", "partner_member_ids")
    ),
    Section(
        "target_group",
        _l("Target group"),
        ("target_group", "age_min", "age_max", "participants_women", "participants_men"),
    ),
    Section("period", _l("Period"), ("start_date", "end_date")),
    Section("budget", _l("Budget per year"), ("budget",)),
    Section("cofunding", _l("Co-funding"), ("cofunding",)),
    Section("goals", _l("Goals"), ("goals",)),
    Section("follow_up_plan", _l("Follow-up and evaluation plan"), ("follow_up_plan",)),
    Section("gender_equality_plan", _l("Gender equality plan"), ("gender_equality_plan",)),
    Section("continuation_plan", _l("Continuation funding plan"), ("continuation_plan",)),
    Section("steering_group", _l("Steering group"), ("steering_group",)),
    Section(
        "liv",
        _l("Long-term integrated activity (LIV)"),
        ("activity_description", "report_plan", "results_summary"),
    ),
)
BY_KEY: dict[str, Section] = {s.key: s for s in SECTIONS}


def section_content(snapshot: dict[str, Any], key: str) -> dict[str, Any]:
    """The part of a content snapshot (services.applications.content) one section holds."""
    return {name: snapshot.get(name) for name in BY_KEY[key].fields}


def changed_sections(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """The keys of the sections whose content differs between two snapshots, in page order."""
    return [s.key for s in SECTIONS if section_content(old, s.key) != section_content(new, s.key)]
