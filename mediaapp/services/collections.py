"""Collections of one owner's media: manual ones (chosen items) and smart ones (a saved search).

Every statement names the owner; another owner's collection is NotFound like a missing one.
"""

import dataclasses
import uuid
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from marshmallow import ValidationError
from sqlalchemy.engine import Row
from sqlalchemy.exc import IntegrityError

from ..errors import Conflict, NotFound, ValidationFailed
from ..extensions import db
from ..identity import Owner
from ..models import Collection, CollectionItem, utcnow
from ..models import GeneratedMedia as GM
from ..schemas import COLLECTION_SELECTION_MAX as SELECTION_MAX
from ..schemas import MediaFilters, MediaFiltersSchema
from ..schemas import collection_name_key as name_key


def _name_taken(name: str) -> Conflict:
    return Conflict(
        "You already have a collection with that name.",
        code="name_taken",
        details={"name": [f"“{name}” is taken; choose another name."]},
    )


def _smart_refused() -> Conflict:
    return Conflict(
        "A smart collection holds what its saved search finds; items cannot be added to it "
        "or removed from it by hand.",
        code="smart_collection",
    )


def get_collection(owner: Owner, collection_id: uuid.UUID) -> Collection:
    """One of the owner's collections; NotFound for a missing id and for another owner's."""
    found = db.session.execute(
        owner.scope(sa.select(Collection), Collection).where(Collection.id == collection_id)
    ).scalar_one_or_none()
    if found is None:
        raise NotFound("No collection with that id.")
    return found


def saved_filters(search: dict[str, Any] | None) -> MediaFilters:
    """The filters a smart collection saved (URL arguments, as MediaFiltersSchema reads them).

    Arguments that no longer validate (a filter renamed or retired since) are dropped rather
    than breaking the collection.
    """
    params = {str(k): v for k, v in (search or {}).items()}
    for _ in range(len(params) + 1):
        try:
            loaded = MediaFiltersSchema().load(params)
        except ValidationError as exc:
            params = {k: v for k, v in params.items() if k not in exc.messages}
            continue
        return loaded if isinstance(loaded, MediaFilters) else loaded["filters"]
    return MediaFilters()


# Saved with a search but not filters: how its items are shown (order, variant stacks).
VIEW_SETTINGS = ("sort", "stack")


def without_view_settings(filters: MediaFilters) -> MediaFilters:
    defaults = {f.name: f.default for f in dataclasses.fields(MediaFilters)}
    return filters.replace(**{name: defaults[name] for name in VIEW_SETTINGS if name in defaults})


def view_settings(collection: Collection) -> dict[str, str]:
    """The URL arguments a smart collection opens with (its order, its stacking)."""
    saved = (collection.search or {}) if collection.search is not None else {}
    return {name: str(saved[name]) for name in VIEW_SETTINGS if name in saved}


def restrict(owner: Owner, stmt, collection_id: uuid.UUID, *, trashed: bool = False, depth=0):
    """Narrow a statement on generated_media to the items of one of the owner's collections:
    the members of a manual one, the matches of a smart one's saved search (its sort aside).

    NotFound when the collection is not the owner's. A smart search may name a manual
    collection; one that names a smart collection (or a deleted one) matches nothing there,
    so searches never nest.
    """
    from .media import filtered  # media applies collections; collections apply media's filters

    if depth:
        found = db.session.execute(
            owner.scope(sa.select(Collection.search), Collection).where(
                Collection.id == collection_id
            )
        ).first()
        if found is None or found.search is not None:
            return stmt.where(sa.false())
        search = None
    else:
        search = get_collection(owner, collection_id).search
    if search is None:
        members = sa.select(CollectionItem.media_id).where(
            CollectionItem.owner_id == owner.id, CollectionItem.collection_id == collection_id
        )
        return stmt.where(GM.id.in_(members))
    saved = without_view_settings(saved_filters(search)).replace(trashed=trashed)
    return filtered(stmt, saved, owner, depth=depth + 1)


def search_params(filters: MediaFilters) -> dict[str, str]:
    """What a smart collection stores of filters: their URL arguments, sort included."""
    return filters.params


def _check_search(owner: Owner, filters: MediaFilters) -> None:
    """A saved search may name a manual collection of the owner, never a smart one."""
    if filters.collection is None:
        return
    try:
        named = get_collection(owner, filters.collection)
    except NotFound as exc:
        raise ValidationFailed(
            "The search names a collection you do not have.",
            code="unknown_collection",
            details={"collection": ["No such collection."]},
        ) from exc
    if named.search is not None:
        raise ValidationFailed(
            "A smart collection cannot be built on another smart collection.",
            code="nested_smart_collection",
            details={"collection": ["Choose a manual collection or none."]},
        )


def _commit_named(name: str) -> None:
    try:
        db.session.commit()
    except IntegrityError as exc:  # the same name taken concurrently
        db.session.rollback()
        raise _name_taken(name) from exc


def _taken(owner: Owner, key: str, other_than: uuid.UUID | None = None) -> bool:
    stmt = owner.scope(sa.select(Collection.id), Collection).where(Collection.name_key == key)
    if other_than is not None:
        stmt = stmt.where(Collection.id != other_than)
    return db.session.execute(stmt.limit(1)).first() is not None


def _check_cover(owner: Owner, cover_id: uuid.UUID) -> None:
    live = owner.scope(sa.select(GM.id)).where(GM.id == cover_id, GM.deleted_at.is_(None))
    if db.session.execute(live).first() is None:
        raise ValidationFailed(
            "The cover must be one of your items outside the trash.",
            code="unknown_cover",
            details={"coverId": ["No such live item."]},
        )


def create_collection(
    owner: Owner,
    name: str,
    *,
    description: str = "",
    search: MediaFilters | None = None,
) -> Collection:
    """Create a manual collection, or a smart one holding `search`, and commit.

    Conflict (name_taken) when the owner has a collection of the same name (case and
    compatibility forms aside); ValidationFailed when the search names a smart collection
    or a collection that is not the owner's.
    """
    name = name.strip()
    if search is not None:
        _check_search(owner, search)
    key = name_key(name)
    if _taken(owner, key):
        raise _name_taken(name)
    now = utcnow()
    collection = Collection(
        owner_id=owner.id,
        id=uuid.uuid4(),
        name=name,
        name_key=key,
        description=description.strip(),
        search=None if search is None else search_params(search),
        created_at=now,
        updated_at=now,
    )
    db.session.add(collection)
    _commit_named(name)
    return collection


UNSET: Any = object()


def update_collection(
    owner: Owner,
    collection_id: uuid.UUID,
    *,
    name: str = UNSET,
    description: str = UNSET,
    cover_id: uuid.UUID | None = UNSET,
    search: MediaFilters = UNSET,
) -> Collection:
    """Rename, describe, choose the cover of (None: the newest item) or, for a smart one,
    change the search of one of the owner's collections; commit.

    NotFound for another owner's; Conflict (name_taken) for a taken name; ValidationFailed
    (unknown_cover) for a cover that is not a live item of the owner; Conflict
    (not_smart) for a search given to a manual collection.
    """
    collection = get_collection(owner, collection_id)
    if name is not UNSET:
        name = name.strip()
        key = name_key(name)
        if _taken(owner, key, other_than=collection.id):
            raise _name_taken(name)
        collection.name, collection.name_key = name, key
    if description is not UNSET:
        collection.description = description.strip()
    if cover_id is not UNSET:
        if cover_id is not None:
            _check_cover(owner, cover_id)
        collection.cover_id = cover_id
    if search is not UNSET:
        if collection.search is None:
            raise Conflict(
                "Only a smart collection has a saved search.",
                code="not_smart",
            )
        _check_search(owner, search)
        collection.search = search_params(search)
    collection.updated_at = utcnow()
    _commit_named(collection.name)
    return collection


def delete_collection(owner: Owner, collection_id: uuid.UUID) -> Collection:
    """Delete one of the owner's collections (its items stay in the history), and commit.

    NotFound for a missing id and for another owner's.
    """
    collection = get_collection(owner, collection_id)
    db.session.execute(
        sa.delete(CollectionItem).where(
            CollectionItem.owner_id == owner.id, CollectionItem.collection_id == collection.id
        )
    )
    db.session.execute(
        owner.scope(sa.delete(Collection), Collection).where(Collection.id == collection.id)
    )
    db.session.commit()
    return collection


@dataclass(frozen=True)
class Change:
    """What adding or removing a selection did: ids changed, and ids already as asked."""

    changed: list[uuid.UUID]
    unchanged: list[uuid.UUID]


def _manual(owner: Owner, collection_id: uuid.UUID) -> Collection:
    collection = get_collection(owner, collection_id)
    if collection.search is not None:
        raise _smart_refused()
    return collection


def _members(owner: Owner, collection_id: uuid.UUID, ids: list[uuid.UUID]) -> set[uuid.UUID]:
    stmt = sa.select(CollectionItem.media_id).where(
        CollectionItem.owner_id == owner.id,
        CollectionItem.collection_id == collection_id,
        CollectionItem.media_id.in_(ids),
    )
    return set(db.session.execute(stmt).scalars())


def add_items(owner: Owner, collection_id: uuid.UUID, ids: list[uuid.UUID]) -> Change:
    """Add up to SELECTION_MAX of the owner's live items to a manual collection; commit.

    All or nothing: when any id is not a live item of the owner (another owner's, missing,
    or in the trash) ValidationFailed (unknown_media) names them and nothing is added.
    Items already in it are left as they are. NotFound for another owner's collection;
    Conflict (smart_collection) for a smart one.
    """
    wanted = list(dict.fromkeys(ids))
    if len(wanted) > SELECTION_MAX:
        raise ValidationFailed(
            f"Add at most {SELECTION_MAX} items at once.",
            details={"ids": [f"At most {SELECTION_MAX}."]},
        )
    collection = _manual(owner, collection_id)
    live = owner.scope(sa.select(GM.id)).where(GM.id.in_(wanted), GM.deleted_at.is_(None))
    found = set(db.session.execute(live).scalars())
    unknown = [i for i in wanted if i not in found]
    if unknown:
        db.session.rollback()
        raise ValidationFailed(
            "Some of these items are not yours or are in the trash; nothing was added.",
            code="unknown_media",
            details={"ids": [str(i) for i in unknown]},
        )
    already = _members(owner, collection.id, wanted)
    new = [i for i in wanted if i not in already]
    if new:
        now = utcnow()
        db.session.execute(
            sa.insert(CollectionItem),
            [
                {
                    "owner_id": owner.id,
                    "collection_id": collection.id,
                    "media_id": i,
                    "added_at": now,
                }
                for i in new
            ],
        )
        collection.updated_at = now
    try:
        db.session.commit()
    except IntegrityError:  # added concurrently, or the collection deleted meanwhile
        db.session.rollback()
        return add_items(owner, collection_id, ids)
    return Change(new, [i for i in wanted if i in already])


def remove_items(owner: Owner, collection_id: uuid.UUID, ids: list[uuid.UUID]) -> Change:
    """Take up to SELECTION_MAX items out of a manual collection (they stay in the history);
    commit. Ids that were not in it are reported unchanged. NotFound for another owner's
    collection; Conflict (smart_collection) for a smart one.
    """
    wanted = list(dict.fromkeys(ids))
    if len(wanted) > SELECTION_MAX:
        raise ValidationFailed(
            f"Remove at most {SELECTION_MAX} items at once.",
            details={"ids": [f"At most {SELECTION_MAX}."]},
        )
    collection = _manual(owner, collection_id)
    removed = set(
        db.session.execute(
            sa.delete(CollectionItem)
            .where(
                CollectionItem.owner_id == owner.id,
                CollectionItem.collection_id == collection.id,
                CollectionItem.media_id.in_(wanted),
            )
            .returning(CollectionItem.media_id)
        ).scalars()
    )
    if removed:
        collection.updated_at = utcnow()
    db.session.commit()
    return Change([i for i in wanted if i in removed], [i for i in wanted if i not in removed])


@dataclass(frozen=True)
class Summary:
    """A collection as its list shows it: live item count and the cover to paint."""

    collection: Collection
    count: int
    cover: Row | None

    @property
    def smart(self) -> bool:
        return self.collection.search is not None


def _in(owner: Owner, collection: Collection, stmt):
    return restrict(owner, stmt.where(GM.deleted_at.is_(None)), collection.id, depth=0)


def summarize(owner: Owner, collection: Collection) -> Summary:
    """The live count and cover of one collection (reads; two or three round trips)."""
    from .media import COLUMNS, fetch_rows

    count_stmt = _in(owner, collection, owner.scope(sa.select(sa.func.count()).select_from(GM)))
    count = db.session.execute(count_stmt).scalar_one()
    cover = None
    if count and collection.cover_id is not None:
        chosen = _in(owner, collection, owner.scope(sa.select(*COLUMNS))).where(
            GM.id == collection.cover_id
        )
        cover = next(iter(fetch_rows(chosen)), None)
    if count and cover is None:
        newest = _in(owner, collection, owner.scope(sa.select(*COLUMNS)))
        newest = newest.order_by(GM.created_at.desc(), GM.id.desc()).limit(1)
        cover = next(iter(fetch_rows(newest)), None)
    return Summary(collection, count, cover)


def list_collections(owner: Owner) -> list[Summary]:
    """The owner's collections, manual and smart, by name, each with its live count and
    cover (the chosen one while it is live and in the collection, else the newest item).
    Reads only."""
    found = db.session.execute(
        owner.scope(sa.select(Collection), Collection).order_by(Collection.name_key)
    ).scalars()
    return [summarize(owner, c) for c in found]


def collection_names(owner: Owner) -> list[Collection]:
    """The owner's collections by name, without counts (menus and pickers). Reads only."""
    return list(
        db.session.execute(
            owner.scope(sa.select(Collection), Collection).order_by(Collection.name_key)
        ).scalars()
    )


def collections_of(owner: Owner, media_id: uuid.UUID) -> list[Collection]:
    """The owner's collections that hold one item: the manual ones it was added to and the
    smart ones whose search finds it, by name. Reads only."""
    member_of = sa.select(CollectionItem.collection_id).where(
        CollectionItem.owner_id == owner.id, CollectionItem.media_id == media_id
    )
    manual = set(db.session.execute(member_of).scalars())
    held = []
    for collection in collection_names(owner):
        if collection.search is None:
            if collection.id in manual:
                held.append(collection)
            continue
        probe = _in(owner, collection, owner.scope(sa.select(GM.id)).where(GM.id == media_id))
        if db.session.execute(probe.limit(1)).first() is not None:
            held.append(collection)
    return held


def manual_collections(owner: Owner) -> list[Collection]:
    """The owner's manual collections by name: where items can be added. Reads only."""
    return [c for c in collection_names(owner) if c.search is None]
