"""Configuration read from the environment; nothing secret has a production default."""

import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def _limit_or_off(name: str, default: str) -> str | None:
    """A rate limit string; None when set to '' or 'off'."""
    value = os.environ.get(name, default).strip()
    return None if value.lower() in ("", "off") else value


class Config:
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")
    SECRET_KEY = os.environ.get("SECRET_KEY")
    # "production" refuses to start without SECRET_KEY instead of minting one in instance/.
    ENV_NAME = os.environ.get("MEDIAAPP_ENV", "development")

    # No ping before every checkout (a round trip per request, the costliest of its fixed
    # costs): a connection idle for DATABASE_PING_IDLE_SECONDS or more is pinged when checked
    # out and replaced if dead (mediaapp.pool_pings), and one that dies in use fails its
    # request with 503 and invalidates the whole pool (SQLAlchemy's disconnect handling), so
    # the app recovers by itself either way. The connect timeout keeps an unreachable server
    # from hanging requests.
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": False}
    DATABASE_PING_IDLE_SECONDS = float(os.environ.get("MEDIAAPP_DB_PING_IDLE_SECONDS", "1"))
    DATABASE_CONNECT_TIMEOUT = _int("MEDIAAPP_DB_CONNECT_TIMEOUT", 3)

    MAX_CONTENT_LENGTH = _int("MEDIAAPP_MAX_BODY_BYTES", 256 * 1024)
    SETTINGS_MAX_BYTES = 16 * 1024

    SESSION_COOKIE_HTTPONLY = True
    # Lax suits mediaapp on its own site or under a path of the generator's (the same-site
    # deployment README recommends). A frontend on another site calling the API with the
    # cookie needs "None", which browsers accept only with Secure (MEDIAAPP_SECURE_COOKIES=1).
    SESSION_COOKIE_SAMESITE = os.environ.get("MEDIAAPP_COOKIE_SAMESITE", "Lax")
    SESSION_COOKIE_SECURE = os.environ.get("MEDIAAPP_SECURE_COOKIES", "") == "1"
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 24 * 365
    # Send Set-Cookie only when the session changed: an answer that re-sent an unchanged
    # cookie could not be cached anywhere and re-announced the session on every request. A
    # session therefore lasts PERMANENT_SESSION_LIFETIME from the moment it was last written
    # (the signature's timestamp), not from the last visit.
    SESSION_REFRESH_EACH_REQUEST = False

    # How long a shared cache (a proxy, a CDN) may keep a share link's page, JSON and files:
    # short, because revoking the link must take effect within this many seconds.
    SHARE_CACHE_SECONDS = _int("MEDIAAPP_SHARE_CACHE_SECONDS", 60)

    # Operators (mediaapp/observability.py): 'json' logs one JSON object a line, 'text' the
    # usual human format. /metrics answers only with this Bearer token (404 without it).
    LOG_FORMAT = os.environ.get("MEDIAAPP_LOG_FORMAT", "json")
    LOG_LEVEL = os.environ.get("MEDIAAPP_LOG_LEVEL", "INFO")
    METRICS_TOKEN = os.environ.get("MEDIAAPP_METRICS_TOKEN") or None
    # The longest one readiness query may run (PostgreSQL statement_timeout), in ms.
    READY_DB_TIMEOUT_MS = _int("MEDIAAPP_READY_DB_TIMEOUT_MS", 1000)

    # Origins (exact, comma-separated: https://studio.example) whose pages may call the JSON
    # API with the cookie, besides our own: CORS answers them (preflight included) and the
    # cross-site rule lets their writes through; every other origin is refused.
    # MEDIAAPP_TRUSTED_ORIGINS is the older name, still read when the new one is unset.
    CORS_ORIGINS = [
        o.strip().rstrip("/")
        for o in os.environ.get(
            "MEDIAAPP_CORS_ORIGINS", os.environ.get("MEDIAAPP_TRUSTED_ORIGINS", "")
        ).split(",")
        if o.strip()
    ]

    # Sign-in attempts (API and pages together), per client address and per target email.
    AUTH_RATE_LIMIT = os.environ.get("MEDIAAPP_AUTH_RATE_LIMIT", "10 per minute")
    # Wrong passwords for one share link from one client address (the page and the API
    # together); only wrong ones count.
    SHARE_PASSWORD_RATE_LIMIT = os.environ.get(
        "MEDIAAPP_SHARE_PASSWORD_RATE_LIMIT", "5 per 15 minutes"
    )
    # Imports per client address (API and gallery together); '' or 'off' for no limit.
    IMPORT_RATE_LIMIT = _limit_or_off("MEDIAAPP_IMPORT_RATE_LIMIT", "20 per minute")
    # Imports running at once over every worker and host (PostgreSQL advisory locks); the
    # next answers 429 at once instead of taking another worker from everyone else.
    IMPORT_CONCURRENCY = _int("MEDIAAPP_IMPORT_CONCURRENCY", 1)
    API_RATE_LIMIT = os.environ.get("MEDIAAPP_API_RATE_LIMIT") or None
    # memory:// counts per process: production with more than one worker refuses it.
    RATELIMIT_STORAGE_URI = os.environ.get("MEDIAAPP_RATE_LIMIT_STORAGE", "memory://")
    # Prefix of the limit keys in shared storage, so several deployments can share one Redis.
    RATELIMIT_KEY_PREFIX = os.environ.get("MEDIAAPP_RATE_LIMIT_PREFIX", "mediaapp")
    RATELIMIT_HEADERS_ENABLED = True
    # Shared storage that goes away (Redis restarting) must not turn every limited request
    # into a 500: each process counts in its own memory until the storage answers again.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True

    WTF_CSRF_TIME_LIMIT = None

    # Text answers (pages, fragments, JSON) go out brotli- or gzip-encoded when the client
    # accepts it (compression.py); static files are encoded once per worker (assets.py).
    COMPRESS_REGISTER = False  # compression.py decides which answers to hand it
    COMPRESS_MIMETYPES = [
        "text/html",
        "text/css",
        "text/plain",
        "text/javascript",
        "application/javascript",
        "application/json",
        "image/svg+xml",
    ]
    COMPRESS_ALGORITHM = ["br", "gzip"]
    COMPRESS_ALGORITHM_STREAMING = ["br", "gzip"]  # the streamed export
    COMPRESS_MIN_SIZE = 500

    # Keeping the media (services/archive.py). '' keeps blobs in instance/blobs;
    # 's3://bucket/prefix?endpoint_url=…&region=…' keeps them in S3-compatible storage.
    STORAGE_URL = os.environ.get("MEDIAAPP_STORAGE_URL", "")
    # Queue an archive job with every save ('0' saves only the record; a backfill can queue
    # the rest later).
    ARCHIVE = os.environ.get("MEDIAAPP_ARCHIVE", "1") == "1"
    # Hosts or CIDR ranges the archiver may fetch from although they are private (a LAN
    # generator); empty: only public addresses.
    FETCH_ALLOW = os.environ.get("MEDIAAPP_FETCH_ALLOW", "")
    FETCH_TIMEOUT = float(os.environ.get("MEDIAAPP_FETCH_TIMEOUT", "120"))
    MAX_IMAGE_BYTES = _int("MEDIAAPP_MAX_IMAGE_BYTES", 50 * 1024 * 1024)
    MAX_VIDEO_BYTES = _int("MEDIAAPP_MAX_VIDEO_BYTES", 500 * 1024 * 1024)
    # The largest zip an import may upload (records and files; streamed to a temp file).
    ZIP_IMPORT_MAX_BYTES = _int("MEDIAAPP_ZIP_IMPORT_MAX_BYTES", 4 * 1024 * 1024 * 1024)
    # Bytes of stored copies one owner may hold; 0 for no limit.
    QUOTA_BYTES = _int("MEDIAAPP_QUOTA_BYTES", 0)
    # Run the job worker inside the web process (the embedded default); production runs
    # `flask --app app media worker` processes instead.
    EMBEDDED_WORKER = (
        os.environ.get("MEDIAAPP_EMBEDDED_WORKER", "0" if ENV_NAME == "production" else "1") == "1"
    )
    # How stored files leave: '' streams them from Flask; 'x-sendfile' or
    # 'x-accel-redirect:/internal-prefix/' hands filesystem blobs to the front server.
    SENDFILE = os.environ.get("MEDIAAPP_SENDFILE", "")
