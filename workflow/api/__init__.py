"""The JSON API blueprint (/api/v1): bearer tokens only, JSON errors, an OpenAPI document."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

# Importing the modules registers their error handlers and routes on `bp`.
from workflow.api import (  # noqa: E402
    accounts,
    annotations,
    applications,
    associations,
    attachments,
    audit,
    beredning,
    budgets,
    classification,
    delegations,
    errors,
    kallelse,
    liv,
    medlemsrad,
    meetings,
    national,
    openapi,
    protocols,
    queues,
    reports,
    shares,
    statistics,
    tokens,
    versions,
)
from workflow.security import limit_api  # noqa: E402

limit_api(bp)

__all__ = [
    "accounts",
    "annotations",
    "applications",
    "associations",
    "attachments",
    "audit",
    "beredning",
    "bp",
    "budgets",
    "classification",
    "delegations",
    "errors",
    "kallelse",
    "liv",
    "medlemsrad",
    "meetings",
    "national",
    "openapi",
    "protocols",
    "queues",
    "reports",
    "shares",
    "statistics",
    "tokens",
    "versions",
]
