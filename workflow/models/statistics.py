"""Statistics: the association's socio-economic parameters."""

from __future__ import annotations
