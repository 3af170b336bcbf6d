"""The server-rendered gallery: history grid, detail view, delete in place, demo history."""

from flask import Blueprint

bp = Blueprint("gallery", __name__)

from . import views  # noqa: E402,F401  (routes register on bp)
