"""URL converters the blueprints share, so a path segment of the wrong shape matches no route
(404, or 405 where a fixed path such as /api/media/save answers another method)."""

from werkzeug.routing import BaseConverter

# A share token as services/shares.py mints it (secrets.token_urlsafe), with room to spare.
SHARE_TOKEN_PATTERN = r"[A-Za-z0-9_-]{1,128}"


class ShareTokenConverter(BaseConverter):
    """`<share_token:token>`: the URL-safe Base64 alphabet only, so NUL bytes, dots and
    anything else a database might choke on never reach the lookup (API and public page)."""

    regex = SHARE_TOKEN_PATTERN


def register_converters(app) -> None:
    app.url_map.converters["share_token"] = ShareTokenConverter
