"""Know what a media file is from its bytes, and make the thumbnail and placeholder the grid shows.

Self-contained on purpose: no Flask app, database or models, so the archive job and the upload
endpoint can both call it. Images go through Pillow; videos through ffprobe and ffmpeg, which are
optional (DESIGN: `make run` works without them; videos are then kept without posters).
"""

import io
import json
import logging
import pathlib
import shutil
import subprocess
import warnings
from dataclasses import dataclass
from typing import Any

import blurhash
from PIL import Image, ImageOps, features

logger = logging.getLogger(__name__)

ACCEPTED = {
    "image/png",
    "image/jpeg",
    "image/webp",
    "image/gif",
    "image/avif",
    "video/mp4",
    "video/webm",
    "video/quicktime",
}
# Recognised so that callers can name them, but never served as themselves on our origin:
# both can carry script.
ACTIVE = {"image/svg+xml", "text/html"}

THUMBNAIL_MAX_SIDE = 512
SUBPROCESS_TIMEOUT_S = 30
# A clip longer than this gets its poster from here rather than from a (often black) first frame.
POSTER_AT_S = 1.0

# Pillow decoders allowed per type: opening a PNG never lets another plugin try to parse it.
_PILLOW_FORMATS = {
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "image/webp": "WEBP",
    "image/gif": "GIF",
    "image/avif": "AVIF",
}
# The demuxer forced per type, so ffprobe never guesses (a guessed playlist format could fetch).
_FFMPEG_DEMUXERS = {"video/mp4": "mov", "video/quicktime": "mov", "video/webm": "matroska"}

_AVIF_BRANDS = {b"avif", b"avis"}
_MP4_BRANDS = {
    b"isom",
    b"iso2",
    b"iso3",
    b"iso4",
    b"iso5",
    b"iso6",
    b"mp41",
    b"mp42",
    b"avc1",
    b"dash",
    b"mmp4",
    b"M4V ",
    b"M4VH",
    b"M4VP",
    b"msnv",
    b"MSNV",
    b"XAVC",
}
# Old QuickTime files have no ftyp box and open straight with one of these atoms.
_QUICKTIME_FIRST_ATOMS = {b"moov", b"mdat", b"wide"}
_EBML_MAGIC = b"\x1a\x45\xdf\xa3"
_EBML_DOCTYPE_ID = 0x4282
# Tags that make a browser treat a document as HTML (a subset of the WHATWG sniffing table).
_HTML_OPENINGS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<script", b"<iframe")

_TAG_ENDS = {b" ", b"\t", b"\n", b"\r", b"\x0c", b"/", b">"}

_logged_once: set[str] = set()


class ProcessingError(Exception):
    """A file that cannot be described. `code` is machine-readable: 'unsupported_type',
    'too_many_pixels', 'corrupt' or 'timeout'; `message` is a sentence for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


@dataclass(frozen=True)
class MediaInfo:
    """What describe() learned. Dimensions are as displayed (EXIF orientation or video
    rotation applied); any field is None when it could not be measured safely."""

    mime: str
    width: int | None
    height: int | None
    duration_ms: int | None
    thumbnail: bytes | None  # WebP, longest side <= 512 px, never upscaled
    placeholder: str | None  # a blurhash of the thumbnail


# --- sniffing ------------------------------------------------------------------------------


def sniff(head: bytes) -> str | None:
    """The MIME type that the first bytes of a file show (pass at least 512 when the file has
    them), or None for anything that is not one of ACCEPTED or ACTIVE. Never looks at a name or
    a declared Content-Type: those are what an attacker controls."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp":
        return _sniff_ftyp(head)
    # An atom's size is 0 (to the end), 1 (a 64-bit size follows) or at least its 8-byte header.
    if head[4:8] in _QUICKTIME_FIRST_ATOMS and int.from_bytes(head[:4], "big") not in range(2, 8):
        return "video/quicktime"
    if head.startswith(_EBML_MAGIC):
        return "video/webm" if _ebml_doctype(head) == b"webm" else None
    return _sniff_markup(head)


def _sniff_ftyp(head: bytes) -> str | None:
    """ISO base media files: the ftyp box names a major brand and compatible brands."""
    size = int.from_bytes(head[:4], "big")
    if 0 < size < 16:  # too short to hold a major brand and a minor version
        return None
    box = head[8 : len(head) if size == 0 else min(size, len(head))]  # size 0: to the end
    major = box[:4]
    # Brands after the major brand and its 4-byte minor version.
    compatible = {box[i : i + 4] for i in range(8, len(box) - 3, 4)}
    brands = {major} | compatible
    if brands & _AVIF_BRANDS:
        return "image/avif"
    if major == b"qt  ":
        return "video/quicktime"
    if major in _MP4_BRANDS:
        return "video/mp4"
    return None


def _ebml_vint(data: bytes, pos: int, *, keep_marker: bool) -> tuple[int, int] | None:
    """Read an EBML variable-length integer at pos: (value, next position), or None when cut.
    Element IDs keep their length marker bit; sizes drop it."""
    if pos >= len(data) or data[pos] == 0:
        return None
    length = 9 - data[pos].bit_length()
    if pos + length > len(data):
        return None
    value = int.from_bytes(data[pos : pos + length], "big")
    if not keep_marker:
        value &= (1 << (7 * length)) - 1
    return value, pos + length


def _ebml_doctype(head: bytes) -> bytes | None:
    """The DocType inside the EBML header at the start of head ('webm', 'matroska'…)."""
    header_size = _ebml_vint(head, len(_EBML_MAGIC), keep_marker=False)
    if header_size is None:
        return None
    size, pos = header_size
    end = min(pos + size, len(head))
    while pos < end:
        element_id = _ebml_vint(head, pos, keep_marker=True)
        if element_id is None:
            return None
        element_size = _ebml_vint(head, element_id[1], keep_marker=False)
        if element_size is None:
            return None
        value_start = element_size[1]
        value_end = value_start + element_size[0]
        if element_id[0] == _EBML_DOCTYPE_ID:
            return head[value_start:value_end].rstrip(b"\x00")
        pos = value_end
    return None


def _sniff_markup(head: bytes) -> str | None:
    """SVG or HTML: skip a BOM, whitespace, an XML declaration, comments and an SVG doctype,
    then look at the first tag."""
    text = head.removeprefix(b"\xef\xbb\xbf")
    while True:
        text = text.lstrip()
        lowered = text.lower()
        if lowered.startswith(b"<?xml"):
            closing = b"?>"
        elif lowered.startswith(b"<!--"):
            closing = b"-->"
        elif lowered.startswith(b"<!doctype svg"):
            closing = b">"
        else:
            break
        end = text.find(closing)
        if end < 0:
            return None
        text = text[end + len(closing) :]
    lowered = text[:64].lower()
    if _opens_tag(lowered, b"<svg"):
        return "image/svg+xml"
    if any(_opens_tag(lowered, opening) for opening in _HTML_OPENINGS):
        return "text/html"
    return None


def _opens_tag(text: bytes, opening: bytes) -> bool:
    """Whether text opens with the tag `opening` and not a longer name (<svgx is not <svg)."""
    return text.startswith(opening) and text[len(opening) : len(opening) + 1] in _TAG_ENDS


# --- describing ----------------------------------------------------------------------------


def describe(path: pathlib.Path, mime: str, *, max_pixels: int = 100_000_000) -> MediaInfo:
    """Measure the file at path, whose type `mime` the caller has sniffed, and make its
    thumbnail and placeholder.

    Raises ProcessingError: 'unsupported_type' for a type outside ACCEPTED (ACTIVE types
    included: there is nothing to measure without running them), 'too_many_pixels' when the
    header claims more than max_pixels (checked before any pixel is decoded), 'corrupt' when
    the file does not decode, 'timeout' when ffprobe or ffmpeg takes too long.

    Degrades rather than fails where the machine lacks a capability: AVIF without Pillow's AVIF
    support, or a video without ffmpeg/ffprobe on PATH, gives a MediaInfo whose measured fields
    are None, and the log says why (once per process).
    """
    if mime not in ACCEPTED:
        raise ProcessingError("unsupported_type", f"{mime} is not a type we keep")
    if mime.startswith("video/"):
        return _describe_video(path, mime, max_pixels)
    return _describe_image(path, mime, max_pixels)


def ffmpeg_available() -> bool:
    """Whether both ffprobe and ffmpeg are on PATH (looked up on each call, so a changed PATH
    takes effect at once)."""
    return shutil.which("ffprobe") is not None and shutil.which("ffmpeg") is not None


def _log_once(key: str, message: str) -> None:
    if key not in _logged_once:
        _logged_once.add(key)
        logger.warning(message)


def _describe_image(path: pathlib.Path, mime: str, max_pixels: int) -> MediaInfo:
    if mime == "image/avif" and not features.check("avif"):
        _log_once("avif", "Pillow has no AVIF support here; AVIF files are kept unmeasured")
        return MediaInfo(mime, None, None, None, None, None)
    try:
        with Image.open(path, formats=[_PILLOW_FORMATS[mime]]) as image:
            # Image.open has read only the header; refuse a bomb before load() decodes it.
            _check_pixels(*image.size, max_pixels)
            width, height = _displayed_size(image)
            thumbnail = _thumbnail_image(image)
    except FileNotFoundError:
        raise  # the caller's mistake, not a property of the file
    except Image.DecompressionBombError as error:
        # Pillow's own, larger limit (MAX_IMAGE_PIXELS) tripped while reading the header.
        raise ProcessingError("too_many_pixels", str(error)) from error
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        # Pillow signals unreadable and truncated files with any of these.
        raise ProcessingError("corrupt", f"the {mime} file does not decode: {error}") from error
    return MediaInfo(mime, width, height, None, *_encode_thumbnail(thumbnail))


def _check_pixels(width: int, height: int, max_pixels: int) -> None:
    if width * height > max_pixels:
        raise ProcessingError(
            "too_many_pixels", f"{width}×{height} is more than {max_pixels} pixels"
        )


def _displayed_size(image: Image.Image) -> tuple[int, int]:
    """The size as shown: EXIF orientations 5–8 turn the picture a quarter, swapping sides."""
    width, height = image.size
    if image.getexif().get(0x0112) in (5, 6, 7, 8):  # 0x0112: the Orientation tag
        return height, width
    return width, height


def _thumbnail_image(image: Image.Image) -> Image.Image:
    """The first frame, shrunk to fit THUMBNAIL_MAX_SIDE (never enlarged), turned upright."""
    # thumbnail() lets the JPEG decoder scale down while decoding, so shrink before turning:
    # the bounding box is square, so the order does not change the result. An animation is
    # positioned on its first frame when opened, and only that frame is decoded.
    image.thumbnail((THUMBNAIL_MAX_SIDE, THUMBNAIL_MAX_SIDE))
    upright = ImageOps.exif_transpose(image)
    has_alpha = upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info
    return upright.convert("RGBA" if has_alpha else "RGB")


def _encode_thumbnail(thumbnail: Image.Image) -> tuple[bytes, str]:
    """The thumbnail as WebP bytes, and its blurhash placeholder."""
    buffer = io.BytesIO()
    thumbnail.save(buffer, format="WEBP", quality=80, method=4)
    return buffer.getvalue(), _placeholder(thumbnail)


def _placeholder(thumbnail: Image.Image) -> str:
    """A blurhash of the thumbnail: 4 components along the long side, 3 along the short."""
    small = thumbnail.copy()
    small.thumbnail((32, 32))  # a blurhash only keeps a few frequencies; 32 px is plenty
    if small.mode == "RGBA":
        # Blurhash has no alpha; show transparent parts as white rather than their hidden colour.
        backdrop = Image.new("RGB", small.size, (255, 255, 255))
        backdrop.paste(small, mask=small.getchannel("A"))
        small = backdrop
    x, y = (4, 3) if small.width >= small.height else (3, 4)
    with warnings.catch_warnings():
        # blurhash-python 1.2.2 reads pixels with Image.getdata(), deprecated in Pillow 13
        # (removed in 14); pinned versions keep it working until the library catches up.
        warnings.filterwarnings("ignore", "Image.Image.getdata", DeprecationWarning)
        return blurhash.encode(small, x_components=x, y_components=y)


def _describe_video(path: pathlib.Path, mime: str, max_pixels: int) -> MediaInfo:
    if not ffmpeg_available():
        _log_once(
            "ffmpeg",
            "ffprobe/ffmpeg not found on PATH; videos are kept without size, duration or poster",
        )
        return MediaInfo(mime, None, None, None, None, None)
    probe = _ffprobe(path, mime)
    streams = probe.get("streams") or []
    if not streams:
        raise ProcessingError("unsupported_type", f"the {mime} file has no video stream")
    stream = streams[0]
    width, height = _video_size(stream)
    if width and height:
        _check_pixels(width, height, max_pixels)
    duration_ms = _duration_ms(probe)
    poster = _poster(path, mime, duration_ms)
    if poster is None:
        return MediaInfo(mime, width, height, duration_ms, None, None)
    return MediaInfo(mime, width, height, duration_ms, *_encode_thumbnail(poster))


def _media_input(path: pathlib.Path, mime: str) -> list[str]:
    """ffmpeg/ffprobe input arguments for path: the demuxer forced, only local files allowed,
    and the path as an absolute `file:` URL so it can never read as an option or a protocol."""
    return [
        "-f",
        _FFMPEG_DEMUXERS[mime],
        "-protocol_whitelist",
        "file",
        "-i",
        f"file:{path.resolve()}",
    ]


def _run(args: list[str]) -> subprocess.CompletedProcess[bytes]:
    """Run a tool with an argument list (never a shell) and a timeout."""
    try:
        return subprocess.run(args, capture_output=True, timeout=SUBPROCESS_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired as error:
        raise ProcessingError("timeout", f"{args[0]} took over {SUBPROCESS_TIMEOUT_S} s") from error


def _ffprobe(path: pathlib.Path, mime: str) -> dict[str, Any]:
    result = _run(
        [
            "ffprobe",
            "-v",
            "error",
            "-print_format",
            "json",
            "-show_entries",
            "format=duration:stream=width,height,duration:stream_tags=rotate"
            ":stream_side_data=rotation",
            "-select_streams",
            "v:0",
            *_media_input(path, mime),
        ]
    )
    if result.returncode != 0:
        message = result.stderr.decode(errors="replace").strip()[:200]
        raise ProcessingError("corrupt", f"ffprobe cannot read the {mime} file: {message}")
    try:
        return json.loads(result.stdout)
    except ValueError as error:
        raise ProcessingError("corrupt", "ffprobe gave no readable answer") from error


def _video_size(stream: dict[str, Any]) -> tuple[int | None, int | None]:
    """The displayed size: a phone's portrait clip is stored landscape with a rotation."""
    width, height = stream.get("width"), stream.get("height")
    rotations = [side.get("rotation") for side in stream.get("side_data_list", [])]
    rotations.append(stream.get("tags", {}).get("rotate"))
    for rotation in rotations:
        try:
            if round(float(rotation)) % 180 != 0:
                return height, width
        except (TypeError, ValueError):
            continue  # absent or unreadable: not a reason to fail
    return width, height


def _duration_ms(probe: dict[str, Any]) -> int | None:
    """Duration from the container, else from the video stream."""
    candidates = [probe.get("format", {}).get("duration")]
    candidates += [stream.get("duration") for stream in probe.get("streams", [])]
    for value in candidates:
        try:
            return round(float(value) * 1000)
        except (TypeError, ValueError):
            continue
    return None


def _poster(path: pathlib.Path, mime: str, duration_ms: int | None) -> Image.Image | None:
    """A frame at POSTER_AT_S (the first frame for shorter clips), upright and shrunk like an
    image thumbnail; None, logged, when ffmpeg cannot produce one."""
    long_enough = duration_ms is None or duration_ms > POSTER_AT_S * 1000
    for seek in [POSTER_AT_S, 0.0] if long_enough else [0.0]:
        frame = _extract_frame(path, mime, seek)
        if frame is not None:
            return frame
    logger.warning("ffmpeg produced no poster frame for %s", path.name)
    return None


def _extract_frame(path: pathlib.Path, mime: str, seek: float) -> Image.Image | None:
    # -ss before -i seeks the input (fast); ffmpeg applies the stream's rotation itself.
    result = _run(
        [
            "ffmpeg",
            "-nostdin",
            "-v",
            "error",
            "-ss",
            f"{seek:.3f}",
            *_media_input(path, mime),
            "-frames:v",
            "1",
            "-f",
            "image2pipe",
            "-c:v",
            "png",
            "pipe:1",
        ]
    )
    if result.returncode != 0 or not result.stdout:
        return None
    try:
        with Image.open(io.BytesIO(result.stdout), formats=["PNG"]) as frame:
            return _thumbnail_image(frame)
    except (OSError, SyntaxError, ValueError) as error:
        logger.warning("ffmpeg's poster frame for %s does not decode: %s", path.name, error)
        return None
