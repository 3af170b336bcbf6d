"""What operators see of each request: its X-Request-ID, one JSON log line, and its metrics.

Logging goes through the standard logging module. One handler on the root logger writes to
stderr (gunicorn and systemd collect it there), as JSON objects from python-json-logger
(`MEDIAAPP_LOG_FORMAT=json`, the default) or as plain text (`text`); every record logged
during a request carries that request's id. The request line itself (logger
`mediaapp.request`) holds the method, the path with share tokens blanked and no query
string, the status, the duration in ms, the endpoint, the request id and whether a guest, an
account or nobody asked (and the id of the API key, if one did); never a cookie, a token, a
key or a body.
"""

import logging
import re
import secrets
import sys
import time

from flask import Flask, Response, g, has_request_context, request, request_finished, session
from flask.logging import default_handler
from pythonjsonlogger.json import JsonFormatter

from . import metrics

REQUEST_ID_HEADER = "X-Request-ID"
# What a proxy or client may hand us as a request id: UUIDs, hex, and the usual tracing
# formats; anything longer or with other characters is replaced by one of ours.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:=+/-]{0,127}")
# A share link's token is its only secret: it never reaches a log line.
SECRET_PATH = re.compile(r"^(/s/|/api/shared/)[^/]+")
MAX_LOGGED_PATH = 512

request_log = logging.getLogger("mediaapp.request")


def request_id() -> str | None:
    """The current request's id (None outside a request)."""
    return g.get("request_id") if has_request_context() else None


def _incoming_or_new_id() -> str:
    incoming = request.headers.get(REQUEST_ID_HEADER, "")
    if SANE_REQUEST_ID.fullmatch(incoming):
        return incoming
    return secrets.token_hex(16)


def loggable_path(path: str) -> str:
    """The path as logged: share tokens blanked, bounded in length."""
    return SECRET_PATH.sub(r"\1<token>", path)[:MAX_LOGGED_PATH]


def owner_kind() -> str:
    """'user', 'guest' or 'anonymous'. Asked only once the answer is final: reading the session
    earlier would add Vary: Cookie to every answer, static files included."""
    owner = g.get("owner")
    if owner is not None:
        return "guest" if owner.is_guest else "user"
    from .identity import GUEST_KEY, USER_KEY

    if session.get(USER_KEY):
        return "user"
    if session.get(GUEST_KEY):
        return "guest"
    return "anonymous"


def _install_request_id_on_records() -> None:
    """Stamp every log record with the id of the request it was made in (None outside one),
    whichever handler later writes it; installed once per process."""
    current = logging.getLogRecordFactory()
    if getattr(current, "adds_request_id", False):
        return

    def factory(*args, **kwargs) -> logging.LogRecord:
        record = current(*args, **kwargs)
        record.request_id = request_id()
        return record

    factory.adds_request_id = True
    logging.setLogRecordFactory(factory)


class StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time (gunicorn, tests and redirections swap
    it), so one handler installed per process is always right."""

    def __init__(self) -> None:
        super().__init__()

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


def json_formatter() -> logging.Formatter:
    return JsonFormatter(
        "%(levelname)s %(name)s %(message)s",
        rename_fields={"levelname": "level", "name": "logger"},
        timestamp="time",  # ISO 8601 in UTC, to the microsecond
    )


def text_formatter() -> logging.Formatter:
    return logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")


def configure_logging(app: Flask) -> None:
    """One stderr handler on the root logger, in the configured format; mediaapp's loggers
    at LOG_LEVEL. Safe to call for every app a process builds."""
    formats = {"json": json_formatter, "text": text_formatter}
    chosen = app.config["LOG_FORMAT"]
    if chosen not in formats:
        raise RuntimeError(f"MEDIAAPP_LOG_FORMAT must be one of {sorted(formats)}, not {chosen!r}.")
    root = logging.getLogger()
    handler = next((h for h in root.handlers if isinstance(h, StderrHandler)), None)
    if handler is None:
        handler = StderrHandler()
        root.addHandler(handler)
    _install_request_id_on_records()
    handler.setFormatter(formats[chosen]())
    logging.getLogger("mediaapp").setLevel(app.config["LOG_LEVEL"])
    # Flask's own handler would print every app.logger record a second time, unformatted.
    app.logger.removeHandler(default_handler)


def register_request_observation(app: Flask) -> None:
    """Call before any other hook is registered, so the clock starts first. The line is
    written when Flask has finished the answer (session cookie included)."""
    metrics.check_multiprocess_dir()

    @app.before_request
    def start_request() -> None:
        g.request_started = time.perf_counter()
        g.request_id = _incoming_or_new_id()

    @app.after_request
    def return_request_id(response: Response) -> Response:
        if "request_id" not in g:  # a hook that ran before ours refused the request
            g.request_id = _incoming_or_new_id()
        response.headers[REQUEST_ID_HEADER] = g.request_id
        return response

    request_finished.connect(_record_request, app, weak=False)


def _record_request(_app: Flask, response: Response, **_extra) -> None:
    started = g.get("request_started")
    seconds = time.perf_counter() - started if started is not None else 0.0
    metrics.observe_request(request.endpoint, request.method, response.status_code, seconds)
    path = loggable_path(request.path)
    request_log.log(
        logging.WARNING if response.status_code >= 500 else logging.INFO,
        "%s %s %s",
        request.method,
        path,
        response.status_code,
        extra={
            "method": request.method,
            "path": path,
            "status": response.status_code,
            "duration_ms": round(seconds * 1000, 2),
            "endpoint": request.endpoint,
            "owner_kind": owner_kind(),
            # Which API key asked (its id, never the key), so an operator can tell a
            # backend's traffic apart and revoke the right key.
            "api_key_id": str(g.api_key.key_id) if g.get("api_key") else None,
        },
    )
