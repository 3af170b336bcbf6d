"""Serving htmx: one URL answers a full page or the fragment that htmx asked for."""

from collections.abc import Callable
from typing import Any

from flask import Response, flash, make_response, redirect, render_template, request


def is_partial_request() -> bool:
    """An htmx request that wants a fragment.

    History restores carry HX-Request too (htmx PR #2013) but need the whole page, or the
    back button would paint a bare fragment.
    """
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def render_page_or_partial(page: str, partial: str, /, **context: Any) -> Response:
    """Render `partial` for htmx and `page` otherwise; caches learn that the two differ."""
    template = partial if is_partial_request() else page
    response = make_response(render_template(template, **context))
    response.vary.add("HX-Request")
    return response


def fragment_or_redirect(
    partial: str,
    context: Callable[[], dict[str, Any]],
    *,
    message: str | dict[str, Any],
    to: str,
    category: str = "success",
) -> Response:
    """The answer to a form that changed something: htmx gets `partial`, rendered with what
    `context()` gives (built only then); a plain form gets `message` flashed and a 303 to
    `to`, so a reload never posts it again."""
    if is_partial_request():
        return make_response(render_template(partial, **context()))
    flash(message, category)
    return redirect(to, 303)


def go_to(url: str) -> Response:
    """Send the browser to another page after a form: a 303 for a plain form, and for htmx
    an empty answer whose HX-Redirect has it load that page whole."""
    if not is_partial_request():
        return redirect(url, 303)
    response = make_response("", 200)
    response.headers["HX-Redirect"] = url
    return response
