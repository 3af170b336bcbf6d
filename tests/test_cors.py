"""Cross-origin frontends: MEDIAAPP_CORS_ORIGINS lists the pages that may call the API with the
cookie (preflight, Vary: Origin); every other origin is refused as before."""

import pytest

from mediaapp import create_app
from tests.conftest import BASE_CONFIG, image_payload

STUDIO = "https://studio.example"
EVIL = "https://evil.example"


@pytest.fixture
def cors_client(make_app):
    return make_app(CORS_ORIGINS=[STUDIO]).test_client()


def preflight(client, origin: str, method: str = "POST", headers: str = "content-type"):
    return client.options(
        "/api/media/save",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": headers,
        },
    )


def test_a_preflight_from_a_configured_origin_is_allowed_with_credentials(cors_client):
    response = preflight(cors_client, STUDIO, headers="content-type, authorization")

    assert response.headers["Access-Control-Allow-Origin"] == STUDIO
    assert response.headers["Access-Control-Allow-Credentials"] == "true"
    allowed = {m.strip() for m in response.headers["Access-Control-Allow-Methods"].split(",")}
    assert {"GET", "POST", "PATCH", "DELETE"} <= allowed
    headers = response.headers["Access-Control-Allow-Headers"].lower()
    assert "content-type" in headers and "authorization" in headers
    assert "Origin" in response.headers["Vary"]


def test_a_preflight_from_another_origin_gets_no_permission(cors_client):
    response = preflight(cors_client, EVIL)

    assert "Access-Control-Allow-Origin" not in response.headers
    assert "Access-Control-Allow-Credentials" not in response.headers


def test_a_preflight_for_a_header_the_api_does_not_read_is_not_granted(cors_client):
    response = preflight(cors_client, STUDIO, headers="x-something-else")

    assert "x-something-else" not in response.headers.get("Access-Control-Allow-Headers", "")


def test_without_configured_origins_nobody_gets_cors_headers(client):
    response = preflight(client, STUDIO)

    assert "Access-Control-Allow-Origin" not in response.headers


def test_a_configured_origin_saves_and_reads_with_the_cookie(cors_client):
    headers = {"Origin": STUDIO, "Sec-Fetch-Site": "cross-site"}

    saved = cors_client.post("/api/media/save", json=image_payload(), headers=headers)
    listed = cors_client.get("/api/media/list", headers=headers)

    assert saved.status_code == 201
    assert saved.headers["Access-Control-Allow-Origin"] == STUDIO
    assert listed.headers["Access-Control-Allow-Credentials"] == "true"
    assert len(listed.get_json()["data"]) == 1
    assert "Origin" in listed.headers["Vary"]


def test_another_origin_is_still_refused_and_gets_no_cors_headers(cors_client):
    headers = {"Origin": EVIL, "Sec-Fetch-Site": "cross-site"}

    response = cors_client.post("/api/media/save", json=image_payload(), headers=headers)

    assert response.status_code == 403
    assert response.get_json()["code"] == "cross_site_refused"
    assert "Access-Control-Allow-Origin" not in response.headers


def test_an_origin_that_only_starts_like_a_configured_one_is_refused(cors_client):
    headers = {"Origin": STUDIO + ".evil.example", "Sec-Fetch-Site": "cross-site"}

    response = cors_client.post("/api/media/save", json=image_payload(), headers=headers)

    assert response.status_code == 403
    assert "Access-Control-Allow-Origin" not in response.headers


def test_pages_get_no_cors_headers_even_for_a_configured_origin(cors_client):
    response = cors_client.get("/", headers={"Origin": STUDIO})

    assert "Access-Control-Allow-Origin" not in response.headers


@pytest.mark.parametrize("origin", ["*", "https://*.example", "studio.example", "https://a/b"])
def test_an_origin_that_is_not_exact_is_refused_at_start(origin):
    with pytest.raises(RuntimeError, match="exact origins"):
        create_app(
            {**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": "sqlite://", "CORS_ORIGINS": [origin]}
        )


def test_samesite_none_without_secure_is_refused_at_start():
    config = {**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": "sqlite://"}

    with pytest.raises(RuntimeError, match="MEDIAAPP_SECURE_COOKIES"):
        create_app({**config, "SESSION_COOKIE_SAMESITE": "None"})


def test_samesite_none_with_secure_marks_the_cookie_for_cross_site_use(make_app):
    client = make_app(SESSION_COOKIE_SAMESITE="None", SESSION_COOKIE_SECURE=True).test_client()

    response = client.post(
        "/api/media/save", json=image_payload(), base_url="https://media.example"
    )

    cookie = response.headers["Set-Cookie"]
    assert "SameSite=None" in cookie
    assert "Secure" in cookie
