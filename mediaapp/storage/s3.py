"""S3Store: blobs as objects `<prefix>/<ab>/<sha256>` in an S3-compatible bucket, via boto3."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import pathlib
import re
import urllib.parse
from collections.abc import Iterator

import boto3
import boto3.exceptions
import botocore.config
import botocore.exceptions
from boto3.s3.transfer import TransferConfig

from mediaapp.storage import (
    BlobMissing,
    BlobStore,
    ChunkStream,
    StoreUnavailable,
    clamp_range,
    content_disposition,
    require_digest,
    validate_header_value,
    validate_key,
    validate_presign_args,
)

# AWS's rule for bucket names; checking it here turns a typo into a clear ValueError at
# start-up instead of a puzzling signature or DNS error on the first request.
_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_ADDRESSING_STYLES = {"path", "virtual", "auto"}
_MISSING_CODES = {"404", "NoSuchKey", "NotFound"}
_HASH_CHUNK = 1024 * 1024

# boto3 switches to multipart above the threshold, so a large video is sent in parts that
# are retried one by one, and S3 makes the object visible only once every part is in.
_TRANSFER = TransferConfig(multipart_threshold=8 * 1024 * 1024, multipart_chunksize=8 * 1024 * 1024)


class S3Store(BlobStore):
    """Blobs kept as objects in one bucket, under an optional key prefix.

    Credentials come from boto3's standard chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY,
    a profile, or an instance role). The bucket must already exist: the app never creates
    buckets, because that needs wider permissions than reading and writing objects. A PUT
    or a completed multipart upload appears whole or not at all, so writes are atomic.
    Network and permission failures raise StoreUnavailable.
    """

    def __init__(
        self,
        *,
        bucket: str,
        prefix: str = "",
        endpoint_url: str | None = None,
        region: str | None = None,
        addressing_style: str | None = None,
    ):
        if _BUCKET.fullmatch(bucket) is None:
            raise ValueError(
                f"'{bucket}' is not a valid S3 bucket name: use 3 to 63 lowercase letters, "
                "digits, dots and hyphens."
            )
        if endpoint_url is not None:
            endpoint = urllib.parse.urlsplit(endpoint_url)
            if endpoint.scheme not in ("http", "https") or not endpoint.hostname:
                raise ValueError(
                    "The S3 endpoint_url must be an http:// or https:// URL with a host, "
                    "like http://127.0.0.1:9000."
                )
        # Self-hosted S3 (MinIO, Ceph, moto) is usually reached by IP or a bare host name,
        # where bucket-in-hostname addressing can't resolve; AWS itself prefers it.
        style = addressing_style or ("path" if endpoint_url else "auto")
        if style not in _ADDRESSING_STYLES:
            raise ValueError(
                f"Unknown S3 addressing_style '{style}'; use one of: path, virtual, auto."
            )
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.endpoint_url = endpoint_url
        self.region = region
        config = botocore.config.Config(
            signature_version="s3v4",
            s3={"addressing_style": style},
            # A readiness probe must answer quickly when the store is down, not hang.
            connect_timeout=5,
            read_timeout=60,
            retries={"max_attempts": 3, "mode": "standard"},
        )
        # A client is safe to share between threads; a Session is not, so make our own.
        session = boto3.session.Session()
        self._client = session.client(
            "s3", endpoint_url=endpoint_url, region_name=region, config=config
        )

    def __repr__(self) -> str:
        where = f" at {self.endpoint_url}" if self.endpoint_url else ""
        return f"S3Store(s3://{self.bucket}/{self.prefix}{where})"

    def object_key(self, sha256: str) -> str:
        """The object key for a digest: `<prefix>/<ab>/<sha256>` (no prefix, no leading /)."""
        validate_key(sha256)
        key = f"{sha256[:2]}/{sha256}"
        return f"{self.prefix}/{key}" if self.prefix else key

    # Writing -----------------------------------------------------------------------------

    def put_file(self, sha256: str, path: pathlib.Path, *, content_type: str) -> None:
        """Upload `path` under its digest; see BlobStore.put_file.

        The digest is checked by reading the file before the upload, so `path` must not
        change in between (the archive job's own temp file doesn't).
        """
        key = self.object_key(sha256)
        validate_header_value("content_type", content_type)
        digest = hashlib.sha256()
        with open(path, "rb") as source:
            for chunk in iter(lambda: source.read(_HASH_CHUNK), b""):
                digest.update(chunk)
        require_digest(sha256, digest.hexdigest())
        if self.exists(sha256):
            return
        with self._errors(sha256):
            self._client.upload_file(
                str(path),
                self.bucket,
                key,
                ExtraArgs={"ContentType": content_type},
                Config=_TRANSFER,
            )

    def put_bytes(self, sha256: str, data: bytes, *, content_type: str) -> None:
        """Upload `data` under its digest; see BlobStore.put_file."""
        key = self.object_key(sha256)
        validate_header_value("content_type", content_type)
        digest = hashlib.sha256(data)
        require_digest(sha256, digest.hexdigest())
        if self.exists(sha256):
            return
        with self._errors(sha256):
            # Sending the digest makes S3 refuse the object if it was corrupted on the way.
            self._client.put_object(
                Bucket=self.bucket,
                Key=key,
                Body=data,
                ContentType=content_type,
                ChecksumSHA256=base64.b64encode(digest.digest()).decode("ascii"),
            )

    def delete(self, sha256: str) -> None:
        """Delete the object; S3 answers a missing one with success, and so do we."""
        key = self.object_key(sha256)
        with contextlib.suppress(BlobMissing), self._errors(sha256):
            self._client.delete_object(Bucket=self.bucket, Key=key)

    # Reading -----------------------------------------------------------------------------

    def exists(self, sha256: str) -> bool:
        try:
            self.size(sha256)
        except BlobMissing:
            return False
        return True

    def size(self, sha256: str) -> int:
        """The object's length from a HEAD request; raises BlobMissing."""
        key = self.object_key(sha256)
        with self._errors(sha256):
            return int(self._client.head_object(Bucket=self.bucket, Key=key)["ContentLength"])

    def open(self, sha256: str, start: int = 0, end: int | None = None) -> Iterator[bytes]:
        """Stream [start, end) with a ranged GET; see BlobStore.open.

        A whole-blob read is one GET. A partial one first asks for the size, because S3
        answers a range that starts past the end with an error rather than with nothing.
        """
        key = self.object_key(sha256)
        clamp_range(start, end, 0)  # refuse negative offsets before any request
        with self._errors(sha256):
            if start == 0 and end is None:
                response = self._client.get_object(Bucket=self.bucket, Key=key)
                length = int(response["ContentLength"])
            else:
                begin, stop = clamp_range(start, end, self.size(sha256))
                length = stop - begin
                if length == 0:
                    return ChunkStream(lambda _n: b"", lambda: None, 0)
                response = self._client.get_object(
                    Bucket=self.bucket, Key=key, Range=f"bytes={begin}-{stop - 1}"
                )
        body = response["Body"]
        return ChunkStream(body.read, body.close, length)

    def local_path(self, sha256: str) -> None:
        """Always None: objects have no local file; use `presigned_url` or `open`."""
        validate_key(sha256)
        return None

    def presigned_url(
        self,
        sha256: str,
        *,
        filename: str,
        content_type: str,
        expires: int = 300,
        attachment: bool = False,
    ) -> str:
        """A GET URL valid for `expires` seconds whose answer carries `content_type` and a
        Content-Disposition naming `filename`; see BlobStore.presigned_url.

        Signing is local: no request is made, and the blob's existence is not checked.
        """
        key = self.object_key(sha256)
        validate_presign_args(filename, content_type, expires)
        return self._client.generate_presigned_url(
            "get_object",
            Params={
                "Bucket": self.bucket,
                "Key": key,
                "ResponseContentType": content_type,
                "ResponseContentDisposition": content_disposition(filename, attachment=attachment),
            },
            ExpiresIn=expires,
        )

    def check(self) -> None:
        """Raise StoreUnavailable unless the bucket exists and these credentials reach it."""
        where = self.endpoint_url or "AWS"
        try:
            self._client.head_bucket(Bucket=self.bucket)
        except botocore.exceptions.ClientError as exc:
            code = _error_code(exc)
            if code in ("404", "NoSuchBucket", "NotFound"):
                raise StoreUnavailable(
                    f"S3 bucket '{self.bucket}' does not exist at {where}; create it first."
                ) from exc
            if code in ("403", "AccessDenied"):
                raise StoreUnavailable(
                    f"S3 bucket '{self.bucket}' at {where} refused these credentials."
                ) from exc
            raise StoreUnavailable(f"S3 bucket '{self.bucket}' at {where}: {exc}") from exc
        except botocore.exceptions.NoCredentialsError as exc:
            raise StoreUnavailable(
                "No AWS credentials found for S3: set AWS_ACCESS_KEY_ID and "
                "AWS_SECRET_ACCESS_KEY, a profile, or a role."
            ) from exc
        except botocore.exceptions.BotoCoreError as exc:
            raise StoreUnavailable(f"S3 at {where} is unreachable: {exc}") from exc

    @contextlib.contextmanager
    def _errors(self, sha256: str) -> Iterator[None]:
        """Turn "no such object" into BlobMissing and any other failure into StoreUnavailable,
        so callers handle two exceptions rather than botocore's dozens."""
        try:
            yield
        except botocore.exceptions.ClientError as exc:
            if _error_code(exc) in _MISSING_CODES:
                raise BlobMissing(sha256) from None
            raise StoreUnavailable(f"S3 bucket '{self.bucket}': {exc}") from exc
        except (botocore.exceptions.BotoCoreError, boto3.exceptions.Boto3Error) as exc:
            # upload_file reports a failed transfer as boto3's S3UploadFailedError.
            raise StoreUnavailable(f"S3 bucket '{self.bucket}': {exc}") from exc


def _error_code(exc: botocore.exceptions.ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))
