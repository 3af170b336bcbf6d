"""The shipped nginx configuration in front of gunicorn: 50 clients dribbling their headers
a byte at a time take no worker, and normal requests are served while they stay open."""

import http.cookiejar
import json
import os
import re
import shutil
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from tests import servers
from tests.conftest import image_payload

NGINX_CONF = servers.ROOT / "deploy" / "nginx.conf"
SLOW_CLIENTS = 50
# How long the slow clients dribble: under the shipped client_header_timeout (10 s), so
# nginx keeps them all open for the whole test.
DRIBBLE_SECONDS = 6


def nginx_binary() -> str:
    found = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/sbin/nginx") if os.path.exists(p)), None
    )
    if not found:
        servers.fail_or_skip("nginx is not installed (apt-get install nginx-light)")
    return found


def derived_config(tmp_path, port: int, upstream_port: int) -> str:
    """The shipped file with this test's ports and paths, and nothing else changed."""
    text = NGINX_CONF.read_text()
    swaps = [
        (r"^user [^;]+;", "user root;" if os.geteuid() == 0 else ""),
        (r"^pid [^;]+;", f"pid {tmp_path}/nginx.pid;"),
        (r"error_log [^;]+;", f"error_log {tmp_path}/error.log warn;"),
        (r"access_log [^;]+;", f"access_log {tmp_path}/access.log;"),
        (r"listen 80;", f"listen 127.0.0.1:{port};"),
        (r"\s*listen \[::\]:80;", ""),
        (r"server 127\.0\.0\.1:8000;", f"server 127.0.0.1:{upstream_port};"),
    ]
    for pattern, replacement in swaps:
        text, count = re.subn(pattern, replacement, text, count=1, flags=re.MULTILINE)
        assert count == 1, f"deploy/nginx.conf no longer has {pattern!r}"
    temp_paths = "".join(
        f"    {kind}_temp_path {tmp_path}/{kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return text.replace("http {\n", "http {\n" + temp_paths, 1)


def dribble(sockets: list[socket.socket], stop: threading.Event, failures: list[str]) -> None:
    """Send every socket one more header byte every half second, never ending the headers."""
    while not stop.wait(0.5):
        for sock in sockets:
            try:
                sock.send(b"a")
            except OSError as exc:
                failures.append(str(exc))


def test_normal_requests_are_served_while_50_clients_dribble_their_headers(tmp_path):
    nginx = nginx_binary()
    app_port, port = servers.free_port(), servers.free_port()
    env = servers.app_env(tmp_path, servers.migrated_sqlite(tmp_path))
    config = tmp_path / "nginx.conf"
    config.write_text(derived_config(tmp_path, port, app_port))
    checked = subprocess.run(
        [nginx, "-t", "-c", str(config), "-p", str(tmp_path), "-e", str(tmp_path / "error.log")],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert checked.returncode == 0, checked.stderr

    gunicorn = servers.start_gunicorn(app_port, env, "-w", "2")
    front = subprocess.Popen(
        [nginx, "-c", str(config), "-p", str(tmp_path), "-e", str(tmp_path / "error.log")]
        + ["-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    slow: list[socket.socket] = []
    stop, failures, answers = threading.Event(), [], []
    try:
        with servers.running(gunicorn, app_port), servers.running(front, port):
            for _ in range(SLOW_CLIENTS):
                sock = socket.create_connection(("127.0.0.1", port), timeout=5)
                sock.send(b"GET /api/auth/me HTTP/1.1\r\nHost: mediaapp.test\r\nX-Slow: ")
                slow.append(sock)
            dribbler = threading.Thread(target=dribble, args=(slow, stop, failures))
            dribbler.start()
            started = time.monotonic()
            while time.monotonic() - started < DRIBBLE_SECONDS:
                url = f"http://127.0.0.1:{port}/api/auth/me"
                with urllib.request.urlopen(url, timeout=15) as response:
                    answers.append((response.status, response.read()))
                time.sleep(0.25)
            stop.set()
            dribbler.join(timeout=10)
            still_open = sum(_is_open(sock) for sock in slow)
    finally:
        stop.set()
        for sock in slow:
            sock.close()

    assert len(answers) >= 5
    assert all(status == 200 and b'"user":null' in body for status, body in answers)
    assert failures == []
    assert still_open == SLOW_CLIENTS  # they were all still there, mid-header, throughout


def _is_open(sock: socket.socket) -> bool:
    """Whether the server still holds this connection (nothing to read, not closed)."""
    sock.setblocking(False)
    try:
        return sock.recv(1, socket.MSG_PEEK) != b""
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        sock.setblocking(True)


@pytest.mark.parametrize(
    "directive",
    [
        "client_header_timeout 10s;",
        "client_body_timeout 10s;",
        "proxy_request_buffering on;",
        "proxy_buffering on;",
        "client_max_body_size 33m;",
    ],
)
def test_the_shipped_config_bounds_slow_and_large_clients(directive):
    assert directive in NGINX_CONF.read_text()


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # answer the 303 itself, so its Location can be read


def test_mediaapp_under_a_path_prefix_serves_pages_static_htmx_redirects_cookies_and_api(
    tmp_path,
):
    """The same-site deployment: the shipped /media/ location with MEDIAAPP_PROXY_FIX=1."""
    nginx = nginx_binary()
    app_port, port = servers.free_port(), servers.free_port()
    env = servers.app_env(tmp_path, servers.migrated_sqlite(tmp_path), MEDIAAPP_PROXY_FIX="1")
    config = tmp_path / "nginx.conf"
    config.write_text(derived_config(tmp_path, port, app_port))
    gunicorn = servers.start_gunicorn(app_port, env, "-w", "1")
    front = subprocess.Popen(
        [nginx, "-c", str(config), "-p", str(tmp_path), "-e", str(tmp_path / "error.log")]
        + ["-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}/media"
    jar = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _KeepRedirects())

    def fetch(path: str, data: bytes | None = None, headers: dict | None = None):
        request = urllib.request.Request(base + path, data=data, headers=headers or {})
        try:
            with browser.open(request, timeout=15) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:  # the 303 (and any refusal) land here
            return error.code, error.headers, error.read().decode()

    with servers.running(gunicorn, app_port), servers.running(front, port):
        status, _, page = fetch("/register")
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        stylesheet = re.search(r'href="(/media/static/[^"]+\.css)"', page).group(1)
        form = urllib.parse.urlencode(
            {"csrf_token": token, "email": "prefix@example.com", "password": "a long passphrase"}
        ).encode()
        registered = fetch("/register", data=form)
        gallery = fetch("/")
        fragment = fetch("/?type=image", headers={"HX-Request": "true"})
        saved = fetch(
            "/api/media/save",
            data=json.dumps(image_payload()).encode(),
            headers={"Content-Type": "application/json"},
        )
        listed = json.loads(fetch("/api/media/list")[2])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{stylesheet}", timeout=15) as css:
            css_status = css.status

    assert status == 200
    assert 'data-api-base="/media/api"' in page
    assert 'action="/media/register"' in page
    assert registered[0] == 303
    assert registered[1]["Location"] in ("/media/", f"{base}/")
    assert "Path=/media/" in registered[1]["Set-Cookie"]
    assert gallery[0] == 200 and "prefix@example.com" in gallery[2]
    assert fragment[0] == 200 and "<html" not in fragment[2]
    assert saved[0] == 201
    assert [item["prompt"] for item in listed["data"]] == [image_payload()["prompt"]]
    assert css_status == 200
