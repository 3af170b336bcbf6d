"""Standard generators make working clients from the app's own OpenAPI document.

openapi-python-client generates a Python client that saves, pages through the history by
cursor, uploads, trashes, restores and destroys against a live server (on each backend), as a
guest and then as an account; openapi-typescript generates types that a small frontend client
(tests/clients/history.ts) compiles against with `tsc --strict`, and a misuse does not.
"""

import importlib
import io
import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from PIL import Image

from mediaapp import create_app
from tests.browser.conftest import fail_or_skip, flask_run
from tests.conftest import empty_database_url

ROOT = Path(__file__).resolve().parents[1]
CLIENTS = ROOT / "tests" / "clients"
BIN = Path(sys.executable).parent
PACKAGE = "mediaapp_client"
# The file routes answer the media's own type (image/png, video/mp4 ...) and the zip routes
# application/zip; a client reads those as bytes.
GENERATOR_CONFIG = {
    "package_name_override": PACKAGE,
    "post_hooks": [],
    "content_type_overrides": {
        "image/*": "application/octet-stream",
        "video/*": "application/octet-stream",
        "image/webp": "application/octet-stream",
        "application/zip": "application/octet-stream",
    },
}


@pytest.fixture(scope="module")
def document(tmp_path_factory) -> Path:
    """/api/openapi.json as the app serves it, in a file."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x", "TESTING": True})
    answer = app.test_client().get("/api/openapi.json")
    assert answer.status_code == 200
    path = tmp_path_factory.mktemp("document") / "openapi.json"
    path.write_bytes(answer.data)
    return path


@pytest.fixture(scope="module")
def generated(document, tmp_path_factory):
    """The generator's run and the package it wrote, importable."""
    generator = BIN / "openapi-python-client"
    if not generator.exists():
        fail_or_skip("openapi-python-client is not installed (pip install -e '.[dev]')")
    home = tmp_path_factory.mktemp("python-client")
    config = home / "config.json"
    config.write_text(json.dumps(GENERATOR_CONFIG))
    run = subprocess.run(
        [str(generator), "generate", "--path", str(document), "--config", str(config)]
        + ["--output-path", str(home / PACKAGE), "--meta", "none"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    sys.path.insert(0, str(home))
    try:
        yield run, importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(home))
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(PACKAGE + ".")]:
            del sys.modules[name]


@pytest.fixture(scope="module")
def server(database_url, tmp_path_factory):
    """mediaapp on a free port over a fresh, migrated database of the session's backend."""
    home = tmp_path_factory.mktemp("clients-server")
    env = {
        **os.environ,
        "DATABASE_URL": empty_database_url(database_url, home, "clients"),
        "SECRET_KEY": "clients-test",
        "MEDIAAPP_EMBEDDED_WORKER": "0",
        "MEDIAAPP_STORAGE_URL": f"file://{home / 'blobs'}",
        "MEDIAAPP_AUTH_RATE_LIMIT": "1000 per minute",
        "FLASK_DEBUG": "0",
    }
    env.pop("MEDIAAPP_API_RATE_LIMIT", None)
    with flask_run(env, home / "server.log", "/api/auth/me") as base:
        yield base


@pytest.fixture
def api(generated, server):
    """A new visitor: a generated Client (its cookie jar keeps the guest cookie the server
    issues on the first save) and the generated package."""
    _, package = generated
    client = package.Client(base_url=server, raise_on_unexpected_status=True, timeout=30)
    with client:
        yield client, package


def image(n: int, **extra):
    from mediaapp_client.models import ImageSettings, SaveMedia, SaveMediaType

    settings = ImageSettings(model="flux", style="photo", resolution="1024x1024", shot_size="wide")
    return SaveMedia(
        type_=SaveMediaType.IMAGE,
        url=f"https://cdn.example.com/{n}.png",
        prompt=f"picture {n}",
        model="flux",
        settings=settings,
        **extra,
    )


def video(n: int):
    from mediaapp_client.models import SaveMedia, SaveMediaType, VideoSettings

    settings = VideoSettings(
        model="veo", style="film", resolution="720p", shot_size="close", duration=4, frame_rate=24
    )
    return SaveMedia(
        type_=SaveMediaType.VIDEO,
        url=f"https://cdn.example.com/{n}.mp4",
        prompt=f"clip {n}",
        model="veo",
        settings=settings,
    )


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 6), (200, 40, 40)).save(out, "PNG")
    return out.getvalue()


def test_the_generator_understands_every_json_operation(generated):
    run, _ = generated

    assert "WARNING" not in run.stdout + run.stderr, run.stdout


def test_a_generated_client_saves_and_reads_the_history_back_by_cursor(api):
    client, _ = api
    from mediaapp_client.api.media import list_media, save_media
    from mediaapp_client.models import ListMediaType, MediaEnvelope, MediaPage

    saved = []
    for n in range(7):
        body = video(n) if n % 3 == 0 else image(n, request_id=f"job-{n}")
        answer = save_media.sync_detailed(client=client, body=body)
        assert answer.status_code == 201
        assert isinstance(answer.parsed, MediaEnvelope)
        saved.append(answer.parsed.data)
    again = save_media.sync_detailed(client=client, body=image(1, request_id="job-1"))
    assert again.status_code == 200 and again.parsed.data.id == saved[1].id

    pages, seen, cursor = 0, [], None
    while True:
        kwargs = {"cursor": cursor} if cursor else {}
        page = list_media.sync(client=client, limit=3, **kwargs)
        assert isinstance(page, MediaPage)
        pages += 1
        seen += page.data
        if not page.pagination.has_more:
            assert page.pagination.next_cursor is None
            break
        cursor = page.pagination.next_cursor

    assert pages == 3
    assert [m.id for m in seen] == [m.id for m in reversed(saved)]
    assert seen[-1].prompt == "clip 0" and seen[-1].settings["frameRate"] == 24
    assert seen[-1].user_id is None and seen[-1].deleted_at is None
    videos = list_media.sync(client=client, type_=ListMediaType.VIDEO)
    assert [m.prompt for m in videos.data] == ["clip 6", "clip 3", "clip 0"]


def test_a_generated_client_uploads_a_file_and_downloads_the_kept_copy(api):
    client, _ = api
    from mediaapp_client.api.files import media_file
    from mediaapp_client.api.media import get_media, upload_media
    from mediaapp_client.models import (
        ImageSettings,
        UploadMediaBody,
        UploadMetadata,
        UploadMetadataType,
    )
    from mediaapp_client.types import File

    data = png_bytes()
    metadata = UploadMetadata(
        type_=UploadMetadataType.IMAGE,
        prompt="an uploaded red card",
        model="flux",
        settings=ImageSettings(model="flux", style="flat", resolution="8x6", shot_size="wide"),
        request_id="upload-1",
    )
    body = UploadMediaBody(
        file=File(payload=io.BytesIO(data), file_name="card.png", mime_type="image/png"),
        metadata=metadata,
    )
    answer = upload_media.sync_detailed(client=client, body=body)

    assert answer.status_code == 201, answer.content
    media = answer.parsed.data
    assert media.archive.status.value == "stored"
    assert (media.archive.width, media.archive.height, media.archive.mime) == (8, 6, "image/png")
    assert get_media.sync(client=client, media_id=media.id).data.prompt == "an uploaded red card"
    kept = media_file.sync_detailed(client=client, media_id=media.id)
    assert kept.status_code == 200 and kept.content == data


def test_a_generated_client_trashes_restores_and_destroys(api):
    client, _ = api
    from mediaapp_client.api.media import (
        delete_media,
        delete_media_by_body,
        get_media,
        list_media,
        list_trash,
        restore_media,
        save_media,
    )
    from mediaapp_client.models import DeleteById, Error

    first, second = (save_media.sync(client=client, body=image(n)).data for n in (1, 2))

    trashed = delete_media.sync(client=client, media_id=first.id)
    assert trashed.data.deleted_at is not None
    gone = get_media.sync_detailed(client=client, media_id=first.id)
    assert gone.status_code == 404 and isinstance(gone.parsed, Error)
    assert gone.parsed.code == "not_found"
    assert [m.id for m in list_trash.sync(client=client).data] == [first.id]

    restore_media.sync(client=client, media_id=first.id)
    assert {m.id for m in list_media.sync(client=client).data} == {first.id, second.id}

    body = DeleteById(id=second.id, permanent=True)
    assert delete_media_by_body.sync_detailed(client=client, body=body).status_code == 200
    assert [m.id for m in list_media.sync(client=client).data] == [first.id]
    assert list_trash.sync(client=client).data == []


def test_a_generated_client_signs_up_and_keeps_the_guest_history(api, server):
    client, package = api
    from mediaapp_client.api.auth import me, register
    from mediaapp_client.api.media import get_media, list_media, save_media
    from mediaapp_client.models import Register

    as_guest = save_media.sync(client=client, body=image(1)).data
    email = f"client-{uuid.uuid4().hex[:8]}@example.com"
    signed_in = register.sync_detailed(
        client=client, body=Register(email=email, password="a long client passphrase 42")
    )
    assert signed_in.status_code == 201
    account = signed_in.parsed.data.user
    assert me.sync(client=client).data.user.email == email

    as_account = save_media.sync(client=client, body=image(2)).data
    history = list_media.sync(client=client).data
    assert [m.id for m in history] == [as_account.id, as_guest.id]
    assert {m.user_id for m in history} == {account.id}

    with package.Client(base_url=server, raise_on_unexpected_status=True) as stranger:
        assert get_media.sync_detailed(client=stranger, media_id=as_account.id).status_code == 404
        assert list_media.sync(client=stranger).data == []


def test_a_generated_client_reads_a_refusal_as_the_error_envelope(api):
    client, _ = api
    from mediaapp_client.api.media import list_media, save_media
    from mediaapp_client.models import Error

    bad = image(1)
    bad.url = "javascript:alert(1)"
    refused = save_media.sync_detailed(client=client, body=bad)
    assert refused.status_code == 400 and isinstance(refused.parsed, Error)
    assert refused.parsed.code == "validation_error" and "url" in refused.parsed.details

    wrong_cursor = list_media.sync_detailed(client=client, cursor="not-a-cursor")
    assert wrong_cursor.status_code == 400 and isinstance(wrong_cursor.parsed, Error)


# --- TypeScript ---------------------------------------------------------------------------


def node_tool(name: str) -> Path:
    if shutil.which("node") is None:
        fail_or_skip("node is missing: install Node.js 20 to check the TypeScript types")
    tool = CLIENTS / "node_modules" / ".bin" / name
    if not tool.exists():
        fail_or_skip(f"{name} is missing: run `npm ci --prefix tests/clients`")
    return tool


@pytest.fixture(scope="module")
def typescript_types(document, tmp_path_factory) -> Path:
    """openapi-typescript's types for the document, beside a copy of history.ts."""
    generator = node_tool("openapi-typescript")
    home = tmp_path_factory.mktemp("typescript")
    run = subprocess.run(
        [str(generator), str(document), "--output", str(home / "api.d.ts")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    shutil.copy(CLIENTS / "history.ts", home / "history.ts")
    return home


def tsc(home: Path, source: str) -> subprocess.CompletedProcess:
    command = [str(node_tool("tsc")), "--noEmit", "--strict", "--target", "es2022"]
    command += ["--lib", "es2022,dom", "--module", "esnext", "--moduleResolution", "bundler"]
    return subprocess.run([*command, source], cwd=home, capture_output=True, text=True, timeout=300)


def test_the_typescript_types_compile_with_a_client_that_saves_and_lists(typescript_types):
    types = (typescript_types / "api.d.ts").read_text()
    assert '"/api/media/list"' in types and "nextCursor: string | null" in types

    compiled = tsc(typescript_types, "history.ts")

    assert compiled.returncode == 0, compiled.stdout + compiled.stderr


def test_the_typescript_types_refuse_a_save_the_api_would_refuse(typescript_types):
    (typescript_types / "misuse.ts").write_text(
        'import { saveMedia } from "./history";\n'
        'saveMedia("", { type: "gif", url: "/a.gif", prompt: "p", model: "m", settings: {} });\n'
        'import type { operations } from "./api";\n'
        'const q: NonNullable<operations["list_media"]["parameters"]["query"]> = { limit: "9" };\n'
        "console.log(q);\n"
    )

    compiled = tsc(typescript_types, "misuse.ts")

    assert compiled.returncode != 0
    assert "'\"gif\"' is not assignable" in compiled.stdout, compiled.stdout
    assert "'string' is not assignable to type 'number'" in compiled.stdout, compiled.stdout


def test_a_generated_authenticated_client_saves_and_lists_with_an_api_key(api, server):
    client, package = api
    from mediaapp_client.api.auth import register
    from mediaapp_client.api.keys import create_key
    from mediaapp_client.api.media import delete_media, list_media, save_media
    from mediaapp_client.models import CreateApiKey, CreateApiKeyScopesItem, Register

    email = f"worker-{uuid.uuid4().hex[:8]}@example.com"
    register.sync(client=client, body=Register(email=email, password="a long worker passphrase 7"))
    scopes = [CreateApiKeyScopesItem.READ, CreateApiKeyScopesItem.WRITE]
    made = create_key.sync_detailed(client=client, body=CreateApiKey(name="worker", scopes=scopes))
    assert made.status_code == 201, made.content
    key = made.parsed.data.key

    with package.AuthenticatedClient(
        base_url=server, token=key, raise_on_unexpected_status=True
    ) as worker:
        saved = save_media.sync_detailed(client=worker, body=image(1, request_id="job-9"))
        assert saved.status_code == 201
        assert saved.parsed.data.user_id is not None
        assert [m.id for m in list_media.sync(client=worker).data] == [saved.parsed.data.id]
        refused = delete_media.sync_detailed(client=worker, media_id=saved.parsed.data.id)
        assert refused.status_code == 403 and refused.parsed.code == "insufficient_scope"
    assert [m.id for m in list_media.sync(client=client).data] == [saved.parsed.data.id]
