"""The one Cache-Control policy: what a browser or a shared cache may keep, and for how long.

- Everything an owner sees (the JSON API, the gallery pages, fragments, errors) is
  `private, no-store`. Pages change as people delete, favorite and restore, and a page left
  in a cache would show the previous person's history after logout on a shared browser; the
  back button and htmx's history (historyCacheSize 0, refreshOnHistoryMiss) then ask the
  server again, which answers from the database.
- An owner's stored files (`/api/media/<id>/file|thumbnail`) are immutable per id (their
  ETag is their SHA-256): `private, max-age=<a year>, immutable`, so the gallery's images load
  from the browser's cache and never from a shared one. The S3 hand-off (a 302 to a presigned
  URL that lives five minutes) may be kept for 60 s.
- Share links (`/s/<token>`, `/api/shared/<token>` and its file and thumbnail) are public:
  `public, max-age=SHARE_CACHE_SECONDS` (60 s by default), short because a revoked link must
  stop working everywhere within that time. A share page rendered for a visitor who has a
  session (its header carries their email or cache key and a CSRF token) is private like
  any other page.
- Static files are left as they are.
"""

from flask import Flask, Response, request, session

OWNER_FILES = frozenset({"api.media_file", "api.media_thumbnail"})
SHARED = frozenset({"public.shared", "api.shared", "api.shared_file", "api.shared_thumbnail"})
UNTOUCHED = frozenset({"static"})
# Answers worth keeping: the thing itself, a part of it, "unchanged", and the S3 hand-off.
KEEPABLE = frozenset({200, 206, 304, 302})

YEAR = 365 * 24 * 3600
PRIVATE_NO_STORE = "private, no-store"
OWNER_FILE = f"private, max-age={YEAR}, immutable"
OWNER_REDIRECT = "private, max-age=60"


def cache_control_for(response: Response, share_seconds: int) -> str | None:
    """The Cache-Control this answer gets; None leaves the answer's own header alone."""
    endpoint = request.endpoint
    if endpoint in UNTOUCHED:
        return None
    if response.status_code not in KEEPABLE or endpoint not in OWNER_FILES | SHARED:
        return PRIVATE_NO_STORE
    if endpoint in OWNER_FILES:
        return OWNER_REDIRECT if response.status_code == 302 else OWNER_FILE
    if _personal(response):
        return PRIVATE_NO_STORE
    return f"public, max-age={share_seconds}"


def _personal(response: Response) -> bool:
    """Whether this answer was made for one visitor: they have a session, or get a cookie.

    Flask writes the session cookie after this hook runs, so a session that is not empty (or
    that changed) counts as personal here already.
    """
    return bool(session) or session.modified or "Set-Cookie" in response.headers


def register_cache_policy(app: Flask) -> None:
    share_seconds = app.config["SHARE_CACHE_SECONDS"]

    @app.after_request
    def apply_cache_policy(response: Response) -> Response:
        value = cache_control_for(response, share_seconds)
        if value is None:
            return response
        response.headers["Cache-Control"] = value
        # send_file adds Expires for its max_age; the policy above is the whole story.
        response.headers.pop("Expires", None)
        if value.startswith("public"):
            # A cache must not hand a signed-in visitor's request the anonymous page (and
            # never the reverse: those answers are private anyway).
            response.vary.add("Cookie")
        return response
