"""Export and import of a whole history: the one implementation the API and the CLI share."""

import contextlib
import json
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app
from marshmallow import ValidationError
from sqlalchemy.engine import Row
from sqlalchemy.exc import IntegrityError

from ..errors import Busy, Unauthorized, ValidationFailed
from ..extensions import db
from ..identity import Owner
from ..models import GeneratedMedia as GM
from ..models import utcnow
from ..schemas import ImportItemSchema, media_to_wire
from ..sql import dialect_insert
from ..variants import key_of_values
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


def _utc(moment: datetime) -> datetime:
    """Dates as the database hands them back (naive UTC on SQLite), comparable."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class _KnownMedia:
    """What an item without a requestId may duplicate: the owner's records with the same url
    (read in one query per batch) and the items of this batch imported before it."""

    def __init__(self, owner: Owner, urls: set[str]):
        self.by_content: dict[tuple[str, str], list[tuple[datetime, uuid.UUID]]] = {}
        for chunk in _chunks(sorted(urls), 500):
            rows = db.session.execute(
                owner.scope(sa.select(GM.id, GM.url, GM.prompt, GM.created_at)).where(
                    GM.url.in_(chunk)
                )
            )
            for row in rows:
                self.add(row.url, row.prompt, row.created_at, row.id)

    def add(self, url: str, prompt: str, created_at: datetime, media_id: uuid.UUID) -> None:
        self.by_content.setdefault((url, prompt), []).append((_utc(created_at), media_id))

    def find(self, item: dict[str, Any]) -> uuid.UUID | None:
        """Same url and prompt, and the same date when the item has one."""
        wanted = _utc(item["created_at"]) if item.get("created_at") else None
        for created_at, media_id in self.by_content.get((item["url"], item["prompt"]), ()):
            if wanted is None or created_at == wanted:
                return media_id
        return None


def _chunks(values: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


# The largest import file or request body: 1,000 items with their settings fit many times.
IMPORT_MAX_BYTES = 32 * 1024 * 1024
NOT_A_HISTORY = 'Expected a list of items, or an export ({"data": [...]}).'


def items_of(document: Any) -> list[Any] | None:
    """The items of an import document: an export ({"data": [...]}), {"items": [...]}, or a
    plain list; None when it is none of these."""
    items = document.get("data", document.get("items")) if isinstance(document, dict) else document
    return items if isinstance(items, list) else None


# The most items one web request imports (a file from the gallery; the API takes 1,000): a
# request's work stays bounded. `flask media import` has no such cap.
IMPORT_REQUEST_MAX_ITEMS = 10_000
# Advisory-lock namespace of the import slots (PostgreSQL takes two int4 keys).
IMPORT_LOCK_CLASS = 0x6D656469


def import_history(owner: Owner, items: Sequence[Any], *, bounded: bool = False) -> dict[str, Any]:
    """Import any number of items for the owner, IMPORT_BATCH per transaction.

    Returns `{imported, duplicate, rejected, results}`: the count of each status and one
    result per item (see import_media), indexed from the start of `items`. `bounded` (a web
    request) refuses more than IMPORT_REQUEST_MAX_ITEMS items (ValidationFailed) and runs
    only in a free import slot (Busy otherwise), importing nothing when refused.
    """
    if bounded and len(items) > IMPORT_REQUEST_MAX_ITEMS:
        raise ValidationFailed(
            f"That file holds {len(items):,} items; one import takes at most "
            f"{IMPORT_REQUEST_MAX_ITEMS:,}. Split it, or ask the operator to run "
            "`flask media import`.",
            code="too_many_items",
            details={"items": [f"At most {IMPORT_REQUEST_MAX_ITEMS:,} items."]},
        )
    with import_slot() if bounded else contextlib.nullcontext():
        results: list[dict[str, Any]] = []
        for start in range(0, len(items), IMPORT_BATCH):
            results += import_media(owner, items[start : start + IMPORT_BATCH], start=start)
    totals = {status: sum(r["status"] == status for r in results) for status in IMPORT_STATUSES}
    return {**totals, "results": results}


@contextlib.contextmanager
def import_slot() -> Iterator[None]:
    """Hold one of IMPORT_CONCURRENCY import slots for the block, or raise Busy at once.

    On PostgreSQL the slots are session advisory locks, so they hold over every worker and
    host, on a connection of their own that ends (freeing the slot) even if the worker dies;
    on SQLite they are this process's. 0 slots: no bound.
    """
    slots = current_app.config["IMPORT_CONCURRENCY"]
    if slots <= 0:
        yield
        return
    if db.engine.dialect.name != "postgresql":
        semaphore = current_app.extensions.setdefault(
            "import_slots", threading.BoundedSemaphore(slots)
        )
        if not semaphore.acquire(blocking=False):
            raise _busy()
        try:
            yield
        finally:
            semaphore.release()
        return
    with db.engine.connect() as conn:
        slot = next(
            (
                n
                for n in range(slots)
                if conn.execute(
                    sa.text("SELECT pg_try_advisory_lock(:space, :slot)"),
                    {"space": IMPORT_LOCK_CLASS, "slot": n},
                ).scalar()
            ),
            None,
        )
        conn.commit()
        if slot is None:
            raise _busy()
        try:
            yield
        finally:
            try:
                conn.execute(
                    sa.text("SELECT pg_advisory_unlock(:space, :slot)"),
                    {"space": IMPORT_LOCK_CLASS, "slot": slot},
                )
                conn.commit()
            except sa.exc.DBAPIError:
                conn.invalidate()  # never hand a connection holding the slot back to the pool


def _busy() -> Busy:
    return Busy(
        "Another import is running; try again in a few seconds.",
        retry_after=2,
        details={"retryAfter": 2},
    )


def _rejected(index: int, details: Any) -> dict[str, Any]:
    return {"index": index, "status": "rejected", "details": details}


def import_media(
    owner: Owner,
    items: Sequence[Any],
    *,
    start: int = 0,
    restore: Callable[[int, dict[str, Any]], dict[str, Any] | None] | None = None,
) -> list[dict[str, Any]]:
    """Import items for the owner, keeping their dates; commit; one result per item.

    Each result is {index, status: imported|duplicate|rejected, id?, details?}, the index
    counting from `start`. Idempotent: an item whose requestId the owner already has (trashed
    or not), or that has no requestId but the same url, prompt and date as an existing one, is
    a duplicate and changes nothing; so is a repeat within `items`. The rows (and their
    archive jobs) go in with one multi-row INSERT each, whatever the batch's size. `restore`
    (a zip import) is asked, for each item about to be inserted, for the archive columns of a
    file it has already stored; such a record needs no archive job. Raises
    Unauthorized, importing nothing of this batch, if the logged-in account is gone.
    """
    schema = ImportItemSchema()
    results: dict[int, dict[str, Any]] = {}
    loaded: list[tuple[int, dict[str, Any]]] = []
    for index, raw in enumerate(items, start):
        if not isinstance(raw, dict):
            results[index] = _rejected(index, {"_schema": ["Each item must be a JSON object."]})
            continue
        try:
            loaded.append((index, schema.load(raw)))
        except ValidationError as exc:
            results[index] = _rejected(index, exc.normalized_messages())

    known = _KnownMedia(owner, {item["url"] for _, item in loaded if not item.get("request_id")})
    keys_of: dict[int, str] = {}  # index -> requestId of the first item carrying it
    seen_keys: set[str] = set()
    rows: list[dict[str, Any]] = []
    for index, item in loaded:
        key = item.get("request_id")
        if key is None:
            existing = known.find(item)
            if existing:
                results[index] = {"index": index, "status": "duplicate", "id": str(existing)}
                continue
        elif key in seen_keys:
            results[index] = {"index": index, "status": "duplicate", "key": key}
            continue
        else:
            keys_of[index] = key
            seen_keys.add(key)
        row = {
            **item,
            "id": uuid.uuid4(),
            **owner.owner_columns(),
            "created_at": item.get("created_at") or utcnow(),
            "variant_key": key_of_values(item),
        }
        restored = restore(index, item) if restore is not None else None
        if restore is not None:
            # Every row of one multi-row INSERT names the same columns.
            row.update(restored or {"archive_status": "pending"})
        rows.append(row)
        results[index] = {"index": index, "status": "imported", "id": str(row["id"])}
        if restored:
            results[index]["restored"] = True
        if key is None:
            known.add(row["url"], row["prompt"], row["created_at"], row["id"])

    inserted = _insert_rows(rows)
    # A requestId the owner already had (trashed or not): that record is the duplicate.
    taken = [row["request_id"] for row in rows if row["id"] not in inserted]
    existing_ids = ids_of_request_ids(owner, taken)
    ids_by_key = {row["request_id"]: str(row["id"]) for row in rows if row["id"] in inserted}
    ids_by_key.update(existing_ids)
    for index in sorted(results):
        result = results[index]
        if result["status"] == "imported" and uuid.UUID(result["id"]) not in inserted:
            key = keys_of[index]
            results[index] = {"index": index, "status": "duplicate", "id": ids_by_key[key]}
        elif "key" in result:  # a repeat within the batch: the record its first copy found
            result["id"] = ids_by_key[result.pop("key")]
    archive.queue_archive_many(
        owner,
        [
            (row["id"], row["url"])
            for row in rows
            if row["id"] in inserted and row.get("archive_status") != "stored"
        ],
    )
    db.session.commit()
    return [results[index] for index in sorted(results)]


def _insert_rows(rows: list[dict[str, Any]]) -> set[uuid.UUID]:
    """Insert the rows in multi-row INSERTs, skipping requestIds the owner already has; the
    ids that went in."""
    if not rows:
        return set()
    columns = set().union(*rows)
    rows = [{column: row.get(column) for column in columns} for row in rows]
    statement = dialect_insert(GM).on_conflict_do_nothing().returning(GM.id)
    try:
        return set(db.session.execute(statement, rows).scalars())
    except IntegrityError as exc:  # only the owner FK is left: the account was deleted
        db.session.rollback()
        raise Unauthorized("Your account no longer exists; log in again.") from exc


def ids_of_request_ids(owner: Owner, keys: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for chunk in _chunks(keys, 500):
        stmt = owner.scope(sa.select(GM.request_id, GM.id)).where(GM.request_id.in_(chunk))
        found.update({key: str(media_id) for key, media_id in db.session.execute(stmt)})
    return found
