"""Browser fixtures: the real app on its own PostgreSQL database, driven by Debian's Chromium."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg2
import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("MEDIAAPP_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
# Each concurrent run (a developer, CI) can name its own: the database is recreated.
BROWSER_DB = os.environ.get("MEDIAAPP_BROWSER_TEST_DB", "mediaapp_browser")
PG_ADMIN_DSN = os.environ.get(
    "MEDIAAPP_BROWSER_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres"
)
TIMEOUT_MS = 5_000


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives the running app in headless Chromium")


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


def fail_or_skip(reason: str) -> None:
    """In CI a missing dependency is a failure, never a silent skip."""
    (pytest.fail if os.environ.get("CI") else pytest.skip)(reason)


def browser_db_url() -> str:
    base = PG_ADMIN_DSN.rsplit("/", 1)[0]
    return f"{base}/{BROWSER_DB}"


@contextlib.contextmanager
def admin_cursor():
    conn = psycopg2.connect(PG_ADMIN_DSN, connect_timeout=3)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            yield cur
    finally:
        conn.close()


def recreate_browser_db() -> None:
    with admin_cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{BROWSER_DB}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{BROWSER_DB}"')


@contextlib.contextmanager
def database_unavailable() -> Iterator[None]:
    """Make the app's database refuse every connection, then always let it back in."""
    try:
        with admin_cursor() as cur:
            cur.execute(f'ALTER DATABASE "{BROWSER_DB}" ALLOW_CONNECTIONS false')
            cur.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                (BROWSER_DB,),
            )
        yield
    finally:
        with admin_cursor() as cur:
            cur.execute(f'ALTER DATABASE "{BROWSER_DB}" ALLOW_CONNECTIONS true')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, proc: subprocess.Popen, log: Path, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the app exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status < 500:
                    return
        except urllib.error.HTTPError as exc:
            if exc.code < 500:
                return
        except OSError:
            pass
        time.sleep(0.2)
    pytest.fail(f"the app did not answer {url} within {seconds}s:\n{log.read_text()[-3000:]}")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)


@contextlib.contextmanager
def flask_run(env: dict[str, str], log: Path, ready_path: str) -> Iterator[str]:
    """mediaapp started as `make run` starts it: `flask db upgrade`, then `flask run` on a free
    127.0.0.1 port, with env; yields the base URL once ready_path answers, and stops it after.
    The server's output goes to log."""
    flask = [sys.executable, "-m", "flask", "--app", "app"]
    upgrade = subprocess.run(
        [*flask, "db", "upgrade"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    if upgrade.returncode != 0:
        pytest.fail(f"flask db upgrade failed:\n{upgrade.stdout}\n{upgrade.stderr}")
    port = free_port()
    run = [*flask, "run", "--host", "127.0.0.1", "--port", str(port), "--no-reload"]
    with log.open("w") as out:
        proc = subprocess.Popen(
            [*run, "--no-debugger", "--with-threads"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{base}{ready_path}", proc, log)
        yield base
    finally:
        stop(proc)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not Path(CHROMIUM).exists():
        fail_or_skip(f"Chromium not found at {CHROMIUM}")
    return CHROMIUM


@pytest.fixture(scope="session")
def live_server(chromium_path, tmp_path_factory) -> Iterator[str]:
    """The app on a free port over the mediaapp_browser database; yields its base URL."""
    try:
        recreate_browser_db()
    except psycopg2.OperationalError as exc:
        fail_or_skip(f"PostgreSQL unreachable at {PG_ADMIN_DSN}: {str(exc).strip()}")

    env = {
        **os.environ,
        "DATABASE_URL": browser_db_url(),
        "SECRET_KEY": "browser-test",
        "MEDIAAPP_AUTH_RATE_LIMIT": "1000 per minute",
        "FLASK_DEBUG": "0",
        "PYTHONUNBUFFERED": "1",
        # Records keep the URLs the tests saved: no worker archives them behind the tests'
        # backs (the archive's browser tests upload, which stores at once).
        "MEDIAAPP_EMBEDDED_WORKER": "0",
        "MEDIAAPP_STORAGE_URL": f"file://{tempfile.mkdtemp(prefix='mediaapp-browser-blobs-')}",
    }
    env.pop("MEDIAAPP_API_RATE_LIMIT", None)
    log = tmp_path_factory.mktemp("server") / "server.log"
    with flask_run(env, log, "/static/js/media-cache.js") as base:
        yield base


@pytest.fixture(scope="session")
def playwright_instance():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_instance, chromium_path):
    browser = playwright_instance.chromium.launch(
        executable_path=chromium_path, args=CHROMIUM_ARGS, timeout=30_000
    )
    yield browser
    browser.close()


@pytest.fixture
def context(browser, live_server):
    """A fresh browser profile per test: new cookies, new localStorage, a new guest."""
    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())  # an hx-confirm must not block a test
    yield page
    page.close()


# --- helpers -------------------------------------------------------------------------------


def image_payload(n: int = 0, **overrides) -> dict:
    payload = {
        "type": "image",
        "url": f"/static/demo/img-{n % 24 + 1:02d}.svg",
        "prompt": f"Image number {n}: a lighthouse on a cliff at dusk",
        "model": "flux-1-dev",
        "settings": {
            "model": "flux-1-dev",
            "style": "photorealistic",
            "resolution": "1024x1024",
            "shotSize": "wide shot",
            "seed": n,
        },
        "requestId": f"browser-{uuid.uuid4()}",
    }
    payload.update(overrides)
    return payload


def video_payload(n: int = 0, **overrides) -> dict:
    k = n % 6 + 1
    payload = {
        "type": "video",
        "url": f"/static/demo/video-{k:02d}.mp4",
        "thumbnailUrl": f"/static/demo/video-{k:02d}-poster.svg",
        "prompt": f"Video number {n}: slow pan over a misty forest",
        "model": "veo-3",
        "settings": {
            "model": "veo-3",
            "style": "cinematic",
            "resolution": "1280x720",
            "shotSize": "wide shot",
            "duration": 4,
            "frameRate": 24,
        },
        "requestId": f"browser-{uuid.uuid4()}",
    }
    payload.update(overrides)
    return payload


def seed(page, base: str, payloads: list[dict]) -> list[dict]:
    """Save records as the page's owner (the request shares the context's cookies).

    Returns the wire records in the order they were saved (oldest first).
    """
    records = []
    for payload in payloads:
        response = page.request.post(f"{base}/api/media/save", data=payload)
        assert response.status == 201, response.text()
        records.append(response.json()["data"])
    return records


def api_get(page, base: str, path: str):
    return page.request.get(f"{base}/api{path}")


def storage(page) -> dict:
    """Every mediaapp:v1: key in the page's localStorage, parsed."""
    return page.evaluate(
        """() => {
            const out = {};
            for (let i = 0; i < localStorage.length; i += 1) {
                const key = localStorage.key(i);
                if (key.startsWith("mediaapp:v1:")) {
                    out[key] = JSON.parse(localStorage.getItem(key));
                }
            }
            return out;
        }"""
    )


def card_ids(page, selector: str = "#media-grid .media-card") -> list[str]:
    return page.eval_on_selector_all(selector, "cards => cards.map(c => c.dataset.mediaId)")
