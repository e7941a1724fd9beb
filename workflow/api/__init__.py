"""The JSON API blueprint (/api/v1): bearer tokens only, JSON errors, an OpenAPI document."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

# Importing the modules registers their error handlers and routes on `bp`.
from workflow.api import (  # noqa: E402
    annotations,
    applications,
    associations,
    audit,
    beredning,
    budgets,
    errors,
    meetings,
    openapi,
    queues,
    tokens,
    versions,
)

__all__ = [
    "annotations",
    "applications",
    "associations",
    "audit",
    "beredning",
    "bp",
    "budgets",
    "errors",
    "meetings",
    "openapi",
    "queues",
    "tokens",
    "versions",
]
