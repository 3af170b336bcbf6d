"""Configuration read from the environment; nothing secret has a production default."""

import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


class Config:
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")
    SECRET_KEY = os.environ.get("SECRET_KEY")
    # "production" refuses to start without SECRET_KEY instead of minting one in instance/.
    ENV_NAME = os.environ.get("MEDIAAPP_ENV", "development")

    # pre_ping replaces connections that died while the database was away, so the app
    # recovers by itself; the connect timeout keeps an unreachable server from hanging requests.
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    DATABASE_CONNECT_TIMEOUT = _int("MEDIAAPP_DB_CONNECT_TIMEOUT", 3)

    MAX_CONTENT_LENGTH = _int("MEDIAAPP_MAX_BODY_BYTES", 256 * 1024)
    SETTINGS_MAX_BYTES = 16 * 1024

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("MEDIAAPP_SECURE_COOKIES", "") == "1"
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 24 * 365

    # Extra origins allowed to call the JSON API with cookies (comma-separated), besides our own.
    TRUSTED_ORIGINS = [
        o.strip().rstrip("/")
        for o in os.environ.get("MEDIAAPP_TRUSTED_ORIGINS", "").split(",")
        if o.strip()
    ]

    AUTH_RATE_LIMIT = os.environ.get("MEDIAAPP_AUTH_RATE_LIMIT", "10 per minute")
    API_RATE_LIMIT = os.environ.get("MEDIAAPP_API_RATE_LIMIT") or None
    RATELIMIT_STORAGE_URI = os.environ.get("MEDIAAPP_RATE_LIMIT_STORAGE", "memory://")
    RATELIMIT_HEADERS_ENABLED = True

    WTF_CSRF_TIME_LIMIT = None
