"""Variant stacks in the grid: a stack's card expands in place into its other variants."""

import re

from flask import redirect, render_template, request, url_for

from ..errors import NotFound
from ..htmx import is_partial_request
from ..identity import current_owner
from ..variants import KEY_LENGTH
from . import bp
from .forms import GalleryFiltersSchema, load_args
from .presenters import GalleryView, stack_members

STACK_KEY = re.compile(rf"[0-9a-f]{{{KEY_LENGTH}}}")


@bp.get("/stacks/<stack_key>")
def stack_variants(stack_key: str):
    """htmx: the stack's other variants (within the grid's filters), inserted after its card.
    Anything else goes to the grid of the stack's members, which needs no JavaScript."""
    if not STACK_KEY.fullmatch(stack_key):
        raise NotFound("No such stack.")
    view = GalleryView(
        load_args(GalleryFiltersSchema.once(), request.args, problem="Those filters can’t be used.")
    )
    members = GalleryView(view.filters.replace(stack=None, variant=stack_key))
    if not is_partial_request():
        return redirect(url_for("gallery.index", **members.params), 303)
    context = stack_members(current_owner(mint=False), members)
    # The cards act for the grid they are shown in (their forms carry its filters).
    response = render_template("partials/stack_members.html", view=view, **context)
    return response, 200, {"Vary": "HX-Request"}
