"""Public pages that need no identity: a shared item."""

from flask import Blueprint

bp = Blueprint("public", __name__)

from . import views  # noqa: E402,F401  (routes register on bp)
