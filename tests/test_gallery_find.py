"""Finding things in the gallery: search, filters, match counts, date headings, bad input."""

import re
from datetime import date, datetime
from urllib.parse import parse_qs, urlsplit

import pytest

from mediaapp.gallery.presenters import date_group
from tests.conftest import image_payload, save, video_payload
from tests.helpers import HTMX, card_ids, saved_id

SENTINEL = re.compile(r'<div class="load-more" hx-get="([^"]+)"')
HEADING = re.compile(r'<h2 class="date-heading" id="group-[\w-]+">([^<]+)</h2>')


def match_count(response) -> str:
    html = response.get_data(as_text=True)
    found = re.search(r'<p id="match-count"[^>]*>(.*?)</p>', html, re.S)
    return re.sub(r"<[^>]+>", "", found.group(1)).strip()


def sentinel_url(response) -> str:
    return SENTINEL.search(response.get_data(as_text=True)).group(1).replace("&amp;", "&")


def favorite(client, media_id: str) -> None:
    assert client.patch(f"/api/media/{media_id}", json={"favorite": True}).status_code == 200


def import_at(client, *dated: tuple[str, dict]) -> list[str]:
    """Save items with the given createdAt (ISO) through the import API; their ids in order."""
    items = [{**payload, "createdAt": when} for when, payload in dated]
    results = client.post("/api/media/import", json={"items": items}).get_json()["data"]
    assert results["imported"] == len(items), results
    return [r["id"] for r in results["results"]]


# --- search and filters ------------------------------------------------------------------


def test_searching_shows_only_cards_whose_prompt_contains_the_words(client):
    fox = saved_id(save(client, image_payload(prompt="A red FOX in fresh snow")))
    foxes = saved_id(save(client, video_payload(prompt="Two foxes at dawn")))
    save(client, image_payload(prompt="A lighthouse at dusk"))

    response = client.get("/?q=fox")

    assert card_ids(response) == [foxes, fox]
    assert match_count(response) == "2 matches"


def test_filters_combine_with_each_other_and_with_the_search(client):
    wanted = saved_id(save(client, image_payload(prompt="fox one", model="flux-1-dev")))
    favorite(client, wanted)
    save(client, image_payload(prompt="fox two", model="flux-1-dev"))  # not a favorite
    favorite(client, saved_id(save(client, image_payload(prompt="fox three", model="sdxl"))))
    favorite(client, saved_id(save(client, video_payload(prompt="fox four", model="flux-1-dev"))))
    favorite(client, saved_id(save(client, image_payload(prompt="cat", model="flux-1-dev"))))

    response = client.get("/?q=fox&model=flux-1-dev&type=image&favorite=true")

    assert card_ids(response) == [wanted]
    assert match_count(response) == "1 match"


def test_the_date_range_includes_both_end_days(client):
    inside = import_at(
        client,
        ("2024-03-01T00:00:00Z", image_payload(prompt="first day")),
        ("2024-03-31T23:59:59Z", image_payload(prompt="last day")),
    )
    import_at(
        client,
        ("2024-02-29T23:59:59Z", image_payload(prompt="before")),
        ("2024-04-01T00:00:00Z", image_payload(prompt="after")),
    )

    response = client.get("/?from=2024-03-01&to=2024-03-31")

    assert sorted(card_ids(response)) == sorted(inside)


def test_oldest_first_reverses_the_order(client):
    ids = [saved_id(save(client, image_payload(prompt=f"item {n}"))) for n in range(3)]

    response = client.get("/?sort=oldest")

    assert card_ids(response) == ids


def test_a_search_works_as_a_plain_get_url_and_fills_in_the_form(client):
    fox = saved_id(save(client, image_payload(prompt="A red fox", model="flux-1-dev")))
    save(client, image_payload(prompt="A lighthouse", model="flux-1-dev"))

    response = client.get("/?q=fox&model=flux-1-dev&sort=newest&from=&to=")

    html = response.get_data(as_text=True)
    assert "<html" in html
    assert card_ids(response) == [fox]
    assert re.search(
        r'<input class="filters__q" id="filter-q" type="search" name="q" value="fox"', html
    )
    assert '<option value="flux-1-dev" selected>flux-1-dev</option>' in html


def test_the_search_form_is_a_plain_get_form_with_active_search(client):
    save(client)

    html = client.get("/").get_data(as_text=True)

    form = re.search(r'<form id="gallery-filters"[^>]*>', html).group(0)
    assert 'method="get" action="/"' in form
    box = re.search(r'<input class="filters__q"[^>]*>', html).group(0)
    assert 'hx-trigger="input changed delay:300ms, search"' in box
    assert 'hx-push-url="true"' in box
    assert 'hx-target="#gallery-results"' in box


def test_an_htmx_search_answers_the_results_region_and_pushes_a_tidy_url(client):
    fox = saved_id(save(client, image_payload(prompt="fox")))
    save(client, image_payload(prompt="owl"))

    response = client.get("/?q=fox&model=&from=&to=&sort=newest", headers=HTMX)

    html = response.get_data(as_text=True)
    assert "<html" not in html
    assert card_ids(response) == [fox]
    assert '<div id="media-grid"' in html
    assert match_count(response) == "1 match"
    assert response.headers["HX-Push-Url"] == "/?q=fox"
    assert "HX-Request" in response.headers["Vary"]


def test_the_model_menu_lists_the_owners_models_by_name(client):
    save(client, image_payload(model="veo-3"))
    save(client, image_payload(model="flux-1-dev"))
    save(client, video_payload(model="veo-3"))

    html = client.get("/").get_data(as_text=True)

    options = re.findall(r'<option value="([^"]*)"[^>]*>([^<]+)</option>', html)
    assert options[:3] == [
        ("", "All models"),
        ("flux-1-dev", "flux-1-dev"),
        ("veo-3", "veo-3"),
    ]


def test_the_model_menu_leaves_out_models_whose_items_are_all_in_the_trash(client):
    gone = saved_id(save(client, image_payload(model="old-model")))
    save(client, image_payload(model="flux-1-dev"))
    client.delete(f"/api/media/{gone}")

    html = client.get("/").get_data(as_text=True)

    assert 'value="old-model"' not in html and 'value="flux-1-dev"' in html


def test_counts_past_the_cap_read_as_cap_plus(client, monkeypatch):
    from mediaapp.services import media as media_service

    monkeypatch.setattr(media_service, "COUNT_CAP", 3)
    for _ in range(5):
        save(client)

    html = client.get("/").get_data(as_text=True)

    assert re.search(r'id="count-image"[^>]*>3\+</span>', html)
    assert re.search(r'id="count-video"[^>]*>0</span>', html)


def test_the_tabs_and_card_links_keep_the_search(client):
    media_id = saved_id(save(client, image_payload(prompt="fox")))

    html = client.get("/?q=fox&favorite=false").get_data(as_text=True)

    assert 'class="tab" href="/?type=image&amp;q=fox&amp;favorite=false"' in html
    assert f'href="/media/{media_id}?q=fox&amp;favorite=false"' in html


def test_another_owners_items_never_match(app, client):
    save(client, image_payload(prompt="my fox"))
    stranger = app.test_client()
    save(stranger, image_payload(prompt="their fox"))

    response = client.get("/?q=fox")

    assert "their fox" not in response.get_data(as_text=True)
    assert match_count(response) == "1 match"


def test_a_search_without_matches_says_so_instead_of_the_first_run_guide(client):
    save(client, image_payload(prompt="A lighthouse"))

    html = client.get("/?q=unicorn").get_data(as_text=True)

    assert re.search(
        r'<div id="empty-state" class="empty-state">\s*<div class="empty-state__tab', html
    )
    assert "No matches" in html
    assert 'href="/">Clear filters</a>' in html
    assert "Load demo history" not in html


def test_active_filters_show_as_chips_that_remove_themselves(client):
    save(client)

    html = client.get("/?q=fox&model=veo-3").get_data(as_text=True)

    assert 'href="/?model=veo-3"' in html  # the "fox" chip drops the search
    assert 'href="/?q=fox"' in html  # the model chip drops the model
    assert "Remove filter: </span>“fox”" in html


# --- paging with filters -----------------------------------------------------------------


def test_the_scroll_sentinel_carries_every_filter(small_pages):
    ids = [saved_id(save(small_pages, image_payload(prompt=f"fox {n}"))) for n in range(3)]
    save(small_pages, image_payload(prompt="owl"))
    first = small_pages.get("/?q=fox&model=flux-1-dev&sort=oldest")

    more = small_pages.get(sentinel_url(first), headers=HTMX)

    query = parse_qs(urlsplit(sentinel_url(first)).query)
    assert {k: v[0] for k, v in query.items() if k not in ("cursor", "group")} == {
        "q": "fox",
        "model": "flux-1-dev",
        "sort": "oldest",
    }
    assert card_ids(first) == ids[:2]
    assert card_ids(more) == ids[2:]
    assert "<html" not in more.get_data(as_text=True)


def test_a_cursor_from_another_search_answers_400(small_pages):
    for n in range(3):
        save(small_pages, image_payload(prompt=f"fox {n}"))
    cursor = parse_qs(urlsplit(sentinel_url(small_pages.get("/?q=fox"))).query)["cursor"][0]

    response = small_pages.get(f"/?q=owl&cursor={cursor}")

    assert response.status_code == 400
    assert "different query" in response.get_data(as_text=True)


# --- bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("from=2026-13-40", "From date: Not a valid date."),
        ("to=yesterday", "To date: Not a valid date."),
        ("from=2026-05-02&to=2026-05-01", "From date: Must not be after"),
        ("sort=random", "Sort: Must be one of"),
        ("favorite=maybe", "Favorites: Not a valid boolean."),
        ("q=" + "x" * 201, "Search: Use at most 200 characters."),
    ],
)
def test_bad_filters_answer_a_friendly_400_page(client, query, message):
    response = client.get(f"/?{query}")

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert "Those filters can’t be used." in html
    assert message in html
    assert "Back to the gallery" in html


def test_a_bad_date_in_an_htmx_search_answers_the_error_fragment(client):
    response = client.get("/?from=2026-02-30", headers=HTMX)

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "<html" not in html
    assert "From date: Not a valid date." in html


# --- date headings -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("created", "label"),
    [
        ("2026-11-26T23:59:00+00:00", "Today"),
        ("2026-11-27T00:30:00+00:00", "Today"),  # a clock running a little ahead
        ("2026-11-26T00:30:00+05:00", "Yesterday"),  # 2026-11-25 19:30 in UTC
        ("2026-11-25T08:00:00+00:00", "Yesterday"),
        ("2026-11-23T08:00:00+00:00", "This week"),  # Monday of the same week
        ("2026-11-22T23:59:00+00:00", "November 2026"),  # Sunday: last week
        ("2026-10-31T12:00:00+00:00", "October 2026"),
        ("2025-11-26T12:00:00+00:00", "November 2025"),
    ],
)
def test_a_date_group_is_today_yesterday_this_week_or_the_month_in_utc(created, label):
    today = date(2026, 11, 26)  # a Thursday

    group = date_group(datetime.fromisoformat(created), today)

    assert group.label == label


def test_a_naive_date_from_sqlite_is_read_as_utc():
    group = date_group(datetime(2026, 11, 26, 1, 0), date(2026, 11, 26))

    assert group.key == "today"


def test_headings_appear_once_per_group_even_across_pages(small_pages):
    import_at(
        small_pages,
        ("2024-02-01T10:00:00Z", image_payload(prompt="february")),
        ("2024-03-09T10:00:00Z", image_payload(prompt="march, second")),
        ("2024-03-10T10:00:00Z", image_payload(prompt="march, first")),
    )
    save(small_pages, image_payload(prompt="today"))
    first = small_pages.get("/")

    more = small_pages.get(sentinel_url(first), headers=HTMX)

    assert HEADING.findall(first.get_data(as_text=True)) == ["Today", "March 2024"]
    assert "group=2024-03" in sentinel_url(first)
    assert HEADING.findall(more.get_data(as_text=True)) == ["February 2024"]


def test_a_later_page_read_on_its_own_starts_with_its_heading(small_pages):
    import_at(
        small_pages,
        ("2024-03-08T10:00:00Z", image_payload(prompt="c")),
        ("2024-03-09T10:00:00Z", image_payload(prompt="b")),
        ("2024-03-10T10:00:00Z", image_payload(prompt="a")),
    )
    first = small_pages.get("/")

    later = small_pages.get(sentinel_url(first))  # no JavaScript: a whole page

    assert HEADING.findall(later.get_data(as_text=True)) == ["March 2024"]


def test_a_card_saved_now_sits_under_today(client):
    save(client)

    html = client.get("/").get_data(as_text=True)

    assert HEADING.findall(html) == ["Today"]
