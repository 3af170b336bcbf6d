"""Plain helpers that several test modules share (fixtures live in conftest.py)."""

import re

HTMX = {"HX-Request": "true"}

# Cards on show: the <template>s media-cache.js paints offline cards from carry a placeholder.
CARD_ID = re.compile(
    r'<article class="media-card" id="media-'
    r'(?!00000000-0000-4000-8000-000000000000)([0-9a-f-]{36})"'
)


def saved_id(response) -> str:
    """The id of the record a save answered."""
    return response.get_json()["data"]["id"]


def card_ids(response) -> list[str]:
    """The ids of the cards a gallery answer shows, in order."""
    return CARD_ID.findall(response.get_data(as_text=True))


def listed_ids(client, path: str = "/api/media/list") -> list[str]:
    """The ids of the records a list API answer holds, in order."""
    return [m["id"] for m in client.get(path).get_json()["data"]]


def csrf_token(html: str) -> str:
    """The CSRF token of the first form in a page."""
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
