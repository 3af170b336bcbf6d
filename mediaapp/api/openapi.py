"""The OpenAPI 3 document, built with apispec from the API views' own @operation declarations."""

import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import current_app, jsonify
from werkzeug.routing import Rule

from ..schemas import IsoUtc, StrictBoolean, StrictNumber
from . import bp
from .contract import (
    KEY_SCOPES,
    PATH_PARAMETERS,
    PUBLIC,
    RETRY_AFTER,
    SESSION,
    ErrorSchema,
    Operation,
    declaration,
    operation,
)

IGNORED_METHODS = frozenset({"HEAD", "OPTIONS"})
INTERNAL_ERROR = "An unexpected failure on our side (code internal_error); no details."
SECURITY_SCHEMES = {
    "apiKey": {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "mak_<account>_<secret>",
        "description": "An API key made on the account page or with POST /api/keys. It acts "
        "for its account within its scopes (read, write, delete, share, or all); each "
        "operation names the scope it needs in `x-scope`. Not ambient: it passes the "
        "cross-site rule, and never sets or reads a cookie.",
    },
    "session": {
        "type": "apiKey",
        "in": "cookie",
        "name": "session",
        "description": "The browser's signed session cookie: a signed-in account or a guest "
        "(minted on the first request that needs one).",
    },
}
# Who may call an operation, by its access (contract.ACCESS): a key-scoped one takes a key or
# the cookie (or neither: a guest is minted); a SESSION one only the cookie; a PUBLIC one
# needs nothing.
SECURITY = {SESSION: [{"session": []}], PUBLIC: []}
KEYED_SECURITY = [{"apiKey": []}, {"session": []}, {}]
RETRY_AFTER_HEADER = {
    "description": "Seconds to wait before trying again.",
    "schema": {"type": "integer", "minimum": 0},
}


class MissingDeclaration(LookupError):
    """An API route whose view has no @operation."""


def openapi_path(rule: str) -> str:
    """A Flask rule as an OpenAPI path: /media/<media_id> becomes /media/{media_id}."""
    return re.sub(r"<(?:[^:<>]+:)?(\w+)>", r"{\1}", rule)


def documented_as(self, field, ret, **kwargs) -> dict:
    """Fields whose real rules live in other schemas (settings by type, import items)."""
    schemas = field.metadata.get("documented_as")
    if not schemas:
        return {}
    if not isinstance(schemas, tuple):
        schemas = (schemas,)
    refs = [self.resolve_nested_schema(schema) for schema in schemas]
    # The named schemas say it all: a sibling `type: object, additionalProperties: {}` reads
    # to openapi-typescript as one more choice, "any object", and types nothing.
    ret.pop("type", None)
    ret.pop("additionalProperties", None)
    return {"anyOf": refs} if len(refs) > 1 else {"allOf": refs}


def strict_nullable_refs(self, field, ret, **kwargs) -> dict:
    """apispec writes a nullable nested schema as anyOf [ref, any object]; allow only null."""
    choices = ret.get("anyOf")
    if not choices or not field.allow_none:
        return {}
    return {
        "anyOf": [
            {"type": "object", "nullable": True, "enum": [None]}
            if choice == {"type": "object", "nullable": True}
            else choice
            for choice in choices
        ]
    }


def _json(schema) -> dict:
    return {"content": {"application/json": {"schema": schema}}}


def _operation_dict(rule: Rule, method: str, declared: Operation) -> dict:
    endpoint = rule.endpoint.partition(".")[2]
    methods = rule.methods - IGNORED_METHODS
    operation_id = endpoint if len(methods) == 1 else f"{endpoint}_{method.lower()}"
    parameters = [
        {"in": "path", "name": name, "required": True, "schema": PATH_PARAMETERS[name]}
        for name in sorted(rule.arguments)
    ]
    parameters += [{"in": "query", "schema": schema} for schema in declared.query]
    responses = {}
    for status, (text, schema) in sorted(declared.responses.items()):
        responses[str(status)] = {"description": text}
        if schema is not None:
            content = {kind: {"schema": schema} for kind in declared.response_types}
            responses[str(status)]["content"] = content
        if status in declared.links:
            responses[str(status)]["links"] = dict(declared.links[status])
    # Any view can fail unexpectedly; errors.py answers that with the envelope too.
    errors = {**declared.errors, 500: INTERNAL_ERROR}
    for status, text in sorted(errors.items()):
        responses[str(status)] = {"description": text, **_json("Error")}
        if status in RETRY_AFTER:
            responses[str(status)]["headers"] = {"Retry-After": RETRY_AFTER_HEADER}
    result = {
        "operationId": operation_id,
        "tags": [current_app.view_functions[rule.endpoint].__module__.rpartition(".")[2]],
        "summary": declared.summary,
        "responses": responses,
        "security": KEYED_SECURITY if declared.scope in KEY_SCOPES else SECURITY[declared.scope],
        "x-scope": declared.scope,
    }
    access = {
        SESSION: "Needs a signed-in session; API keys are refused.",
        PUBLIC: "Public: no identity needed.",
    }.get(declared.scope, f"API key scope: `{declared.scope}`.")
    result["description"] = f"{access} {declared.description or ''}".strip()
    if parameters:
        result["parameters"] = parameters
    if declared.body is not None:
        content = {"schema": declared.body}
        if declared.body_encoding:
            content["encoding"] = dict(declared.body_encoding)
        result["requestBody"] = {
            "required": declared.body_required,
            "content": {
                declared.body_type: content,
                **{kind: {"schema": schema} for kind, schema in declared.other_bodies.items()},
            },
        }
    return result


def api_rules(blueprint: str = "api") -> list[Rule]:
    """The blueprint's routes, in path order."""
    rules = [r for r in current_app.url_map.iter_rules() if r.endpoint.startswith(blueprint + ".")]
    return sorted(rules, key=lambda r: (r.rule, r.endpoint))


def build_spec(blueprint: str = "api") -> dict:
    """The document for every route of the blueprint; MissingDeclaration if one has none."""
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
    plugin.map_to_openapi_type(IsoUtc, "string", "date-time")
    plugin.converter.add_attribute_function(documented_as)
    plugin.converter.add_attribute_function(strict_nullable_refs)
    spec.components.schema("Error", schema=ErrorSchema)
    for name, scheme in SECURITY_SCHEMES.items():
        spec.components.security_scheme(name, scheme)
    for rule in api_rules(blueprint):
        declared = declaration(current_app.view_functions[rule.endpoint])
        if declared is None:
            raise MissingDeclaration(f"{rule.endpoint} ({rule.rule}) has no @operation.")
        unknown = set(rule.arguments) - set(PATH_PARAMETERS)
        if unknown:
            raise MissingDeclaration(f"{rule.rule}: describe {sorted(unknown)} in PATH_PARAMETERS.")
        operations = {
            method.lower(): _operation_dict(rule, method, declared)
            for method in sorted(rule.methods - IGNORED_METHODS)
        }
        spec.path(path=openapi_path(rule.rule), operations=operations)
    document = spec.to_dict()
    for item in document["paths"].values():
        for declared_op in item.values():
            for parameter in declared_op.get("parameters", []):
                if parameter["in"] == "query":
                    without_null(parameter["schema"])
    for schema in document["components"]["schemas"].values():
        for field in schema.get("properties", {}).values():
            # An optional filter in a body (prune's type: absent is null), as above; an answer's
            # nullable enum (no default) stays as it is.
            optional = "default" in field and field["default"] is None
            if optional and None in field.get("enum", ()) and len(field["enum"]) > 1:
                without_null(field)
    drop_null_defaults(document)
    check_links(document)
    return document


def without_null(schema: dict) -> None:
    """A query string cannot carry null: an absent parameter is what a null default meant.
    (A nullable enum there makes openapi-python-client write three copies of the enum.)"""
    schema.pop("nullable", None)
    if "enum" in schema:
        schema["enum"] = [value for value in schema["enum"] if value is not None]


def drop_null_defaults(node) -> None:
    """`default: null` says no more than leaving the field out, but openapi-typescript makes
    every field with a default required, so a client would have to send each null itself."""
    if isinstance(node, dict):
        if "default" in node and node["default"] is None:
            del node["default"]
        for value in node.values():
            drop_null_defaults(value)
    elif isinstance(node, list):
        for value in node:
            drop_null_defaults(value)


def check_links(document: dict) -> None:
    """Refuse a link to an operation the document does not have, or naming a parameter
    that operation does not take."""
    declared = [op for item in document["paths"].values() for op in item.values()]
    by_id = {op["operationId"]: op for op in declared}
    for op in declared:
        for answer in op["responses"].values():
            for name, target in answer.get("links", {}).items():
                linked = by_id.get(target["operationId"])
                if linked is None:
                    raise MissingDeclaration(f"Link {name}: no {target['operationId']}.")
                unknown = set(target["parameters"]) - {
                    p.get("name") for p in linked.get("parameters", [])
                }
                if unknown:
                    raise MissingDeclaration(
                        f"Link {name}: {target['operationId']} takes no {sorted(unknown)}."
                    )


@bp.get("/openapi.json")
@operation(
    "This document.",
    scope=PUBLIC,
    responses={200: ("The OpenAPI 3 document.", {"type": "object"})},
)
def openapi_document():
    if "openapi" not in current_app.extensions:
        current_app.extensions["openapi"] = build_spec()
    return jsonify(current_app.extensions["openapi"])
