"""Share link options: a password (hashed, limited, unlocking one link per session), no
downloads, an expiry moment to the minute, the 30-day default, views, and bulk revoke."""

import re
import uuid
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from mediaapp.extensions import db, limiter
from mediaapp.models import ShareLink, utcnow
from tests.conftest import save
from tests.helpers import HTMX, saved_id
from tests.test_caching import upload

PASSWORD = "correct horse"


def share(client, media_id: str, **options) -> dict:
    response = client.post(f"/api/media/{media_id}/share", json=options)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["data"]


def password_hash(app, share_id: str) -> str | None:
    with app.app_context():
        return db.session.execute(
            sa.select(ShareLink.password_hash).where(ShareLink.id == uuid.UUID(share_id))
        ).scalar()


def moved_expiry(app, share_id: str, to: datetime) -> None:
    with app.app_context():
        db.session.execute(
            sa.update(ShareLink).where(ShareLink.id == uuid.UUID(share_id)).values(expires_at=to)
        )
        db.session.commit()


# --- the password --------------------------------------------------------------------


def test_a_password_is_stored_only_as_a_hash(app, client):
    link = share(client, saved_id(save(client)), password=PASSWORD)

    stored = password_hash(app, link["id"])

    assert link["hasPassword"] is True
    assert stored and PASSWORD not in stored and stored.startswith(("pbkdf2:", "scrypt:"))


def test_a_protected_link_answers_401_until_its_password_is_given(app, client):
    link = share(client, saved_id(save(client)), password=PASSWORD)
    visitor = app.test_client()

    response = visitor.get(f"/api/shared/{link['token']}")

    assert response.status_code == 401
    assert response.get_json()["code"] == "password_required"


def test_a_wrong_password_is_refused_and_opens_nothing(app, client):
    link = share(client, saved_id(save(client)), password=PASSWORD)
    visitor = app.test_client()

    response = visitor.post(f"/api/shared/{link['token']}/unlock", json={"password": "nope"})

    assert response.status_code == 401
    assert response.get_json()["code"] == "wrong_password"
    assert visitor.get(f"/api/shared/{link['token']}").status_code == 401


def test_the_right_password_opens_that_link_for_this_session_only(app, client):
    media_id = saved_id(save(client))
    first = share(client, media_id, password=PASSWORD)
    second = share(client, media_id, password=PASSWORD)
    visitor = app.test_client()

    response = visitor.post(f"/api/shared/{first['token']}/unlock", json={"password": PASSWORD})

    assert response.status_code == 200 and response.get_json()["data"] == {"unlocked": True}
    assert visitor.get(f"/api/shared/{first['token']}").status_code == 200
    assert visitor.get(f"/api/shared/{second['token']}").status_code == 401
    assert app.test_client().get(f"/api/shared/{first['token']}").status_code == 401


def test_the_public_page_asks_for_the_password_and_shows_nothing_of_the_item(app, client):
    record = save(client).get_json()["data"]
    link = share(client, record["id"], password=PASSWORD)

    page = app.test_client().get(f"/s/{link['token']}")

    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'type="password"' in html and f'action="/s/{link["token"]}"' in html
    assert record["prompt"] not in html and record["url"] not in html


def test_the_page_form_with_the_right_password_redirects_to_the_item(app, client):
    record = save(client).get_json()["data"]
    link = share(client, record["id"], password=PASSWORD)
    visitor = app.test_client()

    response = visitor.post(f"/s/{link['token']}", data={"password": PASSWORD})

    assert response.status_code == 303 and response.location.endswith(f"/s/{link['token']}")
    assert record["prompt"] in visitor.get(f"/s/{link['token']}").get_data(as_text=True)


def test_the_page_form_with_a_wrong_password_says_so(app, client):
    record = save(client).get_json()["data"]
    link = share(client, record["id"], password=PASSWORD)

    response = app.test_client().post(f"/s/{link['token']}", data={"password": "guess"})

    html = response.get_data(as_text=True)
    assert response.status_code == 401
    assert "not right" in html and record["prompt"] not in html


def test_files_of_a_protected_link_need_the_password(app, client):
    link = share(client, upload(client), password=PASSWORD)
    visitor = app.test_client()

    refused = visitor.get(f"/api/shared/{link['token']}/file")

    assert refused.status_code == 401
    visitor.post(f"/api/shared/{link['token']}/unlock", json={"password": PASSWORD})
    assert visitor.get(f"/api/shared/{link['token']}/file").status_code == 200


@pytest.fixture
def limited(make_app):
    limiter.reset()
    yield make_app(SHARE_PASSWORD_RATE_LIMIT="3 per minute")
    limiter.reset()


def test_wrong_passwords_are_limited_per_link_and_address(app, limited, client):
    media_id = saved_id(save(client))
    link = share(client, media_id, password=PASSWORD)
    other = share(client, media_id, password=PASSWORD)
    visitor = limited.test_client()
    unlock = f"/api/shared/{link['token']}/unlock"
    for _ in range(3):
        assert visitor.post(unlock, json={"password": "guess"}).status_code == 401

    response = visitor.post(unlock, json={"password": PASSWORD})

    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0
    other_unlock = f"/api/shared/{other['token']}/unlock"
    assert visitor.post(other_unlock, json={"password": PASSWORD}).status_code == 200
    elsewhere = {"REMOTE_ADDR": "203.0.113.9"}
    assert (
        limited.test_client()
        .post(unlock, json={"password": PASSWORD}, environ_base=elsewhere)
        .status_code
        == 200
    )


def test_the_page_form_and_the_api_draw_from_one_count(app, limited, client):
    link = share(client, saved_id(save(client)), password=PASSWORD)
    visitor = limited.test_client()
    for _ in range(2):
        visitor.post(f"/api/shared/{link['token']}/unlock", json={"password": "guess"})
    visitor.post(f"/s/{link['token']}", data={"password": "guess"})

    response = visitor.post(f"/s/{link['token']}", data={"password": PASSWORD})

    assert response.status_code == 429


def test_right_passwords_do_not_count_against_the_limit(app, limited, client):
    link = share(client, saved_id(save(client)), password=PASSWORD)
    unlock = f"/api/shared/{link['token']}/unlock"
    visitor = limited.test_client()
    for _ in range(5):
        assert visitor.post(unlock, json={"password": PASSWORD}).status_code == 200

    response = visitor.post(unlock, json={"password": "guess"})

    assert response.status_code == 401


# --- downloads -----------------------------------------------------------------------


def test_a_link_without_downloads_refuses_the_file_but_serves_the_thumbnail(app, client):
    link = share(client, upload(client), allowDownload=False)
    visitor = app.test_client()

    refused = visitor.get(f"/api/shared/{link['token']}/file")

    assert refused.status_code == 404 and "download" in refused.get_json()["error"]
    assert visitor.get(f"/api/shared/{link['token']}/thumbnail").status_code == 200
    data = visitor.get(f"/api/shared/{link['token']}").get_json()["data"]
    assert data["downloadAllowed"] is False and data["fileUrl"] is None and data["url"] is None
    assert data["storedThumbnailUrl"].endswith("/thumbnail")


def test_the_page_of_a_link_without_downloads_shows_the_thumbnail_and_no_download(app, client):
    link = share(client, upload(client), allowDownload=False)

    html = app.test_client().get(f"/s/{link['token']}").get_data(as_text=True)

    assert f"/api/shared/{link['token']}/thumbnail" in html
    assert f"/api/shared/{link['token']}/file" not in html
    assert "Download</a>" not in html and " download>" not in html


def test_a_link_with_downloads_offers_the_file(app, client):
    link = share(client, upload(client))

    html = app.test_client().get(f"/s/{link['token']}").get_data(as_text=True)

    assert link["allowDownload"] is True
    assert f'href="/api/shared/{link["token"]}/file" download' in html


# --- expiry --------------------------------------------------------------------------


def test_a_new_link_expires_after_30_days_by_default(client):
    before = utcnow()

    link = share(client, saved_id(save(client)))

    expires = datetime.fromisoformat(link["expiresAt"].replace("Z", "+00:00"))
    assert before + timedelta(days=30) <= expires <= utcnow() + timedelta(days=30)


@pytest.mark.parametrize("option", ["expiresAt", "expiresInDays"])
def test_a_link_can_be_made_to_never_expire(client, option):
    link = share(client, saved_id(save(client)), **{option: None})

    assert link["expiresAt"] is None


def test_expires_at_is_kept_to_the_minute_in_utc(client):
    media_id = saved_id(save(client))

    link = share(client, media_id, expiresAt="2031-05-04T18:30:45.120+02:00")

    assert link["expiresAt"].startswith("2031-05-04T16:30:00")
    assert link["expiresAt"].endswith("Z")


def test_expires_at_without_a_zone_is_read_as_utc(client):
    link = share(client, saved_id(save(client)), expiresAt="2031-05-04T18:30")

    assert link["expiresAt"].startswith("2031-05-04T18:30:00")


def test_a_link_still_opens_before_its_minute_and_not_after(app, client):
    link = share(
        client, saved_id(save(client)), expiresAt=(utcnow() + timedelta(hours=1)).isoformat()
    )
    assert app.test_client().get(f"/s/{link['token']}").status_code == 200

    moved_expiry(app, link["id"], utcnow() - timedelta(minutes=1))

    assert app.test_client().get(f"/s/{link['token']}").status_code == 404
    assert app.test_client().get(f"/api/shared/{link['token']}").status_code == 404


@pytest.mark.parametrize(
    "options",
    [
        {"expiresAt": "2001-01-01T00:00Z"},
        {"expiresAt": "tomorrow"},
        {"expiresAt": "9999-12-30T00:00Z"},
        {"expiresAt": "2030-01-01T00:00Z", "expiresInDays": 3},
        {"password": "abc"},
        {"password": "x" * 129},
        {"allowDownload": "no"},
    ],
)
def test_bad_options_answer_400_and_create_nothing(client, options):
    media_id = saved_id(save(client))

    response = client.post(f"/api/media/{media_id}/share", json=options)

    assert response.status_code == 400
    assert set(response.get_json()["details"]) & {"expiresAt", "password", "allowDownload"}
    assert client.get("/api/shares").get_json()["data"] == []


# --- views ---------------------------------------------------------------------------


def test_each_public_view_counts_and_the_list_shows_the_last(app, client):
    link = share(client, saved_id(save(client)))
    visitor = app.test_client()
    before = utcnow().replace(microsecond=0)

    for path in (f"/s/{link['token']}", f"/api/shared/{link['token']}", f"/s/{link['token']}"):
        visitor.get(path)

    listed = client.get("/api/shares").get_json()["data"][0]
    assert listed["views"] == 3
    last = datetime.fromisoformat(listed["lastViewedAt"].replace("Z", "+00:00"))
    assert before <= last <= utcnow()


def test_a_new_link_has_no_views_and_the_password_form_counts_none(app, client):
    link = share(client, saved_id(save(client)), password=PASSWORD)

    app.test_client().get(f"/s/{link['token']}")

    listed = client.get("/api/shares").get_json()["data"][0]
    assert listed["views"] == 0 and listed["lastViewedAt"] is None


def test_the_shares_page_shows_views_and_the_options(app, client):
    link = share(client, saved_id(save(client)), password=PASSWORD, allowDownload=False)
    app.test_client().post(f"/api/shared/{link['token']}/unlock", json={"password": PASSWORD})
    visitor = app.test_client()
    visitor.post(f"/api/shared/{link['token']}/unlock", json={"password": PASSWORD})
    visitor.get(f"/s/{link['token']}")

    html = client.get("/shares").get_data(as_text=True)

    assert "1 view, last" in html
    assert ">Password<" in html and ">No downloads<" in html


# --- bulk revoke ---------------------------------------------------------------------


def test_bulk_revoke_revokes_the_owners_links_and_reports_the_rest(app, client):
    media_id = saved_id(save(client))
    mine = [share(client, media_id)["id"] for _ in range(3)]
    stranger = app.test_client()
    theirs = share(stranger, saved_id(save(stranger)))
    unknown = str(uuid.uuid4())

    response = client.post(
        "/api/shares/revoke", json={"ids": [mine[0], mine[1], theirs["id"], unknown]}
    )

    data = response.get_json()["data"]
    assert response.status_code == 200
    assert data == {"revoked": mine[:2], "notFound": [theirs["id"], unknown]}
    assert [s["id"] for s in client.get("/api/shares").get_json()["data"]] == [mine[2]]
    assert [s["id"] for s in stranger.get("/api/shares").get_json()["data"]] == [theirs["id"]]
    assert app.test_client().get(f"/api/shared/{theirs['token']}").status_code == 200


@pytest.mark.parametrize("body", [{"ids": []}, {"ids": ["nope"]}, {}, {"ids": ["x"] * 501}])
def test_bulk_revoke_refuses_bad_input(client, body):
    response = client.post("/api/shares/revoke", json=body)

    assert response.status_code == 400


def test_the_shares_page_revokes_the_ticked_links_without_javascript(app, client):
    media_id = saved_id(save(client))
    links = [share(client, media_id)["id"] for _ in range(3)]
    stranger = app.test_client()
    theirs = share(stranger, saved_id(save(stranger)))

    response = client.post("/shares/revoke", data={"ids": [links[0], links[2], theirs["id"]]})

    assert response.status_code == 303
    html = client.get(response.location).get_data(as_text=True)
    assert "Revoked 2 links" in html
    assert re.findall(r'id="share-([0-9a-f-]{36})"', html) == [links[1]]
    assert [s["id"] for s in stranger.get("/api/shares").get_json()["data"]] == [theirs["id"]]


def test_the_shares_page_ties_each_row_checkbox_to_the_bulk_form(client):
    link = share(client, saved_id(save(client)))

    html = client.get("/shares").get_data(as_text=True)

    assert '<form class="share-bulk" id="share-bulk" method="post" action="/shares/revoke">' in html
    assert f'name="ids" value="{link["id"]}" form="share-bulk"' in html


def test_ticking_nothing_is_refused_with_a_message(client):
    share(client, saved_id(save(client)))

    response = client.post("/shares/revoke", data={})

    assert response.status_code == 400
    assert "Tick at least one link" in response.get_data(as_text=True)


# --- the gallery's share form --------------------------------------------------------


def test_the_share_form_creates_a_link_with_password_no_download_and_a_moment(app, client):
    media_id = saved_id(save(client))
    form = {
        "expires": "at",
        "expires_at": "2031-05-04T18:30",
        "tz_offset": "-120",  # UTC+2
        "password": PASSWORD,
        "no_download": "1",
    }

    response = client.post(f"/media/{media_id}/share", data=form, headers=HTMX)

    assert response.status_code == 200
    listed = client.get("/api/shares").get_json()["data"][0]
    assert listed["expiresAt"].startswith("2031-05-04T16:30:00")
    assert listed["hasPassword"] and not listed["allowDownload"]


def test_the_share_form_defaults_to_30_days(client):
    media_id = saved_id(save(client))

    client.post(f"/media/{media_id}/share", data={}, headers=HTMX)

    listed = client.get("/api/shares").get_json()["data"][0]
    expires = datetime.fromisoformat(listed["expiresAt"].replace("Z", "+00:00"))
    assert timedelta(days=29) < expires - utcnow() <= timedelta(days=30)


@pytest.mark.parametrize(
    "form",
    [
        {"expires": "at", "expires_at": ""},
        {"expires": "at", "expires_at": "2001-01-01T00:00"},
        {"expires": "at", "expires_at": "2030-01-01T00:00", "tz_offset": "5000"},
        {"password": "abc"},
    ],
)
def test_the_share_form_refuses_bad_options_with_a_message(client, form):
    media_id = saved_id(save(client))

    response = client.post(f"/media/{media_id}/share", data=form)

    assert response.status_code == 400
    assert client.get("/api/shares").get_json()["data"] == []


def test_a_protected_links_pages_are_never_kept_by_a_shared_cache(app, client):
    link = share(client, saved_id(save(client)), password=PASSWORD)
    visitor = app.test_client()
    form = visitor.get(f"/s/{link['token']}")
    visitor.post(f"/s/{link['token']}", data={"password": PASSWORD})

    unlocked = visitor.get(f"/s/{link['token']}")

    assert form.headers["Cache-Control"] == "private, no-store"
    assert unlocked.headers["Cache-Control"] == "private, no-store"
    assert (
        visitor.get(f"/api/shared/{link['token']}").headers["Cache-Control"].startswith("private")
    )
