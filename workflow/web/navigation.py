"""Where a page may send the browser next: only back to this site (no open redirect)."""

from __future__ import annotations

from urllib.parse import urlsplit


def safe_next(target: str | None) -> str | None:
    """`target` if it is a relative path on this host, else None."""
    if not target or not isinstance(target, str):
        return None
    # Browsers read a backslash as a slash, and strip tabs and newlines from URLs:
    # "/\\evil.example" and "/\t/evil.example" would leave the site.
    if "\\" in target or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target):
        return None
    if not target.startswith("/") or target.startswith("//"):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
