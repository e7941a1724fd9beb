"""LIV: long-term integrated activities, their yearly decisions and uppdragsavtal."""

from __future__ import annotations
