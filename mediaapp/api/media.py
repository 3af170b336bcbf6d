"""Media routes: save, list and search, fetch, favorite, trash, restore and bulk actions."""

from flask import current_app, request

from ..extensions import limiter
from ..identity import current_owner
from ..schemas import (
    BulkActionSchema,
    DeleteArgsSchema,
    FavoriteSchema,
    ListMediaArgsSchema,
    MediaIdSchema,
    PageArgsSchema,
    PruneSchema,
    SaveMediaSchema,
    envelope,
    json_object,
    media_to_wire,
    parse_uuid,
)
from ..services import media as media_service
from ..services.media import MediaFilters
from . import bp


def _api_limit() -> str:
    return current_app.config["API_RATE_LIMIT"] or "1 per second"


def _api_unlimited() -> bool:
    return not current_app.config["API_RATE_LIMIT"]


# The media API is unlimited unless MEDIAAPP_API_RATE_LIMIT is set: a frontend saves in bursts.
api_limit = limiter.limit(_api_limit, exempt_when=_api_unlimited)


def page_envelope(page: media_service.Page, **extra):
    return envelope(
        [media_to_wire(row) for row in page.items],
        pagination={
            "limit": page.limit,
            "offset": page.offset,
            "hasMore": page.has_more,
            "nextCursor": page.next_cursor,
        },
        **extra,
    )


def split_list_args(args: dict) -> tuple[MediaFilters, dict]:
    """Loaded ListMediaArgsSchema arguments as (filters, paging keywords)."""
    paging = {key: args.pop(key) for key in ("limit", "offset", "cursor")}
    return MediaFilters(**args), paging


@bp.post("/media/save")
@api_limit
def save_media():
    payload = SaveMediaSchema().load(json_object())
    row, created = media_service.save_media(current_owner(), payload)
    return envelope(media_to_wire(row), status=201 if created else 200)


@bp.get("/media/list")
@api_limit
def list_media():
    filters, paging = split_list_args(ListMediaArgsSchema().load(request.args))
    return page_envelope(media_service.list_media(current_owner(), filters, **paging))


@bp.get("/media/models")
@api_limit
def list_models():
    return envelope(media_service.list_models(current_owner()))


@bp.delete("/media/delete")
@api_limit
def delete_media_by_body():
    """The seed's delete: the id comes in the JSON body or the query string."""
    args = {**request.args.to_dict(), **json_object(required=False)}
    media_id = MediaIdSchema().load(args)["id"]
    permanent = DeleteArgsSchema().load(args)["permanent"]
    row = media_service.delete_media(current_owner(), media_id, permanent=permanent)
    return envelope(media_to_wire(row))


@bp.get("/media/<media_id>")
@api_limit
def get_media(media_id: str):
    return envelope(media_to_wire(media_service.get_media(current_owner(), parse_uuid(media_id))))


@bp.patch("/media/<media_id>")
@api_limit
def update_media(media_id: str):
    changes = FavoriteSchema().load(json_object())
    row = media_service.set_favorite(current_owner(), parse_uuid(media_id), changes["favorite"])
    return envelope(media_to_wire(row))


@bp.delete("/media/<media_id>")
@api_limit
def delete_media(media_id: str):
    permanent = DeleteArgsSchema().load(request.args)["permanent"]
    row = media_service.delete_media(current_owner(), parse_uuid(media_id), permanent=permanent)
    return envelope(media_to_wire(row))


@bp.post("/media/<media_id>/restore")
@api_limit
def restore_media(media_id: str):
    return envelope(
        media_to_wire(media_service.restore_media(current_owner(), parse_uuid(media_id)))
    )


@bp.get("/media/trash")
@api_limit
def list_trash():
    paging = PageArgsSchema().load(request.args)
    page = media_service.list_media(current_owner(), MediaFilters(trashed=True), **paging)
    return page_envelope(page)


@bp.post("/media/trash/empty")
@api_limit
def empty_trash():
    return envelope({"deleted": media_service.empty_trash(current_owner())})


@bp.post("/media/bulk")
@api_limit
def bulk_action():
    args = BulkActionSchema().load(json_object())
    changed, missing = media_service.bulk_action(current_owner(), args["action"], args["ids"])
    return envelope(
        {
            "action": args["action"],
            "changed": [str(i) for i in changed],
            "notFound": [str(i) for i in missing],
        }
    )


@bp.post("/media/prune")
@api_limit
def prune():
    """Trash everything except favorites (optionally one type, or a date range)."""
    args = PruneSchema().load(json_object())
    args.pop("confirm")
    trashed = media_service.trash_all_except_favorites(current_owner(), MediaFilters(**args))
    return envelope({"trashed": trashed})
