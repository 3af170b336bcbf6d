"""The HTML account pages: register, log in, log out, and the guest's history moving along."""

import re

from mediaapp.extensions import limiter
from tests.conftest import image_payload, save
from tests.helpers import csrf_token

EMAIL = "ada@example.com"
PASSWORD = "correct horse battery"


def register(client, email=EMAIL, password=PASSWORD):
    return client.post("/register", data={"email": email, "password": password})


def login(client, email=EMAIL, password=PASSWORD):
    return client.post("/login", data={"email": email, "password": password})


def test_the_header_says_you_are_a_guest(client):
    html = client.get("/").get_data(as_text=True)

    assert "Guest" in html
    assert "Create an account</a> to keep it" in html


def test_the_register_page_shows_a_form(client):
    html = client.get("/register").get_data(as_text=True)

    assert re.search(r'<input[^>]*autocomplete="email"[^>]*type="email"', html)
    assert re.search(r'<input[^>]*autocomplete="new-password"[^>]*type="password"', html)
    assert 'data-page="auth"' in html


def test_registering_logs_you_in_and_the_header_shows_your_email(client):
    response = register(client)

    page = client.get("/").get_data(as_text=True)
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    assert EMAIL in page
    assert "Log out" in page


def test_registering_keeps_the_guests_history(client):
    save(client, image_payload(prompt="made as a guest"))

    register(client)

    assert "made as a guest" in client.get("/").get_data(as_text=True)


def test_registering_a_taken_email_says_so_on_the_field(app, client):
    register(app.test_client())

    response = register(client)

    assert response.status_code == 422
    assert "An account with that email already exists." in response.get_data(as_text=True)


def test_a_short_password_is_refused_with_a_field_error(client):
    response = register(client, password="short")

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Use at least 8 characters." in html
    assert re.search(r'<input[^>]*aria-describedby="password-hint password-error"', html)


def test_a_malformed_email_is_refused_with_a_field_error(client):
    response = register(client, email="not an email")

    assert response.status_code == 422
    assert "Enter an email address like name@example.com." in response.get_data(as_text=True)


def test_a_nul_byte_is_a_field_error_not_a_crash(client):
    response = login(client, password="pass\x00word")

    assert response.status_code == 422
    assert "Must not contain NUL bytes." in response.get_data(as_text=True)


def test_logging_in_with_a_wrong_password_says_so(app, client):
    register(app.test_client())

    response = login(client, password="wrong password")

    assert response.status_code == 422
    assert "Wrong email or password." in response.get_data(as_text=True)


def test_after_login_the_guests_items_show_in_the_accounts_gallery(app, client):
    account = app.test_client()
    register(account)
    save(account, image_payload(prompt="saved from the account"))
    save(client, image_payload(prompt="saved as a guest"))

    response = login(client)

    page = client.get("/").get_data(as_text=True)
    assert response.status_code == 303
    assert "saved from the account" in page
    assert "saved as a guest" in page


def test_the_logout_form_posts_and_asks_the_cache_to_clear(client):
    register(client)

    html = client.get("/").get_data(as_text=True)

    form = re.search(r'<form class="account__logout"[^>]*>', html).group(0)
    assert 'method="post" action="/logout"' in form
    assert "data-cache-clear" in form


def test_logging_out_makes_you_a_guest_and_clears_site_storage(client):
    register(client)
    save(client, image_payload(prompt="account item"))

    response = client.post("/logout")

    page = client.get("/").get_data(as_text=True)
    assert response.status_code == 303
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'
    assert "Guest" in page
    assert "account item" not in page


def test_logging_out_by_get_is_not_allowed(client):
    register(client)

    response = client.get("/logout")

    assert response.status_code == 405


def test_a_guest_posting_logout_keeps_their_history(client):
    save(client, image_payload(prompt="still mine"))

    client.post("/logout")

    assert "still mine" in client.get("/").get_data(as_text=True)


def test_login_attempts_over_the_limit_answer_429(make_app, app):
    client = make_app(AUTH_RATE_LIMIT="2 per minute").test_client()
    limiter.reset()
    for _ in range(2):
        login(client, password="wrong password")

    response = login(client, password="wrong password")

    assert response.status_code == 429
    assert response.headers["Retry-After"]
    assert client.get("/login").status_code == 200  # looking at the form is never limited
    limiter.reset()


def test_with_csrf_on_a_login_without_the_token_is_refused(make_app, app):
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    register(app.test_client())

    response = login(client)

    assert response.status_code == 400
    assert "security token" in response.get_data(as_text=True)


def test_with_csrf_on_a_login_with_the_forms_token_works(make_app, app):
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    register(app.test_client())
    token = csrf_token(client.get("/login").get_data(as_text=True))

    response = client.post(
        "/login", data={"email": EMAIL, "password": PASSWORD, "csrf_token": token}
    )

    assert response.status_code == 303
