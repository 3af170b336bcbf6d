"""mediaapp.processing: sniffing types from bytes, measuring files, thumbnails and placeholders."""

import io
import logging
import os
import pathlib
import shutil
import struct
import subprocess
import zlib

import pytest
from PIL import Image, ImageFile, features

from mediaapp import processing
from mediaapp.processing import ProcessingError, describe, sniff

AVIF = features.check("avif")


# --- fixtures: every file is made here, none is checked in ------------------------------------


def image_bytes(fmt: str, size=(64, 32), **save_args) -> bytes:
    buffer = io.BytesIO()
    image = Image.new("RGB", size, (200, 40, 40))
    image.paste((40, 40, 200), (0, 0, size[0] // 2, size[1]))  # two halves: not a flat colour
    image.save(buffer, format=fmt, **save_args)
    return buffer.getvalue()


def animated_gif() -> bytes:
    frames = [Image.new("P", (40, 20), colour) for colour in (1, 2, 3)]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:], duration=100)
    return buffer.getvalue()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_claiming(width: int, height: int) -> bytes:
    """A valid-looking PNG whose header claims width×height, with a few bytes of pixel data."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(b"\x00" * 16))
        + png_chunk(b"IEND", b"")
    )


def ftyp(major: bytes, *compatible: bytes) -> bytes:
    body = major + b"\x00\x00\x02\x00" + b"".join(compatible)
    return struct.pack(">I", 8 + len(body)) + b"ftyp" + body + b"\x00" * 64


def ebml_header(doctype: bytes) -> bytes:
    # EBMLVersion 1, then DocType; sizes as one-byte vints (0x80 | n).
    children = b"\x42\x86\x81\x01" + b"\x42\x82" + bytes([0x80 | len(doctype)]) + doctype
    return b"\x1a\x45\xdf\xa3" + bytes([0x80 | len(children)]) + children + b"\x18\x53\x80\x67"


def write(tmp_path: pathlib.Path, name: str, data: bytes) -> pathlib.Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def head_of(path: pathlib.Path) -> bytes:
    with path.open("rb") as file:
        return file.read(512)


def ffmpeg_encoders() -> str:
    result = subprocess.run(
        ["ffmpeg", "-hide_banner", "-encoders"], capture_output=True, text=True, timeout=30
    )
    return result.stdout


@pytest.fixture(scope="session")
def ffmpeg() -> str:
    """The encoders list; in CI a missing ffmpeg fails, elsewhere the video tests skip."""
    if not (shutil.which("ffmpeg") and shutil.which("ffprobe")):
        (pytest.fail if os.environ.get("CI") else pytest.skip)("ffmpeg/ffprobe not on PATH")
    return ffmpeg_encoders()


def make_video(
    directory: pathlib.Path, name: str, codec_args: list[str], duration=2
) -> pathlib.Path:
    path = directory / name
    source = f"testsrc=duration={duration}:size=320x240:rate=10"
    subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", source]
        + codec_args
        + [str(path)],
        check=True,
        timeout=60,
    )
    return path


@pytest.fixture(scope="session")
def videos(ffmpeg, tmp_path_factory) -> dict[str, pathlib.Path]:
    """MIME type -> a 2 s, 320×240 clip of that type (WebM only when libvpx is there)."""
    directory = tmp_path_factory.mktemp("videos")
    h264 = ["-c:v", "libx264", "-pix_fmt", "yuv420p"] if "libx264" in ffmpeg else ["-c:v", "mpeg4"]
    made = {
        "video/mp4": make_video(directory, "clip.mp4", h264),
        "video/quicktime": make_video(directory, "clip.mov", ["-c:v", "mpeg4"]),
    }
    if "libvpx" in ffmpeg:
        vp = "libvpx-vp9" if "libvpx-vp9" in ffmpeg else "libvpx"
        made["video/webm"] = make_video(directory, "clip.webm", ["-c:v", vp, "-b:v", "200k"])
    return made


def video(videos, mime: str) -> pathlib.Path:
    if mime not in videos:
        if os.environ.get("CI"):
            pytest.fail(f"no encoder for {mime} in this ffmpeg")
        pytest.skip(f"no encoder for {mime} in this ffmpeg")
    return videos[mime]


def thumbnail_of(info: processing.MediaInfo) -> Image.Image:
    image = Image.open(io.BytesIO(info.thumbnail))
    image.load()
    return image


# --- sniff -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (image_bytes("PNG"), "image/png"),
        (image_bytes("JPEG"), "image/jpeg"),
        (image_bytes("WEBP"), "image/webp"),
        (image_bytes("GIF"), "image/gif"),
        (b"GIF87a" + b"\x00" * 32, "image/gif"),
        (animated_gif(), "image/gif"),
        (ftyp(b"avif", b"mif1", b"miaf"), "image/avif"),
        (ftyp(b"mif1", b"avif", b"miaf"), "image/avif"),
        (ftyp(b"avis", b"msf1"), "image/avif"),
        (ftyp(b"isom", b"isom", b"iso2", b"avc1", b"mp41"), "video/mp4"),
        (ftyp(b"mp42", b"mp42", b"isom"), "video/mp4"),
        (ftyp(b"M4V ", b"M4V ", b"mp42"), "video/mp4"),
        (ftyp(b"dash", b"iso6"), "video/mp4"),
        (ftyp(b"qt  ", b"qt  "), "video/quicktime"),
        (b"\x00\x00\x00\x20moov" + b"\x00" * 64, "video/quicktime"),
        (b"\x00\x00\x00\x08wide\x00\x10\x00\x00mdat", "video/quicktime"),
        (ebml_header(b"webm"), "video/webm"),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_sniff_names_each_accepted_type_from_its_bytes(data, expected):
    assert sniff(data[:512]) == expected


@pytest.mark.skipif(not AVIF, reason="this Pillow cannot write AVIF")
def test_sniff_recognises_an_avif_written_by_pillow():
    data = image_bytes("AVIF")

    assert sniff(data[:512]) == "image/avif"


@pytest.mark.parametrize("mime", ["video/mp4", "video/quicktime", "video/webm"])
def test_sniff_recognises_videos_made_by_ffmpeg(videos, mime):
    path = video(videos, mime)

    assert sniff(head_of(path)) == mime


@pytest.mark.parametrize(
    "data",
    [
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b'\xef\xbb\xbf<?xml version="1.0" encoding="UTF-8"?>\n<!-- made by hand -->\n<svg>',
        b'<?xml version="1.0"?><!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
        b'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n<svg width="1"/>',
        b"  \n<!-- a --><!-- b -->\t<SVG viewBox='0 0 1 1'>",
    ],
)
def test_sniff_recognises_svg_after_its_prolog(data):
    assert sniff(data) == "image/svg+xml"


@pytest.mark.parametrize(
    "data",
    [
        b"<!DOCTYPE html><title>x</title>",
        b"<!doctype html>\n<html lang=en>",
        b"\xef\xbb\xbf  <html><body>hi</body></html>",
        b"<!-- saved page -->\n<HTML>",
        b'<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml">',
        b"<script>alert(1)</script>",
    ],
)
def test_sniff_recognises_html(data):
    assert sniff(data) == "text/html"


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x00" * 512,
        b"just some text, nothing more",
        b"RIFF is a container format, and this text file starts with its name",
        b"RIFF\x24\x00\x00\x00WAVEfmt ",
        ebml_header(b"matroska"),
        ftyp(b"heic", b"mif1", b"heic"),
        ftyp(b"M4A ", b"M4A ", b"mp42"),
        b"\x89PNG",  # cut before the signature ends
        b"<svgx>not an svg</svgx>",
        b"<!-- a comment that never ends <svg>",
        b"%PDF-1.7\n",
    ],
)
def test_sniff_answers_none_for_anything_else(data):
    assert sniff(data) is None


def test_sniff_goes_by_bytes_not_by_the_name(tmp_path):
    path = write(tmp_path, "photo.jpg", image_bytes("PNG"))

    assert sniff(head_of(path)) == "image/png"


# --- describe: images ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "mime"),
    [
        ("PNG", "image/png"),
        ("JPEG", "image/jpeg"),
        ("WEBP", "image/webp"),
        ("GIF", "image/gif"),
        pytest.param(
            "AVIF",
            "image/avif",
            marks=pytest.mark.skipif(not AVIF, reason="this Pillow has no AVIF"),
        ),
    ],
)
def test_describe_measures_an_image_and_makes_a_webp_thumbnail(tmp_path, fmt, mime):
    path = write(tmp_path, "image", image_bytes(fmt, size=(300, 200)))

    info = describe(path, mime)

    assert (info.mime, info.width, info.height, info.duration_ms) == (mime, 300, 200, None)
    assert sniff(info.thumbnail) == "image/webp"
    assert thumbnail_of(info).size == (300, 200)


def test_a_large_image_gets_a_thumbnail_at_most_512_on_its_longest_side(tmp_path):
    path = write(tmp_path, "large.png", image_bytes("PNG", size=(2000, 1000)))

    info = describe(path, "image/png")

    assert (info.width, info.height) == (2000, 1000)
    assert thumbnail_of(info).size == (512, 256)


def test_a_small_image_keeps_its_size_in_the_thumbnail(tmp_path):
    path = write(tmp_path, "small.jpg", image_bytes("JPEG", size=(100, 50)))

    info = describe(path, "image/jpeg")

    assert thumbnail_of(info).size == (100, 50)


def test_an_exif_rotated_jpeg_is_measured_and_thumbnailed_upright(tmp_path):
    exif = Image.Exif()
    exif[0x0112] = 6  # stored landscape, shown turned a quarter clockwise
    path = write(tmp_path, "rotated.jpg", image_bytes("JPEG", size=(200, 100), exif=exif))

    info = describe(path, "image/jpeg")

    assert (info.width, info.height) == (100, 200)
    assert thumbnail_of(info).size == (100, 200)


def test_an_animated_gif_is_described_from_its_first_frame(tmp_path):
    path = write(tmp_path, "animated.gif", animated_gif())

    info = describe(path, "image/gif")

    assert (info.width, info.height) == (40, 20)
    assert thumbnail_of(info).size == (40, 20)


def test_the_placeholder_is_a_short_blurhash_of_the_thumbnail(tmp_path):
    path = write(tmp_path, "image.png", image_bytes("PNG", size=(300, 200)))

    info = describe(path, "image/png")

    assert isinstance(info.placeholder, str)
    assert 6 <= len(info.placeholder) <= 40


def test_a_transparent_png_keeps_its_alpha_in_the_thumbnail(tmp_path):
    buffer = io.BytesIO()
    Image.new("RGBA", (50, 50), (255, 0, 0, 0)).save(buffer, format="PNG")
    path = write(tmp_path, "clear.png", buffer.getvalue())

    info = describe(path, "image/png")

    assert thumbnail_of(info).mode == "RGBA"
    assert info.placeholder


@pytest.fixture
def decoding_forbidden(monkeypatch):
    """Any attempt to decode pixels fails the test."""

    def refuse(self, *args, **kwargs):
        raise AssertionError("pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", refuse)


def test_a_png_claiming_50000_by_50000_is_refused_without_decoding(tmp_path, decoding_forbidden):
    path = write(tmp_path, "bomb.png", png_claiming(50_000, 50_000))

    with pytest.raises(ProcessingError) as raised:
        describe(path, "image/png")

    assert raised.value.code == "too_many_pixels"


def test_an_image_over_max_pixels_is_refused_without_decoding(tmp_path, decoding_forbidden):
    path = write(tmp_path, "large.png", image_bytes("PNG", size=(2000, 1000)))

    with pytest.raises(ProcessingError) as raised:
        describe(path, "image/png", max_pixels=1_000_000)

    assert raised.value.code == "too_many_pixels"


def test_a_truncated_png_is_corrupt(tmp_path):
    noise = Image.frombytes("RGB", (200, 200), os.urandom(200 * 200 * 3))
    buffer = io.BytesIO()
    noise.save(buffer, format="PNG")
    path = write(tmp_path, "cut.png", buffer.getvalue()[: len(buffer.getvalue()) // 2])

    with pytest.raises(ProcessingError) as raised:
        describe(path, "image/png")

    assert raised.value.code == "corrupt"


def test_bytes_that_are_not_the_claimed_type_are_corrupt(tmp_path):
    path = write(tmp_path, "fake.png", image_bytes("JPEG"))

    with pytest.raises(ProcessingError) as raised:
        describe(path, "image/png")

    assert raised.value.code == "corrupt"


@pytest.mark.parametrize("mime", ["image/svg+xml", "text/html", "application/pdf"])
def test_types_outside_accepted_are_unsupported(tmp_path, mime):
    path = write(tmp_path, "file", b"<svg></svg>")

    with pytest.raises(ProcessingError) as raised:
        describe(path, mime)

    assert raised.value.code == "unsupported_type"


def test_without_avif_support_an_avif_is_kept_unmeasured_and_logged(tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(processing, "_logged_once", set())
    monkeypatch.setattr(processing.features, "check", lambda feature: False)
    path = write(tmp_path, "image.avif", ftyp(b"avif", b"mif1"))

    info = describe(path, "image/avif")

    assert (info.width, info.height, info.thumbnail, info.placeholder) == (None,) * 4
    assert "AVIF" in caplog.text


# --- describe: videos ------------------------------------------------------------------------


@pytest.mark.parametrize("mime", ["video/mp4", "video/quicktime", "video/webm"])
def test_describe_measures_a_video_and_makes_a_poster(videos, mime):
    path = video(videos, mime)

    info = describe(path, mime)

    assert (info.mime, info.width, info.height) == (mime, 320, 240)
    assert abs(info.duration_ms - 2000) <= 100
    assert sniff(info.thumbnail) == "image/webp"
    assert thumbnail_of(info).size == (320, 240)
    assert info.placeholder


def test_a_rotated_video_is_measured_as_displayed(videos, tmp_path):
    path = tmp_path / "portrait.mp4"
    subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-i", str(videos["video/mp4"]), "-c", "copy"]
        + ["-metadata:s:v:0", "rotate=90", str(path)],
        check=True,
        timeout=60,
    )

    info = describe(path, "video/mp4")

    assert (info.width, info.height) == (240, 320)
    assert thumbnail_of(info).size == (240, 320)


def test_a_clip_shorter_than_a_second_gets_its_first_frame_as_poster(ffmpeg, tmp_path):
    path = make_video(tmp_path, "short.mp4", ["-c:v", "mpeg4"], duration=0.5)

    info = describe(path, "video/mp4")

    assert info.duration_ms < 1000
    assert sniff(info.thumbnail) == "image/webp"


def test_a_corrupt_video_is_corrupt(ffmpeg, tmp_path):
    path = write(tmp_path, "broken.mp4", ftyp(b"isom", b"isom") + b"\xde\xad" * 100)

    with pytest.raises(ProcessingError) as raised:
        describe(path, "video/mp4")

    assert raised.value.code == "corrupt"


def test_without_ffmpeg_a_video_is_kept_unmeasured_and_the_log_says_why(
    tmp_path, monkeypatch, caplog
):
    monkeypatch.setattr(processing, "_logged_once", set())
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    path = write(tmp_path, "clip.mp4", ftyp(b"isom", b"isom") + b"\x00" * 100)
    caplog.set_level(logging.WARNING, logger="mediaapp.processing")

    info = describe(path, "video/mp4")

    assert not processing.ffmpeg_available()
    assert info == processing.MediaInfo("video/mp4", None, None, None, None, None)
    assert "ffmpeg" in caplog.text
