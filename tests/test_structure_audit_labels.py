"""Every audited action has a name in words: the revisor's audit page shows no raw codes."""

from __future__ import annotations

import re
from pathlib import Path

from states import application, meeting, report
from workflow.labels import ACTION_LABELS

ROOT = Path(__file__).resolve().parents[1] / "workflow"


def _recorded_actions() -> set[str]:
    found: set[str] = set()
    for path in ROOT.rglob("*.py"):
        found |= set(re.findall(r'\baction="([a-z_]+)"', path.read_text(encoding="utf-8")))
    return found


def test_every_audited_action_has_a_label() -> None:
    recorded = _recorded_actions()
    assert len(recorded) > 20  # the scan itself found the actions
    steps = (
        {t.trigger for t in application.TRANSITIONS}
        | {t.trigger for t in meeting.TRANSITIONS}
        | {t.trigger for t in meeting.ITEM_TRANSITIONS}
        | {f"report_{t.trigger}" for t in report.TRANSITIONS}
    )
    missing = sorted((recorded | steps) - set(ACTION_LABELS))
    assert not missing, f"add to workflow/labels.ACTION_LABELS: {missing}"
