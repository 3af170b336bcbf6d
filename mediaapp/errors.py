"""The AppError family, and the one place where errors become JSON or HTML."""

from typing import Any

from flask import Flask, current_app, g, jsonify, render_template, request
from marshmallow import ValidationError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

from .extensions import db


class AppError(Exception):
    status = 500
    code = "internal_error"

    def __init__(self, message: str, *, details: Any = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.details = details
        if code:
            self.code = code


class ValidationFailed(AppError):
    status = 400
    code = "validation_error"


class Forbidden(AppError):
    status = 403
    code = "forbidden"


class NotFound(AppError):
    status = 404
    code = "not_found"


class Conflict(AppError):
    status = 409
    code = "conflict"


class Unauthorized(AppError):
    status = 401
    code = "unauthorized"


class PayloadTooLarge(AppError):
    status = 413
    code = "payload_too_large"


class UnsupportedMediaType(AppError):
    status = 415
    code = "unsupported_media_type"


class Busy(AppError):
    """Refused for now so that others are served: retry after `retry_after` seconds."""

    status = 429
    code = "busy"

    def __init__(self, message: str, *, retry_after: int = 1, **kwargs: Any):
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class Unavailable(AppError):
    status = 503
    code = "service_unavailable"


HTTP_CODES = {
    400: ("bad_request", "The request could not be understood."),
    401: ("unauthorized", "You need to log in for that."),
    403: ("forbidden", "That is not allowed."),
    404: ("not_found", "Nothing is here."),
    405: ("method_not_allowed", "That method is not allowed here."),
    413: ("payload_too_large", "The request body is too large."),
    415: ("unsupported_media_type", "Send the body as application/json."),
    429: ("rate_limited", "Too many requests; try again later."),
    500: ("internal_error", "Something went wrong on our side."),
    503: ("service_unavailable", "The service is temporarily unavailable; try again shortly."),
}


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/api"


def render_error(status: int, code: str, message: str, details: Any = None, headers=None):
    """Answer an error as the API envelope, an htmx fragment or a full error page."""
    if wants_json():
        body = {"success": False, "error": message, "code": code, "details": details}
        response = jsonify(body)
    elif request.headers.get("HX-Request") == "true":
        response = current_app.make_response(
            render_template("partials/error.html", status=status, message=message)
        )
    else:
        template = f"errors/{status}.html" if status in (404, 500, 503) else "errors/error.html"
        response = current_app.make_response(
            render_template(template, status=status, message=message)
        )
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(AppError)
    def handle_app_error(error: AppError):
        retry = getattr(error, "retry_after", None)
        headers = {"Retry-After": str(retry)} if retry else None
        return render_error(error.status, error.code, error.message, error.details, headers)

    @app.errorhandler(ValidationError)
    def handle_validation_error(error: ValidationError):
        return render_error(
            400, "validation_error", "The request has invalid fields.", error.normalized_messages()
        )

    @app.errorhandler(HTTPException)
    def handle_http_exception(error: HTTPException):
        status = error.code or 500
        code, message = HTTP_CODES.get(status, ("http_error", error.name))
        headers = {}
        if status == 429:
            message = f"Too many requests ({error.description}); try again later."
            retry = error.get_headers() and dict(error.get_headers()).get("Retry-After")
            if retry:
                headers["Retry-After"] = retry
        if status == 405 and hasattr(error, "valid_methods") and error.valid_methods:
            headers["Allow"] = ", ".join(error.valid_methods)
        if status == 400 and getattr(error, "description", None) and "CSRF" in error.description:
            code, message = "csrf_failed", "The form expired or is missing its security token."
        return render_error(status, code, message, headers=headers)

    @app.errorhandler(DBAPIError)
    def handle_database_error(error: DBAPIError):
        _rollback_quietly()
        g.database_unavailable = True  # the error page's header asks the database nothing more
        # Only a database that cannot be reached is "unavailable"; a constraint or data error
        # that escaped validation is our bug and answers 500 like any other.
        if isinstance(error, OperationalError | InterfaceError) or error.connection_invalidated:
            app.logger.error("database unavailable: %s", error.orig if error.orig else error)
            return render_error(503, *HTTP_CODES[503], headers={"Retry-After": "5"})
        app.logger.exception("database error")
        return render_error(500, *HTTP_CODES[500])

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception):
        app.logger.exception("unexpected error")
        _rollback_quietly()
        return render_error(500, *HTTP_CODES[500])


def _rollback_quietly() -> None:
    try:
        db.session.rollback()
    except Exception:  # the connection may be gone already; the pool will replace it
        current_app.logger.warning("rollback failed after a database error", exc_info=True)
