"""Stored files: a record's kept copy and thumbnail, to its owner and through share links."""

from flask import Blueprint

bp = Blueprint("files", __name__)

from . import views  # noqa: E402,F401  (routes register on bp)
