"""Plain helpers that several test modules share (fixtures live in conftest.py)."""

import re

HTMX = {"HX-Request": "true"}

# The content digest url_for('static') puts in a file's name (mediaapp/assets.py).
FINGERPRINT = re.compile(r"\.[0-9a-f]{12}(?=\.|$)")


def plain_static(url: str) -> str:
    """A static URL without its fingerprint: /static/js/a.0123456789ab.js -> /static/js/a.js."""
    return FINGERPRINT.sub("", url)


# Cards on show: the <template>s media-cache.js paints offline cards from carry a placeholder.
CARD_ID = re.compile(
    r'<article class="media-card" id="media-'
    r'(?!00000000-0000-4000-8000-000000000000)([0-9a-f-]{36})"'
)


def saved_id(response) -> str:
    """The id of the record a save answered."""
    return response.get_json()["data"]["id"]


def card_ids(response) -> list[str]:
    """The ids of the cards a gallery answer shows, in order."""
    return CARD_ID.findall(response.get_data(as_text=True))


def gallery_card_ids(client, query: str = "") -> list[str]:
    """The ids of the cards the gallery at `/{query}` shows the client, in order."""
    return card_ids(client.get(f"/{query}"))


def listed_ids(client, path: str = "/api/media/list") -> list[str]:
    """The ids of the records a list API answer holds, in order."""
    return [m["id"] for m in client.get(path).get_json()["data"]]


def record(client, media_id: str) -> dict | None:
    """The client's record as the API shows it, or None when it answers 404."""
    response = client.get(f"/api/media/{media_id}")
    return response.get_json()["data"] if response.status_code == 200 else None


def undo_form(html: str) -> tuple[str, dict[str, list[str]]]:
    """The action and fields of the Undo form in a notice."""
    form = re.search(
        r'<form class="flash__action"[^>]*action="([^"]+)"[^>]*>(.*?)</form>', html, re.S
    )
    fields: dict[str, list[str]] = {}
    for name, value in re.findall(r'name="([^"]+)" value="([^"]*)"', form.group(2)):
        fields.setdefault(name, []).append(value)
    return form.group(1), fields


def csrf_token(html: str) -> str:
    """The CSRF token of the first form in a page."""
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def delete_account_meanwhile(app, client, monkeypatch, email: str) -> None:
    """Register `email` on `client`, then delete every account behind its back, as if the
    request under way had read its session just before the deletion (deleting an account
    ends its sessions, so only such a request can still act for it)."""
    import uuid

    import sqlalchemy as sa

    from mediaapp.extensions import db
    from mediaapp.services import sessions

    client.post("/api/auth/register", json={"email": email, "password": "correct horse battery"})
    with app.app_context():
        user_id = db.session.execute(sa.text("SELECT id FROM users")).scalar()
        db.session.execute(sa.text("DELETE FROM users"))
        db.session.commit()
    found = sessions.SignedIn(uuid.UUID(str(user_id)), email, "digest")
    monkeypatch.setattr(sessions, "find_session", lambda *args: found)
