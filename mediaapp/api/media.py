"""Media routes: save, list, fetch and delete the current owner's records."""

from flask import current_app, request

from ..extensions import limiter
from ..identity import current_owner
from ..schemas import (
    ListMediaArgsSchema,
    MediaIdSchema,
    SaveMediaSchema,
    envelope,
    json_object,
    media_to_wire,
    parse_uuid,
)
from ..services import media as media_service
from . import bp


def _api_limit() -> str:
    return current_app.config["API_RATE_LIMIT"] or "1 per second"


def _api_unlimited() -> bool:
    return not current_app.config["API_RATE_LIMIT"]


# The media API is unlimited unless MEDIAAPP_API_RATE_LIMIT is set: a frontend saves in bursts.
api_limit = limiter.limit(_api_limit, exempt_when=_api_unlimited)


@bp.post("/media/save")
@api_limit
def save_media():
    payload = SaveMediaSchema().load(json_object())
    row, created = media_service.save_media(current_owner(), payload)
    return envelope(media_to_wire(row), status=201 if created else 200)


@bp.get("/media/list")
@api_limit
def list_media():
    args = ListMediaArgsSchema().load(request.args)
    page = media_service.list_media(current_owner(), **args)
    return envelope(
        [media_to_wire(row) for row in page.items],
        pagination={
            "limit": page.limit,
            "offset": page.offset,
            "hasMore": page.has_more,
            "nextCursor": page.next_cursor,
        },
    )


@bp.delete("/media/delete")
@api_limit
def delete_media_by_body():
    """The seed's delete: the id comes in the JSON body or the query string."""
    args = {**request.args.to_dict(), **json_object(required=False)}
    media_id = MediaIdSchema().load(args)["id"]
    return envelope(media_to_wire(media_service.delete_media(current_owner(), media_id)))


@bp.get("/media/<media_id>")
@api_limit
def get_media(media_id: str):
    return envelope(media_to_wire(media_service.get_media(current_owner(), parse_uuid(media_id))))


@bp.delete("/media/<media_id>")
@api_limit
def delete_media(media_id: str):
    row = media_service.delete_media(current_owner(), parse_uuid(media_id))
    return envelope(media_to_wire(row))
