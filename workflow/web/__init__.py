"""HTML page blueprints."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the page blueprints."""
