"""PDF documents from HTML templates (WeasyPrint): the protocol and its extracts."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from flask import current_app, render_template
from weasyprint import CSS, HTML

STYLESHEET = Path(__file__).resolve().parents[1] / "static" / "protocol.css"


@cache
def _stylesheet() -> CSS:
    """The print stylesheet, parsed once per process."""
    return CSS(filename=str(STYLESHEET))


def render(template: str, **context: Any) -> bytes:
    """Render `template` with `context` and lay it out as an A4 PDF."""
    html = render_template(template, **context)
    # No base URL: the documents load nothing (no images, no external fonts).
    document = HTML(string=html, url_fetcher=_no_fetch)
    current_app.logger.debug("Rendering %s as PDF", template)
    return document.write_pdf(stylesheets=[_stylesheet()])


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> Any:
    """Refuse every fetch: a document built from stored text must never reach the network."""
    raise ValueError(f"Refused to fetch {url}")
