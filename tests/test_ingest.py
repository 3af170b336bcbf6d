"""Provider callbacks: ingest endpoints (create, list, delete) and POST /api/ingest/<name>,
signed the Standard Webhooks way, recording a Replicate prediction's outputs as saves."""

import json
import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from standardwebhooks.webhooks import Webhook

from mediaapp.extensions import db
from mediaapp.models import GeneratedMedia as GM
from mediaapp.models import IngestEndpoint, IngestName, Job
from tests.conftest import count_rows

PASSWORD = "a long enough password"


def prediction(**overrides) -> dict:
    """A finished Replicate prediction, as its webhook sends it."""
    body = {
        "id": "ufawqhfynnddngldkgtslldrkq",
        "model": "black-forest-labs/flux-schnell",
        "version": "5c7d5dc6dd8bf75c1acaa8565735e7986bc5b66206b55cca93cb72c9bf15ccaa",
        "status": "succeeded",
        "input": {
            "prompt": "A lighthouse on a cliff at dusk",
            "width": 1024,
            "height": 768,
            "seed": 1234,
            "num_inference_steps": 4,
            "image": "data:image/png;base64," + "A" * 2000,  # no setting: left out
        },
        "output": [
            "https://replicate.delivery/pbxt/abc/out-0.webp",
            "https://replicate.delivery/pbxt/abc/out-1.webp",
        ],
        "metrics": {"predict_time": 2.5},
        "created_at": "2026-11-30T10:00:00.000000Z",
        "completed_at": "2026-11-30T10:00:02.500000Z",
        "error": None,
        "logs": "",
    }
    body.update(overrides)
    return body


def signed(secret: str, body: dict | bytes, *, msg_id: str = "msg_1", at: datetime | None = None):
    """The body and the Standard Webhooks headers that sign it."""
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    at = at or datetime.now(UTC)
    signature = Webhook(secret).sign(msg_id, at, data.decode())
    headers = {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": signature,
    }
    return {"data": data, "headers": headers, "content_type": "application/json"}


@pytest.fixture
def account(app):
    client = app.test_client()
    client.post("/api/auth/register", json={"email": "gen@example.com", "password": PASSWORD})
    return client


@pytest.fixture
def endpoint(account) -> dict:
    response = account.post("/api/ingest-endpoints", json={"label": "Replicate flux"})
    assert response.status_code == 201
    return response.get_json()["data"]


def post(client, endpoint: dict, body, **kwargs):
    return client.post(
        f"/api/ingest/{endpoint['name']}", **signed(endpoint["secret"], body, **kwargs)
    )


def records(account) -> list[dict]:
    return account.get("/api/media/list").get_json()["data"]


# --- managing endpoints ---------------------------------------------------------------------


def test_creating_an_endpoint_shows_its_secret_once_and_the_list_never_does(account, endpoint):
    listed = account.get("/api/ingest-endpoints").get_json()["data"]

    assert endpoint["secret"].startswith("whsec_")
    assert endpoint["url"].endswith(f"/api/ingest/{endpoint['name']}")
    assert endpoint["name"].startswith("replicate-flux-") and len(endpoint["name"]) == 39
    assert [e["id"] for e in listed] == [endpoint["id"]]
    assert "secret" not in listed[0] and endpoint["secret"] not in json.dumps(listed)


def test_the_secret_is_stored_sealed_not_as_given(app, endpoint):
    with app.app_context():
        sealed = db.session.execute(sa.select(IngestEndpoint.secret_sealed)).scalar_one()

    assert endpoint["secret"] not in sealed and endpoint["secret"][6:] not in sealed


def test_a_pasted_replicate_secret_is_the_one_that_verifies(account):
    secret = "whsec_" + "c2VjcmV0LWZyb20tcmVwbGljYXRlLTEyMzQ1Njc4"
    created = account.post(
        "/api/ingest-endpoints", json={"label": "mine", "secret": secret}
    ).get_json()["data"]

    response = post(account, created, prediction())

    assert created["secret"] == secret
    assert response.status_code == 200 and response.get_json()["data"]["saved"] == 2


@pytest.mark.parametrize(
    "body, field",
    [
        ({}, "label"),
        ({"label": ""}, "label"),
        ({"label": "x" * 65}, "label"),
        ({"label": "x", "secret": "not-a-secret"}, "secret"),
        ({"label": "x", "secret": "whsec_***"}, "secret"),
        ({"label": "x", "secret": "whsec_c2hvcnQ="}, "secret"),
        ({"label": "x", "provider": "someone-else"}, "provider"),
    ],
)
def test_a_bad_endpoint_is_refused_naming_the_field(app, account, body, field):
    response = account.post("/api/ingest-endpoints", json=body)

    assert response.status_code == 400 and field in response.get_json()["details"]
    with app.app_context():
        assert (
            db.session.execute(sa.select(sa.func.count()).select_from(IngestEndpoint)).scalar() == 0
        )


def test_a_guest_cannot_create_an_endpoint(client):
    response = client.post("/api/ingest-endpoints", json={"label": "guest"})

    assert response.status_code == 401 and response.get_json()["code"] == "not_signed_in"


def test_deleting_an_endpoint_refuses_its_callbacks_from_then_on(app, account, endpoint):
    account.delete(f"/api/ingest-endpoints/{endpoint['id']}")

    response = post(account, endpoint, prediction())

    assert response.status_code == 404 and response.get_json()["code"] == "unknown_endpoint"
    assert count_rows(app) == 0


def test_another_owners_endpoint_answers_404_to_delete_and_is_not_listed(app, endpoint):
    other = app.test_client()
    other.post("/api/auth/register", json={"email": "other@example.com", "password": PASSWORD})

    response = other.delete(f"/api/ingest-endpoints/{endpoint['id']}")

    assert response.status_code == 404
    assert other.get("/api/ingest-endpoints").get_json()["data"] == []


def test_deleting_the_account_removes_its_endpoints(app, account, endpoint):
    deleted = account.delete("/api/auth/account", json={"password": PASSWORD})

    response = post(app.test_client(), endpoint, prediction())

    assert deleted.status_code == 200 and response.status_code == 404
    with app.app_context():
        assert db.session.execute(sa.select(sa.func.count()).select_from(IngestName)).scalar() == 0


# --- receiving callbacks ----------------------------------------------------------------------


def test_a_succeeded_prediction_saves_each_output_and_queues_its_archiving(app, account, endpoint):
    response = post(app.test_client(), endpoint, prediction())

    assert response.status_code == 200
    answer = response.get_json()["data"]
    assert answer["saved"] == 2 and answer["duplicate"] == 0
    saved = sorted(records(account), key=lambda r: r["requestId"])
    assert [r["url"] for r in saved] == prediction()["output"]
    assert [r["requestId"] for r in saved] == [
        "replicate:ufawqhfynnddngldkgtslldrkq:0",
        "replicate:ufawqhfynnddngldkgtslldrkq:1",
    ]
    with app.app_context():
        jobs = set(db.session.execute(sa.select(Job.media_id)).scalars())
    assert jobs == {uuid.UUID(r["id"]) for r in saved}


def test_the_prediction_maps_into_the_record(account, endpoint):
    post(account, endpoint, prediction(output="https://replicate.delivery/pbxt/abc/one.png"))

    (record,) = records(account)
    assert record["type"] == "image"
    assert record["prompt"] == "A lighthouse on a cliff at dusk"
    assert record["model"] == "black-forest-labs/flux-schnell"
    assert record["provider"] == "replicate" and record["durationMs"] == 2500
    assert record["createdAt"] == "2026-11-30T10:00:02.500Z"
    assert record["settings"] == {
        "model": "black-forest-labs/flux-schnell",
        "style": "none",
        "resolution": "1024x768",
        "shotSize": "unspecified",
        "width": 1024,
        "height": 768,
        "seed": 1234,
        "num_inference_steps": 4,
    }


def test_a_video_output_is_saved_as_a_video_named_by_its_version(account, endpoint):
    body = prediction(
        output="https://replicate.delivery/x/clip.mp4?sig=1",
        model=None,
        input={"prompt": "Waves", "fps": 24, "duration": 5},
    )

    post(account, endpoint, body)

    (record,) = records(account)
    assert record["type"] == "video" and record["model"] == "version:5c7d5dc6dd8b"
    assert record["settings"]["frameRate"] == 24 and record["settings"]["duration"] == 5


def test_a_replayed_callback_adds_nothing(app, account, endpoint):
    post(account, endpoint, prediction())

    again = post(account, endpoint, prediction(), msg_id="msg_1")
    other_delivery = post(account, endpoint, prediction(), msg_id="msg_2")

    assert again.get_json()["data"]["saved"] == 0 == other_delivery.get_json()["data"]["saved"]
    assert other_delivery.get_json()["data"]["duplicate"] == 2
    assert count_rows(app) == 2


def test_a_replay_of_a_prediction_whose_item_is_in_the_trash_leaves_it_there(
    app, account, endpoint
):
    first = post(account, endpoint, prediction()).get_json()["data"]["ids"][0]
    account.delete(f"/api/media/{first}")

    response = post(account, endpoint, prediction())

    assert response.status_code == 200 and response.get_json()["data"]["duplicate"] == 2
    assert count_rows(app) == 2 and len(records(account)) == 1


@pytest.mark.parametrize("status", ["starting", "processing", "failed", "canceled"])
def test_a_prediction_that_did_not_succeed_is_acknowledged_and_writes_nothing(
    app, account, endpoint, status
):
    response = post(account, endpoint, prediction(status=status, output=None))

    assert response.status_code == 200
    assert response.get_json()["data"] == {
        "status": status,
        "prediction": "ufawqhfynnddngldkgtslldrkq",
        "saved": 0,
        "duplicate": 0,
        "ids": [],
    }
    assert count_rows(app) == 0


def _nothing_written(app) -> bool:
    with app.app_context():
        used = db.session.execute(sa.select(IngestEndpoint.last_used_at)).scalar()
        jobs = db.session.execute(sa.select(sa.func.count()).select_from(Job)).scalar()
        media = db.session.execute(sa.select(sa.func.count()).select_from(GM)).scalar()
    return used is None and jobs == 0 and media == 0


def test_a_bad_signature_is_refused_and_nothing_is_written(app, account, endpoint):
    request = signed(endpoint["secret"], prediction())
    request["data"] = request["data"].replace(b"lighthouse", b"lighthousE")

    response = account.post(f"/api/ingest/{endpoint['name']}", **request)

    assert response.status_code == 401 and response.get_json()["code"] == "invalid_signature"
    assert _nothing_written(app)


def test_a_signature_with_another_secret_is_refused(app, account, endpoint):
    other = "whsec_" + "b3RoZXItc2VjcmV0LW9mLWVub3VnaC1sZW5ndGg="
    request = signed(other, prediction())

    response = account.post(f"/api/ingest/{endpoint['name']}", **request)

    assert response.status_code == 401 and _nothing_written(app)


@pytest.mark.parametrize("minutes", [-6, 6])
def test_a_timestamp_outside_the_tolerance_is_refused_as_a_replay(app, account, endpoint, minutes):
    at = datetime.now(UTC) + timedelta(minutes=minutes)

    response = post(account, endpoint, prediction(), at=at)

    assert response.status_code == 401 and response.get_json()["code"] == "stale_timestamp"
    assert _nothing_written(app)


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"webhook-id": "m", "webhook-timestamp": "x", "webhook-signature": "v1,abc"},
        {"webhook-id": "m", "webhook-timestamp": "1", "webhook-signature": "nocomma"},
        {"webhook-id": "m", "webhook-timestamp": "nan", "webhook-signature": "v1,!!"},
    ],
)
def test_missing_or_malformed_signature_headers_are_refused(app, account, endpoint, headers):
    response = account.post(f"/api/ingest/{endpoint['name']}", json=prediction(), headers=headers)

    assert response.status_code == 401 and _nothing_written(app)


def test_an_unknown_endpoint_is_refused_and_nothing_is_written(app, account, endpoint):
    request = signed(endpoint["secret"], prediction())

    response = account.post("/api/ingest/replicate-flux-000000000000000000000000", **request)

    assert response.status_code == 404 and response.get_json()["code"] == "unknown_endpoint"
    assert _nothing_written(app)


def test_a_callback_that_is_not_json_answers_415_and_writes_nothing(app, account, endpoint):
    request = signed(endpoint["secret"], prediction())
    request["content_type"] = "text/plain"

    response = account.post(f"/api/ingest/{endpoint['name']}", **request)

    assert response.status_code == 415 and count_rows(app) == 0


def test_a_name_that_cannot_be_an_endpoint_answers_400(account):
    response = account.post("/api/ingest/Not_A_Name", json=prediction())

    assert response.status_code == 400 and "name" in response.get_json()["details"]


def test_a_verified_prediction_whose_output_cannot_be_saved_writes_nothing(app, account, endpoint):
    body = prediction(output=["https://replicate.delivery/ok.png", "javascript:alert(1)"])

    response = post(account, endpoint, body)

    assert response.status_code == 400 and response.get_json()["code"] == "invalid_prediction"
    assert "output[1]" in response.get_json()["details"]
    assert count_rows(app) == 0


@pytest.mark.parametrize("body", [b"[1, 2]", b"not json", "\u00e9t\u00e9".encode("latin-1")])
def test_a_signed_body_that_is_not_a_prediction_object_answers_4xx(app, account, endpoint, body):
    response = post(account, endpoint, body) if body != "\u00e9t\u00e9".encode("latin-1") else None
    if response is None:  # not UTF-8: it cannot even be signed as text, so it cannot verify
        request = signed(endpoint["secret"], b"{}")
        request["data"] = body
        response = account.post(f"/api/ingest/{endpoint['name']}", **request)

    assert response.status_code in (400, 401)
    assert count_rows(app) == 0


def test_a_verified_callback_marks_the_endpoint_used(account, endpoint):
    post(account, endpoint, prediction())

    (listed,) = account.get("/api/ingest-endpoints").get_json()["data"]
    assert listed["lastUsedAt"] is not None


def test_the_secret_is_never_logged(account, endpoint, caplog):
    caplog.set_level("DEBUG")

    post(account, endpoint, prediction())
    account.get("/api/ingest-endpoints")

    assert endpoint["secret"] not in caplog.text and endpoint["secret"][6:] not in caplog.text


# --- the account page ---------------------------------------------------------------------------


def test_creating_an_endpoint_on_the_account_page_shows_its_secret_this_once(account):
    response = account.post("/account/ingest", data={"ingest-label": "Replicate flux"})

    html = response.get_data(as_text=True)
    assert response.status_code == 201
    (created,) = account.get("/api/ingest-endpoints").get_json()["data"]
    secret = re.search(r'id="ingest-created-secret" type="text" readonly value="([^"]+)"', html)
    assert secret and secret.group(1).startswith("whsec_")
    assert created["url"] in html
    later = account.get("/account").get_data(as_text=True)
    assert created["url"] in later and secret.group(1) not in later


def test_the_account_page_refuses_a_bad_secret_and_creates_nothing(account):
    form = {"ingest-label": "mine", "ingest-secret": "hunter2"}

    response = account.post("/account/ingest", data=form)

    assert response.status_code == 422
    assert "Must start with whsec_" in response.get_data(as_text=True)
    assert account.get("/api/ingest-endpoints").get_json()["data"] == []


def test_deleting_an_endpoint_on_the_account_page_removes_it(account, endpoint):
    response = account.post(f"/account/ingest/{endpoint['id']}/delete")

    assert response.status_code == 303
    assert account.get("/api/ingest-endpoints").get_json()["data"] == []
    assert endpoint["name"] not in account.get("/account").get_data(as_text=True)


def test_a_guest_is_sent_to_log_in_to_create_an_endpoint(client):
    response = client.post("/account/ingest", data={"ingest-label": "guest"})

    assert response.status_code == 303 and "/login" in response.headers["Location"]
