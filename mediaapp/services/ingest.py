"""Provider callbacks: an account's ingest endpoints, and the signed completion callbacks they
receive, mapped into saves.

A callback is verified the Standard Webhooks way (the `standardwebhooks` library: headers
webhook-id, webhook-timestamp and webhook-signature, an HMAC-SHA256 of
"<id>.<timestamp>.<body>" under the endpoint's `whsec_` secret, and a timestamp within the
library's five minutes), which is how Replicate signs its webhooks. Nothing is written before
the signature holds. A succeeded prediction becomes one save per output URL through
media.save_media, the save API's own service (so each file is archived like any save), with
the requestId `<provider>:<prediction id>:<index>`: a replayed callback finds them saved and
adds nothing.
"""

import base64
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from marshmallow import ValidationError
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from .. import sealing
from ..errors import Conflict, NotFound, Unauthorized, ValidationFailed
from ..extensions import db
from ..identity import Owner
from ..models import IngestEndpoint, IngestName, utcnow
from ..schemas import SaveMediaSchema, UtcDateTime
from . import media

PROVIDERS = ("replicate",)
MAX_ENDPOINTS = 20
VIDEO_SUFFIXES = (".mp4", ".webm", ".mov", ".m4v")
# Input values kept in the settings: scalars, and strings no longer than this (an input may be
# a whole image as a data: URL, which is no setting).
SETTING_TEXT_MAX = 500


@dataclass(frozen=True)
class Created:
    endpoint: IngestEndpoint
    secret: str  # shown once, in the answer that creates the endpoint


def _slug(label: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")[:40].strip("-")
    return slug or "endpoint"


def new_secret() -> str:
    """A Standard Webhooks secret: whsec_ and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def _account(owner: Owner) -> Owner:
    if owner.is_guest:
        raise Unauthorized(
            "Log in to an account to create and manage ingest endpoints.", code="not_signed_in"
        )
    return owner


def create_endpoint(
    owner: Owner, *, label: str, provider: str = "replicate", secret: str | None = None
) -> Created:
    """A new endpoint for the account, and commit. Its secret is the one given (Replicate's
    signing secret, say) or a new one; either is returned here only. Unauthorized for a
    guest; Conflict (too_many_endpoints) past MAX_ENDPOINTS."""
    _account(owner)
    count = db.session.execute(
        owner.scope(sa.select(sa.func.count()).select_from(IngestEndpoint), IngestEndpoint)
    ).scalar_one()
    if count >= MAX_ENDPOINTS:
        db.session.rollback()
        raise Conflict(
            f"An account has at most {MAX_ENDPOINTS} ingest endpoints; delete one first.",
            code="too_many_endpoints",
        )
    secret = secret or new_secret()
    # 96 random bits after the label: unique and unguessable whoever else has endpoints.
    name = f"{_slug(label)}-{secrets.token_hex(12)}"
    endpoint = IngestEndpoint(
        owner_id=owner.id,
        id=uuid.uuid4(),
        name=name,
        label=label,
        provider=provider,
        secret_sealed=sealing.seal(secret),
        created_at=utcnow(),
    )
    db.session.add(endpoint)
    db.session.add(IngestName(name=name, owner_id=owner.id))
    db.session.commit()
    return Created(endpoint=endpoint, secret=secret)


def list_endpoints(owner: Owner) -> list[IngestEndpoint]:
    """The account's endpoints, newest first (a guest has none). Owner-scoped."""
    if owner.is_guest:
        return []
    stmt = owner.scope(sa.select(IngestEndpoint), IngestEndpoint).order_by(
        IngestEndpoint.created_at.desc(), IngestEndpoint.id
    )
    endpoints = list(db.session.execute(stmt).scalars())
    db.session.commit()
    return endpoints


def delete_endpoint(owner: Owner, endpoint_id: uuid.UUID) -> sa.Row:
    """Delete one of the account's endpoints and its name, and commit; callbacks to it are
    refused from then on. NotFound when it is not the owner's (a guest has none)."""
    endpoint = db.session.execute(
        owner.scope(sa.delete(IngestEndpoint), IngestEndpoint)
        .where(IngestEndpoint.id == endpoint_id)
        .returning(*IngestEndpoint.__table__.c)  # a row: it outlives the commit
    ).first()
    if endpoint is None:
        db.session.rollback()
        raise NotFound("No ingest endpoint with that id.")
    db.session.execute(
        sa.delete(IngestName).where(
            IngestName.name == endpoint.name, IngestName.owner_id == owner.id
        )
    )
    db.session.commit()
    return endpoint


def remove_owned(owner_id: uuid.UUID) -> None:
    """Delete every endpoint of the owner and their names (the caller commits)."""
    db.session.execute(sa.delete(IngestName).where(IngestName.owner_id == owner_id))
    db.session.execute(sa.delete(IngestEndpoint).where(IngestEndpoint.owner_id == owner_id))


# --- receiving a callback ---------------------------------------------------------------------


def _endpoint_named(name: str) -> IngestEndpoint | None:
    owner_id = db.session.execute(
        sa.select(IngestName.owner_id).where(IngestName.name == name)
    ).scalar()
    if owner_id is None:
        return None
    return db.session.execute(
        sa.select(IngestEndpoint).where(
            IngestEndpoint.owner_id == owner_id, IngestEndpoint.name == name
        )
    ).scalar()


def verify(name: str, body: bytes, headers: dict[str, str]) -> IngestEndpoint:
    """The endpoint whose secret signed `body`. NotFound (unknown_endpoint) for a name no
    account has; Unauthorized (invalid_signature, or stale_timestamp outside the tolerance)
    otherwise. Writes nothing."""
    endpoint = _endpoint_named(name)
    if endpoint is None:
        raise NotFound("No ingest endpoint by that name.", code="unknown_endpoint")
    secret = sealing.unseal(endpoint.secret_sealed)
    try:
        if secret is None:  # sealed under another SECRET_KEY: nothing can verify
            raise WebhookVerificationError("The endpoint's secret cannot be read.")
        Webhook(secret).verify(body, headers, json_parse=False)
    except WebhookVerificationError as exc:
        timing = "timestamp too" in str(exc)
        raise Unauthorized(
            "The webhook timestamp is outside the five minutes allowed; replays are refused."
            if timing
            else "The webhook signature does not verify.",
            code="stale_timestamp" if timing else "invalid_signature",
        ) from exc
    except ValueError as exc:  # malformed headers or a body that is not UTF-8
        raise Unauthorized(
            "The webhook signature does not verify.", code="invalid_signature"
        ) from exc
    return endpoint


def _outputs(output: Any) -> list[str]:
    if isinstance(output, str):
        return [output]
    if isinstance(output, list):
        return [item for item in output if isinstance(item, str)]
    return []


def _when(prediction: dict[str, Any]) -> datetime | None:
    for key in ("completed_at", "created_at"):
        value = prediction.get(key)
        if isinstance(value, str):
            try:
                return UtcDateTime().deserialize(value)
            except ValidationError:
                continue
    return None


def _model(prediction: dict[str, Any]) -> str:
    model = prediction.get("model")
    if isinstance(model, str) and model:
        return model[:128]
    version = prediction.get("version")
    if isinstance(version, str) and version:
        return f"version:{version[:12]}"
    return "replicate"


def _settings(kind: str, model: str, given: dict[str, Any]) -> dict[str, Any]:
    """The input's settings (scalars other than the prompt), with the keys a save's settings
    need for its type filled from them where the input has them."""
    kept = {
        key: value
        for key, value in given.items()
        if key != "prompt"
        and (
            isinstance(value, bool | int | float)
            or (isinstance(value, str) and len(value) <= SETTING_TEXT_MAX)
        )
    }

    def text(*keys: str, default: str) -> str:
        for key in keys:
            if isinstance(given.get(key), str) and given[key]:
                return given[key][:256]
        return default

    width, height = given.get("width"), given.get("height")
    if isinstance(width, int) and isinstance(height, int):
        resolution = f"{width}x{height}"
    else:
        resolution = text("resolution", "aspect_ratio", default="unknown")
    settings = {
        **kept,
        "model": model,
        "style": text("style", default="none"),
        "resolution": resolution,
        "shotSize": text("shot_size", "shotSize", default="unspecified"),
    }
    if not isinstance(settings.get("seed"), int | float) or isinstance(settings["seed"], bool):
        settings.pop("seed", None)
    if kind == "video":
        for key, sources in (("duration", ("duration",)), ("frameRate", ("fps", "frame_rate"))):
            value = next((given[s] for s in sources if isinstance(given.get(s), int | float)), 0)
            settings[key] = 0 if isinstance(value, bool) else value
    return settings


def prediction_saves(endpoint: IngestEndpoint, prediction: dict[str, Any]) -> list[dict]:
    """The save payloads a succeeded prediction stands for, validated as saves are: one per
    output URL. ValidationFailed (invalid_prediction) naming what is wrong otherwise."""
    prediction_id = prediction.get("id")
    if not isinstance(prediction_id, str) or not prediction_id or len(prediction_id) > 200:
        raise ValidationFailed(
            "The prediction has no id.",
            code="invalid_prediction",
            details={"id": ["Must be a string of 1–200 characters."]},
        )
    urls = _outputs(prediction.get("output"))
    if not urls:
        raise ValidationFailed(
            "The succeeded prediction has no output URL.",
            code="invalid_prediction",
            details={"output": ["Must be a URL or a list of URLs."]},
        )
    given = prediction.get("input") if isinstance(prediction.get("input"), dict) else {}
    prompt = given.get("prompt") if isinstance(given.get("prompt"), str) else ""
    model = _model(prediction)
    metrics = prediction.get("metrics") if isinstance(prediction.get("metrics"), dict) else {}
    predict_time = metrics.get("predict_time")
    duration_ms = None
    if isinstance(predict_time, int | float) and not isinstance(predict_time, bool):
        if 0 <= predict_time < 2**31 / 1000:
            duration_ms = round(predict_time * 1000)
    when = _when(prediction)
    schema, payloads = SaveMediaSchema(), []
    for index, url in enumerate(urls):
        kind = "video" if url.lower().split("?")[0].endswith(VIDEO_SUFFIXES) else "image"
        raw = {
            "type": kind,
            "url": url,
            "prompt": prompt.strip() or "(no prompt given)",
            "model": model,
            "settings": _settings(kind, model, given),
            "requestId": f"{endpoint.provider}:{prediction_id}:{index}",
            "provider": endpoint.provider,
            "durationMs": duration_ms,
        }
        try:
            payload = schema.load(raw)
        except ValidationError as exc:
            raise ValidationFailed(
                f"Output {index} of the prediction cannot be saved.",
                code="invalid_prediction",
                details={f"output[{index}]": exc.normalized_messages()},
            ) from exc
        if when is not None:
            payload["created_at"] = when
        payloads.append(payload)
    return payloads


def receive(
    name: str, body: bytes, prediction: dict[str, Any], headers: dict[str, str]
) -> dict[str, Any]:
    """Verify a callback (`body`, which parsed as `prediction`) and record a succeeded
    prediction's outputs for the endpoint's account; commits each save. Another status is
    acknowledged and writes nothing. Idempotent on the prediction id: outputs already saved
    (live or in the trash) count as duplicates.
    Raises what verify raises, and ValidationFailed for a prediction that cannot be saved,
    before anything is written."""
    endpoint = verify(name, body, headers)
    status = prediction.get("status")
    status = status if isinstance(status, str) else None
    answer = {"status": status, "prediction": None, "saved": 0, "duplicate": 0, "ids": []}
    if isinstance(prediction.get("id"), str):
        answer["prediction"] = prediction["id"][:200]
    if status != "succeeded":
        return answer
    payloads = prediction_saves(endpoint, prediction)
    owner = Owner.account(endpoint.owner_id)
    for payload in payloads:
        try:
            row, created = media.save_media(owner, payload)
        except Conflict as exc:  # its item is in the trash: recorded before, left there
            if exc.code != "in_trash":
                raise
            answer["duplicate"] += 1
            answer["ids"].append(exc.details["id"])
            continue
        answer["saved" if created else "duplicate"] += 1
        answer["ids"].append(str(row.id))
    db.session.execute(
        sa.update(IngestEndpoint)
        .where(IngestEndpoint.owner_id == endpoint.owner_id, IngestEndpoint.id == endpoint.id)
        .values(last_used_at=utcnow())
    )
    db.session.commit()
    return answer
