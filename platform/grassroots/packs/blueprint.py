"""URL rules of the packs module."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Nothing registered yet."""
