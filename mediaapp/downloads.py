"""The HTTP answer for a zip download, shared by the API and the gallery."""

from flask import Response

from .services.zips import ZipDownload
from .storage import content_disposition


def zip_response(download: ZipDownload) -> Response:
    """Stream the zip as it is made, with its exact length (so a browser shows real progress)
    and sent as it is: never compressed again, never buffered."""
    response = Response(download.stream, mimetype="application/zip", direct_passthrough=True)
    response.headers["Content-Length"] = str(download.size)
    response.headers["Content-Disposition"] = content_disposition(
        download.filename, attachment=True
    )
    # A front server must pass it on as it comes, not spool gigabytes to its temp files.
    response.headers["X-Accel-Buffering"] = "no"
    response.headers["X-Zip-Items"] = str(download.items)
    response.headers["X-Zip-Files"] = str(download.files)
    return response
