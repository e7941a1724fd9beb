"""Protocols: justering, posting (anslag) and extracts (protokollsutdrag)."""

from __future__ import annotations
