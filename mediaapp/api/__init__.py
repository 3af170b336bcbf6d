"""The JSON API blueprint (v1, wire-compatible with the seed)."""

from flask import Blueprint, current_app, request

from ..errors import Forbidden
from ..extensions import csrf, limiter
from ..limits import mark_api_limited

bp = Blueprint("api", __name__, url_prefix="/api")
# The JSON API is protected by the Origin / Sec-Fetch-Site rule below plus the JSON content
# type (which a cross-site form cannot send); form CSRF tokens are for the HTML pages.
csrf.exempt(bp)

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@bp.before_request
def refuse_cross_site_writes() -> None:
    """Unsafe methods from another site never change data; clients sending neither header work."""
    if request.method not in UNSAFE_METHODS:
        return
    origin = request.headers.get("Origin")
    own = request.host_url.rstrip("/")
    if origin is not None:
        if origin.rstrip("/") == own or origin.rstrip("/") in current_app.config["TRUSTED_ORIGINS"]:
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


from . import auth, collections, files, media, openapi, shares, transfer  # noqa: E402,F401  (routes register on bp)
