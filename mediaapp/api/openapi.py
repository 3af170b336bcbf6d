"""The OpenAPI 3 document, generated from the Marshmallow schemas with apispec."""

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import current_app, jsonify
from marshmallow import Schema, fields

from ..schemas import (
    BulkActionSchema,
    CreateShareSchema,
    CredentialsSchema,
    DeleteArgsSchema,
    FavoriteSchema,
    ImportItemSchema,
    ImportSchema,
    ListMediaArgsSchema,
    MediaIdSchema,
    MediaSchema,
    PageArgsSchema,
    PaginationSchema,
    PruneSchema,
    RegisterSchema,
    SaveMediaSchema,
    StrictBoolean,
    StrictNumber,
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


class ModelCountSchema(Schema):
    model = fields.String()
    count = fields.Integer()


class BulkResultSchema(Schema):
    action = fields.String()
    changed = fields.List(fields.UUID())
    not_found = fields.List(fields.UUID(), data_key="notFound")


class ShareSchema(Schema):
    id = fields.UUID()
    media_id = fields.UUID(data_key="mediaId")
    url = fields.Url()
    token = fields.String()
    hide_prompt = fields.Boolean(data_key="hidePrompt")
    expires_at = fields.DateTime(data_key="expiresAt", allow_none=True)
    created_at = fields.DateTime(data_key="createdAt")


class SharedMediaSchema(Schema):
    type = fields.String()
    url = fields.String()
    thumbnail_url = fields.String(data_key="thumbnailUrl", allow_none=True)
    model = fields.String()
    created_at = fields.DateTime(data_key="createdAt")
    prompt = fields.String(allow_none=True)
    settings = fields.Dict(allow_none=True)
    prompt_hidden = fields.Boolean(data_key="promptHidden")


class ImportResultSchema(Schema):
    index = fields.Integer()
    status = fields.String(metadata={"enum": ["imported", "duplicate", "rejected"]})
    id = fields.UUID()
    details = fields.Dict()


class ImportSummarySchema(Schema):
    imported = fields.Integer()
    duplicate = fields.Integer()
    rejected = fields.Integer()
    results = fields.List(fields.Nested(ImportResultSchema))


class DayCountSchema(Schema):
    date = fields.Date()
    count = fields.Integer()


class StatsSchema(Schema):
    total = fields.Integer()
    by_type = fields.Dict(keys=fields.String(), values=fields.Integer(), data_key="byType")
    by_model = fields.List(fields.Nested(ModelCountSchema), data_key="byModel")
    by_day = fields.List(fields.Nested(DayCountSchema), data_key="byDay")
    favorites = fields.Integer()
    trash = fields.Integer()


def _wrapped(name: str, data) -> type[Schema]:
    """An envelope schema {success, data} around data."""
    return Schema.from_dict({"success": fields.Boolean(), "data": data}, name=name)


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
                "summary": "Move a record to the trash by id (in the JSON body or the query "
                "string); ?permanent=true destroys it.",
                "parameters": [
                    {"in": "query", "schema": MediaIdSchema},
                    {"in": "query", "schema": DeleteArgsSchema},
                ],
                "requestBody": {"required": False, **_json("MediaId")},
                "responses": {**media, **NOT_FOUND, **WRITE_ERRORS},
            }
        },
        "/api/media/{media_id}": {
            "patch": {
                "summary": "Mark or unmark a favorite.",
                "parameters": [ID_PARAM],
                "requestBody": {"required": True, **_json("Favorite")},
                "responses": {**media, **NOT_FOUND, **WRITE_ERRORS},
            },
            "get": {
                "summary": "One record.",
                "parameters": [ID_PARAM],
                "responses": {**media, **NOT_FOUND, **COMMON_ERRORS},
            },
            "delete": {
                "summary": "Move one record to the trash (?permanent=true destroys it).",
                "parameters": [ID_PARAM, {"in": "query", "schema": DeleteArgsSchema}],
                "responses": {**media, **NOT_FOUND, **WRITE_ERRORS},
            },
        },
        "/api/media/models": {
            "get": {
                "summary": "The owner's models with counts, for a filter menu.",
                "responses": {
                    "200": {"description": "Models.", **_json("ModelList")},
                    **COMMON_ERRORS,
                },
            },
        },
        "/api/media/{media_id}/restore": {
            "post": {
                "summary": "Bring an item back from the trash.",
                "parameters": [ID_PARAM],
                "responses": {**media, **NOT_FOUND, **WRITE_ERRORS},
            },
        },
        "/api/media/trash": {
            "get": {
                "summary": "Trashed items, most recently trashed first.",
                "parameters": [{"in": "query", "schema": PageArgsSchema}],
                "responses": {
                    "200": {"description": "A page.", **_json("MediaPage")},
                    **COMMON_ERRORS,
                },
            },
        },
        "/api/media/trash/empty": {
            "post": {
                "summary": "Destroy everything in the trash.",
                "responses": {"200": {"description": "How many were destroyed."}, **WRITE_ERRORS},
            },
        },
        "/api/media/bulk": {
            "post": {
                "summary": "delete, restore, favorite, unfavorite or purge up to 500 items.",
                "requestBody": {"required": True, **_json("BulkAction")},
                "responses": {
                    "200": {"description": "What changed.", **_json("BulkResultEnvelope")},
                    **WRITE_ERRORS,
                },
            },
        },
        "/api/media/prune": {
            "post": {
                "summary": "Move everything except favorites to the trash.",
                "requestBody": {"required": True, **_json("Prune")},
                "responses": {"200": {"description": "How many were trashed."}, **WRITE_ERRORS},
            },
        },
        "/api/media/{media_id}/share": {
            "post": {
                "summary": "Create a public share link.",
                "parameters": [ID_PARAM],
                "requestBody": {"required": False, **_json("CreateShare")},
                "responses": {
                    "201": {"description": "The link.", **_json("ShareEnvelope")},
                    **NOT_FOUND,
                    **WRITE_ERRORS,
                },
            },
        },
        "/api/shares": {
            "get": {
                "summary": "The owner's active share links.",
                "responses": {"200": {"description": "Links.", **_json("ShareList")}},
            },
        },
        "/api/shares/{share_id}": {
            "delete": {
                "summary": "Revoke a share link.",
                "parameters": [{**ID_PARAM, "name": "share_id"}],
                "responses": {"200": {"description": "Revoked."}, **NOT_FOUND, **WRITE_ERRORS},
            },
        },
        "/api/shared/{token}": {
            "get": {
                "summary": "Public: the item behind a share link (no owner information).",
                "parameters": [
                    {"in": "path", "name": "token", "required": True, "schema": {"type": "string"}}
                ],
                "responses": {
                    "200": {"description": "The shared item.", **_json("SharedEnvelope")},
                    "404": _error("Unknown, revoked or expired."),
                },
            },
        },
        "/api/media/export": {
            "get": {
                "summary": "The whole history as one streamed JSON envelope.",
                "responses": {"200": {"description": "Every live record.", **_json("MediaList")}},
            },
        },
        "/api/media/import": {
            "post": {
                "summary": "Import up to 1,000 items (save format + createdAt, favorite); "
                "idempotent.",
                "requestBody": {"required": True, **_json("Import")},
                "responses": {
                    "200": {"description": "One result per item.", **_json("ImportEnvelope")},
                    **WRITE_ERRORS,
                },
            },
        },
        "/api/media/stats": {
            "get": {
                "summary": "Counts by type, model and day, favorites and trash.",
                "responses": {
                    "200": {"description": "Stats.", **_json("StatsEnvelope")},
                    **COMMON_ERRORS,
                },
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
    plugin = MarshmallowPlugin()
    spec = APISpec(
        title="mediaapp API",
        version="1.0.0",
        openapi_version="3.0.3",
        plugins=[plugin],
        info={
            "description": "Save and read AI-generated media history. Every answer is an "
            "envelope: {success, data} or {success: false, error, code, details}."
        },
    )
    plugin.map_to_openapi_type(StrictBoolean, "boolean", None)
    plugin.map_to_openapi_type(StrictNumber, "number", None)
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
        ("Favorite", FavoriteSchema),
        ("DeleteArgs", DeleteArgsSchema),
        ("BulkAction", BulkActionSchema),
        ("Prune", PruneSchema),
        ("CreateShare", CreateShareSchema),
        ("Import", ImportSchema),
        ("ImportItem", ImportItemSchema),
        ("ModelList", _wrapped("ModelList", fields.List(fields.Nested(ModelCountSchema)))),
        ("MediaList", _wrapped("MediaList", fields.List(fields.Nested(MediaSchema)))),
        ("BulkResultEnvelope", _wrapped("BulkResultEnvelope", fields.Nested(BulkResultSchema))),
        ("ShareEnvelope", _wrapped("ShareEnvelope", fields.Nested(ShareSchema))),
        ("ShareList", _wrapped("ShareList", fields.List(fields.Nested(ShareSchema)))),
        ("SharedEnvelope", _wrapped("SharedEnvelope", fields.Nested(SharedMediaSchema))),
        ("ImportEnvelope", _wrapped("ImportEnvelope", fields.Nested(ImportSummarySchema))),
        ("StatsEnvelope", _wrapped("StatsEnvelope", fields.Nested(StatsSchema))),
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
