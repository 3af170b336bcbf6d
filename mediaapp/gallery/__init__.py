"""The server-rendered gallery: the history grid (search, stars, trash, bulk) and its pages."""

from flask import Blueprint

bp = Blueprint("gallery", __name__)

from . import pages, views  # noqa: E402,F401  (routes register on bp)
