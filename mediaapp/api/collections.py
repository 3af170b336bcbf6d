"""Collections: create, list, rename and describe, choose a cover, delete; add and remove
items (one or a selection); smart collections hold a saved search of the list API."""

import uuid

from flask import url_for

from ..identity import current_owner
from ..schemas import (
    CollectionItemsSchema,
    CreateCollectionSchema,
    UpdateCollectionSchema,
    envelope,
    iso_utc,
    json_object,
    media_to_wire,
)
from ..services import collections
from ..services import media as media_service
from . import BODY_ERRORS, MEDIA_ERRORS, NOT_FOUND_OR_TRASHED, api_limit, bp
from .contract import (
    DELETE,
    READ,
    WRITE,
    CollectionChangeEnvelope,
    CollectionEnvelope,
    CollectionList,
    CollectionRefEnvelope,
    CollectionRefList,
    link,
    operation,
)

NO_COLLECTION = "No such collection for this owner (code not_found)."
NAME_TAKEN = (409, "The owner already has a collection of that name (code name_taken).")
SMART_REFUSED = (
    409,
    "The collection is smart: it holds what its search finds, so items are not added or "
    "removed by hand (code smart_collection).",
)
COLLECTION_ID = "$response.body#/data/id"
COLLECTION_LINKS = {
    "ListItems": link("list_media", "Its items, paged.", collection="$response.body#/data/id"),
    "UpdateCollection": link(
        "update_collection",
        "Rename it, describe it, choose its cover.",
        collection_id=COLLECTION_ID,
    ),
    "AddItems": link("add_collection_items", "Add items to it.", collection_id=COLLECTION_ID),
    "DeleteCollection": link("delete_collection", "Delete it.", collection_id=COLLECTION_ID),
}


def collection_to_wire(summary: collections.Summary) -> dict:
    c = summary.collection
    return {
        "id": str(c.id),
        "name": c.name,
        "description": c.description,
        "smart": c.search is not None,
        "search": c.search,
        "count": summary.count,
        "coverId": str(c.cover_id) if c.cover_id else None,
        "cover": media_to_wire(summary.cover) if summary.cover is not None else None,
        "url": url_for("api.list_media", collection=c.id),
        "createdAt": iso_utc(c.created_at),
        "updatedAt": iso_utc(c.updated_at),
    }


def _ref(c) -> dict:
    return {"id": str(c.id), "name": c.name, "smart": c.search is not None}


@bp.get("/collections")
@operation(
    "The owner's collections, manual and smart, by name, with live counts and covers.",
    scope=READ,
    responses={200: ("Collections.", CollectionList)},
    errors=MEDIA_ERRORS,
)
@api_limit
def list_collections():
    owner = current_owner()
    return envelope([collection_to_wire(s) for s in collections.list_collections(owner)])


@bp.post("/collections")
@operation(
    "Create a collection; with `search`, a smart one that holds what the search finds.",
    scope=WRITE,
    body=CreateCollectionSchema,
    responses={201: ("The new collection.", CollectionEnvelope)},
    errors=(400, 403, NAME_TAKEN, *BODY_ERRORS, *MEDIA_ERRORS),
    links={201: COLLECTION_LINKS},
    description="Names are unique per owner, case aside. A `search` is validated like the "
    "list API's arguments and kept as them; it may name a manual collection, never a smart "
    "one (code nested_smart_collection) nor one the owner lacks (code unknown_collection).",
)
@api_limit
def create_collection():
    args = CreateCollectionSchema.once().load(json_object())
    owner = current_owner()
    created = collections.create_collection(
        owner, args["name"], description=args["description"], search=args["search"]
    )
    return envelope(collection_to_wire(collections.summarize(owner, created)), status=201)


@bp.get("/collections/<uuid:collection_id>")
@operation(
    "One collection, with its live count and cover.",
    scope=READ,
    responses={200: ("The collection.", CollectionEnvelope)},
    errors=((404, NO_COLLECTION), *MEDIA_ERRORS),
    links={200: COLLECTION_LINKS},
)
@api_limit
def get_collection(collection_id: uuid.UUID):
    owner = current_owner()
    found = collections.get_collection(owner, collection_id)
    return envelope(collection_to_wire(collections.summarize(owner, found)))


@bp.patch("/collections/<uuid:collection_id>")
@operation(
    "Rename, describe, choose the cover of, or (smart) change the search of a collection.",
    scope=WRITE,
    body=UpdateCollectionSchema,
    responses={200: ("The collection.", CollectionEnvelope)},
    errors=(
        400,
        403,
        (404, NO_COLLECTION),
        (
            409,
            "The name is taken (code name_taken), or a search was sent for a manual "
            "collection (code not_smart).",
        ),
        *BODY_ERRORS,
        *MEDIA_ERRORS,
    ),
    description="A cover must be a live item of the owner (else 400, code unknown_cover).",
)
@api_limit
def update_collection(collection_id: uuid.UUID):
    changes = UpdateCollectionSchema.once().load(json_object())
    owner = current_owner()
    updated = collections.update_collection(owner, collection_id, **changes)
    return envelope(collection_to_wire(collections.summarize(owner, updated)))


@bp.delete("/collections/<uuid:collection_id>")
@operation(
    "Delete a collection; its items stay in the history.",
    scope=DELETE,
    responses={200: ("The deleted collection.", CollectionRefEnvelope)},
    errors=(403, (404, NO_COLLECTION), *MEDIA_ERRORS),
)
@api_limit
def delete_collection(collection_id: uuid.UUID):
    return envelope(_ref(collections.delete_collection(current_owner(), collection_id)))


def _change_to_wire(owner, collection_id: uuid.UUID, change: collections.Change) -> dict:
    found = collections.get_collection(owner, collection_id)
    return {
        "collection": str(collection_id),
        "changed": [str(i) for i in change.changed],
        "unchanged": [str(i) for i in change.unchanged],
        "count": collections.summarize(owner, found).count,
    }


@bp.post("/collections/<uuid:collection_id>/items")
@operation(
    "Add one item or a selection (up to 500) to a manual collection.",
    scope=WRITE,
    body=CollectionItemsSchema,
    responses={200: ("What was added, and what was in it already.", CollectionChangeEnvelope)},
    errors=(400, 403, (404, NO_COLLECTION), SMART_REFUSED, *BODY_ERRORS, *MEDIA_ERRORS),
    description="All or nothing: when any id is not a live item of the owner (another "
    "owner's, unknown, or in the trash), 400 with code unknown_media lists them in "
    "`details.ids` and nothing is added.",
)
@api_limit
def add_collection_items(collection_id: uuid.UUID):
    ids = CollectionItemsSchema.once().load(json_object())["ids"]
    owner = current_owner()
    change = collections.add_items(owner, collection_id, ids)
    return envelope(_change_to_wire(owner, collection_id, change))


@bp.post("/collections/<uuid:collection_id>/items/remove")
@operation(
    "Take one item or a selection (up to 500) out of a manual collection.",
    scope=WRITE,
    body=CollectionItemsSchema,
    responses={200: ("What was removed, and what was not in it.", CollectionChangeEnvelope)},
    errors=(400, 403, (404, NO_COLLECTION), SMART_REFUSED, *BODY_ERRORS, *MEDIA_ERRORS),
    description="The items stay in the history; ids that were not in it are `unchanged`.",
)
@api_limit
def remove_collection_items(collection_id: uuid.UUID):
    ids = CollectionItemsSchema.once().load(json_object())["ids"]
    owner = current_owner()
    change = collections.remove_items(owner, collection_id, ids)
    return envelope(_change_to_wire(owner, collection_id, change))


@bp.get("/media/<uuid:media_id>/collections")
@operation(
    "The collections a live item is in: manual ones it was added to, smart ones that find it.",
    scope=READ,
    responses={200: ("Collections, by name.", CollectionRefList)},
    errors=((404, NOT_FOUND_OR_TRASHED), *MEDIA_ERRORS),
)
@api_limit
def media_collections(media_id: uuid.UUID):
    owner = current_owner()
    media_service.get_media(owner, media_id)
    return envelope([_ref(c) for c in collections.collections_of(owner, media_id)])
