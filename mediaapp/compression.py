"""Text answers compressed on the way out (Flask-Compress), files sent as they are."""

from flask import Flask, Response

from .extensions import compress


def register_compression(app: Flask) -> None:
    compress.init_app(app)

    @app.after_request
    def compress_text(response: Response) -> Response:
        if sent_as_is(response):
            return response
        return compress.after_request(response)


def sent_as_is(response: Response) -> bool:
    """Whether an answer must leave unencoded: a file passed through by send_file (stored
    media and thumbnails, static media), whose ETag, length and byte ranges describe those
    bytes; one the front server fills in (X-Accel-Redirect); and any partial answer.

    Everything else in COMPRESS_MIMETYPES over COMPRESS_MIN_SIZE is encoded when the client
    accepts it, a strong ETag getting the encoding's suffix.
    """
    return (
        response.direct_passthrough
        or response.status_code == 206
        or "X-Accel-Redirect" in response.headers
    )
