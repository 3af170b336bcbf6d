"""Know what a media file is from its bytes.

Self-contained on purpose: no Flask app, database or models, so the archive job and the upload
endpoint can both call it.
"""

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
