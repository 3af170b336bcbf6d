"""FileStore: blobs as files under `root/ab/cd/<sha256>`, written atomically with fsync."""

from __future__ import annotations

import contextlib
import hashlib
import os
import pathlib
import tempfile
from collections.abc import Iterable, Iterator

from mediaapp.storage import (
    BlobMissing,
    BlobStore,
    ChunkStream,
    StoreUnavailable,
    clamp_range,
    require_digest,
    validate_header_value,
    validate_key,
    validate_presign_args,
)

# How much of a source file is read at once while hashing and copying it.
_COPY_CHUNK = 1024 * 1024
_FILE_MODE = 0o644
_DIR_MODE = 0o755
# Temp files start with a dot so they can never be mistaken for a blob, whose name is hex.
_TEMP_PREFIX = ".tmp-"


class FileStore(BlobStore):
    """Blobs kept as files in a directory tree on a local (or mounted) filesystem.

    Two levels of fan-out (`ab/cd/`) keep any one directory small. The content type is not
    stored: the database records it, and the web server is told it when the app hands over
    `local_path`. Directories are never removed, because another put may be about to write
    into one.
    """

    def __init__(self, root: pathlib.Path):
        self.root = pathlib.Path(root)

    def __repr__(self) -> str:
        return f"FileStore({str(self.root)!r})"

    def _path(self, sha256: str) -> pathlib.Path:
        validate_key(sha256)
        return self.root / sha256[:2] / sha256[2:4] / sha256

    # Writing -----------------------------------------------------------------------------

    def put_file(self, sha256: str, path: pathlib.Path, *, content_type: str) -> None:
        """Copy `path` in under its digest; see BlobStore.put_file.

        The digest is computed from the very bytes that are copied, so a source that
        changes while it is read can't be stored under the wrong name.
        """
        target = self._path(sha256)
        # Not stored here, but checked so a bad value fails alike on every backend.
        validate_header_value("content_type", content_type)
        with open(path, "rb") as source:
            chunks = iter(lambda: source.read(_COPY_CHUNK), b"")
            if target.exists():
                # Still read the source: a caller that names the wrong digest has a bug
                # worth hearing about even when the blob happens to be here already.
                require_digest(sha256, _sha256_of(chunks))
                return
            self._write(sha256, target, chunks)

    def put_bytes(self, sha256: str, data: bytes, *, content_type: str) -> None:
        """Store `data` under its digest; see BlobStore.put_file."""
        target = self._path(sha256)
        validate_header_value("content_type", content_type)
        require_digest(sha256, hashlib.sha256(data).hexdigest())
        if target.exists():
            return
        self._write(sha256, target, [data])

    def _write(self, sha256: str, target: pathlib.Path, chunks: Iterable[bytes]) -> None:
        """Write chunks to a temp file beside `target`, check the digest, then rename.

        The temp file sits in the target's own directory so `os.replace` is a rename within
        one filesystem, which POSIX makes atomic. It is fsynced before the rename and the
        directory after it, so a crash leaves either no blob or the whole blob.
        """
        self._make_dirs(target.parent)
        fd, temp_name = tempfile.mkstemp(prefix=_TEMP_PREFIX, dir=target.parent)
        temp = pathlib.Path(temp_name)
        try:
            digest = hashlib.sha256()
            with os.fdopen(fd, "wb") as out:
                for chunk in chunks:
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            require_digest(sha256, digest.hexdigest())
            # mkstemp makes 0o600 files; the web server (X-Sendfile) must be able to read it.
            os.chmod(temp, _FILE_MODE)
            # A concurrent put of the same digest may have won meanwhile. Replacing its file
            # with identical bytes is harmless, and readers holding it open keep reading.
            os.replace(temp, target)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                temp.unlink()
            raise
        _fsync_dir(target.parent)

    def _make_dirs(self, directory: pathlib.Path) -> None:
        """Create `root/ab/cd` as needed, each new directory 0o755 whatever the umask."""
        self.root.mkdir(parents=True, exist_ok=True)
        for level in (directory.parent, directory):
            try:
                level.mkdir(mode=_DIR_MODE)
            except FileExistsError:
                continue
            os.chmod(level, _DIR_MODE)

    def delete(self, sha256: str) -> None:
        """Remove the blob's file; a missing blob is fine."""
        path = self._path(sha256)
        with contextlib.suppress(FileNotFoundError):
            path.unlink()

    # Reading -----------------------------------------------------------------------------

    def exists(self, sha256: str) -> bool:
        return self._path(sha256).is_file()

    def size(self, sha256: str) -> int:
        """The file's length; raises BlobMissing."""
        path = self._path(sha256)
        try:
            return path.stat().st_size
        except FileNotFoundError:
            raise BlobMissing(sha256) from None

    def open(self, sha256: str, start: int = 0, end: int | None = None) -> Iterator[bytes]:
        """Stream [start, end) of the file; see BlobStore.open.

        The file is opened before returning, so a blob deleted while it streams still
        streams whole (POSIX keeps an unlinked file readable through an open descriptor).
        """
        path = self._path(sha256)
        try:
            # No `with`: the ChunkStream returned below owns the handle and closes it.
            handle = open(path, "rb")
        except FileNotFoundError:
            raise BlobMissing(sha256) from None
        try:
            begin, stop = clamp_range(start, end, os.fstat(handle.fileno()).st_size)
            handle.seek(begin)
        except BaseException:
            handle.close()
            raise
        return ChunkStream(handle.read, handle.close, stop - begin)

    def local_path(self, sha256: str) -> pathlib.Path:
        """The blob's absolute path (for X-Sendfile / X-Accel-Redirect); raises BlobMissing."""
        path = self._path(sha256)
        if not path.is_file():
            raise BlobMissing(sha256)
        return path.absolute()

    def presigned_url(
        self,
        sha256: str,
        *,
        filename: str,
        content_type: str,
        expires: int = 300,
        attachment: bool = False,
    ) -> None:
        """Always None: the app serves local files itself (or through its web server)."""
        validate_key(sha256)
        validate_presign_args(filename, content_type, expires)
        return None

    def check(self) -> None:
        """Raise StoreUnavailable unless the root exists (or can be made) and takes writes."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            # A real write is the only honest test: a read-only mount or a full disk passes
            # os.access, and root passes it everywhere.
            with tempfile.TemporaryFile(prefix=_TEMP_PREFIX, dir=self.root) as probe:
                probe.write(b"ok")
                probe.flush()
        except OSError as exc:
            raise StoreUnavailable(f"Blob directory {self.root} is not writable: {exc}") from exc


def _sha256_of(chunks: Iterable[bytes]) -> str:
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk)
    return digest.hexdigest()


def _fsync_dir(directory: pathlib.Path) -> None:
    """Make a rename inside `directory` durable; some filesystems can't, which is no error."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
