"""Taking a history out and bringing one in, from the gallery: the export downloads from the
API; an import file is read here and answered with a summary a person can read."""

from flask import render_template, request

from ..errors import ValidationFailed
from ..identity import current_owner
from ..limits import import_limit
from ..schemas import JSON_MAX_DEPTH, JsonProblem, decode_json
from ..services import transfer
from . import bp
from .presenters import import_summary


@bp.post("/import")
@import_limit
def import_file():
    """Import an export file (or a list of items); the answer says, item by item, what
    happened. Idempotent: importing the same file again adds nothing."""
    request.max_content_length = transfer.IMPORT_MAX_BYTES
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise ValidationFailed("Choose a file to import.", details={"file": ["Missing."]})
    try:
        items = transfer.items_of(decode_json(upload.stream.read()))
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
