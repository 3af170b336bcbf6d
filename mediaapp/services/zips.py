"""Zip downloads of a selection or a filtered history, streamed with their stored files and a
manifest, and importing such a zip back (records and files) into the importing owner's history.

A download is a zipstream-ng stream of STORED entries (media is already compressed), sized
ahead, so it goes out with a Content-Length; it switches to ZIP64 by itself when an entry or
the whole passes 4 GiB. Each stored file is read from the blob store in 64 KiB chunks while
the answer is written: neither the zip nor a file is ever held whole in memory or on disk.

The manifest (`manifest.json`) is a document POST /api/media/import takes as it is:
`{"items": [...]}` in the import format, each item also naming its `file` in the zip (null
when its bytes are not kept yet: its `url` is then where it came from) and its `archive`.
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
import re
import tempfile
import unicodedata
import uuid
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from flask import current_app

from .. import jobs
from ..errors import NotFound, ValidationFailed
from ..identity import Owner
from ..models import GeneratedMedia as GM
from ..processing import ACCEPTED, sniff
from ..schemas import JsonProblem, MediaFilters, decode_json, iso_utc
from ..storage import BlobStore
from . import archive, collections, transfer
from .media import LIVE, fetch_rows, list_media
from .media import _records as records_of

MANIFEST = "manifest.json"
FORMAT = "mediaapp-zip"
VERSION = 1
# Items per zip: what one POST /api/media/import takes, so every manifest imports as it is.
# A bigger history downloads in parts (`part=2`, ...).
ZIP_MAX_ITEMS = 1000
# Items whose files are restored per transaction while importing a zip.
ZIP_IMPORT_BATCH = 100
# An entry that inflates more than this many times its compressed size is a zip bomb.
MAX_RATIO = 50
# A zip names at most this many entries: every item's file, the manifest, a little slack.
MAX_ENTRIES = 2 * transfer.IMPORT_REQUEST_MAX_ITEMS + 10

EXTENSIONS = {
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/webp": ".webp",
    "image/gif": ".gif",
    "image/avif": ".avif",
    "image/svg+xml": ".svg",
    "video/mp4": ".mp4",
    "video/webm": ".webm",
    "video/quicktime": ".mov",
}


# --- names ---------------------------------------------------------------------------------


def _slug(prompt: str, limit: int = 48) -> str:
    """The prompt's first words, lowercase, hyphenated: letters and digits only (any script),
    so the name is readable and safe on every filesystem."""
    text = unicodedata.normalize("NFKC", prompt).lower()
    words = "".join(ch if ch.isalnum() else " " for ch in text).split()
    return "-".join(words)[:limit].strip("-") or "media"


def file_name(row: Any, taken: set[str]) -> str:
    """`2026-11-30_1432_a-red-fox-in-snow_1a2b3c4d.png`: date, time (UTC), prompt, the id's
    start; the whole id instead when that name is already taken in this zip."""
    extension = EXTENSIONS.get(row.archive_mime) or mimetypes.guess_extension(
        row.archive_mime or ""
    )
    created = _utc(row.created_at)
    stem = f"{created:%Y-%m-%d_%H%M}_{_slug(row.prompt)}"
    name = f"{stem}_{row.id.hex[:8]}{extension or '.bin'}"
    if name in taken:
        name = f"{stem}_{row.id.hex}{extension or '.bin'}"
    taken.add(name)
    return name


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


# --- downloading ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ZipDownload:
    """A zip ready to stream: iterate `stream` for its bytes; `size` is their exact count."""

    stream: Iterable[bytes]  # a zipstream.ZipStream
    size: int
    filename: str
    items: int
    files: int


def manifest_item(row: Any, name: str | None) -> dict[str, Any]:
    """One record in the import format, plus where its file is in the zip (or why not)."""
    item = {
        "type": row.type,
        "url": row.url,
        "prompt": row.prompt,
        "model": row.model,
        "settings": row.settings,
        "projectId": row.project_id,
        "requestId": row.request_id,
        "fileId": row.file_id,
        "thumbnailUrl": row.thumbnail_url,
        "createdAt": iso_utc(_utc(row.created_at)),
        "favorite": bool(row.favorite),
        "rating": getattr(row, "rating", 0),
        "file": name,
        "archive": {
            "status": row.archive_status,
            "sha256": row.archive_sha256,
            "bytes": row.archive_bytes,
            "mime": row.archive_mime,
        },
    }
    if name is None:
        item["note"] = (
            "The file is not in this zip: mediaapp has not kept a copy yet "
            f"({row.archive_status}); url is where it came from."
        )
    return item


def _blob_chunks(store: BlobStore, sha256: str) -> Iterator[bytes]:
    """The blob's bytes in the store's chunks, opened only when the zip reaches it (so a big
    download holds one open file or S3 connection at a time), closed when done."""
    chunks = store.open(sha256)
    try:
        yield from chunks
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()


def build_zip(rows: Sequence[Any], *, filename: str, extra: dict[str, Any] | None = None):
    """The ZipDownload of rows: their stored files, then manifest.json."""
    # Imported here, not at the top: a worktree whose environment predates the dependency
    # still starts and serves everything but zips (pip install -e . brings it).
    import zipstream

    store = archive.blob_store()
    stream = zipstream.ZipStream(compress_type=zipstream.ZIP_STORED, sized=True)
    taken: set[str] = {MANIFEST}
    items, files = [], 0
    for row in rows:
        name = None
        if row.archive_status == "stored" and row.archive_sha256 and row.archive_bytes is not None:
            name = file_name(row, taken)
            stream.add(_blob_chunks(store, row.archive_sha256), name, size=row.archive_bytes)
            files += 1
        items.append(manifest_item(row, name))
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "exportedAt": iso_utc(datetime.now(UTC)),
        "count": len(items),
        "files": files,
        **(extra or {}),
        "items": items,
    }
    raw = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
    stream.add(raw, MANIFEST)
    return ZipDownload(stream, len(stream), filename, len(items), files)


def zip_selection(owner: Owner, ids: Sequence[uuid.UUID]) -> ZipDownload:
    """A zip of the owner's live records among ids, newest first. Ids that are not the
    owner's (or are in the trash) are left out, exactly like missing ones, and listed in the
    manifest as `missing`; NotFound when none is left. Reads only."""
    wanted = list(dict.fromkeys(ids))
    rows = fetch_rows(
        records_of(owner)
        .where(GM.id.in_(wanted), LIVE)
        .order_by(GM.created_at.desc(), GM.id.desc())
    )
    if not rows:
        raise NotFound("None of those items is in your history.")
    found = {row.id for row in rows}
    missing = [str(i) for i in wanted if i not in found]
    stamp = f"{datetime.now(UTC):%Y%m%d-%H%M}"
    return build_zip(rows, filename=f"mediaapp-selection-{stamp}.zip", extra={"missing": missing})


def zip_history(owner: Owner, filters: MediaFilters, *, part: int = 1) -> ZipDownload:
    """A zip of the owner's live records matching filters (a `collection` among them: the
    collection's items), in their order: part 1 holds the first ZIP_MAX_ITEMS, part 2 the
    next, and so on (the manifest's `hasMore` says whether another follows). NotFound when the
    part is empty or the collection is not the owner's. Reads only."""
    page = list_media(owner, filters, limit=ZIP_MAX_ITEMS, offset=(part - 1) * ZIP_MAX_ITEMS)
    if not page.items:
        raise NotFound(
            "Nothing to download: no items match." if part == 1 else f"There is no part {part}."
        )
    stamp = f"{datetime.now(UTC):%Y%m%d-%H%M}"
    suffix = f"-part{part}" if part > 1 or page.has_more else ""
    label = "history"
    if filters.collection:  # named after the collection (list_media checked it is theirs)
        label = _slug(collections.get_collection(owner, filters.collection).name, 40)
    return build_zip(
        page.items,
        filename=f"mediaapp-{label}-{stamp}{suffix}.zip",
        extra={"part": part, "hasMore": page.has_more, "filters": filters.params},
    )


def parts_of(count: int) -> int:
    """How many zips a history of `count` items downloads in."""
    return max(1, -(-count // ZIP_MAX_ITEMS))


# --- importing -----------------------------------------------------------------------------


def _refused(message: str, **details: Any) -> ValidationFailed:
    return ValidationFailed(message, code="zip_refused", details={"file": [message], **details})


_DRIVE = re.compile(r"^[A-Za-z]:")


def _safe_name(name: str) -> bool:
    """A plain relative path: no absolute path, drive, backslash, `.` or `..` part, empty
    part, or control character."""
    if not name or name.startswith("/") or "\\" in name or _DRIVE.match(name):
        return False
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in name):
        return False
    parts = name.rstrip("/").split("/")  # a directory entry ends with one slash
    return all(part not in ("", ".", "..") for part in parts)


def _check_entries(zf: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    """Every entry, by name, once it passes the rules; ValidationFailed (zip_refused) for a
    zip that escapes its folder, hides a bomb, is encrypted or holds a file too big to keep."""
    config = current_app.config
    cap = max(config["MAX_IMAGE_BYTES"], config["MAX_VIDEO_BYTES"])
    infos = zf.infolist()
    if len(infos) > MAX_ENTRIES:
        raise _refused(f"The zip holds {len(infos):,} entries; at most {MAX_ENTRIES:,}.")
    entries: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        name = info.filename
        if not _safe_name(name):
            raise _refused(f"The zip holds an entry with an unsafe path: {name[:200]!r}.")
        if info.flag_bits & 0x1:
            raise _refused("The zip is encrypted; mediaapp imports only plain zips.")
        if info.is_dir():
            continue
        if name in entries:
            raise _refused(f"The zip names {name[:200]!r} twice.")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _refused(f"{name[:200]!r} uses a compression mediaapp does not read.")
        limit = transfer.IMPORT_MAX_BYTES if name == MANIFEST else cap
        if info.file_size > limit:
            raise _refused(f"{name[:200]!r} is {info.file_size:,} bytes; at most {limit:,}.")
        if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise _refused(f"{name[:200]!r} inflates {MAX_RATIO}+ times: refused as a bomb.")
        entries[name] = info
    return entries


def _copy_entry(zf: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path) -> tuple[str, int]:
    """Extract one entry to `target`, hashing it, never past its declared size (a header that
    lies is refused); (sha256, size)."""
    digest, size = hashlib.sha256(), 0
    with zf.open(info) as source, open(target, "wb") as out:
        while chunk := source.read(1 << 16):
            size += len(chunk)
            if size > info.file_size:
                raise _refused(f"{info.filename[:200]!r} is longer than its header says.")
            digest.update(chunk)
            out.write(chunk)
    return digest.hexdigest(), size


def _read_manifest(zf: zipfile.ZipFile, info: zipfile.ZipInfo | None) -> list[Any]:
    if info is None:
        raise _refused(f"The zip has no {MANIFEST}: choose a zip downloaded from mediaapp.")
    with zf.open(info) as source:
        raw = source.read(transfer.IMPORT_MAX_BYTES + 1)
    if len(raw) > transfer.IMPORT_MAX_BYTES:
        raise _refused(f"{MANIFEST} is too large.")
    try:
        items = transfer.items_of(decode_json(raw))
    except JsonProblem as exc:
        raise _refused(f"{MANIFEST} is not JSON: {exc}") from exc
    if items is None:
        raise _refused(f"{MANIFEST}: {transfer.NOT_A_HISTORY}")
    return items


def open_zip(upload: BinaryIO) -> zipfile.ZipFile:
    """The uploaded zip (a seekable file), or ValidationFailed when it is not one."""
    try:
        return zipfile.ZipFile(upload)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise _refused("That file is not a zip mediaapp can read.") from exc


def import_zip(owner: Owner, upload: BinaryIO) -> dict[str, Any]:
    """Import a zip downloaded from mediaapp: its manifest's records and the files it holds,
    restored into the owner's blob store (stored once under their SHA-256, shared with any
    record that already holds the same bytes) so no fetch is needed.

    Idempotent like import_history (the same item twice is a duplicate and changes nothing,
    and its file is not read again). The zip is checked whole before anything changes:
    ValidationFailed (zip_refused) for an unsafe or broken one, QuotaExceeded past the
    owner's quota, Busy when another import runs. Commits per batch of items.
    """
    try:
        entries = _check_entries(zf := open_zip(upload))
        items = _read_manifest(zf, entries.get(MANIFEST))
        if len(items) > transfer.IMPORT_REQUEST_MAX_ITEMS:
            raise _refused(
                f"The manifest holds {len(items):,} items; at most "
                f"{transfer.IMPORT_REQUEST_MAX_ITEMS:,}."
            )
        files: dict[int, zipfile.ZipInfo] = {}
        for index, item in enumerate(items):
            name = item.get("file") if isinstance(item, dict) else None
            if name is None:
                continue
            if not isinstance(name, str) or name not in entries or name == MANIFEST:
                raise _refused(f"Item {index} names a file the zip does not hold.")
            files[index] = entries[name]
        problem = archive.over_quota(owner, sum(info.file_size for info in files.values()))
        if problem:
            raise archive.QuotaExceeded(problem, details={"file": [problem]})
        with transfer.import_slot():
            results: list[dict[str, Any]] = []
            for start in range(0, len(items), ZIP_IMPORT_BATCH):
                batch = items[start : start + ZIP_IMPORT_BATCH]
                restore = _Restorer(owner, zf, files, batch)
                results += transfer.import_media(owner, batch, start=start, restore=restore)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as exc:  # CRC, truncation
        raise _refused(f"The zip is damaged: {exc}") from exc
    totals = {s: sum(r["status"] == s for r in results) for s in transfer.IMPORT_STATUSES}
    restored = sum(1 for r in results if r.get("restored"))
    for result in results:
        result.pop("restored", None)
    return {**totals, "results": results, "files": restored}


class _Restorer:
    """Called by import_media for each item it is about to insert: the archive columns of its
    file from the zip, stored (or None: no file, a file already known, or bytes that are not
    media, which then fall back to fetching its url)."""

    def __init__(self, owner, zf, files, batch):
        self.zf, self.files = zf, files
        keys = [i.get("requestId") for i in batch if isinstance(i, dict)]
        known = transfer.ids_of_request_ids(owner, [k for k in keys if isinstance(k, str)])
        self.skip = set(known)

    def __call__(self, index: int, item: dict[str, Any]) -> dict[str, Any] | None:
        info = self.files.get(index)
        if info is None or item.get("request_id") in self.skip:
            return None
        tmp_root = Path(current_app.instance_path) / "tmp"
        tmp_root.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=tmp_root) as tmp:
            path = Path(tmp) / "entry"
            sha256, size = _copy_entry(self.zf, info, path)
            with open(path, "rb") as head:
                mime = sniff(head.read(4096))
            if mime not in ACCEPTED or not mime.startswith(item["type"] + "/"):
                return None
            try:
                values = archive._kept(archive.Source(path, sha256, size))
            except jobs.GiveUp:
                return None
            thumbnail = values.pop("_thumbnail")
            archive._register(sha256, size, mime, path, None)
            if thumbnail:
                archive._register(thumbnail[0], len(thumbnail[1]), "image/webp", None, thumbnail[1])
        return values
