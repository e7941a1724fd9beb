"""GET /healthz: the load balancer's probe and the benchmark's baseline (one trivial query)."""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from workflow.extensions import db

bp = Blueprint("health", __name__)


@bp.route("/healthz")
def healthz() -> ResponseReturnValue:
    """200 when the database answers, 503 when it does not."""
    try:
        db.session.execute(text("SELECT 1")).scalar_one()
    except SQLAlchemyError:  # the answer's status rolls the failed transaction back
        return jsonify(status="unavailable"), 503
    return jsonify(status="ok")
