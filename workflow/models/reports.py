"""After the decision: start, reporting plan, yearly and final reports."""

from __future__ import annotations
