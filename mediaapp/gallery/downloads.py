"""Zip downloads from the gallery: the bulk toolbar's selection (a form post, CSRF-protected)
and the history with its filters (a plain link). Both work without JavaScript, as ordinary
downloads; zip-download.js adds a progress bar on top."""

from flask import request

from ..downloads import zip_response
from ..identity import current_owner
from ..services import zips
from . import bp
from .forms import GalleryZipArgsSchema, GalleryZipSchema, load_args


@bp.post("/media/zip")
def download_selection():
    """The ticked cards as one zip (their files and a manifest)."""
    ids = load_args(GalleryZipSchema.once(), request.form)["ids"]
    return zip_response(zips.zip_selection(current_owner(), ids))


@bp.get("/download.zip")
def download_zip():
    """The history with the view's filters as a zip, in parts of 1,000 items."""
    args = load_args(GalleryZipArgsSchema.once(), request.args)
    return zip_response(zips.zip_history(current_owner(), args["filters"], part=args["part"]))
