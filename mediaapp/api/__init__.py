"""The JSON API blueprint (v1, wire-compatible with the seed)."""

import math
import time

from flask import Blueprint, current_app, g, request
from limits import parse as parse_limit

from .. import identity
from ..cookies import bearer_key
from ..errors import Busy, Forbidden, Unauthorized
from ..extensions import csrf, limiter
from ..limits import mark_api_limited
from ..services import keys as key_service
from .contract import KEY_SCOPES, PUBLIC, SESSION, declaration

bp = Blueprint("api", __name__, url_prefix="/api")
# The JSON API is protected by the Origin / Sec-Fetch-Site rule below plus the JSON content
# type (which a cross-site form cannot send); form CSRF tokens are for the HTML pages.
csrf.exempt(bp)

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@bp.before_request
def authenticate_api_key() -> None:
    """A request with `Authorization: Bearer <key>` acts for the key's account within its
    scopes, and for nothing else: the cookie is not read (nor set: cookies.py gives it a null
    session, so no guest is minted and no Set-Cookie answers), and a SESSION operation
    refuses it. PUBLIC operations ignore the header. The key is never logged or echoed."""
    key = bearer_key(request)
    view = current_app.view_functions.get(request.endpoint or "")
    declared = declaration(view) if view is not None else None
    if key is None or declared is None or declared.scope == PUBLIC:
        return
    if declared.scope == SESSION:
        raise Forbidden(
            "This operation needs a signed-in session; API keys cannot call it.",
            code="session_required",
        )
    try:
        caller = key_service.authenticate(key)
    except key_service.KeyRefused as refused:
        raise Unauthorized(refused.message, code=refused.code) from None
    g.api_key = caller
    g.signed_in = None
    g.owner = identity.Owner.account(caller.owner_id)
    if declared.scope in KEY_SCOPES and not caller.allows(declared.scope):
        raise Forbidden(
            f"This API key lacks the {declared.scope!r} scope this operation needs.",
            code="insufficient_scope",
            details={"required": declared.scope, "granted": sorted(caller.scopes)},
        )
    if caller.rate_limit:
        _count_against_key(caller)


def _count_against_key(caller: key_service.Caller) -> None:
    """The key's own limit (Flask-Limiter's storage and strategy, keyed by the key's id, so
    every worker counts together once the storage is shared)."""
    item = parse_limit(caller.rate_limit)
    identifiers = (current_app.config["RATELIMIT_KEY_PREFIX"], "api-key", str(caller.key_id))
    if limiter.limiter.hit(item, *identifiers):
        return
    reset = limiter.limiter.get_window_stats(item, *identifiers).reset_time
    raise Busy(
        f"This API key may make {caller.rate_limit} requests; try again later.",
        code="rate_limited",
        retry_after=max(1, math.ceil(reset - time.time())),
    )


def acting_key() -> key_service.Caller | None:
    """The API key this request authenticated with, or None (a cookie or nobody)."""
    return g.get("api_key")


@bp.before_request
def refuse_cross_site_writes() -> None:
    """Unsafe methods from another site never change data; clients sending neither header work.

    A request with an API key is not ambient (a page on another site cannot make a browser
    add one), so it passes, unless it also carries our cookie: then it is refused as any
    cross-site request is.
    """
    if request.method not in UNSAFE_METHODS:
        return
    if acting_key() and current_app.config["SESSION_COOKIE_NAME"] not in request.cookies:
        return
    origin = request.headers.get("Origin")
    own = request.host_url.rstrip("/")
    if origin is not None:
        if origin.rstrip("/") == own or origin.rstrip("/") in current_app.config["CORS_ORIGINS"]:
            return
        raise Forbidden(
            "Cross-site requests may not change data.",
            code="cross_site_refused",
            details={"origin": origin},
        )
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None and site not in ("same-origin", "none"):
        raise Forbidden(
            "Cross-site requests may not change data.",
            code="cross_site_refused",
            details={"secFetchSite": site},
        )


def _api_limit() -> str:
    return current_app.config["API_RATE_LIMIT"] or "1 per second"


def _api_unlimited() -> bool:
    return not current_app.config["API_RATE_LIMIT"]


_limited_by_api_rate = limiter.limit(_api_limit, exempt_when=_api_unlimited)


def api_limit(view):
    """The media API is unlimited unless MEDIAAPP_API_RATE_LIMIT is set: a frontend saves in
    bursts. While it is unset, Flask-Limiter skips these routes outright (no_limit_applies)."""
    mark_api_limited(view)
    return _limited_by_api_rate(view)


# What every rate-limited route that reads the database can answer; and a route with a body.
MEDIA_ERRORS = (429, 503)
BODY_ERRORS = (413, 415)
NOT_FOUND_OR_TRASHED = "No such live record for this owner (code not_found)."


from . import (  # noqa: E402,F401  (routes register on bp)
    auth,
    collections,
    files,
    ingest,
    keys,
    media,
    openapi,
    shares,
    transfer,
)
