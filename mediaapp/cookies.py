"""The session cookie: none at all for API requests that carry a key, and scoped to the path
mediaapp is mounted under (SCRIPT_NAME, or X-Forwarded-Prefix through ProxyFix)."""

from flask import Flask, Request
from flask.sessions import SecureCookieSessionInterface

BEARER = "bearer "


def bearer_key(request: Request) -> str | None:
    """The key of an API request's `Authorization: Bearer <key>` header, or None."""
    if not request.path.startswith("/api/"):
        return None
    header = request.headers.get("Authorization", "")
    if header[: len(BEARER)].lower() != BEARER:
        return None
    return header[len(BEARER) :].strip()


def _public(app: Flask, request: Request) -> bool:
    """Whether the route is a PUBLIC operation, which ignores a key (a share link's unlock
    keeps its cookie whatever else the request carries)."""
    from werkzeug.exceptions import HTTPException

    from .api.contract import PUBLIC, declaration

    # Flask opens the session before it matches the URL: match it here (key requests only).
    try:
        endpoint, _ = app.create_url_adapter(request).match()
    except HTTPException:  # no such route (404, 405): nothing public
        return False
    view = app.view_functions.get(endpoint)
    declared = declaration(view) if view is not None else None
    return declared is not None and declared.scope == PUBLIC


class MediaSessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie, with two differences.

    A request with an API key (to any but a PUBLIC operation) gets a null session: its
    cookie is not read, and nothing can be written to one (no guest is minted, no Set-Cookie
    answers), so a key is never ambient.

    The cookie's Path is the prefix mediaapp is mounted under when SESSION_COOKIE_PATH is
    unset, so mediaapp under /media/ of a generator's domain keeps its cookie to itself.
    """

    def open_session(self, app: Flask, request: Request):
        if bearer_key(request) is not None and not _public(app, request):
            return self.make_null_session(app)
        return super().open_session(app, request)

    def get_cookie_path(self, app: Flask) -> str:
        configured = app.config["SESSION_COOKIE_PATH"]
        if configured:
            return configured
        from flask import has_request_context, request

        if has_request_context() and request.script_root:
            return request.script_root.rstrip("/") + "/"
        return app.config["APPLICATION_ROOT"]
