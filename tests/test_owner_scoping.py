"""Every statement the app sends about an owner's rows names that owner's owner_id.

A full tour of the API, the gallery and the CLI runs with every SQL statement recorded; a
statement that reads or writes an owner-scoped table must carry an owner_id condition per
table it names (and an INSERT must set owner_id), as a distributed PostgreSQL routing each
statement to one owner's shard needs. The exceptions are named below.
"""

import io
import json
import re
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from standardwebhooks.webhooks import Webhook

from mediaapp import jobs
from mediaapp.extensions import db
from mediaapp.models import OWNER_SCOPED_TABLES
from tests.conftest import image_payload, video_payload
from tests.helpers import HTMX

TABLES = "|".join(OWNER_SCOPED_TABLES)
# A table named where rows are read or changed (an INSERT's own target is checked apart).
REFERENCE = re.compile(rf"\b(?:FROM|JOIN|UPDATE)\s+({TABLES})\b", re.IGNORECASE)
INSERT_INTO = re.compile(rf"\bINSERT\s+INTO\s+({TABLES})\s*\(([^)]*)\)", re.IGNORECASE)
# owner_id compared with a bound value (sqlite's ? or psycopg2's %(name)s), not a join.
CONDITION = re.compile(r"owner_id\s*(?:=|IN\s*\()\s*(?:\?|%\(\w+\)s)", re.IGNORECASE)

# The only statements allowed to span owners, each for a reason.
EXCEPTIONS = {
    # `flask media purge-trash`, run by cron, destroys old trash for every owner at once.
    "cron purge": re.compile(
        r"^DELETE FROM generated_media WHERE generated_media\.deleted_at IS NOT NULL "
        r"AND generated_media\.deleted_at <",
        re.IGNORECASE,
    ),
    # Bytes are shared across owners: before deleting a blob, ask whether anyone holds it.
    "blob collection": re.compile(
        r"^SELECT EXISTS \(SELECT \* FROM generated_media "
        r"WHERE generated_media\.archive_sha256 = \S+ OR generated_media\.archive_thumb_sha256",
        re.IGNORECASE,
    ),
    # The daily purge also collects blobs that no record holds (a crash between destroying a
    # record and collecting its bytes leaves some behind).
    "orphan sweep": re.compile(
        r"^SELECT blobs\.sha256 FROM blobs WHERE NOT \(EXISTS \(SELECT generated_media\.id",
        re.IGNORECASE,
    ),
    # `flask media archive --backfill`, an operator's command, queues every owner's records.
    "archive backfill": re.compile(
        r"^(INSERT INTO jobs \(kind, owner_id, media_id, run_at, attempts[^)]*\) SELECT"
        r"|UPDATE generated_media SET archive_status=\S+, archive_error=\S+ "
        r"WHERE generated_media\.archive_status != )",
        re.IGNORECASE,
    ),
}


def unscoped(statement: str) -> str | None:
    """Why a statement reads or writes owner rows without naming the owner, or None."""
    text = " ".join(statement.split())
    if any(pattern.search(text) for pattern in EXCEPTIONS.values()):
        return None
    insert = INSERT_INTO.search(text)
    if insert and "owner_id" not in insert.group(2):
        return f"INSERT INTO {insert.group(1)} without owner_id"
    references = len(REFERENCE.findall(text))
    conditions = len(CONDITION.findall(text))
    if conditions < references:
        return f"{references} owner tables named, {conditions} owner_id conditions"
    return None


@contextmanager
def recorded_statements(app):
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)


def ok(response, *statuses):
    assert response.status_code in (statuses or (200,)), response.get_data(as_text=True)[:300]
    return response


def zip_part(body: bytes) -> dict:
    return {"file": (io.BytesIO(body), "history.zip")}


PASSWORD, NEW_PASSWORD = "tour of the owners", "another tour password"


def collection_tour(app, guest, ids: list[str]) -> None:
    """Collections through the API: made, filled, listed, changed, a smart one, emptied."""
    made = ok(guest.post("/api/collections", json={"name": "Tour"}), 201).get_json()["data"]
    cid = made["id"]
    ok(guest.post(f"/api/collections/{cid}/items", json={"ids": ids[:3]}))
    ok(guest.post(f"/api/collections/{cid}/items", json={"ids": ids[:1]}))
    ok(guest.post(f"/api/collections/{cid}/items/remove", json={"ids": ids[2:3]}))
    smart = ok(
        guest.post(
            "/api/collections",
            json={"name": "Tour owls", "search": {"q": "owl", "collection": cid}},
        ),
        201,
    ).get_json()["data"]
    ok(guest.patch(f"/api/collections/{cid}", json={"name": "Tour!", "coverId": ids[0]}))
    ok(guest.patch(f"/api/collections/{smart['id']}", json={"search": {"q": "owl"}}))
    ok(guest.get("/api/collections"))
    ok(guest.get(f"/api/collections/{cid}"))
    ok(guest.get(f"/api/media/{ids[0]}/collections"))
    page = ok(guest.get(f"/api/media/list?collection={cid}&limit=1")).get_json()
    cursor = page["pagination"]["nextCursor"]
    ok(guest.get(f"/api/media/list?collection={cid}&limit=1&cursor={cursor}"))
    ok(guest.get(f"/api/media/list?collection={smart['id']}&type=image"))
    spare = ok(guest.post("/api/collections", json={"name": "Spare"}), 201).get_json()["data"]
    ok(guest.delete(f"/api/collections/{spare['id']}"))

    # The gallery's collection pages and forms.
    ok(guest.get("/collections"))
    ok(guest.get(f"/?collection={cid}&q=owl"))
    ok(guest.get(f"/collections/{cid}/edit"))
    ok(guest.get(f"/media/{ids[0]}?collection={cid}"))
    ok(guest.post("/collections/add", data={"into": cid, "ids": ids[:2]}, headers=HTMX))
    ok(
        guest.post(
            "/collections/add",
            data={"into": cid, "ids": ids[1], "place": "detail"},
            headers=HTMX,
        )
    )
    ok(
        guest.post(
            "/collections/remove",
            data={"out_of": cid, "ids": ids[1], "collection": cid},
            headers=HTMX,
        )
    )
    ok(guest.post(f"/collections/{cid}/cover", data={"media": ids[0]}, headers=HTMX))
    ok(guest.post(f"/collections/{cid}", data={"name": "Tour", "description": "d"}), 303)
    ok(guest.post("/collections", data={"name": "Owl search", "smart": "true", "q": "owl"}), 303)
    ok(guest.post("/collections", data={"name": "Doomed"}), 303)
    doomed = [c for c in guest.get("/api/collections").get_json()["data"] if c["name"] == "Doomed"]
    ok(guest.post(f"/collections/{doomed[0]['id']}/delete"), 303)


def ingest_tour(account) -> None:
    """An account's provider callbacks: endpoints by API and page, a signed callback, replays."""
    made = ok(account.post("/api/ingest-endpoints", json={"label": "tour"}), 201).get_json()
    endpoint = made["data"]
    body = json.dumps(
        {
            "id": "tour-prediction",
            "status": "succeeded",
            "model": "owner/model",
            "input": {"prompt": "A tour", "width": 64, "height": 64},
            "output": ["https://replicate.delivery/tour/0.png"],
            "metrics": {"predict_time": 1.5},
        }
    )
    at = datetime.now(UTC)
    headers = {
        "webhook-id": "msg_tour",
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(endpoint["secret"]).sign("msg_tour", at, body),
    }
    callback = app_client(account)
    for _ in range(2):  # the replay finds the saves made
        ok(
            callback.post(
                f"/api/ingest/{endpoint['name']}",
                data=body,
                headers=headers,
                content_type="application/json",
            )
        )
    ok(
        callback.post(
            f"/api/ingest/{endpoint['name']}", data=body, content_type="application/json"
        ),
        401,
    )
    ok(account.get("/api/ingest-endpoints"))
    ok(account.post("/account/ingest", data={"ingest-label": "page"}), 201)
    listed = ok(account.get("/api/ingest-endpoints")).get_json()["data"]
    ok(account.post(f"/account/ingest/{listed[0]['id']}/delete"), 303)
    ok(account.delete(f"/api/ingest-endpoints/{endpoint['id']}"))


def app_client(client):
    """A fresh client of the same app: the provider, who carries no cookie."""
    return client.application.test_client()


def tour(app, runner) -> None:
    """Everything a person or a generator does, as a guest, then in accounts."""
    guest = app.test_client()
    first = ok(guest.post("/api/media/save", json=image_payload()), 201).get_json()["data"]
    ok(guest.post("/api/media/save", json=image_payload(requestId=first["requestId"])))
    video = ok(guest.post("/api/media/save", json=video_payload()), 201).get_json()["data"]
    more = [
        ok(guest.post("/api/media/save", json=image_payload(prompt=f"owl {n}")), 201).get_json()
        for n in range(3)
    ]
    page = ok(guest.get("/api/media/list?limit=2")).get_json()
    ok(guest.get(f"/api/media/list?limit=2&cursor={page['pagination']['nextCursor']}"))
    ok(guest.get("/api/media/list?q=owl&type=image&favorite=false&from=2020-01-01"))
    stacks = ok(guest.get("/api/media/list?stack=variants&limit=1")).get_json()
    ok(guest.get(f"/api/media/list?stack=variants&cursor={stacks['pagination']['nextCursor']}"))
    ok(guest.get(f"/api/media/list?variantOf={first['id']}&favorite=false"))
    ok(guest.get(f"/api/media/list?variantOf={stacks['data'][0]['stackKey']}"))
    ok(guest.get("/api/media/models"))
    collection_tour(app, guest, [first["id"], *[m["data"]["id"] for m in more]])
    ok(guest.get(f"/api/media/{first['id']}"))
    ok(guest.patch(f"/api/media/{first['id']}", json={"favorite": True}))
    ok(guest.patch(f"/api/media/{first['id']}", json={"rating": 4}))
    ok(guest.get("/api/media/list?minRating=3&type=image&limit=1"))
    ok(guest.delete(f"/api/media/{video['id']}"))
    ok(guest.get("/api/media/trash"))
    ok(guest.post(f"/api/media/{video['id']}/restore"))
    ids = [m["data"]["id"] for m in more]
    for action in ("favorite", "unfavorite", "delete", "restore"):
        ok(guest.post("/api/media/bulk", json={"action": action, "ids": ids}))
    ok(guest.post("/api/media/bulk", json={"action": "rate", "rating": 2, "ids": ids}))
    link = ok(guest.post(f"/api/media/{first['id']}/share", json={}), 201).get_json()["data"]
    ok(guest.get("/api/shares"))
    ok(app.test_client().get(f"/api/shared/{link['token']}"))
    locked = guest.post(f"/api/media/{first['id']}/share", json={"password": "open sesame"})
    locked = ok(locked, 201).get_json()["data"]
    visitor = app.test_client()
    unlock = f"/api/shared/{locked['token']}/unlock"
    ok(visitor.post(unlock, json={"password": "wrong"}), 401)
    ok(visitor.post(unlock, json={"password": "open sesame"}))
    ok(visitor.get(f"/api/shared/{locked['token']}"))
    ok(visitor.post(f"/s/{locked['token']}", data={"password": "open sesame"}), 303)
    ok(visitor.get(f"/s/{locked['token']}"))
    ok(guest.post("/api/shares/revoke", json={"ids": [locked["id"]]}))
    shelf = ok(guest.post("/api/collections", json={"name": "Shared shelf"}), 201)
    shelf = shelf.get_json()["data"]["id"]
    ok(guest.post(f"/api/collections/{shelf}/items", json={"ids": [first["id"]]}))
    shelf_link = ok(guest.post(f"/api/collections/{shelf}/share", json={}), 201).get_json()
    shelf_token = shelf_link["data"]["token"]
    ok(visitor.get(f"/api/shared/{shelf_token}/items"))
    ok(visitor.get(f"/api/shared/{shelf_token}/items/{first['id']}"))
    ok(visitor.get(f"/s/{shelf_token}"))
    ok(visitor.get(f"/s/{shelf_token}/m/{first['id']}"))
    ok(guest.post("/shares/collection", data={"collection": shelf}, headers=HTMX))
    ok(guest.get("/api/shares"))
    ok(guest.get("/shares"))
    ok(app.test_client().get(f"/s/{link['token']}"))
    exported = ok(guest.get("/api/media/export")).get_json()["data"]
    ok(guest.get("/api/media/stats"))

    # The gallery, as the same guest.
    ok(guest.get("/"))
    ok(guest.get("/?q=owl&model=flux-1-dev"))
    ok(guest.get(f"/media/{first['id']}"))
    ok(guest.post(f"/media/{first['id']}/favorite", data={"star": "false"}, headers=HTMX))
    ok(
        guest.post(
            f"/media/{first['id']}/favorite", data={"star": "1", "place": "detail"}, headers=HTMX
        )
    )
    ok(guest.post(f"/media/{first['id']}/rating", data={"rating": "3"}, headers=HTMX))
    ok(guest.post("/media/bulk", data={"action": "rate", "rating": "2", "ids": ids}, headers=HTMX))
    ok(guest.get("/?minRating=2"))
    ok(guest.post(f"/media/{first['id']}/share", data={"expires": "7"}, headers=HTMX))
    ok(guest.post(f"/media/{ids[0]}/delete", headers=HTMX))
    ok(guest.post(f"/media/{ids[0]}/restore", headers=HTMX))
    ok(guest.post("/media/bulk", data={"action": "delete", "ids": ids[1:]}, headers=HTMX))
    ok(guest.get("/trash"))
    ok(guest.post(f"/trash/{ids[1]}/restore", headers=HTMX))
    ok(guest.post(f"/trash/{ids[2]}/delete", data={"confirm": "yes"}, headers=HTMX))
    ok(guest.get("/shares"))
    ok(guest.post(f"/shares/{link['id']}/revoke", headers=HTMX))
    ok(guest.post(f"/shares/{link['id']}/restore", headers=HTMX))
    ok(guest.post(f"/shares/{link['id']}/revoke"), 303)
    ok(guest.post(f"/shares/{link['id']}/restore", headers=HTMX))
    ok(guest.post("/shares/revoke", data={"ids": [link["id"]]}), 303)
    ok(guest.get("/stats"))
    ok(guest.get("/prune?type=video"))
    ok(guest.post("/prune", data={"type": "video", "confirm": "true"}), 303)
    ok(guest.post("/trash/empty", data={"confirm": "yes"}), 303)
    ok(guest.post("/demo"), 303)
    with app.app_context():
        assert jobs.run_due() > 0  # archive the demo files (no network: they are ours)

    # A guest registers (adopting its history), imports an export, logs out.
    ok(guest.post("/api/auth/register", json={"email": "a@example.com", "password": PASSWORD}), 201)
    ok(guest.post("/api/media/import", json={"items": exported}))
    # Zips of the history and of a selection (with the demo's stored files), imported back.
    zipped = ok(guest.get("/api/media/zip?type=image")).data
    ok(guest.get("/download.zip"))
    some = [m["id"] for m in ok(guest.get("/api/media/list?limit=3")).get_json()["data"]]
    ok(guest.post("/api/media/zip", json={"ids": some}))
    ok(guest.post("/media/zip", data={"ids": some}))
    as_zip = {"content_type": "multipart/form-data"}
    ok(app.test_client().post("/api/media/import", data=zip_part(zipped), **as_zip))
    ok(guest.post("/import", data=zip_part(zipped), **as_zip))
    ok(guest.post("/api/media/prune", json={"confirm": True}))
    ok(guest.post("/api/media/trash/empty"))
    ok(guest.post("/api/auth/logout"))
    # Operators' probes read the queue's depth (jobs is not an owner table), nothing else.
    ok(guest.get("/healthz"))
    ok(guest.get("/readyz"))

    # Another guest saves and shares, then logs into that account (adoption with clashes).
    other = app.test_client()
    saved = ok(other.post("/api/media/save", json=image_payload()), 201).get_json()["data"]
    ok(other.post(f"/api/media/{saved['id']}/share", json={}), 201)
    ok(other.post("/api/auth/login", json={"email": "a@example.com", "password": PASSWORD}))
    ok(other.get("/api/auth/me"))
    ok(other.delete(f"/api/media/{saved['id']}?permanent=true"))

    # The account page and its API: email, password, sessions, provider callbacks.
    ok(other.get("/account"))
    ingest_tour(other)
    ok(other.post("/api/auth/email", json={"email": "b@example.com", "password": PASSWORD}))
    email_form = {"email-email": "a@example.com", "email-password": PASSWORD}
    ok(other.post("/account/email", data=email_form), 303)
    change = {"currentPassword": PASSWORD, "newPassword": NEW_PASSWORD}
    ok(other.post("/api/auth/password", json=change))
    password_form = {"password-current_password": NEW_PASSWORD, "password-new_password": PASSWORD}
    ok(other.post("/account/password", data=password_form), 303)
    # API keys: made, listed and revoked by the session; used by a backend with no cookie.
    made = ok(other.post("/api/keys", json={"name": "tour", "scopes": ["all"]}), 201)
    made = made.get_json()["data"]
    ok(other.get("/api/keys"))
    machine, key = app.test_client(), {"Authorization": f"Bearer {made['key']}"}
    by_key = ok(machine.post("/api/media/save", json=image_payload(), headers=key), 201)
    ok(machine.get("/api/media/list", headers=key))
    ok(machine.get(f"/api/media/{by_key.get_json()['data']['id']}", headers=key))
    ok(machine.get("/api/auth/me", headers=key))
    ok(other.delete(f"/api/keys/{made['id']}"))
    ok(machine.get("/api/media/list", headers=key), 401)
    key_form = {"key-name": "page tour", "key-scopes": ["read"], "key-expires": "30"}
    ok(other.post("/account/keys", data=key_form), 201)
    page_key = ok(other.get("/api/keys")).get_json()["data"][0]
    ok(other.post(f"/account/keys/{page_key['id']}/revoke"), 303)
    elsewhere = app.test_client()
    ok(elsewhere.post("/api/auth/login", json={"email": "a@example.com", "password": PASSWORD}))
    ok(elsewhere.post("/account/logout-everywhere"), 303)
    ok(other.post("/api/auth/login", json={"email": "a@example.com", "password": PASSWORD}))
    ok(other.post("/api/auth/logout-everywhere"))

    for args in (
        ["media", "purge-trash", "--older-than", "0"],
        ["media", "archive", "--backfill"],
        ["media", "worker", "--once"],
        ["media", "export", "--email", "a@example.com"],
        ["seed-demo", "--count", "3"],
    ):
        result = runner.invoke(args=args)
        assert result.exit_code == 0, result.output

    # Accounts deleted with everything they own (API and page), guests starting over.
    for how in ("api", "page"):
        doomed = app.test_client()
        creds = {"email": f"{how}@example.com", "password": PASSWORD}
        ok(doomed.post("/api/auth/register", json=creds), 201)
        item = ok(doomed.post("/api/media/save", json=image_payload()), 201).get_json()["data"]
        ok(doomed.post(f"/api/media/{item['id']}/share", json={}), 201)
        ok(doomed.post("/api/keys", json={"name": "doomed", "scopes": ["read"]}), 201)
        ok(doomed.post("/api/ingest-endpoints", json={"label": "doomed"}), 201)
        if how == "api":
            ok(doomed.delete("/api/auth/account", json={"password": PASSWORD}))
        else:
            ok(doomed.post("/account/delete", data={"delete-password": PASSWORD}), 303)
        leaving = app.test_client()
        item = ok(leaving.post("/api/media/save", json=image_payload()), 201).get_json()["data"]
        ok(leaving.post(f"/api/media/{item['id']}/share", json={}), 201)
        ok(leaving.get("/account"))
        if how == "api":
            ok(leaving.post("/api/auth/start-over"))
        else:
            ok(leaving.post("/account/start-over", data={"start-confirm": "y"}), 303)


def test_every_statement_of_a_full_tour_is_scoped_to_one_owner(app, runner):
    with recorded_statements(app) as statements:
        tour(app, runner)

    touched = [s for s in statements if re.search(TABLES, s)]
    problems = [(why, s) for s in touched if (why := unscoped(s))]
    assert len(touched) > 100  # the tour really went through the owner tables
    assert problems == [], "\n\n".join(f"{why}:\n{s}" for why, s in problems)


@pytest.mark.parametrize(
    "statement",
    [
        "SELECT generated_media.id FROM generated_media WHERE generated_media.id = ?",
        "UPDATE share_links SET revoked_at=? WHERE share_links.id = ?",
        "INSERT INTO generated_media (id, type) VALUES (?, ?)",
        "SELECT 1 FROM share_links JOIN generated_media "
        "ON generated_media.owner_id = share_links.owner_id WHERE share_links.owner_id = ?",
        "DELETE FROM generated_media WHERE generated_media.deleted_at IS NOT NULL",
    ],
)
def test_the_check_catches_a_statement_without_an_owner(statement):
    assert unscoped(statement) is not None


def test_the_check_passes_scoped_statements_and_the_named_cron_purge():
    scoped = (
        "SELECT generated_media.id FROM generated_media "
        "WHERE generated_media.owner_id = %(owner_id_1)s AND generated_media.id = %(id_1)s"
    )
    purge = (
        "DELETE FROM generated_media WHERE generated_media.deleted_at IS NOT NULL "
        "AND generated_media.deleted_at < ?"
    )

    assert unscoped(scoped) is None and unscoped(purge) is None
