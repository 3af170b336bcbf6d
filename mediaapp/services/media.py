"""Saving, listing, finding, favoriting, trashing and restoring one owner's media."""

import base64
import binascii
import functools
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from marshmallow import ValidationError
from sqlalchemy.engine import Row
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from ..errors import Conflict, NotFound, Unauthorized, ValidationFailed
from ..extensions import db
from ..identity import Owner
from ..models import GeneratedMedia as GM
from ..models import utcnow
from ..schemas import CursorSchema, MediaFilters, decode_json
from ..variants import KEY_LENGTH, key_of_values
from . import archive, collections, stats

# The columns a record shows on the wire and in the gallery: one round trip, no ORM objects.
COLUMNS = (
    GM.id,
    GM.type,
    GM.url,
    GM.prompt,
    GM.model,
    GM.settings,
    GM.project_id,
    GM.request_id,
    GM.file_id,
    GM.thumbnail_url,
    GM.created_at,
    GM.user_id,
    GM.favorite,
    GM.rating,
    GM.deleted_at,
    *archive.ARCHIVE_COLUMNS,
    GM.provider,
    GM.cost_usd,
    GM.credits,
    GM.duration_ms,
)
LIVE = GM.deleted_at.is_(None)
TRASHED = GM.deleted_at.is_not(None)


@dataclass(frozen=True)
class Page:
    items: list[Row]
    has_more: bool
    next_cursor: str | None
    limit: int
    offset: int


# --- cursors -----------------------------------------------------------------------------


def _sort_key(filters: MediaFilters):
    """The column a view is ordered by (with id as the tie-breaker)."""
    return GM.deleted_at if filters.trashed else GM.created_at


def encode_cursor(row: Row, filters: MediaFilters) -> str:
    key = row.deleted_at if filters.trashed else row.created_at
    payload = {"t": key.isoformat(), "i": row.id.hex, "f": filters.fingerprint()}
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _invalid_cursor(reason: str) -> ValidationFailed:
    return ValidationFailed(
        "The cursor is not valid."
        if "other" not in reason
        else "The cursor belongs to a different query.",
        code="invalid_cursor",
        details={"cursor": [reason]},
    )


def decode_cursor(cursor: str, filters: MediaFilters) -> tuple[datetime, uuid.UUID]:
    """The (sort key, id) position a cursor stands for; ValidationFailed when it is not ours."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        payload = CursorSchema().load(decode_json(raw))
    except (binascii.Error, ValueError, ValidationError) as exc:  # JsonProblem is a ValueError
        raise _invalid_cursor("Not a cursor from this API.") from exc
    position, fingerprint = (payload["t"], payload["i"]), payload["f"]
    if fingerprint != filters.fingerprint():
        raise _invalid_cursor("This cursor was made for other filters; start again.")
    return position


# --- queries -----------------------------------------------------------------------------


def fetch_rows(stmt: sa.Select) -> list[Row]:
    """Run a column select on the session's connection: Core rows, no ORM result machinery."""
    return db.session.connection().execute(stmt).all()


def _records(owner: Owner) -> sa.Select:
    return owner.scope(sa.select(*COLUMNS))


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def filtered(stmt, filters: MediaFilters, owner: Owner, *, depth: int = 0):
    """Apply every filter but the ordering; shared by pages, counts and neighbours.

    `owner` names whose collection a `collection` filter means (NotFound if not theirs).
    """
    stmt = stmt.where(TRASHED if filters.trashed else LIVE)
    if filters.collection:
        stmt = collections.restrict(
            owner, stmt, filters.collection, trashed=filters.trashed, depth=depth
        )
    if filters.type:
        stmt = stmt.where(GM.type == filters.type)
    if filters.model:
        stmt = stmt.where(GM.model == filters.model)
    if filters.favorite is not None:
        stmt = stmt.where(
            GM.favorite == sa.true() if filters.favorite else GM.favorite == sa.false()
        )
    if filters.min_rating:
        # `rating > 0` spells out the rated-rows index's condition, so the planner uses it
        # for any N (also when it cannot prove `rating >= N` implies it).
        stmt = stmt.where(GM.rating >= filters.min_rating, GM.rating > 0)
    if filters.q:
        stmt = stmt.where(GM.prompt.ilike(_like_pattern(filters.q), escape="\\"))
    if filters.date_from:
        stmt = stmt.where(GM.created_at >= day_start(filters.date_from))
    if filters.archive == "missing":
        stmt = stmt.where(GM.archive_status.in_(("failed", "expired")))
    if filters.date_to:  # inclusive: everything before the next day starts
        stmt = stmt.where(GM.created_at < day_start(filters.date_to + timedelta(days=1)))
    if filters.variant:
        stmt = stmt.where(GM.variant_key == _variant_key_of(owner, filters.variant))
    return stmt


def _variant_key_of(owner: Owner, variant: str):
    """variantOf as a stack key: itself, or the key of the owner's item with that id (live
    or trashed), looked up by primary key in the same statement; another owner's id or a
    missing one gives NULL, which matches nothing."""
    if len(variant) == KEY_LENGTH:
        return variant
    item = aliased(GM, name="variant_of")
    return (
        owner.scope(sa.select(item.variant_key), table=item)
        .where(item.id == uuid.UUID(variant))
        .scalar_subquery()
    )


def list_statement(
    owner: Owner,
    filters: MediaFilters | None = None,
    *,
    limit: int = 50,
    offset: int = 0,
    after: tuple[datetime, uuid.UUID] | None = None,
    base: sa.Select | None = None,
) -> sa.Select:
    """The page query: owner-scoped, ordered by (key, id), one row more than a page.

    `base` (owner-scoped) replaces the select of COLUMNS, e.g. to add columns or conditions.
    """
    filters = filters or MediaFilters()
    key = _sort_key(filters)
    ascending = filters.sort == "oldest" and not filters.trashed
    stmt = filtered(base if base is not None else _records(owner), filters, owner)
    if after:
        # A row-value comparison is one range of the (owner, key DESC, id DESC) index.
        position = sa.tuple_(sa.literal(after[0], key.type), sa.literal(after[1], GM.id.type))
        pair = sa.tuple_(key, GM.id)
        stmt = stmt.where(pair > position if ascending else pair < position)
    order = (key.asc(), GM.id.asc()) if ascending else (key.desc(), GM.id.desc())
    stmt = stmt.order_by(*order).limit(limit + 1)
    return stmt.offset(offset) if offset else stmt


def stacks_statement(
    owner: Owner,
    filters: MediaFilters,
    *,
    limit: int = 50,
    offset: int = 0,
    after: tuple[datetime, uuid.UUID] | None = None,
) -> sa.Select:
    """One page of variant stacks: each stack's first member in the list's order among those
    matching filters (its newest; its oldest with sort=oldest), with variant_key and
    stack_count (the matching members), ordered and paged like list_statement by that
    member's (created_at, id).

    A stack has exactly one such member, so keyset pages over them never skip or repeat a
    stack. Each candidate row costs one probe of the (owner, variant_key, created_at, id)
    index ("does a matching member come before it?"), and each of the page's stacks one range
    of it for the count. (Were the newest member shown oldest-first too, that scan would
    pass over every item of every stack that goes on later before reaching a first entry.)
    """
    ascending = filters.sort == "oldest"
    members = filtered(
        owner.scope(sa.select(GM.variant_key, GM.created_at, GM.id)), filters, owner
    ).subquery("members")
    pair, here = sa.tuple_(members.c.created_at, members.c.id), sa.tuple_(GM.created_at, GM.id)
    before = (
        sa.select(members.c.id)
        .where(members.c.variant_key == GM.variant_key, pair < here if ascending else pair > here)
        .exists()
    )
    base = owner.scope(sa.select(*COLUMNS, GM.variant_key)).where(~before)
    heads = list_statement(
        owner, filters, limit=limit, offset=offset, after=after, base=base
    ).subquery("heads")
    count = (
        filtered(owner.scope(sa.select(sa.func.count(GM.id))), filters, owner)
        .where(GM.variant_key == heads.c.variant_key)
        .scalar_subquery()
    )
    order = (
        (heads.c.created_at.asc(), heads.c.id.asc())
        if ascending
        else (heads.c.created_at.desc(), heads.c.id.desc())
    )
    return sa.select(heads, count.label("stack_count")).order_by(*order)


@functools.cache
def _plain_page_statement(trashed: bool, ascending: bool, after: bool, offset: bool) -> sa.Select:
    """list_statement() for a view without filters (the API's and the gallery's default),
    with bound parameters, built once per shape: SQLAlchemy then skips building the
    statement, its cache key and the result's column adaptation on every request."""
    key = GM.deleted_at if trashed else GM.created_at
    stmt = sa.select(*COLUMNS).where(GM.owner_id == sa.bindparam("owner_id"))
    stmt = stmt.where(TRASHED if trashed else LIVE)
    if after:
        position = sa.tuple_(
            sa.bindparam("after_key", type_=key.type), sa.bindparam("after_id", type_=GM.id.type)
        )
        pair = sa.tuple_(key, GM.id)
        stmt = stmt.where(pair > position if ascending else pair < position)
    order = (key.asc(), GM.id.asc()) if ascending else (key.desc(), GM.id.desc())
    stmt = stmt.order_by(*order).limit(sa.bindparam("limit", type_=sa.Integer))
    return stmt.offset(sa.bindparam("offset", type_=sa.Integer)) if offset else stmt


def _plain_page(owner: Owner, filters: MediaFilters, *, limit, offset, after) -> list[Row]:
    """The rows list_statement() would give for unfiltered filters (same SQL shape)."""
    ascending = filters.sort == "oldest" and not filters.trashed
    stmt = _plain_page_statement(filters.trashed, ascending, after is not None, bool(offset))
    params = {"owner_id": owner.id, "limit": limit + 1}
    if offset:
        params["offset"] = offset
    if after:
        params["after_key"], params["after_id"] = after
    return db.session.connection().execute(stmt, params).all()


def list_media(
    owner: Owner,
    filters: MediaFilters | None = None,
    *,
    type: str | None = None,
    limit: int = 50,
    offset: int = 0,
    cursor: str | None = None,
) -> Page:
    """One page of the owner's media matching filters, by offset or by keyset cursor.

    Reads only; raises ValidationFailed for a cursor that does not decode or that was made
    for other filters. `type` is a shorthand for MediaFilters(type=...). With
    filters.stack == "variants" the rows are stacks (stacks_statement: each row its newest
    matching member plus variant_key and stack_count).
    """
    filters = filters or MediaFilters(type=type)
    after = decode_cursor(cursor, filters) if cursor else None
    if filters.stack and not filters.trashed:
        rows = fetch_rows(stacks_statement(owner, filters, limit=limit, offset=offset, after=after))
    elif filters == MediaFilters(sort=filters.sort, trashed=filters.trashed):
        rows = _plain_page(owner, filters, limit=limit, offset=offset, after=after)
    else:
        rows = fetch_rows(list_statement(owner, filters, limit=limit, offset=offset, after=after))
    has_more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode_cursor(rows[-1], filters) if has_more else None
    return Page(rows, has_more, next_cursor, limit, offset)


# Counts shown in the gallery stop here ("10,000+"), so a page costs the same for an owner
# with 200,000 items as for one with 20,000: each count reads at most this many index entries.
COUNT_CAP = 10_000


def _capped_count(stmt: sa.Select) -> sa.ScalarSelect:
    """count(*) of stmt's rows, reading at most COUNT_CAP + 1 of them."""
    limited = stmt.limit(COUNT_CAP + 1).subquery()
    return sa.select(sa.func.count()).select_from(limited).scalar_subquery()


def count_matches(owner: Owner, filters: MediaFilters) -> int:
    """How many of the owner's records match filters, up to COUNT_CAP + 1 (for "N matches")."""
    stmt = filtered(owner.scope(sa.select(GM.id)), filters, owner)
    return db.session.execute(sa.select(_capped_count(stmt))).scalar_one()


def count_media(owner: Owner, filters: MediaFilters | None = None) -> dict[str, int]:
    """How many live records the owner has per type and in all, each type up to COUNT_CAP + 1,
    within filters (all but their type: the tabs count what each type would show); and
    "history", how many live records there are at all (1 for "some" when filters narrow).

    Owner-scoped; one round trip of bounded index counts (and an EXISTS when filtered).
    """
    filters = (filters or MediaFilters()).replace(type=None, sort="newest", stack=None)
    matching = filtered(owner.scope(sa.select(GM.id)), filters, owner)
    columns = [
        _capped_count(matching.where(GM.type == "image")),
        _capped_count(matching.where(GM.type == "video")),
    ]
    narrowed = filters != MediaFilters()
    if narrowed:  # does anything exist outside the filters? (the empty state needs to know)
        columns.append(owner.scope(sa.select(GM.id)).where(LIVE).exists())
    image, video, *rest = db.session.execute(sa.select(*columns)).one()
    history = int(rest[0]) if narrowed else image + video
    return {"all": image + video, "image": image, "video": video, "history": history}


def prompts_of(owner: Owner, ids: list[uuid.UUID], *, limit: int = 2) -> list[str]:
    """The prompts of the first few of ids (live or trashed), in the order of ids, to name
    them in a notice; ids that are not the owner's are left out."""
    wanted = list(dict.fromkeys(ids))[:limit]
    if not wanted:
        return []
    rows = db.session.execute(
        owner.scope(sa.select(GM.id, GM.prompt)).where(GM.id.in_(wanted))
    ).all()
    found = dict(rows)
    return [found[i] for i in wanted if i in found]


def list_models(owner: Owner) -> list[dict[str, Any]]:
    """The owner's models with how many live items each has, most used first.

    Read from the stats rollup (one row per model), so it costs the same for 200,000 items
    as for 20.
    """
    return [{"model": r.model, "count": r.live} for r in stats.model_counts(owner) if r.live]


def list_model_names(owner: Owner) -> list[str]:
    """The owner's distinct models (live items), alphabetically, without counting them.

    A loose index scan over (owner, model): one index probe per distinct model, so it costs
    the same for 200,000 items as for 20.
    """
    owned = "owner_id = :owner AND deleted_at IS NULL"
    sql = sa.text(f"""
        WITH RECURSIVE models(model) AS (
            SELECT min(model) FROM generated_media WHERE {owned}
            UNION ALL
            SELECT (SELECT min(g.model) FROM generated_media g
                    WHERE g.{owned} AND g.model > models.model)
            FROM models WHERE models.model IS NOT NULL
        )
        SELECT model FROM models WHERE model IS NOT NULL
    """).bindparams(sa.bindparam("owner", owner.id, type_=GM.owner_id.type))
    return list(db.session.execute(sql).scalars())


def get_media(owner: Owner, media_id: uuid.UUID, *, include_trashed: bool = False) -> Row:
    """One of the owner's records; NotFound for a missing id and for another owner's.

    Trashed records count as missing unless include_trashed.
    """
    stmt = _records(owner).where(GM.id == media_id)
    if not include_trashed:
        stmt = stmt.where(LIVE)
    row = db.session.execute(stmt).first()
    if row is None:
        raise NotFound("No media with that id.")
    return row


def neighbours(owner: Owner, row: Row, filters: MediaFilters | None = None):
    """(newer id, older id) around row within filters, for previous/next navigation."""
    filters = filters or MediaFilters()
    pair = sa.tuple_(GM.created_at, GM.id)
    here = sa.tuple_(sa.literal(row.created_at, GM.created_at.type), sa.literal(row.id, GM.id.type))
    base = filtered(owner.scope(sa.select(GM.id)), filters, owner)
    newer = base.where(pair > here).order_by(GM.created_at.asc(), GM.id.asc()).limit(1)
    older = base.where(pair < here).order_by(GM.created_at.desc(), GM.id.desc()).limit(1)
    return db.session.execute(newer).scalar(), db.session.execute(older).scalar()


# --- writes ------------------------------------------------------------------------------


# What a save writes; SaveMediaSchema gives every payload key (None when not sent).
SAVE_FIELDS = (
    "owner_id",
    "id",
    "user_id",
    "type",
    "url",
    "prompt",
    "model",
    "settings",
    "project_id",
    "request_id",
    "file_id",
    "thumbnail_url",
    "created_at",
    "provider",
    "cost_usd",
    "credits",
    "duration_ms",
    "variant_key",
)


@functools.cache
def _save_statement(queue_archive: bool) -> sa.TextualSelect:
    """The save, written once so SQLAlchemy compiles it once (a dialect INSERT … ON CONFLICT
    has no cache key, so built per request it was compiled on every save).

    ON CONFLICT DO NOTHING: any clash is the owner's (owner_id, request_id) key, since ids are
    fresh UUIDs. With queue_archive (PostgreSQL), the archive job is queued by the same
    statement, a data-modifying CTE, so a save stays one round trip.
    """
    table = GM.__table__
    returned = ", ".join(column.key for column in COLUMNS)
    insert = (
        f"INSERT INTO generated_media ({', '.join(SAVE_FIELDS)}) "
        f"VALUES ({', '.join(':' + name for name in SAVE_FIELDS)}) ON CONFLICT DO NOTHING"
    )
    if queue_archive:
        sql = (
            f"WITH saved AS ({insert} RETURNING owner_id, {returned}), "
            "queued AS (INSERT INTO jobs (kind, owner_id, media_id, run_at, attempts, created_at) "
            f"SELECT '{archive.KIND}', owner_id, id, now(), 0, now() FROM saved "
            f"ON CONFLICT DO NOTHING) SELECT {returned} FROM saved"
        )
    else:
        sql = f"{insert} RETURNING {returned}"
    binds = [sa.bindparam(name, type_=table.c[name].type) for name in SAVE_FIELDS]
    return sa.text(sql).bindparams(*binds).columns(*COLUMNS)


def in_trash_conflict(row: Row) -> Conflict:
    return Conflict(
        "This requestId belongs to an item in the trash; restore it instead of saving again.",
        code="in_trash",
        details={"id": str(row.id), "requestId": row.request_id},
    )


def save_media(owner: Owner, payload: dict[str, Any]) -> tuple[Row, bool]:
    """Save one record for the owner and commit; (record, True) when created.

    Idempotent on (owner, requestId): a replay, also a concurrent one, answers the existing
    record unchanged with created=False. A replay of an item that is in the trash raises
    Conflict (code in_trash): it neither duplicates nor silently restores it. Raises
    Unauthorized if the logged-in account is gone.
    """
    values = {"created_at": utcnow(), **payload, "id": uuid.uuid4(), **owner.owner_columns()}
    values["variant_key"] = key_of_values(values)
    queued = archive.queued_with_the_insert()
    try:
        row = db.session.execute(_save_statement(queued), values).first()
    except IntegrityError as exc:  # only the owner FK is left: the account was deleted
        db.session.rollback()
        raise Unauthorized("Your account no longer exists; log in again.") from exc
    if row is not None:
        if not queued:
            archive.queue_archive(owner, row.id, row.url)  # in the save's own transaction
        db.session.commit()
        return row, True
    existing = db.session.execute(
        _records(owner).where(GM.request_id == payload["request_id"])
    ).first()
    db.session.commit()
    if existing is None:  # the clashing record was deleted in between: save afresh
        return save_media(owner, payload)
    if existing.deleted_at is not None:
        raise in_trash_conflict(existing)
    return existing, False


def _change_one(owner: Owner, media_id: uuid.UUID, state, **values) -> Row:
    row = db.session.execute(
        owner.scope(sa.update(GM))
        .where(GM.id == media_id, state)
        .values(**values)
        .returning(*COLUMNS)
    ).first()
    if row is None:
        db.session.rollback()
        raise NotFound("No media with that id.")
    db.session.commit()
    return row


def delete_media(
    owner: Owner, media_id: uuid.UUID, *, permanent: bool = False, only_trashed: bool = False
) -> Row:
    """Move one of the owner's live records to the trash (or destroy it), and commit.

    With permanent=True the record is destroyed whether or not it is in the trash, or, with
    only_trashed=True as well, only if it is (a stale "Delete forever" button must not destroy
    an item restored meanwhile). NotFound for a missing id, another owner's, or one in the
    wrong state.
    """
    if not permanent:
        return _change_one(owner, media_id, LIVE, deleted_at=utcnow())
    stmt = owner.scope(sa.delete(GM)).where(GM.id == media_id)
    if only_trashed:
        stmt = stmt.where(TRASHED)
    row = db.session.execute(stmt.returning(*COLUMNS)).first()
    if row is None:
        db.session.rollback()
        raise NotFound("No media with that id.")
    db.session.commit()
    archive.collect_blobs(archive.held_digests([row]))
    return row


def restore_media(owner: Owner, media_id: uuid.UUID) -> Row:
    """Bring one of the owner's trashed records back, and commit; NotFound if not in trash."""
    return _change_one(owner, media_id, TRASHED, deleted_at=None)


def set_favorite(owner: Owner, media_id: uuid.UUID, favorite: bool) -> Row:
    """Mark or unmark one of the owner's live records as a favorite, and commit."""
    return _change_one(owner, media_id, LIVE, favorite=favorite)


def update_media(owner: Owner, media_id: uuid.UUID, changes: dict[str, Any]) -> Row:
    """Change the favorite flag and/or the rating (0-5, validated by the caller's schema) of
    one of the owner's live records in one statement, and commit; NotFound otherwise."""
    values = {key: changes[key] for key in ("favorite", "rating") if key in changes}
    return _change_one(owner, media_id, LIVE, **values)


def set_rating(owner: Owner, media_id: uuid.UUID, rating: int) -> Row:
    """Rate one of the owner's live records (0 clears), and commit; NotFound otherwise."""
    return _change_one(owner, media_id, LIVE, rating=rating)


BULK_ACTIONS = {
    # action: (the rows it applies to, the values it sets); "purge" destroys instead.
    "delete": (LIVE, lambda: {"deleted_at": utcnow()}),
    "restore": (TRASHED, lambda: {"deleted_at": None}),
    "favorite": (LIVE, lambda: {"favorite": True}),
    "unfavorite": (LIVE, lambda: {"favorite": False}),
    "rate": (LIVE, lambda rating: {"rating": rating}),
    "purge": (sa.true(), None),
}


def bulk_action(
    owner: Owner, action: str, ids: list[uuid.UUID], *, rating: int | None = None
) -> tuple[list, list]:
    """Apply action to many of the owner's records in one statement, and commit. "rate"
    gives every one `rating` (0-5, validated by the caller's schema).

    Returns (changed ids, not-found ids); ids of other owners, and ids the action does not
    apply to (restoring a live item, say), are reported as not found.
    """
    state, values = BULK_ACTIONS[action]
    wanted = list(dict.fromkeys(ids))
    changes = values and (values(rating) if action == "rate" else values())
    stmt = owner.scope(sa.delete(GM) if values is None else sa.update(GM).values(**changes))
    rows = db.session.execute(
        stmt.where(GM.id.in_(wanted), state).returning(
            GM.id, GM.archive_sha256, GM.archive_thumb_sha256
        )
    ).all()
    db.session.commit()
    if values is None:
        archive.collect_blobs(archive.held_digests(rows))
    changed = {row.id for row in rows}
    return [i for i in wanted if i in changed], [i for i in wanted if i not in changed]


def trash_all_except_favorites(owner: Owner, filters: MediaFilters) -> int:
    """Move every live non-favorite record matching filters to the trash; commit; count."""
    keep = MediaFilters(
        type=filters.type, date_from=filters.date_from, date_to=filters.date_to, favorite=False
    )
    stmt = filtered(owner.scope(sa.update(GM)), keep, owner).values(deleted_at=utcnow())
    result = db.session.execute(stmt)
    db.session.commit()
    return result.rowcount


def empty_trash(owner: Owner) -> int:
    """Destroy everything in the owner's trash, and commit; returns how many."""
    return _destroy(owner.scope(sa.delete(GM)).where(TRASHED))


def purge_trash(older_than: timedelta) -> int:
    """Destroy, for every owner, what has sat in the trash longer than older_than; commit."""
    cutoff = utcnow() - older_than
    purged = _destroy(sa.delete(GM).where(TRASHED, GM.deleted_at < cutoff))
    archive.collect_blobs(archive.orphaned_blobs())  # bytes a crash left unclaimed
    return purged


def _destroy(stmt: sa.Delete) -> int:
    """Run a DELETE of records, commit, then let go of the bytes nobody holds any more."""
    rows = db.session.execute(stmt.returning(GM.archive_sha256, GM.archive_thumb_sha256)).all()
    db.session.commit()
    archive.collect_blobs(archive.held_digests(rows))
    return len(rows)
