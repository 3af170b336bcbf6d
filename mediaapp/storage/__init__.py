"""Content-addressed blob storage: the BlobStore contract, its errors, and from_url(setting).

A blob is named by the SHA-256 of its bytes, so the same file is stored once however many
records point at it, and a key can never be made to name other bytes. The package stands
alone: it imports nothing from the Flask app, the database or the models, so the archive job,
the CLI and the views can all share one store built by `from_url`.
"""

from __future__ import annotations

import abc
import pathlib
import re
import urllib.parse
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mediaapp.storage.filesystem import FileStore
    from mediaapp.storage.s3 import S3Store

__all__ = [
    "CHUNK_SIZE",
    "BlobMissing",
    "BlobStore",
    "ChunkStream",
    "StoreUnavailable",
    "content_disposition",
    "from_url",
    "validate_key",
]

#: The size of the pieces `open` yields: big enough to keep system calls and S3 reads few,
#: small enough that streaming a video to many clients holds little memory.
CHUNK_SIZE = 64 * 1024

_KEY = re.compile(r"[0-9a-f]{64}")

# SigV4 refuses presigned URLs that live longer than seven days.
_MAX_PRESIGN_SECONDS = 7 * 24 * 3600


class BlobMissing(KeyError):
    """No blob is stored under this digest."""


class StoreUnavailable(RuntimeError):
    """The store cannot be reached or used (for a readiness probe to report as 503)."""


def validate_key(sha256: object) -> str:
    """Return `sha256` if it is exactly 64 lowercase hex characters, else raise ValueError.

    Every method calls this first, so a user-supplied string never reaches a path or an
    object key: no `..`, no slash, no NUL, no trailing newline.
    """
    if not isinstance(sha256, str) or _KEY.fullmatch(sha256) is None:
        raise ValueError(
            "A blob key must be a SHA-256 digest: 64 lowercase hexadecimal characters."
        )
    return sha256


def require_digest(expected: str, actual: str) -> None:
    """Raise ValueError unless the digest of the bytes at hand is the key they'd be put under."""
    if actual != expected:
        raise ValueError(f"Content does not match its key: expected {expected}, got {actual}.")


def clamp_range(start: int, end: int | None, size: int) -> tuple[int, int]:
    """Turn the half-open range [start, end) into offsets inside a blob of `size` bytes.

    `end=None` or an `end` past the blob means "to the end"; a `start` at or past the end
    gives an empty range (start == end). Negative offsets raise ValueError, because HTTP
    suffix ranges ("bytes=-500") are for the caller to resolve against `size()` first.
    """
    if isinstance(start, bool) or not isinstance(start, int) or start < 0:
        raise ValueError("start must be a non-negative integer.")
    if end is not None and (isinstance(end, bool) or not isinstance(end, int) or end < 0):
        raise ValueError("end must be a non-negative integer or None.")
    stop = size if end is None else min(end, size)
    begin = min(start, stop)
    return begin, stop


def content_disposition(filename: str, *, attachment: bool) -> str:
    """A Content-Disposition value that names `filename` safely for any browser.

    The quoted `filename=` is an ASCII fallback with quotes, backslashes and control
    characters replaced, so nothing the user named a file can break out of the header;
    `filename*=` carries the real name percent-encoded as UTF-8 (RFC 6266 / RFC 8187).
    """
    fallback = "".join(
        ch if 0x20 <= ord(ch) < 0x7F and ch not in '"\\' else "_" for ch in filename
    ).strip()
    fallback = fallback or "download"
    encoded = urllib.parse.quote(filename, safe="")
    kind = "attachment" if attachment else "inline"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{encoded}"


def validate_header_value(name: str, value: str) -> str:
    """Refuse a header value with control characters (CR/LF would split the response)."""
    if not isinstance(value, str) or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in value):
        raise ValueError(f"{name} must be a string without control characters.")
    return value


class ChunkStream(Iterator[bytes]):
    """Yields at most `length` bytes from `read(n)` in pieces of CHUNK_SIZE, then closes.

    The source is opened before this object exists, so a missing blob raises BlobMissing
    when `open()` is called, not halfway through a response. `close()` releases the file or
    HTTP connection early; WSGI servers call it when a client goes away.
    """

    def __init__(self, read: Callable[[int], bytes], close: Callable[[], None], length: int):
        self._read = read
        self._close: Callable[[], None] | None = close
        self._remaining = length
        if length <= 0:
            self.close()

    def __iter__(self) -> ChunkStream:
        return self

    def __next__(self) -> bytes:
        if self._remaining <= 0 or self._close is None:
            self.close()
            raise StopIteration
        chunk = self._read(min(CHUNK_SIZE, self._remaining))
        if not chunk:
            # The blob was shorter than its recorded size: end rather than spin.
            self.close()
            raise StopIteration
        self._remaining -= len(chunk)
        return chunk

    def close(self) -> None:
        close, self._close = self._close, None
        if close is not None:
            close()

    def __del__(self) -> None:
        self.close()


class BlobStore(abc.ABC):
    """Bytes kept under their SHA-256 digest.

    Every method validates its key with `validate_key` (ValueError for anything but 64
    lowercase hex characters) before it touches the disk or the network. Methods are safe to
    call from several threads at once.
    """

    @abc.abstractmethod
    def put_file(self, sha256: str, path: pathlib.Path, *, content_type: str) -> None:
        """Store the file at `path` under its digest.

        The write is atomic: a reader sees either no blob or the whole blob. The file's
        SHA-256 must equal `sha256` (ValueError otherwise, and nothing is stored), so a key
        always names its bytes. A blob already present is left alone, which makes retries
        and concurrent archiving of the same file harmless.
        """

    @abc.abstractmethod
    def put_bytes(self, sha256: str, data: bytes, *, content_type: str) -> None:
        """`put_file` for bytes already in memory (thumbnails, placeholders)."""

    @abc.abstractmethod
    def exists(self, sha256: str) -> bool:
        """Whether a blob is stored under `sha256`."""

    @abc.abstractmethod
    def size(self, sha256: str) -> int:
        """The blob's length in bytes; raises BlobMissing."""

    @abc.abstractmethod
    def open(self, sha256: str, start: int = 0, end: int | None = None) -> Iterator[bytes]:
        """The bytes [start, end) in chunks of about 64 KiB, for streaming and HTTP Range.

        `end=None` or past the blob is clamped to its size; `start` at or beyond the end
        yields nothing. Raises BlobMissing at call time, before the first chunk. Close the
        iterator (or exhaust it) to release the file or connection.
        """

    @abc.abstractmethod
    def delete(self, sha256: str) -> None:
        """Remove the blob; deleting a missing blob is not an error."""

    @abc.abstractmethod
    def local_path(self, sha256: str) -> pathlib.Path | None:
        """The blob's file for X-Sendfile / X-Accel-Redirect, or None for a remote store.

        A store that keeps local files raises BlobMissing for a missing blob, so None always
        means "serve it another way" and never "not found".
        """

    @abc.abstractmethod
    def presigned_url(
        self,
        sha256: str,
        *,
        filename: str,
        content_type: str,
        expires: int = 300,
        attachment: bool = False,
    ) -> str | None:
        """A short-lived GET URL that answers with `content_type` and a Content-Disposition
        naming `filename` (inline, or attachment when asked), or None when the store cannot
        hand out URLs and the app must stream the bytes itself. Does not check existence.
        """

    @abc.abstractmethod
    def check(self) -> None:
        """Raise StoreUnavailable if the store cannot be reached or written (readiness)."""


def validate_presign_args(filename: str, content_type: str, expires: int) -> None:
    """The argument checks every `presigned_url` shares, whether or not it makes a URL."""
    if not isinstance(filename, str) or not filename:
        raise ValueError("filename must be a non-empty string.")
    validate_header_value("content_type", content_type)
    if isinstance(expires, bool) or not isinstance(expires, int):
        raise ValueError("expires must be a whole number of seconds.")
    if not 1 <= expires <= _MAX_PRESIGN_SECONDS:
        raise ValueError(f"expires must be between 1 and {_MAX_PRESIGN_SECONDS} seconds.")


_S3_OPTIONS = {"endpoint_url", "region", "addressing_style"}


def from_url(url: str | None, *, instance_path: pathlib.Path) -> BlobStore:
    """Build the store a setting names.

    - `''` or None: a FileStore at `instance_path / "blobs"` (the embedded default).
    - `file:///absolute/path`: a FileStore rooted at that path.
    - `s3://bucket/optional/prefix?endpoint_url=http://127.0.0.1:9000&region=us-east-1`:
      an S3Store; `addressing_style=path|virtual|auto` may also be given. Credentials come
      from the standard AWS chain (environment variables, profile, instance role), never
      from the URL, so the setting can be logged.

    Anything else raises ValueError with a sentence saying what is accepted. Building a
    store makes no network call; use `check()` for that.
    """
    if url is None or not url.strip():
        from mediaapp.storage.filesystem import FileStore

        return FileStore(pathlib.Path(instance_path) / "blobs")
    parts = urllib.parse.urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme == "file":
        return _file_store(parts)
    if scheme == "s3":
        return _s3_store(parts)
    shown = f"'{scheme}'" if scheme else "no scheme"
    raise ValueError(
        f"Unsupported blob store URL ({shown}): use an empty value for instance/blobs, "
        "file:///absolute/path, or s3://bucket/prefix?endpoint_url=...&region=...."
    )


def _file_store(parts: urllib.parse.SplitResult) -> FileStore:
    from mediaapp.storage.filesystem import FileStore

    if parts.netloc not in ("", "localhost"):
        raise ValueError(
            "A file:// blob store URL needs an absolute path, like file:///var/lib/mediaapp/"
            f"blobs; '{parts.netloc}' was read as a host."
        )
    if parts.query or parts.fragment:
        raise ValueError("A file:// blob store URL takes no query or fragment.")
    path = pathlib.Path(urllib.parse.unquote(parts.path))
    if not path.is_absolute() or path == pathlib.Path("/"):
        raise ValueError("A file:// blob store URL needs an absolute path below '/'.")
    return FileStore(path)


def _s3_store(parts: urllib.parse.SplitResult) -> S3Store:
    if "@" in parts.netloc:
        raise ValueError(
            "An s3:// blob store URL must not carry credentials; set AWS_ACCESS_KEY_ID and "
            "AWS_SECRET_ACCESS_KEY (or a profile or role) instead."
        )
    bucket = parts.netloc
    if not bucket:
        raise ValueError("An s3:// blob store URL needs a bucket: s3://bucket/prefix.")
    if parts.fragment:
        raise ValueError("An s3:// blob store URL takes no fragment.")
    options: dict[str, str] = {}
    for name, value in urllib.parse.parse_qsl(parts.query, keep_blank_values=True):
        if name not in _S3_OPTIONS:
            allowed = ", ".join(sorted(_S3_OPTIONS))
            raise ValueError(f"Unknown s3:// blob store option '{name}'; known: {allowed}.")
        if name in options:
            raise ValueError(f"The s3:// blob store option '{name}' is given twice.")
        options[name] = value
    from mediaapp.storage.s3 import S3Store

    return S3Store(
        bucket=bucket,
        prefix=urllib.parse.unquote(parts.path).strip("/"),
        endpoint_url=options.get("endpoint_url") or None,
        region=options.get("region") or None,
        addressing_style=options.get("addressing_style") or None,
    )
