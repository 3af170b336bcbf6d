"""A gallery card as the server renders it: named by its prompt once, a fallback tile when
there is nothing to show, the grid's keyboard help and skip link, and the end of the history."""

import re
import uuid

import sqlalchemy as sa

from mediaapp.extensions import db
from mediaapp.models import GeneratedMedia
from tests.conftest import image_payload, save, video_payload
from tests.helpers import HTMX, saved_id

END = "That’s everything"


def card_html(html: str, media_id: str) -> str:
    return re.search(
        rf'<article class="media-card" id="media-{media_id}".*?</article>', html, re.S
    )[0]


def link_of(card: str) -> str:
    return re.search(r'<a class="media-card__link".*?</a>', card, re.S)[0]


def text_of(fragment: str) -> str:
    """The text a fragment shows, with the parts hidden from assistive technology removed."""
    fragment = re.sub(
        r'<span class="media-card__frame.*?(?=<span class="media-card__prompt")',
        "",
        fragment,
        flags=re.S,
    )
    return " ".join(re.sub(r"<[^>]+>", " ", fragment).split())


def expire(app, media_id: str) -> None:
    with app.app_context():
        db.session.execute(
            sa.update(GeneratedMedia)
            .where(GeneratedMedia.id == uuid.UUID(media_id))
            .values(archive_status="expired")
        )
        db.session.commit()


def test_an_image_cards_link_holds_the_prompt_and_the_picture_says_nothing(client):
    media_id = saved_id(save(client, image_payload(prompt="A lighthouse at dusk")))

    card = card_html(client.get("/").get_data(as_text=True), media_id)

    link = link_of(card)
    assert re.search(r'<img class="media-card__media"[^>]*alt=""', link)
    assert 'loading="lazy"' in link
    assert text_of(link) == "A lighthouse at dusk"
    assert f'aria-describedby="kind-{media_id}"' in link


def test_a_cards_prompt_is_written_once(client):
    media_id = saved_id(save(client, image_payload(prompt="A lighthouse at dusk")))

    card = card_html(client.get("/").get_data(as_text=True), media_id)

    assert card.count("A lighthouse at dusk") == 1
    assert 'aria-label="A lighthouse' not in card


def test_a_video_cards_link_is_named_by_the_prompt_and_described_as_a_video(client):
    media_id = saved_id(save(client, video_payload(prompt="Waves at night")))

    card = card_html(client.get("/").get_data(as_text=True), media_id)

    link = link_of(card)
    assert text_of(link) == "Waves at night"
    assert re.search(rf'<span class="media-card__badge" id="kind-{media_id}">.*Video</span>', link)
    assert "aria-label" not in link


def test_a_video_without_a_poster_loads_its_first_frame(client):
    save(client, video_payload(thumbnailUrl=None))

    html = client.get("/").get_data(as_text=True)

    video = re.search(r"<video [^>]*>", html)[0]
    assert 'preload="metadata"' in video and "poster=" not in video


def test_a_card_whose_source_expired_shows_a_tile_with_the_reason_and_keeps_its_name(app, client):
    media_id = saved_id(save(client, image_payload(prompt="A fox in snow")))
    expire(app, media_id)

    card = card_html(client.get("/").get_data(as_text=True), media_id)

    link = link_of(card)
    assert '<span class="media-card__frame is-broken" aria-hidden="true">' in link
    assert "<img" not in link
    assert re.search(
        rf'<span class="media-card__state" id="state-{media_id}">Source expired<', link
    )
    assert f'aria-describedby="kind-{media_id} state-{media_id}"' in link
    assert text_of(link) == "A fox in snow"


def test_the_delete_button_is_at_the_cards_foot_apart_from_the_star(client):
    media_id = saved_id(save(client))

    card = card_html(client.get("/").get_data(as_text=True), media_id)

    top = re.search(r'<div class="media-card__actions">(.*?)</div>', card, re.S)[1]
    foot = re.search(r'<div class="media-card__meta">.*</div>', card, re.S)[0]
    assert "card-star__button" in top and "media-card__delete" not in top
    assert '<form class="media-card__delete"' in foot


def test_the_link_comes_before_the_cards_controls(client):
    media_id = saved_id(save(client))

    card = card_html(client.get("/").get_data(as_text=True), media_id)

    controls = r'class="(media-card__link|media-card__checkbox|icon-button[^"]*)"'
    order = [found[1] for found in re.finditer(controls, card)]
    assert order[0] == "media-card__link" and len(order) == 5  # + Add to a collection


def test_a_gallery_with_cards_offers_skip_to_results_first(client):
    save(client)

    html = client.get("/").get_data(as_text=True)

    body = html[html.index("<body") :]
    first_link = re.search(r"<a [^>]*>[^<]*</a>", body)[0]
    assert first_link == '<a class="skip-link" href="#media-grid">Skip to results</a>'
    assert re.search(r'<div id="media-grid" class="media-grid"[^>]*tabindex="-1"', html)
    assert "Skip to content" in html


def test_an_empty_gallery_has_no_skip_to_results(client):
    html = client.get("/").get_data(as_text=True)

    assert "Skip to results" not in html


def test_the_grid_documents_its_keyboard(client):
    save(client)

    html = client.get("/").get_data(as_text=True)

    help_text = re.search(r'<p class="grid-keys needs-js" id="grid-keys">(.*?)</p>', html)[1]
    assert "Arrow keys move between cards" in help_text
    assert "Home and End" in help_text and "Enter opens" in help_text
    assert "Tab reaches the card’s Select, Favorite, Add to collection and Delete" in help_text


def test_a_history_that_fits_on_one_page_ends_with_thats_everything(small_pages):
    save(small_pages)
    save(small_pages)

    html = small_pages.get("/").get_data(as_text=True)

    assert END in html
    assert "load-more" not in html


def test_a_first_page_with_more_to_come_does_not_say_thats_everything(small_pages):
    for _ in range(3):
        save(small_pages)

    html = small_pages.get("/").get_data(as_text=True)

    assert END not in html
    assert "load-more__link" in html


def test_the_last_scrolled_page_ends_with_thats_everything(small_pages):
    for _ in range(3):
        save(small_pages)
    first = small_pages.get("/").get_data(as_text=True)
    next_url = re.search(r'load-more__link" href="([^"]+)"', first)[1].replace("&amp;", "&")

    last = small_pages.get(next_url, headers=HTMX).get_data(as_text=True)

    assert "<html" not in last
    assert last.rstrip().endswith(f'<p class="grid-end">{END}</p>')


def test_an_empty_history_does_not_say_thats_everything(client):
    html = client.get("/").get_data(as_text=True)

    assert END not in html


def test_a_search_that_matches_everything_on_one_page_ends_with_thats_everything(client):
    save(client, image_payload(prompt="red fox"))
    save(client, image_payload(prompt="blue whale"))

    html = client.get("/?q=fox", headers=HTMX).get_data(as_text=True)

    assert END in html
