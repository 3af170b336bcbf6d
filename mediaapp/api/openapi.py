"""The OpenAPI 3 document, generated from the Marshmallow schemas with apispec."""

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import current_app, jsonify
from marshmallow import Schema, fields

from ..schemas import (
    CredentialsSchema,
    ListMediaArgsSchema,
    MediaIdSchema,
    MediaSchema,
    PaginationSchema,
    RegisterSchema,
    SaveMediaSchema,
    UserSchema,
)
from . import bp


class ErrorSchema(Schema):
    success = fields.Boolean(metadata={"example": False})
    error = fields.String(metadata={"description": "A sentence for people."})
    code = fields.String(metadata={"description": "A stable machine-readable code."})
    details = fields.Raw(allow_none=True, metadata={"description": "Field-level messages."})


class MediaEnvelopeSchema(Schema):
    success = fields.Boolean()
    data = fields.Nested(MediaSchema)


class MediaPageSchema(Schema):
    success = fields.Boolean()
    data = fields.List(fields.Nested(MediaSchema))
    pagination = fields.Nested(PaginationSchema)


class UserEnvelopeSchema(Schema):
    success = fields.Boolean()
    data = fields.Nested(UserSchema)


class MeSchema(Schema):
    user = fields.Nested(UserSchema, allow_none=True)


class MeEnvelopeSchema(Schema):
    success = fields.Boolean()
    data = fields.Nested(MeSchema)


def _json(schema: str) -> dict:
    return {"content": {"application/json": {"schema": schema}}}


def _error(description: str) -> dict:
    return {"description": description, **_json("Error")}


COMMON_ERRORS = {
    "400": _error("Invalid input; `details` names the fields."),
    "503": _error("The database is unavailable."),
}
WRITE_ERRORS = {
    **COMMON_ERRORS,
    "403": _error("A cross-site request was refused."),
    "413": _error("The body is too large."),
    "415": _error("The body is not application/json."),
}
ID_PARAM = {
    "in": "path",
    "name": "media_id",
    "required": True,
    "schema": {"type": "string", "format": "uuid"},
}
NOT_FOUND = {"404": _error("No such record for this owner.")}


def _operations() -> dict[str, dict]:
    media = {"200": {"description": "The record.", **_json("MediaEnvelope")}}
    return {
        "/api/media/save": {
            "post": {
                "summary": "Save a generated image or video (idempotent on requestId).",
                "requestBody": {"required": True, **_json("SaveMedia")},
                "responses": {
                    "201": {"description": "Created.", **_json("MediaEnvelope")},
                    "200": {
                        "description": "Already saved with this requestId; unchanged.",
                        **_json("MediaEnvelope"),
                    },
                    **WRITE_ERRORS,
                },
            }
        },
        "/api/media/list": {
            "get": {
                "summary": "The owner's media, newest first.",
                "parameters": [{"in": "query", "schema": ListMediaArgsSchema}],
                "responses": {
                    "200": {"description": "A page.", **_json("MediaPage")},
                    **COMMON_ERRORS,
                },
            }
        },
        "/api/media/delete": {
            "delete": {
                "summary": "Delete a record by id (in the JSON body or the query string).",
                "parameters": [{"in": "query", "schema": MediaIdSchema}],
                "requestBody": {"required": False, **_json("MediaId")},
                "responses": {**media, **NOT_FOUND, **WRITE_ERRORS},
            }
        },
        "/api/media/{media_id}": {
            "get": {
                "summary": "One record.",
                "parameters": [ID_PARAM],
                "responses": {**media, **NOT_FOUND, **COMMON_ERRORS},
            },
            "delete": {
                "summary": "Delete one record.",
                "parameters": [ID_PARAM],
                "responses": {**media, **NOT_FOUND, **WRITE_ERRORS},
            },
        },
        "/api/auth/register": {
            "post": {
                "summary": "Create an account, log in and adopt the guest's media.",
                "requestBody": {"required": True, **_json("Register")},
                "responses": {
                    "201": {"description": "Registered.", **_json("UserEnvelope")},
                    "409": _error("The email is taken."),
                    "429": _error("Too many attempts."),
                    **WRITE_ERRORS,
                },
            }
        },
        "/api/auth/login": {
            "post": {
                "summary": "Log in and adopt the guest's media.",
                "requestBody": {"required": True, **_json("Credentials")},
                "responses": {
                    "200": {"description": "Logged in.", **_json("UserEnvelope")},
                    "401": _error("Wrong email or password."),
                    "429": _error("Too many attempts."),
                    **WRITE_ERRORS,
                },
            }
        },
        "/api/auth/logout": {
            "post": {
                "summary": "Log out; the next request is a fresh guest.",
                "responses": {"200": {"description": "Logged out."}},
            }
        },
        "/api/auth/me": {
            "get": {
                "summary": "Who is logged in.",
                "responses": {"200": {"description": "The user or null.", **_json("MeEnvelope")}},
            }
        },
        "/api/openapi.json": {
            "get": {
                "summary": "This document.",
                "responses": {"200": {"description": "OpenAPI 3 document."}},
            }
        },
    }


def build_spec() -> dict:
    spec = APISpec(
        title="mediaapp API",
        version="1.0.0",
        openapi_version="3.0.3",
        plugins=[MarshmallowPlugin()],
        info={
            "description": "Save and read AI-generated media history. Every answer is an "
            "envelope: {success, data} or {success: false, error, code, details}."
        },
    )
    for name, schema in [
        ("SaveMedia", SaveMediaSchema),
        ("Media", MediaSchema),
        ("MediaId", MediaIdSchema),
        ("Pagination", PaginationSchema),
        ("Credentials", CredentialsSchema),
        ("Register", RegisterSchema),
        ("User", UserSchema),
        ("Error", ErrorSchema),
        ("MediaEnvelope", MediaEnvelopeSchema),
        ("MediaPage", MediaPageSchema),
        ("UserEnvelope", UserEnvelopeSchema),
        ("MeEnvelope", MeEnvelopeSchema),
    ]:
        spec.components.schema(name, schema=schema)
    for path, operations in _operations().items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()


@bp.get("/openapi.json")
def openapi_document():
    if "openapi" not in current_app.extensions:
        current_app.extensions["openapi"] = build_spec()
    return jsonify(current_app.extensions["openapi"])
