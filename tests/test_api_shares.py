"""Share links: unguessable, optional expiry and hidden prompt, public page and JSON, revoke."""

import uuid
from datetime import timedelta

import sqlalchemy as sa

from mediaapp.extensions import db
from mediaapp.models import utcnow
from tests.conftest import save


def _share(client, media_id, **options):
    response = client.post(f"/api/media/{media_id}/share", json=options)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["data"]


def test_a_share_link_is_public_and_shows_the_media_without_owner_information(app, client):
    record = save(client).get_json()["data"]
    link = _share(client, record["id"])
    stranger = app.test_client()

    page = stranger.get(f"/s/{link['token']}")
    data = stranger.get(f"/api/shared/{link['token']}").get_json()["data"]

    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert record["prompt"] in html and record["url"] in html
    assert "noindex" in page.headers["X-Robots-Tag"]
    assert data["prompt"] == record["prompt"] and data["settings"] == record["settings"]
    assert not {"id", "userId", "requestId", "projectId"} & set(data)


def test_the_token_carries_at_least_128_bits(client):
    record = save(client).get_json()["data"]

    tokens = {_share(client, record["id"])["token"] for _ in range(5)}

    assert len(tokens) == 5
    assert all(len(t) >= 43 for t in tokens)  # 32 random bytes in URL-safe base64


def test_a_link_can_hide_the_prompt_and_settings(app, client):
    record = save(client).get_json()["data"]
    link = _share(client, record["id"], hidePrompt=True)

    page = app.test_client().get(f"/s/{link['token']}").get_data(as_text=True)
    data = app.test_client().get(f"/api/shared/{link['token']}").get_json()["data"]

    assert data["prompt"] is None and data["settings"] is None and data["promptHidden"]
    assert record["prompt"] not in page


def test_an_expired_link_answers_404(app, client):
    record = save(client).get_json()["data"]
    link = _share(client, record["id"], expiresInDays=1)
    with app.app_context():
        db.session.execute(
            sa.text("UPDATE share_links SET expires_at = :t"),
            {"t": utcnow() - timedelta(minutes=1)},
        )
        db.session.commit()

    assert app.test_client().get(f"/api/shared/{link['token']}").status_code == 404
    assert app.test_client().get(f"/s/{link['token']}").status_code == 404


def test_a_revoked_link_answers_404_and_leaves_the_list(app, client):
    record = save(client).get_json()["data"]
    link = _share(client, record["id"])

    response = client.delete(f"/api/shares/{link['id']}")

    assert response.status_code == 200
    assert app.test_client().get(f"/api/shared/{link['token']}").status_code == 404
    assert client.get("/api/shares").get_json()["data"] == []


def test_the_owner_lists_their_links(client):
    record = save(client).get_json()["data"]
    link = _share(client, record["id"], expiresInDays=7)

    listed = client.get("/api/shares").get_json()["data"]

    assert [(s["id"], s["mediaId"], s["url"]) for s in listed] == [
        (link["id"], record["id"], link["url"])
    ]
    assert listed[0]["expiresAt"] is not None
    assert link["url"].endswith(f"/s/{link['token']}")


def test_another_owner_can_neither_share_nor_revoke(app, client):
    record = save(client).get_json()["data"]
    link = _share(client, record["id"])
    other = app.test_client()

    assert other.post(f"/api/media/{record['id']}/share", json={}).status_code == 404
    assert other.delete(f"/api/shares/{link['id']}").status_code == 404
    assert other.get("/api/shares").get_json()["data"] == []
    assert app.test_client().get(f"/api/shared/{link['token']}").status_code == 200


def test_a_trashed_items_link_answers_404(app, client):
    record = save(client).get_json()["data"]
    link = _share(client, record["id"])

    client.delete(f"/api/media/{record['id']}")

    assert app.test_client().get(f"/api/shared/{link['token']}").status_code == 404


def test_an_unknown_token_answers_404_with_the_envelope(client):
    response = client.get(f"/api/shared/{uuid.uuid4().hex}")

    assert response.status_code == 404
    assert response.get_json()["code"] == "not_found"


def test_bad_share_options_answer_400(client):
    record = save(client).get_json()["data"]

    response = client.post(f"/api/media/{record['id']}/share", json={"expiresInDays": 0})

    assert response.status_code == 400
    assert "expiresInDays" in response.get_json()["details"]
