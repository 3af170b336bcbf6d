"""Keeping the media itself: a save queues a job, the worker fetches the file into the blob
store (once per SHA-256), and the record, the gallery and the files routes use the copy."""

import hashlib
import io
import os
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
import uuid
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import sqlalchemy as sa
from PIL import Image

from mediaapp import jobs
from mediaapp.extensions import db
from mediaapp.models import Blob, Job
from tests.conftest import BUCKET, image_payload, save, video_payload


def png(width=640, height=320, color=(200, 80, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, "PNG")
    return out.getvalue()


FILES = {
    "/fox.png": ("image/png", png()),
    "/same.png": ("image/png", png()),
    "/other.png": ("image/png", png(color=(10, 200, 90))),
    "/page.html": ("text/html", b"<!doctype html><html><body>not media</body></html>"),
    "/drawing.svg": ("image/svg+xml", b'<svg xmlns="http://www.w3.org/2000/svg"/>'),
}
HITS: list[str] = []


class Files(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's name)
        HITS.append(self.path)
        if self.path == "/flaky.png" and HITS.count(self.path) == 1:
            self.send_error(503)
            return
        if self.path == "/flaky.png":
            self.path = "/fox.png"
        if self.path == "/slow.png" and HITS.count(self.path) == 1:
            time.sleep(20)  # long enough for the test to kill the worker mid-fetch
            return
        if self.path == "/slow.png":
            self.path = "/other.png"
        if self.path not in FILES:
            self.send_error(404)
            return
        mime, body = FILES[self.path]
        self.send_response(200)
        self.send_header("Content-Type", mime)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def origin():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Files)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def archiving(app, make_app, tmp_path):
    """An app allowed to fetch from the test server on 127.0.0.1, with its own blob store
    (on the schema `app` migrated)."""
    HITS.clear()
    return make_app(FETCH_ALLOW="127.0.0.1/32", STORAGE_URL=f"file://{tmp_path / 'blobs'}")


def run_jobs(app) -> int:
    with app.app_context():
        return jobs.run_due()


def record(client, media_id):
    return client.get(f"/api/media/{media_id}").get_json()["data"]


def test_a_save_answers_at_once_and_queues_the_archive_job(archiving, origin):
    client = archiving.test_client()

    response = save(client, image_payload(url=f"{origin}/fox.png"))

    data = response.get_json()["data"]
    assert response.status_code == 201
    assert data["archive"]["status"] == "pending" and data["archive"]["fileUrl"] is None
    assert HITS == []  # nothing was fetched during the save
    with archiving.app_context():
        assert db.session.execute(sa.select(sa.func.count()).select_from(Job)).scalar() == 1


def test_the_worker_stores_the_file_and_the_record_says_what_it_is(archiving, origin):
    client = archiving.test_client()
    media_id = save(client, image_payload(url=f"{origin}/fox.png")).get_json()["data"]["id"]

    run_jobs(archiving)

    kept = record(client, media_id)["archive"]
    body = FILES["/fox.png"][1]
    assert kept["status"] == "stored" and kept["error"] is None
    assert kept["mime"] == "image/png" and (kept["width"], kept["height"]) == (640, 320)
    assert kept["bytes"] == len(body) and kept["sha256"] == hashlib.sha256(body).hexdigest()
    assert kept["placeholder"]
    original = client.get(kept["fileUrl"])
    assert original.status_code == 200 and original.data == body
    thumbnail = client.get(kept["thumbnailUrl"])
    assert thumbnail.mimetype == "image/webp"
    assert max(Image.open(io.BytesIO(thumbnail.data)).size) <= 512


def test_a_stored_file_answers_etags_ranges_and_a_private_year_long_cache(archiving, origin):
    client = archiving.test_client()
    media_id = save(client, image_payload(url=f"{origin}/fox.png")).get_json()["data"]["id"]
    run_jobs(archiving)
    url = record(client, media_id)["archive"]["fileUrl"]

    first = client.get(url)
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    part = client.get(url, headers={"Range": "bytes=0-9"})

    assert (
        "private" in first.headers["Cache-Control"]
        and "max-age=31536000" in first.headers["Cache-Control"]
    )
    assert again.status_code == 304
    assert part.status_code == 206 and part.data == FILES["/fox.png"][1][:10]


def test_another_owner_and_a_stranger_get_404_for_the_file(archiving, origin):
    client = archiving.test_client()
    media_id = save(client, image_payload(url=f"{origin}/fox.png")).get_json()["data"]["id"]
    run_jobs(archiving)
    url = record(client, media_id)["archive"]["fileUrl"]

    assert archiving.test_client().get(url).status_code == 404


def test_the_same_bytes_are_stored_once_and_kept_until_the_last_record_goes(archiving, origin):
    client = archiving.test_client()
    first = save(client, image_payload(url=f"{origin}/fox.png")).get_json()["data"]["id"]
    second = save(client, image_payload(url=f"{origin}/same.png")).get_json()["data"]["id"]
    run_jobs(archiving)
    store = archiving.extensions["blob_store"]
    sha = record(client, first)["archive"]["sha256"]
    assert record(client, second)["archive"]["sha256"] == sha

    client.delete(f"/api/media/{first}?permanent=true")
    kept_while_held = store.exists(sha)
    client.delete(f"/api/media/{second}?permanent=true")

    assert kept_while_held and not store.exists(sha)
    with archiving.app_context():
        assert db.session.execute(sa.select(Blob).where(Blob.sha256 == sha)).first() is None


def test_trashing_keeps_the_file_and_emptying_the_trash_lets_it_go(archiving, origin):
    client = archiving.test_client()
    media_id = save(client, image_payload(url=f"{origin}/other.png")).get_json()["data"]["id"]
    run_jobs(archiving)
    sha = record(client, media_id)["archive"]["sha256"]
    store = archiving.extensions["blob_store"]

    client.delete(f"/api/media/{media_id}")
    trashed_kept = store.exists(sha)
    client.post("/api/media/trash/empty")

    assert trashed_kept and not store.exists(sha)


def test_a_source_that_is_gone_marks_the_record_expired_and_the_card_says_so(archiving, origin):
    client = archiving.test_client()
    media_id = save(client, image_payload(url=f"{origin}/gone.png")).get_json()["data"]["id"]

    run_jobs(archiving)

    kept = record(client, media_id)["archive"]
    assert kept["status"] == "expired" and "404" in kept["error"]
    html = client.get("/").get_data(as_text=True)
    assert "Source expired" in html and f"{origin}/gone.png" not in html
    missing = client.get("/api/media/list?archive=missing").get_json()["data"]
    assert [m["id"] for m in missing] == [media_id]


def test_a_failed_fetch_is_retried_and_then_stored(archiving, origin):
    client = archiving.test_client()
    media_id = save(client, image_payload(url=f"{origin}/flaky.png")).get_json()["data"]["id"]

    run_jobs(archiving)
    waiting = record(client, media_id)["archive"]["status"]
    with archiving.app_context():
        db.session.execute(sa.update(Job).values(run_at=sa.func.now()))
        db.session.commit()
    run_jobs(archiving)

    assert waiting == "pending"
    assert record(client, media_id)["archive"]["status"] == "stored"


def test_what_is_not_an_image_or_video_is_refused_and_the_record_kept(archiving, origin):
    client = archiving.test_client()
    media_id = save(client, image_payload(url=f"{origin}/page.html")).get_json()["data"]["id"]

    run_jobs(archiving)

    kept = record(client, media_id)
    assert (
        kept["archive"]["status"] == "failed"
        and "Not an image or video" in kept["archive"]["error"]
    )
    assert kept["prompt"] and kept["url"] == f"{origin}/page.html"


def test_a_private_address_is_refused_without_the_allowance(app, make_app, origin):
    app = make_app(FETCH_ALLOW="")
    client = app.test_client()
    HITS.clear()
    media_id = save(client, image_payload(url=f"{origin}/fox.png")).get_json()["data"]["id"]

    run_jobs(app)

    assert record(client, media_id)["archive"]["status"] == "failed"
    assert HITS == []


def test_an_svg_is_kept_but_served_as_a_sandboxed_attachment(archiving, origin):
    client = archiving.test_client()
    media_id = save(client, image_payload(url=f"{origin}/drawing.svg")).get_json()["data"]["id"]
    run_jobs(archiving)
    kept = record(client, media_id)["archive"]

    response = client.get(kept["fileUrl"])

    assert kept["status"] == "stored" and kept["mime"] == "image/svg+xml"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["Content-Security-Policy"].startswith("sandbox")


def test_the_demo_history_is_archived_from_the_static_folder_without_a_fetch(archiving):
    client = archiving.test_client()
    client.post("/demo")

    run_jobs(archiving)

    items = client.get("/api/media/list?limit=100").get_json()["data"]
    assert len(items) == 60 and HITS == []
    assert {item["archive"]["status"] for item in items} == {"stored"}
    videos = [item for item in items if item["type"] == "video"]
    assert all(v["archive"]["thumbnailUrl"] for v in videos)  # a poster frame from ffmpeg


def test_the_gallery_and_the_share_page_use_the_stored_copy(archiving, origin):
    client = archiving.test_client()
    media_id = save(client, image_payload(url=f"{origin}/fox.png")).get_json()["data"]["id"]
    run_jobs(archiving)
    token = client.post(f"/api/media/{media_id}/share", json={}).get_json()["data"]["token"]

    grid = client.get("/").get_data(as_text=True)
    detail = client.get(f"/media/{media_id}").get_data(as_text=True)
    shared = archiving.test_client().get(f"/s/{token}").get_data(as_text=True)
    shared_file = archiving.test_client().get(f"/api/shared/{token}/file")

    assert f'src="/api/media/{media_id}/thumbnail"' in grid and f"{origin}/fox.png" not in grid
    assert f'src="/api/media/{media_id}/file"' in detail
    assert f'src="/api/shared/{token}/file"' in shared
    assert shared_file.status_code == 200 and shared_file.data == FILES["/fox.png"][1]
    public = archiving.test_client().get(f"/api/shared/{token}").get_json()["data"]
    assert public["fileUrl"] == f"/api/shared/{token}/file"
    assert public["storedThumbnailUrl"] == f"/api/shared/{token}/thumbnail"
    shares_page = client.get("/shares").get_data(as_text=True)
    assert f'src="/api/media/{media_id}/thumbnail"' in shares_page


def test_backfill_queues_what_has_no_copy_and_the_worker_command_runs_it(
    archiving, origin, monkeypatch
):
    client = archiving.test_client()
    media_id = save(client, video_payload(url=f"{origin}/gone.mp4")).get_json()["data"]["id"]
    run_jobs(archiving)
    assert record(client, media_id)["archive"]["status"] == "expired"
    runner = archiving.test_cli_runner()

    queued = runner.invoke(args=["media", "archive", "--backfill"])
    after = record(client, media_id)["archive"]["status"]
    ran = runner.invoke(args=["media", "worker", "--once"])

    assert "Queued 1 records" in queued.output and after == "pending"
    assert "Ran 1 jobs" in ran.output
    assert record(client, media_id)["archive"]["status"] == "expired"


def test_a_fetch_past_the_owners_quota_fails_with_the_reason(app, make_app, origin, tmp_path):
    quota_app = make_app(
        FETCH_ALLOW="127.0.0.1/32", STORAGE_URL=f"file://{tmp_path / 'b'}", QUOTA_BYTES=10
    )
    client = quota_app.test_client()
    media_id = save(client, image_payload(url=f"{origin}/fox.png")).get_json()["data"]["id"]

    run_jobs(quota_app)

    kept = record(client, media_id)["archive"]
    assert kept["status"] == "failed" and "quota" in kept["error"]


def test_with_s3_storage_the_copy_is_kept_there_and_sent_by_a_short_redirect(
    app, make_app, origin, moto_endpoint
):
    query = urllib.parse.urlencode({"endpoint_url": moto_endpoint, "region": "us-east-1"})
    s3_app = make_app(
        FETCH_ALLOW="127.0.0.1/32", STORAGE_URL=f"s3://{BUCKET}/app-{uuid.uuid4().hex}?{query}"
    )
    client = s3_app.test_client()
    media_id = save(client, image_payload(url=f"{origin}/other.png")).get_json()["data"]["id"]
    run_jobs(s3_app)
    kept = record(client, media_id)["archive"]

    response = client.get(kept["fileUrl"])

    assert kept["status"] == "stored"
    assert response.status_code == 302 and response.location.startswith(moto_endpoint)
    assert "private" in response.headers["Cache-Control"]
    no_proxy = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with no_proxy.open(response.location, timeout=10) as downloaded:
        assert downloaded.read() == FILES["/other.png"][1]
    store = s3_app.extensions["blob_store"]
    client.delete(f"/api/media/{media_id}?permanent=true")
    assert not store.exists(kept["sha256"])


@pytest.mark.parametrize(
    ("mode", "header"),
    [("x-accel-redirect:/internal-blobs/", "X-Accel-Redirect"), ("x-sendfile", "X-Sendfile")],
)
def test_the_front_server_can_send_stored_files_instead_of_a_web_worker(
    app, make_app, origin, tmp_path, mode, header
):
    blobs = tmp_path / "blobs"
    handing_off = make_app(FETCH_ALLOW="127.0.0.1/32", STORAGE_URL=f"file://{blobs}", SENDFILE=mode)
    client = handing_off.test_client()
    media_id = save(client, image_payload(url=f"{origin}/fox.png")).get_json()["data"]["id"]
    run_jobs(handing_off)
    kept = record(client, media_id)["archive"]

    response = client.get(kept["fileUrl"])

    sha = kept["sha256"]
    assert response.status_code == 200 and response.data == b""
    assert response.headers[header].endswith(f"{sha[:2]}/{sha[2:4]}/{sha}")
    if header == "X-Accel-Redirect":
        assert response.headers[header].startswith("/internal-blobs/")
    assert response.headers["Content-Type"] == "image/png"


def test_stats_count_the_files_not_kept_and_the_bytes_stored(archiving, origin):
    client = archiving.test_client()
    save(client, image_payload(url=f"{origin}/fox.png"))
    save(client, image_payload(url=f"{origin}/gone.png"))
    run_jobs(archiving)

    stats = client.get("/api/media/stats").get_json()["data"]
    page = client.get("/stats").get_data(as_text=True)

    assert stats["missing"] == 1 and stats["storageBytes"] == len(FILES["/fox.png"][1])
    assert "Files not kept" in page and "Stored" in page


def test_the_embedded_worker_starts_with_the_first_request_and_archives(app, make_app, tmp_path):
    embedded = make_app(
        TESTING=False, EMBEDDED_WORKER=True, STORAGE_URL=f"file://{tmp_path / 'blobs'}"
    )
    client = embedded.test_client()
    try:
        client.post("/demo")  # the demo files are archived from the static folder
        for _ in range(300):
            items = client.get("/api/media/list?limit=100").get_json()["data"]
            if items and all(i["archive"]["status"] == "stored" for i in items):
                break
            time.sleep(0.1)
    finally:
        thread, stop = embedded.extensions["embedded_worker"]
        stop.set()
        thread.join(timeout=10)

    assert len(items) == 60
    assert {i["archive"]["status"] for i in items} == {"stored"}
    assert not thread.is_alive()


def test_a_replay_queues_no_second_job_and_archiving_off_queues_none(app, make_app):
    def jobs_count(some_app):
        with some_app.app_context():
            return db.session.execute(sa.select(sa.func.count()).select_from(Job)).scalar()

    client = app.test_client()
    payload = image_payload()
    save(client, payload)
    save(client, payload)
    queued = jobs_count(app)
    off = make_app(ARCHIVE=False)
    save(off.test_client(), image_payload())

    assert queued == 1 and jobs_count(app) == 1


def test_a_worker_killed_mid_job_leaves_the_job_to_the_next_worker(
    app, archiving, origin, database_url, tmp_path
):
    client = archiving.test_client()
    media_id = save(client, image_payload(url=f"{origin}/slow.png")).get_json()["data"]["id"]
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret",
        "MEDIAAPP_FETCH_ALLOW": "127.0.0.1/32",
        "MEDIAAPP_STORAGE_URL": archiving.config["STORAGE_URL"],
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "app", "media", "worker"],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(200):  # until the worker is inside the fetch
            if "/slow.png" in HITS:
                break
            time.sleep(0.05)
    finally:
        worker.kill()  # SIGKILL: no cleanup of any kind
        worker.wait(timeout=10)
    with archiving.app_context():
        held = db.session.execute(sa.select(Job.locked_until, Job.attempts)).one()
        db.session.commit()
        too_soon = jobs.claim()
        later = jobs.claim(now=held.locked_until + timedelta(seconds=1))
        outcome = jobs.run(later)

    assert "/slow.png" in HITS and held.attempts == 1  # it was claimed, then its worker died
    assert too_soon is None  # nobody else runs it while the dead worker's lease holds
    assert outcome == "done" and record(client, media_id)["archive"]["status"] == "stored"


def test_the_daily_purge_collects_bytes_a_crash_left_behind(archiving, origin):
    client = archiving.test_client()
    media_id = save(client, image_payload(url=f"{origin}/other.png")).get_json()["data"]["id"]
    run_jobs(archiving)
    sha = record(client, media_id)["archive"]["sha256"]
    with archiving.app_context():  # destroyed, but the process "died" before collecting
        db.session.execute(sa.text("DELETE FROM generated_media"))
        db.session.commit()
    store = archiving.extensions["blob_store"]
    left_behind = store.exists(sha)

    result = archiving.test_cli_runner().invoke(args=["media", "purge-trash"])

    assert result.exit_code == 0 and left_behind and not store.exists(sha)
