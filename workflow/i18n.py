"""Translation helpers usable outside a request (CLI, tests) as well as inside one."""

from __future__ import annotations

from flask_babel import lazy_gettext

# `_l` marks a string for extraction and translates it when it is rendered.
_l = lazy_gettext

__all__ = ["_l"]
