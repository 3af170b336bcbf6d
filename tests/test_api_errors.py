"""Every /api answer is the envelope: unknown routes, wrong methods, crashes, cross-site writes."""

import pytest

from tests.conftest import count_rows, image_payload, save


def test_an_unknown_api_route_answers_404_json(client):
    response = client.get("/api/nothing-here")

    assert response.status_code == 404
    assert response.get_json() == {
        "success": False,
        "error": "Nothing is here.",
        "code": "not_found",
        "details": None,
    }


def test_a_wrong_method_answers_405_json_with_allow(client):
    response = client.put("/api/media/list")

    assert response.status_code == 405
    assert response.get_json()["code"] == "method_not_allowed"
    assert "GET" in response.headers["Allow"]


def test_an_unexpected_error_answers_500_json_without_a_traceback(make_app, monkeypatch):
    app = make_app(TESTING=False)
    from mediaapp.services import media as media_service

    def explode(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(media_service, "list_media", explode)

    response = app.test_client().get("/api/media/list")

    assert response.status_code == 500
    body = response.get_json()
    assert body["code"] == "internal_error"
    assert "secret internals" not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
    ],
)
def test_cross_site_writes_are_refused_with_403_and_change_nothing(client, app, headers):
    response = save(client, image_payload(), headers=headers)

    assert response.status_code == 403
    assert response.get_json()["code"] == "cross_site_refused"
    assert count_rows(app) == 0


def test_a_cross_site_delete_is_refused(client, app):
    record = save(client).get_json()["data"]

    response = client.delete(
        f"/api/media/{record['id']}", headers={"Origin": "https://evil.example"}
    )

    assert response.status_code == 403
    assert count_rows(app) == 1


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Origin": "http://localhost"},
        {"Sec-Fetch-Site": "same-origin", "Origin": "http://localhost"},
        {"Sec-Fetch-Site": "none"},
    ],
)
def test_same_origin_and_non_browser_clients_may_write(client, headers):
    response = save(client, image_payload(), headers=headers)

    assert response.status_code == 201


def test_a_trusted_origin_may_write(make_app):
    app = make_app(CORS_ORIGINS=["https://studio.example"])

    response = save(
        app.test_client(),
        image_payload(),
        headers={"Origin": "https://studio.example", "Sec-Fetch-Site": "cross-site"},
    )

    assert response.status_code == 201


def test_cross_site_reads_are_not_blocked(client):
    response = client.get("/api/media/list", headers={"Sec-Fetch-Site": "cross-site"})

    assert response.status_code == 200


def test_a_constraint_error_that_escaped_validation_is_a_500_not_a_503(make_app, monkeypatch):
    import sqlalchemy as sa

    from mediaapp.services import media as media_service

    def clash(*args, **kwargs):
        raise sa.exc.IntegrityError("INSERT …", {}, Exception("duplicate key"))

    monkeypatch.setattr(media_service, "list_media", clash)
    app = make_app(TESTING=False)

    response = app.test_client().get("/api/media/list")

    assert response.status_code == 500
    assert response.get_json()["code"] == "internal_error"
