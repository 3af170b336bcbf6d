"""The gallery page: history grid, tabs, htmx fragments, cursor paging, empty state, outage."""

import re

import pytest

from mediaapp.extensions import db
from tests.conftest import image_payload, save, video_payload
from tests.helpers import card_ids, saved_id

NEXT_LINK = re.compile(r'class="button button--secondary load-more__link" href="([^"]+)"')


def next_link(response) -> str:
    return NEXT_LINK.search(response.get_data(as_text=True)).group(1).replace("&amp;", "&")


def test_the_gallery_lists_saved_items_newest_first(client):
    oldest = saved_id(save(client, image_payload(prompt="first")))
    middle = saved_id(save(client, video_payload(prompt="second")))
    newest = saved_id(save(client, image_payload(prompt="third")))

    response = client.get("/")

    assert response.status_code == 200
    assert card_ids(response) == [newest, middle, oldest]


def test_the_video_tab_shows_only_videos(client):
    save(client, image_payload())
    video = saved_id(save(client, video_payload()))

    response = client.get("/?type=video")

    assert card_ids(response) == [video]
    assert 'data-type="video"' in response.get_data(as_text=True)


def test_each_tab_shows_its_count(client):
    save(client, image_payload())
    save(client, image_payload())
    save(client, video_payload())

    html = client.get("/?type=image").get_data(as_text=True)

    assert re.search(r'id="count-all"[^>]*>3<', html)
    assert re.search(r'id="count-image"[^>]*>2<', html)
    assert re.search(r'id="count-video"[^>]*>1<', html)


def test_the_current_tab_is_marked_for_assistive_technology(client):
    html = client.get("/?type=video").get_data(as_text=True)

    assert re.search(r'href="/\?type=video" aria-current="page"', html)


def test_an_unknown_tab_answers_400_with_an_html_page(client):
    response = client.get("/?type=audio")

    assert response.status_code == 400
    assert response.mimetype == "text/html"


def test_videos_show_their_thumbnail_as_poster_and_preload_nothing(client):
    save(client, video_payload(thumbnailUrl="/media/videos/waves.jpg"))

    html = client.get("/").get_data(as_text=True)

    video = re.search(r"<video [^>]*>", html).group(0)
    assert 'poster="/media/videos/waves.jpg"' in video
    assert 'preload="none"' in video


def test_an_htmx_request_gets_only_the_cards_fragment(client):
    save(client)

    response = client.get("/", headers={"HX-Request": "true"})

    html = response.get_data(as_text=True)
    assert "<html" not in html
    assert len(card_ids(response)) == 1
    assert "HX-Request" in response.headers["Vary"]


def test_a_plain_request_gets_the_full_page_and_vary(client):
    response = client.get("/")

    assert "<html" in response.get_data(as_text=True)
    assert "HX-Request" in response.headers["Vary"]


def test_an_htmx_history_restore_gets_the_full_page(client):
    headers = {"HX-Request": "true", "HX-History-Restore-Request": "true"}

    response = client.get("/", headers=headers)

    assert "<html" in response.get_data(as_text=True)


def test_load_more_returns_the_next_cards_and_no_sentinel_at_the_end(small_pages):
    ids = [saved_id(save(small_pages)) for _ in range(3)]
    first = small_pages.get("/")

    more = small_pages.get(next_link(first), headers={"HX-Request": "true"})

    assert card_ids(first) == [ids[2], ids[1]]
    assert card_ids(more) == [ids[0]]
    assert "load-more" not in more.get_data(as_text=True)


def test_the_sentinel_loads_on_reveal_and_keeps_the_tab(small_pages):
    for _ in range(3):
        save(small_pages, video_payload())

    html = small_pages.get("/?type=video").get_data(as_text=True)

    sentinel = re.search(r'<div class="load-more"[^>]*>', html).group(0)
    assert 'hx-trigger="revealed"' in sentinel
    assert re.search(r'hx-get="/\?type=video&amp;cursor=[\w-]+&amp;group=today"', sentinel)


def test_no_sentinel_when_everything_fits_on_one_page(small_pages):
    save(small_pages)
    save(small_pages)

    html = small_pages.get("/").get_data(as_text=True)

    assert "load-more" not in html


def test_the_load_more_link_works_without_javascript(small_pages):
    ids = [saved_id(save(small_pages)) for _ in range(3)]

    older = small_pages.get(next_link(small_pages.get("/")))

    assert "<html" in older.get_data(as_text=True)
    assert card_ids(older) == [ids[0]]
    assert "Back to the newest" in older.get_data(as_text=True)


def test_a_cursor_that_is_not_ours_answers_400(client):
    response = client.get("/?cursor=not-a-cursor")

    assert response.status_code == 400
    assert "The cursor is not valid." in response.get_data(as_text=True)


def test_the_empty_gallery_shows_a_curl_example_for_this_server(client):
    html = client.get("/").get_data(as_text=True)

    assert "curl -c jar -H &#39;Content-Type: application/json&#39;" in html
    assert "http://localhost/api/auth/login" in html
    assert "curl -b jar" in html
    assert "http://localhost/api/media/save" in html


def test_the_empty_gallery_offers_the_demo_history(client):
    html = client.get("/").get_data(as_text=True)

    assert re.search(r'<form method="post" action="/demo">', html)
    assert "Load demo history" in html


def test_the_empty_state_is_hidden_once_there_is_history(client):
    save(client)

    html = client.get("/").get_data(as_text=True)

    assert re.search(r'id="empty-state" class="empty-state" hidden', html)
    assert "curl -c jar" not in html


def test_an_empty_tab_links_back_to_everything(client):
    save(client, image_payload())

    html = client.get("/?type=video").get_data(as_text=True)

    assert "No videos yet" in html
    assert "Show everything" in html


def test_loading_the_demo_history_fills_the_gallery(client):
    response = client.post("/demo")

    gallery = client.get("/")
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    assert len(card_ids(gallery)) > 0
    assert "demo items" in gallery.get_data(as_text=True)


def test_the_page_names_the_owner_key_for_the_cache_script(client):
    html = client.get("/").get_data(as_text=True)

    body = re.search(r"<body[^>]*>", html).group(0)
    assert re.search(r'data-owner-key="[0-9a-f]{16}"', body)
    assert 'data-owner-kind="guest"' in body and 'data-api-base="/api"' in body
    assert 'data-page="gallery"' in body


@pytest.fixture
def unreachable_database(make_app, backend):
    url = {
        "sqlite": "sqlite:////nonexistent-directory/mediaapp.db",
        "postgresql": "postgresql://postgres@127.0.0.1:9/mediaapp",
    }[backend]
    return make_app(SQLALCHEMY_DATABASE_URI=url)


def test_the_gallery_shows_the_offline_page_when_the_database_is_down(unreachable_database):
    response = unreachable_database.test_client().get("/")

    html = response.get_data(as_text=True)
    assert response.status_code == 503
    assert 'data-offline="1"' in html
    assert '<div id="media-grid" class="media-grid" data-type=""></div>' in html
    with unreachable_database.app_context():
        db.engine.dispose()
