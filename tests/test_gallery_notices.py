"""What the gallery says after each action: notices that name the item, one notice at a time,
an Undo named by what it undoes, a visible result for restore, delete forever and revoke,
and an Undo for a revoke; with htmx and without JavaScript."""

import re

import pytest

from mediaapp.gallery.presenters import named, short_prompt
from tests.conftest import image_payload, save
from tests.helpers import HTMX, saved_id, undo_form
from tests.helpers import gallery_card_ids as card_ids

SHARE_ROW = re.compile(r'<li class="share-row" id="share-([0-9a-f-]{36})"')
LONG = "A red fox curled up asleep in fresh snow under a pine tree at golden hour"


def undo_button(html: str) -> str:
    return re.search(r'<button class="button button--small flash__undo"[^>]*>', html).group(0)


def shared_link(client, prompt: str = LONG) -> str:
    media_id = saved_id(save(client, image_payload(prompt=prompt)))
    client.post(f"/media/{media_id}/share", data={}, headers=HTMX)
    return SHARE_ROW.findall(client.get("/shares").get_data(as_text=True))[0]


def share_ids(client) -> list[str]:
    return SHARE_ROW.findall(client.get("/shares").get_data(as_text=True))


@pytest.mark.parametrize(
    "prompt, shown",
    [
        ("A red fox", "“A red fox”"),
        (LONG, "“A red fox curled up asleep in fresh snow…”"),
        ("  spaced\n\tout  words ", "“spaced out words”"),
        ("x" * 60, "“" + "x" * 40 + "…”"),
    ],
)
def test_a_notice_quotes_a_prompt_cut_at_a_word(prompt, shown):
    assert short_prompt(prompt) == shown


@pytest.mark.parametrize(
    "n, prompts, words",
    [
        (1, ["owl"], "“owl”"),
        (2, ["owl", "fox"], "2 items: “owl” and “fox”"),
        (5, ["owl", "fox"], "5 items: “owl”, “fox” and 3 more"),
        (3, [], "3 items"),
    ],
)
def test_a_notice_names_several_items_by_count_and_the_first_prompts(n, prompts, words):
    assert named(n, prompts) == words


def test_the_undo_after_a_delete_is_named_by_the_item_and_offers_ctrl_z(client):
    media_id = saved_id(save(client, image_payload(prompt=LONG)))

    html = client.post(f"/media/{media_id}/delete", headers=HTMX).get_data(as_text=True)

    button = undo_button(html)
    assert "Deleted “A red fox curled up asleep in fresh snow…”." in html
    assert 'aria-label="Undo deleting “A red fox curled up asleep in fresh snow…”"' in button
    assert 'aria-keyshortcuts="Control+Z Meta+Z"' in button
    assert "<kbd>Ctrl</kbd>+<kbd>Z</kbd>" in html


def test_each_delete_replaces_the_notice_instead_of_adding_another(client):
    first, second = (saved_id(save(client, image_payload(prompt=p))) for p in ("owl", "fox"))
    client.post(f"/media/{first}/delete", headers=HTMX)

    html = client.post(f"/media/{second}/delete", headers=HTMX).get_data(as_text=True)

    assert html.count("hx-swap-oob=") - html.count('hx-swap-oob="true"') == 1
    assert '<div hx-swap-oob="innerHTML:#flash-area">' in html
    assert html.count('class="flash__action"') == 1
    assert undo_form(html)[0] == f"/media/{second}/restore"


def test_notices_carry_no_timer_and_no_role_of_their_own(client):
    media_id = saved_id(save(client))

    html = client.post(f"/media/{media_id}/delete", headers=HTMX).get_data(as_text=True)

    notice = re.search(r'<div class="flash[^"]*"[^>]*>', html).group(0)
    assert "role=" not in notice  # #flash-area is the one live region that reads it
    assert "data-timeout" not in html and "hx-trigger" not in html


def test_the_undo_notice_names_what_came_back_and_where_to_focus(client):
    media_id = saved_id(save(client, image_payload(prompt="owl")))
    client.post(f"/media/{media_id}/delete", headers=HTMX)

    html = client.post(f"/media/{media_id}/restore", headers=HTMX).get_data(as_text=True)

    assert re.search(rf'<div class="flash flash--success" data-focus="media-{media_id}">', html)
    assert "Restored “owl”." in html


def test_an_htmx_restore_from_the_trash_shows_a_visible_notice(client):
    media_id = saved_id(save(client, image_payload(prompt="owl")))
    client.post(f"/media/{media_id}/delete")

    html = client.post(f"/trash/{media_id}/restore", headers=HTMX).get_data(as_text=True)

    notice = re.search(r'<div hx-swap-oob="innerHTML:#flash-area">(.*)</div>', html, re.S)
    assert "Restored “owl” to your gallery." in notice.group(1)
    assert f'href="/#media-{media_id}">Show it</a>' in notice.group(1)


def test_an_htmx_delete_forever_shows_a_visible_notice(client):
    media_id = saved_id(save(client, image_payload(prompt="owl")))
    client.post(f"/media/{media_id}/delete")

    html = client.post(f"/trash/{media_id}/delete", data={"confirm": "yes"}, headers=HTMX).get_data(
        as_text=True
    )

    assert '<div hx-swap-oob="innerHTML:#flash-area">' in html
    assert "Deleted “owl” forever." in html
    assert 'class="flash__action"' not in html  # nothing to undo: it asked first


def test_an_htmx_revoke_shows_a_notice_with_an_undo_named_by_the_item(client):
    share_id = shared_link(client)

    html = client.post(f"/shares/{share_id}/revoke", headers=HTMX).get_data(as_text=True)

    action, _ = undo_form(html)
    assert "Revoked the link to “A red fox curled up asleep in fresh snow…”: it no longer" in html
    assert action == f"/shares/{share_id}/restore"
    assert 'aria-label="Undo revoking the link to “A red fox curled up asleep' in undo_button(html)


def test_undoing_a_revoke_opens_the_link_again_and_puts_the_row_back(app, client):
    share_id = shared_link(client)
    token = re.search(r"/s/([\w-]{43,})", client.get("/shares").get_data(as_text=True)).group(1)
    client.post(f"/shares/{share_id}/revoke", headers=HTMX)

    response = client.post(f"/shares/{share_id}/restore", headers=HTMX)

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The link to “A red fox curled up asleep in fresh snow…” opens again." in html
    assert f'data-focus="share-{share_id}"' in html
    assert '<ul class="share-list" id="share-list" hx-swap-oob="true">' in html
    assert f'id="share-{share_id}"' in html
    assert re.search(r'id="share-count" hx-swap-oob="true">1<', html)
    assert app.test_client().get(f"/s/{token}").status_code == 200


def test_without_javascript_a_revoke_flashes_its_undo_and_the_undo_redirects_to_the_row(client):
    share_id = shared_link(client)
    page = client.post(f"/shares/{share_id}/revoke", follow_redirects=True)
    action, fields = undo_form(page.get_data(as_text=True))
    assert share_ids(client) == []

    response = client.post(action, data={k: v[0] for k, v in fields.items()})

    assert response.status_code == 303
    assert response.headers["Location"] == f"/shares#share-{share_id}"
    page = client.get("/shares").get_data(as_text=True)
    assert "opens again." in page
    assert SHARE_ROW.findall(page) == [share_id]


def test_undoing_a_revoke_twice_or_for_another_owner_answers_404(app, client):
    share_id = shared_link(client)

    stranger = app.test_client().post(f"/shares/{share_id}/restore")
    never_revoked = client.post(f"/shares/{share_id}/restore")

    assert stranger.status_code == 404
    assert never_revoked.status_code == 404
    assert share_ids(client) == [share_id]


def test_a_bulk_action_with_nothing_ticked_changes_nothing_without_javascript(client):
    media_id = saved_id(save(client))

    response = client.post("/media/bulk", data={"action": "delete"})

    assert response.status_code == 400
    assert "Select at least one item first." in response.get_data(as_text=True)
    assert card_ids(client) == [media_id]


def test_without_javascript_two_deletes_before_a_page_shows_one_undo(client):
    first, second = (saved_id(save(client, image_payload(prompt=p))) for p in ("owl", "fox"))
    client.post(f"/media/{first}/delete")
    client.post(f"/media/{second}/delete")

    html = client.get("/").get_data(as_text=True)

    assert html.count('class="flash__action"') == 1
    assert undo_form(html)[0] == f"/media/{second}/restore"
    assert "Deleted “fox”." in html
