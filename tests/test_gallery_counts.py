"""Counts and words that agree: the type tabs count what the search matches, "Select all on
this page" without JavaScript, a first screen for a person, and what logging out says."""

import re

import pytest

from tests.conftest import image_payload, save, video_payload
from tests.helpers import HTMX, card_ids, saved_id

EMAIL = "ada@example.com"
PASSWORD = "correct horse battery"


def tab_counts(html: str) -> dict[str, str]:
    return dict(re.findall(r'<span id="count-(\w+)" class="tab__count"[^>]*>([^<]*)</span>', html))


@pytest.fixture
def history(client):
    """Three foxes (two images, one video, one image starred) and two owls."""
    ids = [
        saved_id(save(client, image_payload(prompt="red fox", model="flux"))),
        saved_id(save(client, image_payload(prompt="arctic fox", model="sdxl"))),
        saved_id(save(client, video_payload(prompt="fox running", model="flux"))),
        saved_id(save(client, image_payload(prompt="snowy owl", model="flux"))),
        saved_id(save(client, video_payload(prompt="owl flying", model="veo"))),
    ]
    client.post(f"/media/{ids[0]}/favorite", data={"star": "true"})
    return ids


@pytest.mark.parametrize(
    "query, expected",
    [
        ("", {"all": "5", "image": "3", "video": "2"}),
        ("?q=fox", {"all": "3", "image": "2", "video": "1"}),
        ("?q=fox&type=video", {"all": "3", "image": "2", "video": "1"}),
        ("?model=flux", {"all": "3", "image": "2", "video": "1"}),
        ("?q=fox&favorite=true", {"all": "1", "image": "1", "video": "0"}),
        ("?q=owl&model=veo", {"all": "1", "image": "0", "video": "1"}),
        ("?from=2000-01-01&to=2000-01-02", {"all": "0", "image": "0", "video": "0"}),
    ],
)
def test_the_type_tabs_count_what_the_active_filters_match(client, history, query, expected):
    html = client.get(f"/{query}").get_data(as_text=True)

    assert tab_counts(html) == expected


def test_the_match_count_agrees_with_the_tab_it_is_on(client, history):
    html = client.get("/?q=fox&type=image").get_data(as_text=True)

    assert re.search(r'id="match-count"[^>]*><strong>2</strong> matches', html)
    assert tab_counts(html)["image"] == "2"
    assert len(card_ids(client.get("/?q=fox&type=image"))) == 2


def test_a_search_answers_its_tab_counts_to_htmx(client, history):
    html = client.get("/?q=owl", headers=HTMX).get_data(as_text=True)

    assert tab_counts(html) == {"all": "2", "image": "1", "video": "1"}


def test_a_delete_in_a_search_sends_the_searchs_counts_out_of_band(client, history):
    response = client.post(f"/media/{history[1]}/delete", data={"q": "fox"}, headers=HTMX)

    html = response.get_data(as_text=True)
    assert re.search(r'id="count-all" class="tab__count" hx-swap-oob="true">2<', html)
    assert re.search(r'id="count-image" class="tab__count" hx-swap-oob="true">1<', html)


def test_a_search_that_matches_nothing_says_no_matches_and_keeps_the_search_box(client, history):
    html = client.get("/?q=zebra").get_data(as_text=True)

    assert "No matches" in html
    assert 'id="filter-q"' in html
    assert "Load demo history" not in html
    assert tab_counts(html) == {"all": "0", "image": "0", "video": "0"}


def test_select_all_on_this_page_without_javascript_ticks_every_card_shown(client, history):
    html = client.get("/?q=fox&select=page").get_data(as_text=True)

    boxes = re.findall(r'<input class="media-card__checkbox"[^>]*>', html)
    assert len(boxes) == 3 and all(" checked" in box for box in boxes)
    assert '<a class="bulk-bar__all-link no-js-only" href="/?q=fox">Clear selection</a>' in html


def test_the_bulk_bar_offers_a_real_select_all_checkbox(client, history):
    html = client.get("/?q=fox").get_data(as_text=True)

    bar = re.search(r'<form id="bulk-form".*?</form>', html, re.S).group(0)
    assert re.search(r'<label class="bulk-bar__all needs-js">\s*<input[^>]*type="checkbox"', bar)
    assert "Select all<span" in bar and " on this page</span>" in bar
    assert 'href="/?q=fox&amp;select=page">Select all on this page</a>' in bar
    assert not re.search(r'<input class="media-card__checkbox"[^>]* checked', html)


def test_a_bad_select_argument_answers_400(client, history):
    response = client.get("/?select=everything")

    assert response.status_code == 400


def test_a_new_guests_first_screen_explains_and_offers_the_demo_before_the_recipe(client):
    html = client.get("/").get_data(as_text=True)

    intro = html.index("Your images and videos will gather here")
    demo = html.index("Load demo history")
    recipe = html.index('<details class="onboarding__api">')
    assert intro < demo < recipe
    assert "For developers: save your first item with curl" in html
    assert html.index("curl -c jar") > recipe  # the recipe is inside the closed disclosure
    assert "Nothing here yet" not in html


def test_after_logging_out_the_gallery_says_the_history_stays_in_the_account(client):
    client.post("/register", data={"email": EMAIL, "password": PASSWORD})
    save(client, image_payload(prompt="account item"))

    page = client.post("/logout", follow_redirects=True)

    html = page.get_data(as_text=True)
    assert "You’re logged out" in html
    assert "Your history is safe in your account" in html
    assert re.search(
        r'<a class="button button--primary button--large" href="/login">Log in</a>', html
    )
    assert "account item" not in html
    assert "Your images and videos will gather here" not in html


def test_logging_back_in_clears_the_logged_out_screen(client):
    client.post("/register", data={"email": EMAIL, "password": PASSWORD})
    save(client, image_payload(prompt="account item"))
    client.post("/logout")

    client.post("/login", data={"email": EMAIL, "password": PASSWORD})

    html = client.get("/").get_data(as_text=True)
    assert "account item" in html
    assert "You’re logged out" not in html


def test_a_guest_who_never_had_an_account_sees_the_first_screen_not_logged_out(client):
    client.post("/logout")  # a guest posting logout is no logout

    html = client.get("/").get_data(as_text=True)

    assert "You’re logged out" not in html
    assert "Your images and videos will gather here" in html
