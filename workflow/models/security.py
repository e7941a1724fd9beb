"""Trust: two-factor sign-in and attachments."""

from __future__ import annotations
