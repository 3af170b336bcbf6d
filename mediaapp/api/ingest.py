"""Provider callbacks: an account's ingest endpoints (create, list, delete) and the signed
callback route a provider posts a finished prediction to."""

import re
import uuid

from flask import request, url_for

from ..errors import UnsupportedMediaType, ValidationFailed
from ..identity import current_owner
from ..schemas import (
    CreateIngestEndpointSchema,
    envelope,
    iso_utc,
    json_object,
    loads_object,
)
from ..services import ingest
from . import BODY_ERRORS, MEDIA_ERRORS, api_limit, bp
from .contract import (
    INGEST_NAME_PATTERN,
    PUBLIC,
    SESSION,
    CreatedIngestEndpointEnvelope,
    IngestEndpointEnvelope,
    IngestEndpointList,
    IngestResultEnvelope,
    PredictionDocSchema,
    operation,
)

NOT_SIGNED_IN = (401, "Ingest endpoints belong to accounts: log in first (code not_signed_in).")
CALLBACK_HEADERS = (
    "Signed the Standard Webhooks way, as Replicate signs its webhooks: the headers "
    "`webhook-id`, `webhook-timestamp` (Unix seconds, within 5 minutes of now) and "
    "`webhook-signature` (`v1,<base64 HMAC-SHA256 of id.timestamp.body>` under the endpoint's "
    "`whsec_` secret). A succeeded prediction is saved once per output URL, with the requestId "
    "`replicate:<prediction id>:<index>`, so a replay adds nothing; any other status is "
    "acknowledged and nothing is written. Nothing is written unless the signature verifies."
)


def endpoint_to_wire(endpoint) -> dict:
    return {
        "id": str(endpoint.id),
        "name": endpoint.name,
        "label": endpoint.label,
        "provider": endpoint.provider,
        "url": url_for("api.ingest_callback", name=endpoint.name, _external=True),
        "createdAt": iso_utc(endpoint.created_at),
        "lastUsedAt": iso_utc(endpoint.last_used_at) if endpoint.last_used_at else None,
    }


@bp.post("/ingest-endpoints")
@operation(
    "Create an ingest endpoint for the account; its secret is in this answer only.",
    scope=SESSION,
    body=CreateIngestEndpointSchema,
    responses={201: ("Created.", CreatedIngestEndpointEnvelope)},
    errors=(
        400,
        NOT_SIGNED_IN,
        403,
        (409, f"The account has {ingest.MAX_ENDPOINTS} endpoints (code too_many_endpoints)."),
        *BODY_ERRORS,
        *MEDIA_ERRORS,
    ),
)
@api_limit
def create_ingest_endpoint():
    options = CreateIngestEndpointSchema.once().load(json_object())
    created = ingest.create_endpoint(current_owner(), **options)
    return envelope({**endpoint_to_wire(created.endpoint), "secret": created.secret}, status=201)


@bp.get("/ingest-endpoints")
@operation(
    "The account's ingest endpoints, newest first (never their secrets).",
    scope=SESSION,
    responses={200: ("Endpoints; a guest has none.", IngestEndpointList)},
    errors=MEDIA_ERRORS,
)
@api_limit
def list_ingest_endpoints():
    return envelope([endpoint_to_wire(e) for e in ingest.list_endpoints(current_owner())])


@bp.delete("/ingest-endpoints/<uuid:endpoint_id>")
@operation(
    "Delete an ingest endpoint; callbacks to it are refused from then on.",
    scope=SESSION,
    responses={200: ("Deleted.", IngestEndpointEnvelope)},
    errors=(403, (404, "No such endpoint for this owner (code not_found)."), *MEDIA_ERRORS),
)
@api_limit
def delete_ingest_endpoint(endpoint_id: uuid.UUID):
    endpoint = ingest.delete_endpoint(current_owner(), endpoint_id)
    return envelope(endpoint_to_wire(endpoint))


@bp.post("/ingest/<name>")
@operation(
    "Receive a provider's signed completion callback (a Replicate prediction).",
    # Signed, not authenticated: the endpoint's secret is what lets it in; a key is ignored.
    scope=PUBLIC,
    description=CALLBACK_HEADERS,
    body=PredictionDocSchema,
    responses={200: ("Acknowledged; what was recorded.", IngestResultEnvelope)},
    errors=(
        (
            400,
            "The name is not an endpoint name, or the verified body is not a prediction that "
            "can be saved (codes validation_error, malformed_json, not_an_object, "
            "invalid_prediction).",
        ),
        (
            401,
            "The signature does not verify (code invalid_signature), or the timestamp is "
            "outside the five minutes allowed (code stale_timestamp). Nothing is written.",
        ),
        403,
        (404, "No endpoint has that name (code unknown_endpoint). Nothing is written."),
        *BODY_ERRORS,
        *MEDIA_ERRORS,
    ),
)
@api_limit
def ingest_callback(name: str):
    body = request.get_data(cache=True)  # raises 413 past MAX_CONTENT_LENGTH
    if not request.is_json:
        raise UnsupportedMediaType(
            "Send the callback as JSON with 'Content-Type: application/json'.",
            details={"contentType": request.mimetype or None},
        )
    # Parsed (strictly, depth-limited) before the signature is checked, as every JSON body is;
    # nothing is written until it verifies.
    prediction = loads_object(body)
    if not re.fullmatch(INGEST_NAME_PATTERN.strip("^$"), name):
        raise ValidationFailed(
            "Not an ingest endpoint name.",
            details={"name": ["Lower-case letters, digits and hyphens, at most 96."]},
        )
    return envelope(ingest.receive(name, body, prediction, dict(request.headers)))
