"""Static files under fingerprinted names, cached for a year, text compressed once per worker.

At startup every file under static/ gets a name with a digest of its content in it
(`css/app.css` -> `css/app.3f9c2d81a0b4.css`), and `url_for('static', filename=...)` hands
out that name, so a page always asks for the bytes it was rendered with and a browser may
keep them for a year without asking again (`immutable`). A JavaScript module's relative
imports are rewritten to their targets' fingerprinted names before its own digest is taken,
so a change to an imported file changes the importer's name too. The plain names keep
working, with a short cache, for anything that kept an old link (the demo records' URLs are
plain /static paths).

Text files (CSS, JavaScript, SVG, JSON, plain text) are held in memory and sent brotli- or
gzip-encoded when the client accepts it. Their bytes are fixed until the next start, so each
is encoded once per worker at the strongest level (as nginx's gzip_static or WhiteNoise do)
instead of on every request like dynamic answers (compression.py). Media files go out through
send_file untouched, with their ranges and ETags.
"""

import functools
import gzip
import hashlib
import mimetypes
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

import brotli
from flask import Flask, Response, request, send_from_directory

YEAR = 365 * 24 * 60 * 60
# For the plain names: long enough to spare a burst of requests, short enough that an edit
# reaches everyone soon.
SHORT = 5 * 60
DIGEST_CHARS = 12
STALE_FINGERPRINT = re.compile(rf"\.[0-9a-f]{{{DIGEST_CHARS}}}(?=\.[^/]*$|$)")

TEXT_TYPES = {
    "text/css",
    "text/javascript",
    "application/javascript",
    "image/svg+xml",
    "application/json",
    "text/plain",
}
# `import … from "./x.js"`, `export … from "../y.js"`, `import "./z.js"` and `import("./w.js")`:
# only relative specifiers, which resolve inside static/.
MODULE_IMPORT = re.compile(
    r"""(?P<lead>\bfrom\s*|\bimport\s*\(?\s*)(?P<quote>["'])(?P<spec>\.{1,2}/[^"'\s]+)(?P=quote)"""
)


@dataclass(frozen=True)
class Asset:
    path: str  # relative to static/, with forward slashes
    fingerprinted: str  # the same path, the digest before the extension
    mimetype: str
    etag: str
    body: bytes | None  # the (rewritten) bytes of a text file; None for media, sent from disk


# Content-Encoding -> how to make it, once per asset and worker.
ENCODERS = {
    "br": lambda body: brotli.compress(body, quality=11, mode=brotli.MODE_TEXT),
    "gzip": lambda body: gzip.compress(body, compresslevel=9, mtime=0),
}
MIN_ENCODED_SIZE = 500  # below this the encoding's overhead outweighs the saving


@functools.lru_cache(maxsize=1024)
def encoded(body: bytes, encoding: str) -> bytes:
    return ENCODERS[encoding](body)


def fingerprinted_name(path: str, digest: str) -> str:
    folder, name = posixpath.split(path)
    stem, dot, extension = name.partition(".")
    new = f"{stem}.{digest}.{extension}" if dot else f"{name}.{digest}"
    return posixpath.join(folder, new) if folder else new


class StaticManifest:
    """Every file under one folder, by plain and by fingerprinted name."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._files = {
            p.relative_to(folder).as_posix(): p for p in sorted(folder.rglob("*")) if p.is_file()
        }
        self.by_path: dict[str, Asset] = {}
        for path in self._files:
            self._build(path, visiting=set())
        self.by_fingerprint = {asset.fingerprinted: asset for asset in self.by_path.values()}

    def _build(self, path: str, visiting: set[str]) -> Asset | None:
        """The asset for path, building the modules it imports first; None inside a cycle."""
        if path in self.by_path:
            return self.by_path[path]
        if path in visiting:
            return None
        visiting.add(path)
        raw = self._files[path].read_bytes()
        mimetype = mimetypes.guess_type(path)[0] or "application/octet-stream"
        body = raw if mimetype in TEXT_TYPES else None
        if path.endswith((".js", ".mjs")):
            body = self._rewrite_imports(path, raw, visiting)
        digest = hashlib.sha256(body if body is not None else raw).hexdigest()[:DIGEST_CHARS]
        asset = Asset(path, fingerprinted_name(path, digest), mimetype, digest, body)
        self.by_path[path] = asset
        visiting.discard(path)
        return asset

    def _rewrite_imports(self, path: str, raw: bytes, visiting: set[str]) -> bytes:
        """The module with each relative import naming its target's fingerprinted file.

        Targets outside static/, missing ones and import cycles keep their plain specifier,
        which still resolves (to the plain name, with its short cache).
        """
        text = raw.decode("utf-8")
        here = posixpath.dirname(path)

        def replace(match: re.Match) -> str:
            spec = match["spec"]
            target = posixpath.normpath(posixpath.join(here, spec))
            asset = self._build(target, visiting) if target in self._files else None
            if asset is None:
                return match[0]
            new = posixpath.relpath(asset.fingerprinted, here or ".")
            new = new if new.startswith("../") else f"./{new}"
            return f"{match['lead']}{match['quote']}{new}{match['quote']}"

        return MODULE_IMPORT.sub(replace, text).encode("utf-8")

    def url_name(self, filename: str) -> str:
        """The fingerprinted name of a plain one; any other name as it was."""
        asset = self.by_path.get(filename)
        return asset.fingerprinted if asset else filename


def _answer(folder: Path, asset: Asset, *, max_age: int, immutable: bool) -> Response:
    if asset.body is None:
        response = send_from_directory(folder, asset.path, max_age=max_age, conditional=True)
    else:
        response = _text_answer(asset)
        response.cache_control.public = True
        response.cache_control.max_age = max_age
        response = response.make_conditional(request)
    response.cache_control.immutable = immutable or None
    return response


def _text_answer(asset: Asset) -> Response:
    """The text file, encoded as the client prefers, with an ETag for that encoding."""
    encoding = None
    if len(asset.body) >= MIN_ENCODED_SIZE:
        encoding = request.accept_encodings.best_match(tuple(ENCODERS))
    body = encoded(asset.body, encoding) if encoding else asset.body
    response = Response(body, mimetype=asset.mimetype)
    response.vary.add("Accept-Encoding")
    if encoding:
        response.headers["Content-Encoding"] = encoding
    response.set_etag(f"{asset.etag}-{encoding}" if encoding else asset.etag)
    return response


def register_static_fingerprints(app: Flask) -> None:
    """Serve static/ under fingerprinted names and make url_for('static') produce them."""
    folder = Path(app.static_folder)
    manifest = StaticManifest(folder)
    app.extensions["static_manifest"] = manifest

    @app.url_defaults
    def fingerprint_static(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "filename" in values:
            values["filename"] = manifest.url_name(values["filename"])

    def static(filename: str) -> Response:
        asset = manifest.by_fingerprint.get(filename)
        if asset is not None:
            return _answer(folder, asset, max_age=YEAR, immutable=True)
        # The plain name, or a fingerprint from before the last start (a page rendered by a
        # worker still on the previous version): today's bytes, under a short cache.
        asset = manifest.by_path.get(filename) or manifest.by_path.get(
            STALE_FINGERPRINT.sub("", filename, count=1)
        )
        if asset is not None:
            return _answer(folder, asset, max_age=SHORT, immutable=False)
        # A file added after startup (while developing), or a 404.
        return send_from_directory(folder, filename, max_age=SHORT)

    app.view_functions["static"] = static
