"""GET and DELETE of one record, and ownership isolation between guests and accounts."""

import uuid

import pytest

from tests.conftest import count_rows, image_payload, save


def _register(client, email="owner@example.com"):
    response = client.post(
        "/api/auth/register", json={"email": email, "password": "correct horse battery"}
    )
    assert response.status_code == 201
    return response


def test_fetching_a_record_by_id_answers_the_record(client):
    record = save(client).get_json()["data"]

    response = client.get(f"/api/media/{record['id']}")

    assert response.status_code == 200
    assert response.get_json()["data"] == record


def test_fetching_a_missing_id_answers_404_with_the_envelope(client):
    response = client.get(f"/api/media/{uuid.uuid4()}")

    assert response.status_code == 404
    assert response.get_json()["code"] == "not_found"


def test_fetching_a_malformed_id_answers_404_like_any_path_that_is_not_there(client):
    response = client.get("/api/media/not-a-uuid")

    assert response.status_code == 404
    assert response.get_json()["code"] == "not_found"


@pytest.mark.parametrize("where", ["body", "query"])
def test_the_seed_delete_takes_the_id_in_body_or_query_and_answers_the_record(client, where):
    record = save(client).get_json()["data"]
    kwargs = (
        {"json": {"id": record["id"]}}
        if where == "body"
        else {"query_string": {"id": record["id"]}}
    )

    response = client.delete("/api/media/delete", **kwargs)

    assert response.status_code == 200
    deleted = response.get_json()["data"]
    assert deleted["id"] == record["id"] and deleted["prompt"] == record["prompt"]
    assert client.get("/api/media/list").get_json()["data"] == []


def test_the_seed_delete_without_an_id_answers_400(client):
    response = client.delete("/api/media/delete")

    assert response.status_code == 400
    assert "id" in response.get_json()["details"]


def test_deleting_by_path_answers_the_record_and_then_404(client):
    record = save(client).get_json()["data"]

    first = client.delete(f"/api/media/{record['id']}")

    assert first.status_code == 200 and first.get_json()["data"]["id"] == record["id"]
    assert client.delete(f"/api/media/{record['id']}").status_code == 404
    assert client.get(f"/api/media/{record['id']}").status_code == 404


@pytest.fixture
def three_owners(app):
    """Two guests and an account, each with one record."""
    guest_a, guest_b, account = (app.test_client() for _ in range(3))
    _register(account)
    ids = {
        name: save(c, image_payload(prompt=name)).get_json()["data"]["id"]
        for name, c in (("a", guest_a), ("b", guest_b), ("account", account))
    }
    return {"a": guest_a, "b": guest_b, "account": account}, ids


def test_each_owner_lists_only_their_own_records(three_owners):
    clients, ids = three_owners

    listed = {
        name: [m["id"] for m in c.get("/api/media/list").get_json()["data"]]
        for name, c in clients.items()
    }

    assert listed == {name: [ids[name]] for name in clients}


@pytest.mark.parametrize("method", ["get", "delete"])
def test_another_owners_record_answers_404_exactly_like_a_missing_one(three_owners, app, method):
    clients, ids = three_owners
    missing = getattr(clients["a"], method)(f"/api/media/{uuid.uuid4()}").get_json()

    answers = [
        getattr(clients[viewer], method)(f"/api/media/{ids[target]}")
        for viewer, target in (("a", "b"), ("b", "account"), ("account", "a"))
    ]

    assert [r.status_code for r in answers] == [404, 404, 404]
    assert all(r.get_json() == missing for r in answers)
    assert count_rows(app) == 3
    assert all(len(c.get("/api/media/list").get_json()["data"]) == 1 for c in clients.values())


def test_the_seed_delete_of_another_owners_record_changes_nothing(three_owners, app):
    clients, ids = three_owners

    response = clients["b"].delete("/api/media/delete", json={"id": ids["a"]})

    assert response.status_code == 404
    assert [m["id"] for m in clients["a"].get("/api/media/list").get_json()["data"]] == [ids["a"]]


def test_an_account_record_carries_the_user_id(client):
    user = _register(client).get_json()["data"]["user"]

    record = save(client).get_json()["data"]

    assert record["userId"] == user["id"]
