"""Keeping the media itself: the archive job that fetches a record's file into the blob store,
the rules for what is kept, and collecting bytes no record holds any more.

A save never waits for any of this: it queues a job in its own transaction (queue_archive),
and a worker runs archive_media. Bytes are stored once under their SHA-256, shared by every
record that holds them, and deleted only when the last one is destroyed (collect_blobs).
"""

import hashlib
import io
import logging
import mimetypes
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.engine import Row
from sqlalchemy.exc import IntegrityError
from werkzeug.security import safe_join

from .. import jobs
from ..errors import NotFound, PayloadTooLarge, Unauthorized, UnsupportedMediaType, ValidationFailed
from ..extensions import db
from ..fetching import FetchError, fetch
from ..identity import Owner
from ..models import Blob, Job, utcnow
from ..models import GeneratedMedia as GM
from ..processing import ACCEPTED, ProcessingError, describe, sniff
from ..sql import dialect_insert
from ..storage import BlobStore
from ..variants import key_of_values

log = logging.getLogger(__name__)

KIND = "archive"
SVG = "image/svg+xml"
# Provider answers that mean the file is gone for good (expired signatures answer 403).
GONE = (401, 403, 404, 410)
ARCHIVE_COLUMNS = (
    GM.archive_status,
    GM.archive_error,
    GM.archive_sha256,
    GM.archive_bytes,
    GM.archive_mime,
    GM.archive_width,
    GM.archive_height,
    GM.archive_duration_ms,
    GM.archive_thumb_sha256,
    GM.archive_placeholder,
)


def blob_store() -> BlobStore:
    return current_app.extensions["blob_store"]


def archivable(url: str) -> bool:
    """Whether a record's url is a source the archiver can read: http(s), or a path here."""
    return url.startswith(("http://", "https://")) or (
        url.startswith("/") and not url.startswith("//")
    )


def queue_archive(owner: Owner, media_id: uuid.UUID, url: str) -> None:
    """Queue the archive job of a new record in the caller's transaction (it commits); a
    no-op when MEDIAAPP_ARCHIVE=0."""
    if current_app.config["ARCHIVE"] and archivable(url):
        jobs.enqueue(KIND, owner.id, media_id)


def queue_archive_many(owner: Owner, records: list[tuple[uuid.UUID, str]]) -> None:
    """queue_archive for many new records of the owner, in one multi-row INSERT."""
    if current_app.config["ARCHIVE"]:
        jobs.enqueue_many(
            KIND, owner.id, [media_id for media_id, url in records if archivable(url)]
        )


def queued_with_the_insert() -> bool:
    """Whether a save queues its archive job inside its own INSERT (PostgreSQL can)."""
    return current_app.config["ARCHIVE"] and db.session.get_bind().dialect.name == "postgresql"


# --- the job -------------------------------------------------------------------------------


class GiveUpExpired(jobs.GiveUp):
    """The source is gone for good: the record says "Source expired"."""

    status = "expired"


class QuotaExceeded(PayloadTooLarge):
    code = "quota_exceeded"


class TooLarge(jobs.GiveUp):
    """Bigger than mediaapp keeps for its type."""


@dataclass(frozen=True)
class Source:
    path: Path
    sha256: str
    size: int


def _copy_local(url: str, into: Path) -> Source:
    """A path on mediaapp's own origin: read from the static folder, never over the network."""
    static = current_app.static_url_path.rstrip("/") + "/"
    relative = url.split("?", 1)[0].split("#", 1)[0]
    if not relative.startswith(static):
        raise jobs.GiveUp("Only files under /static/ can be archived from this server's paths.")
    found = safe_join(current_app.static_folder, relative.removeprefix(static))
    if found is None or not Path(found).is_file():
        raise GiveUpExpired("The file is not on this server.")
    target = into / "source"
    digest = hashlib.sha256()
    with open(found, "rb") as src, open(target, "wb") as dst:
        for chunk in iter(lambda: src.read(1 << 16), b""):
            digest.update(chunk)
            dst.write(chunk)
    return Source(target, digest.hexdigest(), target.stat().st_size)


def _fetch_remote(url: str, into: Path) -> Source:
    config = current_app.config
    try:
        got = fetch(
            url,
            into,
            max_bytes=max(config["MAX_IMAGE_BYTES"], config["MAX_VIDEO_BYTES"]),
            timeout=config["FETCH_TIMEOUT"],
            allow=config["FETCH_ALLOW"],
        )
    except FetchError as exc:
        if exc.retryable:
            raise jobs.RetryLater(str(exc)) from exc
        if exc.code == "http_status" and exc.status in GONE:
            raise GiveUpExpired(str(exc)) from exc
        raise jobs.GiveUp(str(exc)) from exc
    return Source(got.path, got.sha256, got.size)


def _read_head(path: Path) -> bytes:
    with open(path, "rb") as file:
        return file.read(4096)


def _kept(source: Source) -> dict[str, Any]:
    """Check what the bytes are, make the thumbnail, put both in the store; the columns."""
    mime = sniff(_read_head(source.path))
    if mime not in ACCEPTED and mime != SVG:
        raise jobs.GiveUp(
            "Not an image or video mediaapp keeps (PNG, JPEG, WebP, GIF, AVIF, "
            "MP4, WebM, QuickTime)."
        )
    cap = current_app.config["MAX_VIDEO_BYTES" if mime.startswith("video/") else "MAX_IMAGE_BYTES"]
    if source.size > cap:
        raise TooLarge(f"The file is {source.size:,} bytes; at most {cap:,} are kept.")
    info = None
    if mime != SVG:  # active content is kept as it is and never rendered by the server
        try:
            info = describe(source.path, mime)
        except ProcessingError as exc:
            raise jobs.GiveUp(str(exc)) from exc
    store = blob_store()
    store.put_file(source.sha256, source.path, content_type=mime)
    thumb_sha = None
    if info and info.thumbnail:
        thumb_sha = hashlib.sha256(info.thumbnail).hexdigest()
        store.put_bytes(thumb_sha, info.thumbnail, content_type="image/webp")
    return {
        "archive_status": "stored",
        "archive_error": None,
        "archive_sha256": source.sha256,
        "archive_bytes": source.size,
        "archive_mime": mime,
        "archive_width": info.width if info else None,
        "archive_height": info.height if info else None,
        "archive_duration_ms": info.duration_ms if info else None,
        "archive_thumb_sha256": thumb_sha,
        "archive_placeholder": info.placeholder if info else None,
        "_thumbnail": (thumb_sha, info.thumbnail) if thumb_sha else None,
    }


def storage_used(owner: Owner) -> int:
    """Bytes of the stored copies the owner's records hold (each record counts its file)."""
    return db.session.execute(
        owner.scope(sa.select(sa.func.coalesce(sa.func.sum(GM.archive_bytes), 0)))
    ).scalar_one()


def over_quota(owner: Owner, adding: int) -> str | None:
    """Why keeping `adding` more bytes would pass the owner's quota, or None when it fits."""
    quota = current_app.config["QUOTA_BYTES"]
    if not quota:
        return None
    used = storage_used(owner)
    if used + adding <= quota:
        return None
    return (
        f"Keeping this file ({adding:,} bytes) would pass your storage quota: {used:,} of "
        f"{quota:,} bytes are in use. Delete some items forever to make room."
    )


def _register(sha256: str, size: int, mime: str, path: Path | None, data: bytes | None) -> None:
    """Claim a blob's row (locking it) and make sure its bytes are in the store.

    The collector deletes bytes while holding the same row, so once this has the row, the
    bytes stay; if a collector got there first, they are put back from what we still hold.
    """
    db.session.execute(
        dialect_insert(Blob)
        .values(sha256=sha256, bytes=size, mime=mime)
        .on_conflict_do_update(index_elements=["sha256"], set_={"bytes": size})
    )
    store = blob_store()
    if not store.exists(sha256):
        if path is not None:
            store.put_file(sha256, path, content_type=mime)
        elif data is not None:
            store.put_bytes(sha256, data, content_type=mime)


def mark_failed(job: jobs.Claimed, reason: str, status: str) -> None:
    """The job ended without a copy: the record says why (and keeps everything else)."""
    db.session.execute(
        Owner(id=job.owner_id)
        .scope(sa.update(GM))
        .where(GM.id == job.media_id, GM.archive_status != "stored")
        .values(archive_status=status, archive_error=reason[:2000])
    )
    db.session.commit()


@jobs.handler(KIND, failed=mark_failed)
def archive_media(job: jobs.Claimed) -> None:
    """Fetch one record's file into the store and record what it is; owner-scoped by the
    job's owner. Raises RetryLater (network, 5xx), GiveUpExpired (the source is gone) or
    GiveUp (refused, not media, too large); commits on success."""
    owner = Owner(id=job.owner_id)
    row = db.session.execute(
        owner.scope(sa.select(GM.url, GM.archive_status)).where(GM.id == job.media_id)
    ).first()
    db.session.commit()
    if row is None or row.archive_status == "stored":
        return  # destroyed meanwhile, or already kept
    tmp_root = Path(current_app.instance_path) / "tmp"
    tmp_root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=tmp_root) as tmp:
        into = Path(tmp)
        source = (
            _copy_local(row.url, into) if row.url.startswith("/") else _fetch_remote(row.url, into)
        )
        problem = over_quota(owner, source.size)
        if problem:
            raise jobs.GiveUp(problem)
        values = _kept(source)
        thumbnail = values.pop("_thumbnail")
        _register(source.sha256, source.size, values["archive_mime"], source.path, None)
        if thumbnail:
            thumb_sha, thumb_bytes = thumbnail
            _register(thumb_sha, len(thumb_bytes), "image/webp", None, thumb_bytes)
        db.session.execute(owner.scope(sa.update(GM)).where(GM.id == job.media_id).values(**values))
        db.session.commit()


# --- collecting what nobody holds ----------------------------------------------------------


def collect_blobs(digests) -> int:
    """Delete the bytes of each digest that no record holds any more, and commit; how many.

    Called after a destroying transaction commits. Its "does anyone still hold these bytes?"
    looks across owners on purpose (bytes are shared), an exception named in
    tests/test_owner_scoping.py.
    """
    removed = 0
    for sha256 in {d for d in digests if d}:
        locked = db.session.execute(
            sa.select(Blob.sha256).where(Blob.sha256 == sha256).with_for_update()
        ).scalar()
        held = db.session.execute(
            sa.select(
                sa.exists().where(
                    sa.or_(GM.archive_sha256 == sha256, GM.archive_thumb_sha256 == sha256)
                )
            )
        ).scalar()
        if locked and not held:
            db.session.execute(sa.delete(Blob).where(Blob.sha256 == sha256))
            blob_store().delete(sha256)  # while the row is locked: see _register
            removed += 1
        db.session.commit()
    return removed


def orphaned_blobs(limit: int = 10_000) -> list[str]:
    """Blobs no record holds: left behind when a process died between destroying records and
    collecting their bytes. Across owners on purpose, for the daily purge."""
    held = sa.select(GM.id).where(
        sa.or_(GM.archive_sha256 == Blob.sha256, GM.archive_thumb_sha256 == Blob.sha256)
    )
    return list(
        db.session.execute(sa.select(Blob.sha256).where(~held.exists()).limit(limit)).scalars()
    )


def held_digests(rows) -> list[str]:
    """The blobs destroyed rows held, to collect once their deletion commits."""
    return [d for row in rows for d in (row.archive_sha256, row.archive_thumb_sha256) if d]


def backfill() -> int:
    """Queue every record with no stored copy and no job yet; commit; how many.

    Across owners on purpose (an operator's command), like the cron purge.
    """
    missing = sa.select(sa.literal(KIND), GM.owner_id, GM.id, sa.func.now(), sa.literal(0)).where(
        GM.archive_status != "stored"
    )
    result = db.session.execute(
        dialect_insert(Job)
        .from_select(["kind", "owner_id", "media_id", "run_at", "attempts"], missing)
        .on_conflict_do_nothing()
    )
    db.session.execute(
        sa.update(GM)
        .where(GM.archive_status != "stored", GM.archive_status != "pending")
        .values(archive_status="pending", archive_error=None)
    )
    db.session.commit()
    return max(result.rowcount, 0)


# --- serving what is kept ------------------------------------------------------------------

ACTIVE_TYPES = ("image/svg+xml", "text/html")


@dataclass(frozen=True)
class StoredFile:
    """What a view needs to send one stored blob (it never touches the store itself)."""

    sha256: str
    mime: str
    download_name: str
    # Active content (SVG) is sent as an attachment in a sandbox, never run on our origin.
    active: bool
    # The filesystem store's file, for send_file and front-server hand-off; None on S3.
    path: Path | None
    # A short-lived URL to the object (S3), sent as a redirect; None on the filesystem.
    redirect: str | None


def _stored(row, *, thumbnail: bool, prompt: str | None = None) -> StoredFile:
    if row is None or row.archive_status != "stored":
        raise NotFound("No stored file for that media.")
    if thumbnail and not row.archive_thumb_sha256:
        raise NotFound("This media has no thumbnail.")
    sha256 = row.archive_thumb_sha256 if thumbnail else row.archive_sha256
    mime = "image/webp" if thumbnail else row.archive_mime
    extension = mimetypes.guess_extension(mime) or ""
    words = _slug(row.prompt if prompt is None else prompt)
    name = f"{row.created_at:%Y-%m-%d}-{words}{'-thumbnail' if thumbnail else ''}"
    store = blob_store()
    return StoredFile(
        sha256=sha256,
        mime=mime,
        download_name=name + extension,
        active=mime in ACTIVE_TYPES,
        path=store.local_path(sha256),
        redirect=store.presigned_url(
            sha256,
            filename=name + extension,
            content_type=mime,
            attachment=mime in ACTIVE_TYPES,
        ),
    )


def _slug(prompt: str, limit: int = 48) -> str:
    words = "".join(ch if ch.isalnum() else " " for ch in prompt.lower()).split()
    return "-".join(words)[:limit].strip("-") or "media"


def stored_file(owner: Owner, media_id: uuid.UUID, *, thumbnail: bool = False) -> StoredFile:
    """The owner's stored copy (or its thumbnail) of a live or trashed record; NotFound for a
    missing record, another owner's, or one with nothing stored yet."""
    row = db.session.execute(
        owner.scope(sa.select(GM.created_at, GM.prompt, *ARCHIVE_COLUMNS).where(GM.id == media_id))
    ).first()
    return _stored(row, thumbnail=thumbnail)


def shared_file(row, *, thumbnail: bool = False) -> StoredFile:
    """The stored copy behind a share link's row (from shares.get_shared); a hidden prompt
    stays out of the file name too."""
    if not thumbnail and not row.allow_download:
        raise NotFound("This link does not allow downloading the file.")
    return _stored(row, thumbnail=thumbnail, prompt="shared" if row.hide_prompt else None)


# --- uploads -------------------------------------------------------------------------------


def upload_limit() -> int:
    """The most an upload request may carry: the larger type cap, plus what any request may
    carry (for the metadata part and the multipart framing)."""
    config = current_app.config
    return max(config["MAX_IMAGE_BYTES"], config["MAX_VIDEO_BYTES"]) + config["MAX_CONTENT_LENGTH"]


def _spool(stream: BinaryIO, into: Path, cap: int) -> Source:
    """Copy an uploaded file to disk, hashing it; PayloadTooLarge past `cap` bytes."""
    target, digest, size = into / "upload", hashlib.sha256(), 0
    with open(target, "wb") as out:
        for chunk in iter(lambda: stream.read(1 << 16), b""):
            size += len(chunk)
            if size > cap:
                raise PayloadTooLarge(f"The file is larger than {cap:,} bytes.")
            digest.update(chunk)
            out.write(chunk)
    return Source(target, digest.hexdigest(), size)


def save_upload(owner: Owner, payload: dict[str, Any], stream: BinaryIO) -> tuple[Row, bool]:
    """Save a record whose file is uploaded, stored before the answer; (record, created).

    Idempotent on requestId like save_media (a replay answers the first record and stores
    nothing). The type is read from the bytes: only the images and videos mediaapp keeps
    (UnsupportedMediaType otherwise, code unsupported_type); each type has its size cap
    (PayloadTooLarge). `url`, when the generator sends one, stays as provenance; otherwise it
    is the file's own address here. Commits.
    """
    from .media import COLUMNS, _records, in_trash_conflict  # the record's shape is media's

    if payload.get("request_id"):
        existing = db.session.execute(
            _records(owner).where(GM.request_id == payload["request_id"])
        ).first()
        db.session.commit()
        if existing is not None:
            if existing.deleted_at is not None:
                raise in_trash_conflict(existing)
            return existing, False
    config = current_app.config
    tmp_root = Path(current_app.instance_path) / "tmp"
    tmp_root.mkdir(parents=True, exist_ok=True)
    media_id = uuid.uuid4()
    with tempfile.TemporaryDirectory(dir=tmp_root) as tmp:
        source = _spool(
            stream, Path(tmp), max(config["MAX_IMAGE_BYTES"], config["MAX_VIDEO_BYTES"])
        )
        problem = over_quota(owner, source.size)
        if problem:
            raise QuotaExceeded(problem, details={"file": [problem]})
        mime = sniff(_read_head(source.path))
        if mime not in ACCEPTED or not mime.startswith(payload["type"] + "/"):
            raise UnsupportedMediaType(
                f"The file is not a{'n' if payload['type'] == 'image' else ''} {payload['type']} "
                "mediaapp keeps (PNG, JPEG, WebP, GIF, AVIF; MP4, WebM, QuickTime).",
                code="unsupported_type",
                details={"file": [f"Its bytes read as {mime or 'an unknown type'}."]},
            )
        try:
            values = _kept(source)
        except TooLarge as exc:
            raise PayloadTooLarge(str(exc), details={"file": [str(exc)]}) from exc
        except jobs.GiveUp as exc:  # the bytes claim a type but do not decode as one
            raise ValidationFailed(
                str(exc), code="unreadable_media", details={"file": [str(exc)]}
            ) from exc
        thumbnail = values.pop("_thumbnail")
        _register(source.sha256, source.size, mime, source.path, None)
        if thumbnail:
            _register(thumbnail[0], len(thumbnail[1]), "image/webp", None, thumbnail[1])
        try:
            row = db.session.execute(
                dialect_insert(GM)
                .values(
                    {
                        **payload,
                        **values,
                        "url": payload.get("url") or f"/api/media/{media_id}/file",
                        "id": media_id,
                        "created_at": utcnow(),
                        "variant_key": key_of_values(payload),
                        **owner.owner_columns(),
                    }
                )
                .on_conflict_do_nothing()
                .returning(*COLUMNS)
            ).first()
        except IntegrityError as exc:  # only the owner FK is left: the account was deleted
            # The bytes stored meanwhile belong to no record: the daily purge collects them.
            db.session.rollback()
            raise Unauthorized("Your account no longer exists; log in again.") from exc
        db.session.commit()
    if row is None:  # the same requestId was uploaded concurrently: answer that one
        collect_blobs([source.sha256, thumbnail[0] if thumbnail else None])
        return save_upload(owner, payload, io.BytesIO())
    return row, True
