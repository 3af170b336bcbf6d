"""Rate limits that several routes share: sign-in attempts, share link passwords and imports,
and the storage rule."""

import hashlib
import os
from collections.abc import Callable

from flask import current_app, request
from flask_limiter.util import get_qualified_name, get_remote_address

from .extensions import limiter

# Views (by qualified name, as Flask-Limiter names them) whose only limit is the media API's
# MEDIAAPP_API_RATE_LIMIT, and views that carry any other limit. See limits_apply().
API_ONLY_CANDIDATES: set[str] = set()
OTHERWISE_LIMITED: set[str] = set()


def mark_api_limited(view: Callable) -> None:
    API_ONLY_CANDIDATES.add(get_qualified_name(view))


def _mark_otherwise_limited(decorator: Callable) -> Callable:
    """Wrap a limit decorator so the views it limits are known to carry a limit of their own."""

    def apply(view: Callable) -> Callable:
        OTHERWISE_LIMITED.add(get_qualified_name(view))
        return decorator(view)

    return apply


def no_limit_applies() -> bool:
    """Flask-Limiter's request filter: True exempts the request from every limit at once.

    Only for a media API view whose one limit is MEDIAAPP_API_RATE_LIMIT, while that is
    unset: such a request would be exempt anyway (the limit's exempt_when), but Flask-Limiter
    would first resolve and evaluate the route's limits twice (its before_request hook and
    the decorator), about 0.25 ms a request. Sign-in and import limits, and the API limit
    once configured, are checked as before.
    """
    if current_app.config["API_RATE_LIMIT"]:
        return False
    view = current_app.view_functions.get(request.endpoint or "")
    if view is None:
        return False
    name = get_qualified_name(view)
    return name in API_ONLY_CANDIDATES and name not in OTHERWISE_LIMITED


# One bucket for every way to try a password: the API's and the pages' login and register
# draw from the same count, so a second form (or a second worker) gives no extra guesses.
AUTH_SCOPE = "auth"
AUTH_EMAIL_SCOPE = "auth-email"
IMPORT_SCOPE = "import"


def _auth_limit() -> str:
    return current_app.config["AUTH_RATE_LIMIT"]


def _import_limit() -> str:
    return current_app.config["IMPORT_RATE_LIMIT"] or "1 per second"


def _import_unlimited() -> bool:
    return not current_app.config["IMPORT_RATE_LIMIT"]


def _posted_email() -> str | None:
    """The email a sign-in attempt names, from a JSON body or a form; None when there is none
    (the view then answers the bad request itself)."""
    try:
        if request.is_json:
            body = request.get_json(silent=True)
            email = body.get("email") if isinstance(body, dict) else None
        else:
            email = request.form.get("email")
    except Exception:  # noqa: BLE001  (too deep, too large, broken: the view refuses it)
        return None
    return email if isinstance(email, str) and email.strip() else None


def target_email_key() -> str:
    """The account an attempt aims at, hashed (no address is kept in the limit store), so
    guessing one account's password from many client addresses still meets the limit.
    Attempts that name no email count against their client address instead."""
    from .credentials import normalize_email

    email = _posted_email()
    if email is None:
        return "addr:" + get_remote_address()
    try:
        email = normalize_email(email)
    except Exception:  # noqa: BLE001  (a form the accounts rules refuse: keep it as sent)
        email = email.strip().lower()
    return "email:" + hashlib.sha256(email.encode("utf-8", "surrogatepass")).hexdigest()


_auth_by_address = limiter.shared_limit(_auth_limit, AUTH_SCOPE, methods=["POST", "DELETE"])
_auth_by_email = limiter.shared_limit(
    _auth_limit, AUTH_EMAIL_SCOPE, key_func=target_email_key, methods=["POST", "DELETE"]
)


def auth_limit(view: Callable) -> Callable:
    """AUTH_RATE_LIMIT attempts per client address and per target email, shared by every
    route that checks a password (login, register, the account's changes and deletion; API
    and pages); only POSTs and DELETEs count."""
    OTHERWISE_LIMITED.add(get_qualified_name(view))
    return _auth_by_address(_auth_by_email(view))


# Imports write up to 1,000 rows each: limited by default, per client address, API and page
# alike (MEDIAAPP_IMPORT_RATE_LIMIT; empty for no limit).
import_limit = _mark_otherwise_limited(
    limiter.shared_limit(
        _import_limit, IMPORT_SCOPE, methods=["POST"], exempt_when=_import_unlimited
    )
)


# Guessing a share link's password: wrong attempts per link and client address, the public
# page's form and the API's unlock alike (MEDIAAPP_SHARE_PASSWORD_RATE_LIMIT). A right
# password costs nothing, so a visitor who mistyped once is not held up.
SHARE_PASSWORD_SCOPE = "share-password"


def _share_password_limit() -> str:
    return current_app.config["SHARE_PASSWORD_RATE_LIMIT"]


def share_attempt_key() -> str:
    """The link (its token hashed: no token is kept in the limit store) and the address."""
    token = str((request.view_args or {}).get("token", ""))
    digest = hashlib.sha256(token.encode()).hexdigest()[:32]
    return f"share:{digest}:{get_remote_address()}"


def _wrong_password(response) -> bool:
    return response.status_code == 401


share_password_limit = _mark_otherwise_limited(
    limiter.shared_limit(
        _share_password_limit,
        SHARE_PASSWORD_SCOPE,
        key_func=share_attempt_key,
        methods=["POST"],
        deduct_when=_wrong_password,
    )
)


# Any other route-level limit goes through here, so no_limit_applies() knows of it.
def route_limit(*args, **kwargs) -> Callable:
    """limiter.limit(...) for a route, known to no_limit_applies()."""
    return _mark_otherwise_limited(limiter.limit(*args, **kwargs))


limiter.request_filter(no_limit_applies)


def worker_count(environ: os._Environ | dict | None = None) -> int:
    """How many gunicorn workers this deployment runs, as gunicorn itself reads it when no
    `-w` is given: WEB_CONCURRENCY (default 1)."""
    value = (environ if environ is not None else os.environ).get("WEB_CONCURRENCY", "")
    try:
        return max(int(value), 1) if value.strip() else 1
    except ValueError:
        return 1


def check_limit_storage(env_name: str, storage_uri: str, workers: int) -> None:
    """Refuse, in production, limits kept in one process's memory while several processes
    serve: each worker would count on its own and multiply every limit by the worker count."""
    if env_name != "production" or workers <= 1:
        return
    if storage_uri.strip().lower().startswith("memory://"):
        raise RuntimeError(
            f"MEDIAAPP_RATE_LIMIT_STORAGE is memory:// but {workers} workers serve: each would "
            "keep its own count. Set it to shared storage such as redis://127.0.0.1:6379 when "
            "MEDIAAPP_ENV=production runs more than one worker."
        )


# Gallery routes whose form bodies may pass MAX_CONTENT_LENGTH: endpoint -> the config key of
# their own limit. (API routes raise their limit in the view; a gallery form is read by the
# CSRF check before its view runs.)
LARGE_FORM_BODIES = {"gallery.import_file": "ZIP_IMPORT_MAX_BYTES"}


def raise_body_limits() -> None:
    """Give a route that takes big uploads its own body limit before anything reads the body
    (registered ahead of the CSRF check)."""
    key = LARGE_FORM_BODIES.get(request.endpoint or "")
    if key:
        request.max_content_length = current_app.config[key]
