"""Helpers for the security tests: CSRF-carrying posts, TOTP codes, files of each kind."""

from __future__ import annotations

import io
import shutil
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests import factories


@pytest.fixture(autouse=True)
def _attachments_dir(app: Flask) -> Iterator[Path]:
    """Each test app writes attachments to its own directory, removed afterwards."""
    path = Path(app.config["ATTACHMENTS_DIR"])
    yield path
    shutil.rmtree(path, ignore_errors=True)


def token_of(client: FlaskClient, url: str) -> str:
    """The CSRF token of the first form on the page at `url`."""
    return factories.csrf_token(client.get(url).get_data(as_text=True))


@pytest.fixture
def post(client: FlaskClient) -> Callable[..., Any]:
    """POST a form with a CSRF token read from `from_page` (default: the page itself)."""

    def _post(
        url: str, data: dict[str, Any] | None = None, *, from_page: str | None = None, **kwargs: Any
    ) -> Any:
        form = dict(data or {})
        form.setdefault("csrf_token", token_of(client, from_page or url))
        return client.post(url, data=form, **kwargs)

    return _post


def code_at(secret: str, step_offset: int = 0) -> str:
    """The TOTP code of `secret` for the current 30-second step (or one beside it)."""
    return pyotp.TOTP(secret).at(time.time() + 30 * step_offset)


def pdf_bytes(text: str = "Utvärderingsplan") -> bytes:
    """A small PDF (only its signature matters to the check)."""
    return b"%PDF-1.4\n% " + text.encode() + b"\n%%EOF\n"


def ooxml_bytes(folder: str) -> bytes:
    """A minimal DOCX (`word`) or XLSX (`xl`) package."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{folder}/document.xml", "<document/>")
    return out.getvalue()


def odt_bytes(mimetype: str = "application/vnd.oasis.opendocument.text") -> bytes:
    """A minimal ODF package: `mimetype` first and stored."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", "<office:document-content/>")
    return out.getvalue()


FILES = {
    "pdf": ("plan.pdf", pdf_bytes()),
    "docx": ("plan.docx", ooxml_bytes("word")),
    "xlsx": ("budget.xlsx", ooxml_bytes("xl")),
    "odt": ("plan.odt", odt_bytes()),
}
