"""The list's fast path builds exactly what MediaSchema documents, for real saved records."""

import uuid

import pytest
import sqlalchemy as sa

from mediaapp.extensions import db
from mediaapp.schemas import MediaSchema, media_to_wire
from mediaapp.services import media as media_service
from tests.conftest import image_payload, save, video_payload


def _stored_row(app, media_id: str):
    with app.app_context():
        stmt = sa.select(*media_service.COLUMNS).where(media_service.GM.id == uuid.UUID(media_id))
        return db.session.execute(stmt).one()


def _as_user(client):
    client.post(
        "/api/auth/register",
        json={"email": "wire@example.com", "password": "correct horse battery"},
    )
    return client


@pytest.mark.parametrize(
    ("payload", "then", "login"),
    [
        (image_payload, None, False),
        (video_payload, None, False),
        (image_payload, ("patch", {"favorite": True}), False),
        (video_payload, ("delete", None), False),
        (image_payload, ("patch", {"favorite": True}), True),
    ],
    ids=["image", "video", "favorite-image", "trashed-video", "users-favorite"],
)
def test_media_to_wire_equals_the_schemas_dump(app, client, payload, then, login):
    if login:
        _as_user(client)
    media_id = save(client, payload(projectId="p-1", fileId="f-1")).get_json()["data"]["id"]
    if then:
        getattr(client, then[0])(f"/api/media/{media_id}", json=then[1])
    row = _stored_row(app, media_id)

    wire = media_to_wire(row)

    assert wire == MediaSchema().dump(row)
    assert wire["favorite"] is (then is not None and then[0] == "patch")
    assert (wire["deletedAt"] is not None) is (then is not None and then[0] == "delete")
    assert (wire["userId"] is not None) is login
