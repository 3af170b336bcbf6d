"""The server-rendered gallery. Routes by resource: history (the grid, bulk, pruning, the
demo), items (detail, star, trash and back, share), trash, shares, stacks, stats and transfer (the
import); what they accept is in forms.py, what they show is made ready in presenters.py."""

from flask import Blueprint

bp = Blueprint("gallery", __name__)

from . import collections, downloads, history, items, shares, stacks, stats, transfer, trash  # noqa: E402,F401  (routes register on bp)
