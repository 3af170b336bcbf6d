"""Taking a history out and bringing one in, from the gallery: the export downloads from the
API; an import file is read here and answered with a summary a person can read."""

from flask import current_app, render_template, request

from ..errors import PayloadTooLarge, ValidationFailed
from ..identity import current_owner
from ..limits import import_limit
from ..schemas import JSON_MAX_DEPTH, JsonProblem, decode_json
from ..services import transfer, zips
from . import bp
from .presenters import import_summary


@bp.post("/import")
@import_limit
def import_file():
    """Import an export file (or a list of items), or a zip downloaded from mediaapp (its
    files restored too); the answer says, item by item, what happened. Idempotent: importing
    the same file again adds nothing."""
    # A zip may be far bigger than a JSON export; which one it is shows once it is here.
    request.max_content_length = current_app.config["ZIP_IMPORT_MAX_BYTES"]
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise ValidationFailed("Choose a file to import.", details={"file": ["Missing."]})
    if upload.stream.read(4) == b"PK\x03\x04":
        upload.stream.seek(0)
        outcome = zips.import_zip(current_owner(), upload.stream)
        return render_template(
            "gallery/import_result.html",
            filename=upload.filename,
            files=outcome["files"],
            **import_summary(outcome),
        )
    upload.stream.seek(0)
    raw = upload.stream.read(transfer.IMPORT_MAX_BYTES + 1)
    if len(raw) > transfer.IMPORT_MAX_BYTES:
        raise PayloadTooLarge(
            f"A JSON export may be at most {transfer.IMPORT_MAX_BYTES:,} bytes.",
            details={"file": ["Too large."]},
        )
    try:
        items = transfer.items_of(decode_json(raw))
    except JsonProblem as exc:
        problem = (
            f"nests deeper than {JSON_MAX_DEPTH} levels"
            if exc.code == "too_deeply_nested"
            else "is not JSON"
        )
        raise ValidationFailed(
            f"That file {problem}: choose a history exported from mediaapp.",
            details={"file": [str(exc)]},
        ) from exc
    if items is None:
        raise ValidationFailed(transfer.NOT_A_HISTORY, details={"file": [transfer.NOT_A_HISTORY]})
    outcome = transfer.import_history(current_owner(), items, bounded=True)
    return render_template(
        "gallery/import_result.html", filename=upload.filename, **import_summary(outcome)
    )
