"""Export and import of a whole history: the one implementation the API and the CLI share."""

import json
import uuid
from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from marshmallow import ValidationError
from sqlalchemy.engine import Row
from sqlalchemy.exc import IntegrityError

from ..errors import Unauthorized
from ..extensions import db
from ..identity import Owner
from ..models import GeneratedMedia as GM
from ..models import utcnow
from ..schemas import ImportItemSchema, media_to_wire
from ..sql import dialect_insert
from . import archive
from .media import list_statement

EXPORT_BATCH = 1000
IMPORT_BATCH = 1000  # items per transaction; also the most one API request may carry
IMPORT_STATUSES = ("imported", "duplicate", "rejected")


def iter_export(owner: Owner, batch: int = EXPORT_BATCH) -> Iterator[Row]:
    """Every live record of the owner, newest first, read in keyset batches.

    Holds at most one batch in memory, so a 200,000-item history streams in constant space.
    """
    after = None
    while True:
        rows = db.session.execute(list_statement(owner, limit=batch, after=after)).all()
        yield from rows[:batch]
        if len(rows) <= batch:
            return
        after = (rows[batch - 1].created_at, rows[batch - 1].id)


def export_json(owner: Owner) -> Iterator[str]:
    """The owner's whole live history as the export document, one record at a time:
    `{"success": true, "data": [...]}`, the API's success envelope, in constant memory."""
    yield '{"success": true, "data": ['
    for index, row in enumerate(iter_export(owner)):
        yield ("," if index else "") + json.dumps(media_to_wire(row), separators=(",", ":"))
    yield "]}"


def _is_duplicate(owner: Owner, item: dict[str, Any]) -> uuid.UUID | None:
    """An item without a requestId is the same media when url, prompt and date all match."""
    stmt = owner.scope(sa.select(GM.id)).where(GM.url == item["url"], GM.prompt == item["prompt"])
    if item.get("created_at"):
        stmt = stmt.where(GM.created_at == item["created_at"])
    return db.session.execute(stmt.limit(1)).scalar()


# The largest import file or request body: 1,000 items with their settings fit many times.
IMPORT_MAX_BYTES = 32 * 1024 * 1024
NOT_A_HISTORY = 'Expected a list of items, or an export ({"data": [...]}).'


def items_of(document: Any) -> list[Any] | None:
    """The items of an import document: an export ({"data": [...]}), {"items": [...]}, or a
    plain list; None when it is none of these."""
    items = document.get("data", document.get("items")) if isinstance(document, dict) else document
    return items if isinstance(items, list) else None


def import_history(owner: Owner, items: Sequence[Any]) -> dict[str, Any]:
    """Import any number of items for the owner, IMPORT_BATCH per transaction.

    Returns `{imported, duplicate, rejected, results}`: the count of each status and one
    result per item (see import_media), indexed from the start of `items`.
    """
    results: list[dict[str, Any]] = []
    for start in range(0, len(items), IMPORT_BATCH):
        results += import_media(owner, items[start : start + IMPORT_BATCH], start=start)
    totals = {status: sum(r["status"] == status for r in results) for status in IMPORT_STATUSES}
    return {**totals, "results": results}


def import_media(owner: Owner, items: Sequence[Any], *, start: int = 0) -> list[dict[str, Any]]:
    """Import items for the owner, keeping their dates; commit; one result per item.

    Each result is {index, status: imported|duplicate|rejected, id?, details?}, the index
    counting from `start`. Idempotent: an item whose requestId the owner already has (trashed
    or not), or that has no requestId but the same url, prompt and date as an existing one, is
    a duplicate and changes nothing. Raises Unauthorized, importing nothing of this batch, if
    the logged-in account is gone.
    """
    schema, results = ImportItemSchema(), []
    for index, raw in enumerate(items, start):
        if not isinstance(raw, dict):
            results.append(
                {
                    "index": index,
                    "status": "rejected",
                    "details": {"_schema": ["Each item must be a JSON object."]},
                }
            )
            continue
        try:
            item = schema.load(raw)
        except ValidationError as exc:
            results.append(
                {"index": index, "status": "rejected", "details": exc.normalized_messages()}
            )
            continue
        existing = None if item.get("request_id") else _is_duplicate(owner, item)
        if existing:
            results.append({"index": index, "status": "duplicate", "id": str(existing)})
            continue
        values = {
            **item,
            "id": uuid.uuid4(),
            **owner.owner_columns(),
            "created_at": item.get("created_at") or utcnow(),
        }
        try:
            new_id = db.session.execute(
                dialect_insert(GM).values(**values).on_conflict_do_nothing().returning(GM.id)
            ).scalar()
        except IntegrityError as exc:  # only the owner FK is left: the account was deleted
            db.session.rollback()
            raise Unauthorized("Your account no longer exists; log in again.") from exc
        if new_id is None:
            existing = db.session.execute(
                owner.scope(sa.select(GM.id)).where(GM.request_id == item["request_id"])
            ).scalar()
            results.append({"index": index, "status": "duplicate", "id": str(existing)})
        else:
            archive.queue_archive(owner, new_id, item["url"])
            results.append({"index": index, "status": "imported", "id": str(new_id)})
    db.session.commit()
    return results
