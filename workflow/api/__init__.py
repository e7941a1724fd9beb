"""The JSON API blueprint (/api/v1): bearer tokens only, JSON errors, an OpenAPI document."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

# Importing the modules registers their error handlers and routes on `bp`.
from workflow.api import (  # noqa: E402
    applications,
    associations,
    audit,
    errors,
    openapi,
    tokens,
)

__all__ = ["applications", "associations", "audit", "bp", "errors", "openapi", "tokens"]
