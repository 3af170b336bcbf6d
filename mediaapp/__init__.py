"""mediaapp: a self-hosted store and gallery for AI-generated media history."""

import os
import re
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix

from .assets import register_static_fingerprints
from .caching import register_cache_policy
from .compression import register_compression
from .config import Config
from .cookies import MediaSessionInterface
from .dates import register_tolerant_dates
from .errors import register_error_handlers
from .extensions import cors, csrf, db, limiter, migrate
from .filters import register_template_helpers
from .json_provider import OrjsonProvider
from .limits import check_limit_storage, raise_body_limits, worker_count
from .observability import configure_logging, register_request_observation
from .pool_pings import ping_idle_connections
from .routing import register_converters
from .security import register_security_headers
from .sql import keep_transactions_on_checkin


def create_app(overrides: Mapping[str, Any] | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder="../templates",
        static_folder="../static",
    )
    app.json = OrjsonProvider(app)
    app.config.from_object(Config)
    app.config.update(overrides or {})
    configure_logging(app)
    # First of all hooks: the request's clock and id start before any other runs.
    register_request_observation(app)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    use_instance_sqlite_if_unset(app)
    ensure_secret_key(app)
    check_limit_storage(app.config["ENV_NAME"], app.config["RATELIMIT_STORAGE_URI"], worker_count())
    tune_engine(app)
    if os.environ.get("MEDIAAPP_PROXY_FIX") == "1":
        # x_prefix: mounted under a path of another site (X-Forwarded-Prefix: /media), every
        # URL, redirect and the cookie's Path carry the prefix (README, the same-site setup).
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1, x_prefix=1)
    check_cookie_settings(app)
    app.session_interface = MediaSessionInterface()
    init_extensions(app)
    init_storage(app)
    register_converters(app)
    register_blueprints(app)
    register_template_helpers(app)
    register_static_fingerprints(app)
    register_security_headers(app)
    register_cache_policy(app)
    register_compression(app)
    register_error_handlers(app)
    register_cli(app)
    return app


def use_instance_sqlite_if_unset(app: Flask) -> None:
    uri = app.config.get("SQLALCHEMY_DATABASE_URI")
    if not uri:
        uri = f"sqlite:///{Path(app.instance_path) / 'mediaapp.db'}"
    elif uri.startswith("postgres://"):  # the scheme Heroku-style URLs use
        uri = "postgresql://" + uri.removeprefix("postgres://")
    app.config["SQLALCHEMY_DATABASE_URI"] = uri


def ensure_secret_key(app: Flask) -> None:
    """Use SECRET_KEY; in development, mint one in instance/ once so sessions survive restarts."""
    if app.config.get("SECRET_KEY"):
        return
    if app.config["ENV_NAME"] == "production":
        raise RuntimeError("SECRET_KEY must be set when MEDIAAPP_ENV=production.")
    key_file = Path(app.instance_path) / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    app.config["SECRET_KEY"] = key_file.read_text().strip()


# An exact origin: scheme, host and an optional port, nothing Flask-CORS could read as a
# pattern (it treats strings with regex characters as regular expressions).
EXACT_ORIGIN = re.compile(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?")


def check_cookie_settings(app: Flask) -> None:
    """Refuse settings browsers would silently ignore or that would widen CORS."""
    same_site = app.config["SESSION_COOKIE_SAMESITE"]
    if same_site not in ("Lax", "Strict", "None"):
        raise RuntimeError(
            f"MEDIAAPP_COOKIE_SAMESITE must be Lax, Strict or None, not {same_site!r}."
        )
    if same_site == "None" and not app.config["SESSION_COOKIE_SECURE"]:
        raise RuntimeError(
            "MEDIAAPP_COOKIE_SAMESITE=None needs MEDIAAPP_SECURE_COOKIES=1: browsers drop a "
            "SameSite=None cookie that is not Secure."
        )
    for origin in app.config["CORS_ORIGINS"]:
        if not EXACT_ORIGIN.fullmatch(origin):
            raise RuntimeError(
                f"MEDIAAPP_CORS_ORIGINS takes exact origins such as https://studio.example, "
                f"not {origin!r}."
            )


def init_cors(app: Flask) -> None:
    """CORS for the JSON API, for the configured origins only (none: no CORS headers at all,
    as before). Credentials are allowed, so a page there may send the cookie; preflights
    answer the methods and headers the API reads."""
    if not app.config["CORS_ORIGINS"]:
        return
    cors.init_app(
        app,
        resources={r"/api/*": {"origins": app.config["CORS_ORIGINS"]}},
        supports_credentials=True,
        methods=["GET", "POST", "PATCH", "DELETE"],
        allow_headers=["Content-Type", "Authorization", "X-Request-ID"],
        expose_headers=["Retry-After", "X-Request-ID"],
        max_age=600,
        vary_header=True,
    )

    @app.after_request
    def vary_by_origin(response):
        # Flask-CORS adds Vary: Origin only when several origins are configured, yet with one
        # the answer still differs (its Access-Control headers come or not): a shared cache
        # must never hand one origin's answer to another.
        if request.path.startswith("/api/"):
            response.vary.add("Origin")
        return response


def tune_engine(app: Flask) -> None:
    options = dict(app.config["SQLALCHEMY_ENGINE_OPTIONS"])
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        connect_args = dict(options.get("connect_args", {}))
        connect_args.setdefault("connect_timeout", app.config["DATABASE_CONNECT_TIMEOUT"])
        options["connect_args"] = connect_args
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def _enable_sqlite_foreign_keys(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _tolerate_dates_out_of_range(dbapi_connection, _record) -> None:
    register_tolerant_dates(dbapi_connection)


def init_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(
        app, db, directory=str(Path(app.root_path).parent / "migrations"), render_as_batch=True
    )
    app.before_request(raise_body_limits)  # before the CSRF check reads a big form
    csrf.init_app(app)
    limiter.init_app(app)
    init_cors(app)
    with app.app_context():
        ping_idle_connections(db.engine, app.config["DATABASE_PING_IDLE_SECONDS"])
        if db.engine.dialect.name == "sqlite":
            # SQLite leaves foreign keys (and ON DELETE CASCADE) off unless asked per connection.
            sa.event.listen(db.engine, "connect", _enable_sqlite_foreign_keys)
        elif db.engine.dialect.driver == "psycopg2":
            # One stored row with a date past year 9999 must not break its owner's views.
            sa.event.listen(db.engine, "connect", _tolerate_dates_out_of_range)
            keep_transactions_on_checkin(db.engine)


def init_storage(app: Flask) -> None:
    """The blob store the archive keeps files in, and the worker that fills it.

    The embedded worker (a thread of the web process) starts with the first request, so
    `flask db upgrade` and other commands never start one; tests drive jobs themselves.
    """
    from . import jobs
    from .services import archive  # noqa: F401  (registers the archive job's handler)
    from .storage import from_url

    app.extensions["blob_store"] = from_url(
        app.config["STORAGE_URL"], instance_path=Path(app.instance_path)
    )
    app.config["USE_X_SENDFILE"] = app.config["SENDFILE"] == "x-sendfile"
    if app.config["EMBEDDED_WORKER"] and not app.testing:
        app.before_request(lambda: jobs.start_embedded_worker(app))


def register_blueprints(app: Flask) -> None:
    from .api import bp as api_bp
    from .auth import bp as auth_bp
    from .gallery import bp as gallery_bp
    from .ops import bp as ops_bp
    from .public import bp as public_bp

    app.register_blueprint(api_bp)
    app.register_blueprint(gallery_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(public_bp)
    app.register_blueprint(ops_bp)


def register_cli(app: Flask) -> None:
    from .cli import register

    register(app)
