"""API keys over JSON: create (the key is answered this once), list (never the key), revoke.

Managing keys needs a signed-in session: a key cannot mint, list or revoke keys (so a leaked
key cannot make itself a successor), and a guest cannot hold any.
"""

import uuid

from ..errors import Unauthorized
from ..identity import signed_in
from ..schemas import CreateApiKeySchema, envelope, iso_utc, json_object
from ..services import keys
from . import BODY_ERRORS, MEDIA_ERRORS, api_limit, bp
from .contract import (
    SESSION,
    ApiKeyEnvelope,
    ApiKeyList,
    CreatedApiKeyEnvelope,
    operation,
)

NOT_SIGNED_IN = (401, "Not logged in (code not_signed_in): only accounts hold API keys.")


def key_to_wire(row) -> dict:
    return {
        "id": str(row.id),
        "name": row.name,
        "scopes": row.scopes.split(),
        "rateLimit": row.rate_limit,
        "createdAt": iso_utc(row.created_at),
        "expiresAt": iso_utc(row.expires_at) if row.expires_at else None,
        "lastUsedAt": iso_utc(row.last_used_at) if row.last_used_at else None,
        "revokedAt": iso_utc(row.revoked_at) if row.revoked_at else None,
    }


def _account_id() -> uuid.UUID:
    account = signed_in()
    if account is None:
        raise Unauthorized("Log in to manage API keys.", code="not_signed_in")
    return account.user_id


@bp.post("/keys")
@operation(
    "Create an API key for the signed-in account; the answer holds the key, this once.",
    scope=SESSION,
    body=CreateApiKeySchema,
    responses={201: ("Created: `data.key` is the key; store it now.", CreatedApiKeyEnvelope)},
    errors=(
        400,
        NOT_SIGNED_IN,
        403,
        (409, "The account already holds 100 keys that are not revoked (code too_many_keys)."),
        *BODY_ERRORS,
        *MEDIA_ERRORS,
    ),
)
@api_limit
def create_key():
    options = CreateApiKeySchema.once().load(json_object())
    row, key = keys.create_key(_account_id(), **options)
    return envelope({**key_to_wire(row), "key": key}, status=201)


@bp.get("/keys")
@operation(
    "The signed-in account's API keys, newest first (revoked ones too); never the keys.",
    scope=SESSION,
    responses={200: ("Keys.", ApiKeyList)},
    errors=(NOT_SIGNED_IN, *MEDIA_ERRORS),
)
@api_limit
def list_keys():
    return envelope([key_to_wire(row) for row in keys.list_keys(_account_id())])


@bp.delete("/keys/<uuid:key_id>")
@operation(
    "Revoke an API key: the next request with it answers 401.",
    scope=SESSION,
    responses={200: ("Revoked (or already revoked).", ApiKeyEnvelope)},
    errors=(NOT_SIGNED_IN, 403, (404, "No such key for this account (code not_found)."), 429, 503),
)
@api_limit
def revoke_key(key_id: uuid.UUID):
    return envelope(key_to_wire(keys.revoke_key(_account_id(), key_id)))
