"""mediaapp.fetching against a real HTTP server on 127.0.0.1; nothing else is ever contacted."""

import gzip
import hashlib
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import trustme

from mediaapp import fetching
from mediaapp.fetching import FetchError, fetch

LOCAL = "127.0.0.1/32"
MB = 1024 * 1024
BODY = bytes(range(256)) * (MB // 256)  # 1 MiB, not all one byte, so the digest means something
CAP = 64 * 1024
DRIP_SECONDS = 5.0  # the drip stops by itself after this, whatever the client does


@dataclass
class Origin:
    """The test server: where it listens and what reached it."""

    port: int
    requests: list[dict] = field(default_factory=list)

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    @property
    def paths(self) -> list[str]:
        return [request["path"] for request in self.requests]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    origin: Origin  # set on the subclass each server gets

    def log_message(self, format, *args):  # keep pytest's output clean
        pass

    def do_GET(self):
        self.origin.requests.append(
            {
                "path": self.path,
                "host": self.headers.get("Host"),
                "accept_encoding": self.headers.get("Accept-Encoding"),
            }
        )
        parts = urlsplit(self.path)
        route = getattr(self, "route_" + parts.path.strip("/").split("/")[0].replace("-", "_"))
        try:
            route(parts.path, parse_qs(parts.query))
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client hung up on purpose (size cap, timeout)

    def send_body(self, body: bytes, status: int = 200, **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, location: str, status: int = 302) -> None:
        self.send_response(status)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def route_big(self, path, query):
        self.send_body(BODY, Content_Type="application/octet-stream")

    def route_chain(self, path, query):
        # /chain/3 -> chain/2 (relative) -> /chain/1 (absolute path) -> http://.../chain/0 -> /big
        hops = int(path.rsplit("/", 1)[1])
        location = {
            3: "2",
            2: "/chain/1",
            1: self.origin.url("/chain/0"),
            0: "/big",
        }[hops]
        self.redirect(location, status=(301, 302, 307, 308)[hops])

    def route_to(self, path, query):
        self.redirect(query["url"][0])

    def route_loop(self, path, query):
        self.redirect("/loop")

    def route_large(self, path, query):
        self.send_body(b"x" * (CAP * 4))

    def route_large_unannounced(self, path, query):
        # No Content-Length: the body ends when the connection does, so only counting stops it.
        self.send_response(200)
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        for _ in range(64):
            self.wfile.write(b"y" * CAP)

    def route_drip(self, path, query):
        # Each byte comes well within any per-read timeout; only a total deadline ends it.
        self.send_response(200)
        self.send_header("Content-Length", "100000")
        self.end_headers()
        self.drip(b"z" * 100000)

    def route_drip_headers(self, path, query):
        self.wfile.write(b"HTTP/1.1 200 OK\r\n")
        self.drip(b"X-Slow: " + b"s" * 100000)

    def drip(self, data: bytes) -> None:
        stop = time.monotonic() + DRIP_SECONDS
        for byte in data:
            if time.monotonic() > stop:
                break
            self.wfile.write(bytes([byte]))
            self.wfile.flush()
            time.sleep(0.02)
        self.close_connection = True

    def route_gzip(self, path, query):
        self.send_body(gzip.compress(b"a" * 10000), Content_Encoding="gzip")

    def route_status(self, path, query):
        self.send_body(b"nope", status=int(path.rsplit("/", 1)[1]))


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # hung-up clients and refused TLS handshakes are expected here


@pytest.fixture(scope="module")
def server() -> Iterator[Origin]:
    httpd = QuietServer(("127.0.0.1", 0), Handler)
    origin = Origin(port=httpd.server_address[1])
    httpd.RequestHandlerClass = type("BoundHandler", (Handler,), {"origin": origin})
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield origin
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def origin(server: Origin) -> Origin:
    server.requests.clear()
    return server


@pytest.fixture
def dest(tmp_path: Path) -> Path:
    return tmp_path


def fetch_local(url: str, dest: Path, **options):
    options = {"max_bytes": 2 * MB, "timeout": 5.0, "allow": LOCAL, **options}
    return fetch(url, dest, **options)


def refused(url: str, dest: Path, **options) -> FetchError:
    with pytest.raises(FetchError) as caught:
        fetch_local(url, dest, **options)
    return caught.value


# --- the good cases, with 127.0.0.1 allowed ---------------------------------------------------


def test_fetching_a_body_writes_its_bytes_and_digest_to_a_file_in_dest_dir(origin, dest):
    url = origin.url("/big")

    fetched = fetch_local(url, dest)

    assert fetched.path.parent == dest
    assert fetched.path.read_bytes() == BODY
    assert fetched.size == len(BODY)
    assert fetched.sha256 == hashlib.sha256(BODY).hexdigest()
    assert fetched.content_type == "application/octet-stream"
    assert fetched.final_url == url


def test_fetching_asks_for_identity_encoding(origin, dest):
    fetch_local(origin.url("/big"), dest)

    assert origin.requests[0]["accept_encoding"] == "identity"


def test_a_redirect_chain_is_followed_with_relative_locations_resolved(origin, dest):
    fetched = fetch_local(origin.url("/chain/3"), dest)

    assert origin.paths == ["/chain/3", "/chain/2", "/chain/1", "/chain/0", "/big"]
    assert fetched.sha256 == hashlib.sha256(BODY).hexdigest()
    assert fetched.final_url == origin.url("/big")


def test_an_allowed_host_name_may_be_fetched_and_is_sent_as_the_host(origin, dest, monkeypatch):
    resolve_to(monkeypatch, {"gen.lan": ["127.0.0.1"]})

    fetched = fetch_local(origin.url("/big", host="gen.lan"), dest, allow="gen.lan")

    assert fetched.size == len(BODY)
    assert origin.requests[0]["host"] == f"gen.lan:{origin.port}"


def test_the_allowance_may_be_an_iterable(origin, dest):
    fetched = fetch_local(origin.url("/big"), dest, allow=["gen.lan", " 127.0.0.0/8 "])

    assert fetched.size == len(BODY)


# --- refusals before any connection -----------------------------------------------------------


def test_loopback_is_refused_without_the_allowance_before_any_request(origin, dest):
    error = refused(origin.url("/big"), dest, allow="")

    assert error.code == "refused_address"
    assert not error.retryable
    assert origin.requests == []
    assert list(dest.iterdir()) == []


def test_localhost_is_refused_by_what_it_resolves_to(origin, dest):
    error = refused(origin.url("/big", host="localhost"), dest, allow="")

    assert error.code == "refused_address"
    assert origin.requests == []


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "127.1.2.3",
        "0.0.0.0",
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "100.64.0.1",  # shared address space (carrier-grade NAT)
        "169.254.169.254",  # cloud metadata service
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "2130706433",  # 127.0.0.1 as one number, which the resolver accepts
        "0x7f.0.0.1",
        "[::1]",
        "[::]",
        "[fe80::1]",
        "[fc00::1]",
        "[fd12:3456::1]",
        "[ff02::1]",
        "[::ffff:127.0.0.1]",
        "[::ffff:10.0.0.1]",
        "[::ffff:169.254.169.254]",
        "[2002:a00:1::1]",  # 6to4 around 10.0.0.1
        "[64:ff9b::a9fe:a9fe]",  # NAT64 around 169.254.169.254
    ],
)
def test_a_non_public_literal_address_is_refused(origin, dest, host):
    error = refused(f"http://{host}:{origin.port}/big", dest, allow="")

    assert error.code == "refused_address"
    assert origin.requests == []


def test_a_host_name_resolving_to_a_private_address_is_refused(origin, dest, monkeypatch):
    resolve_to(monkeypatch, {"internal.example": ["10.1.2.3"]})

    error = refused("http://internal.example/big", dest, allow="")

    assert error.code == "refused_address"
    assert "10.1.2.3" in error.message


def test_one_private_answer_among_public_ones_refuses_the_host(origin, dest, monkeypatch):
    resolve_to(monkeypatch, {"mixed.example": ["93.184.216.34", "2606:2800:220::1", "::1"]})

    error = refused("http://mixed.example/big", dest, allow="")

    assert error.code == "refused_address"


def test_an_address_outside_the_allowed_range_is_still_refused(origin, dest):
    error = refused(origin.url("/big"), dest, allow="10.0.0.0/8,gen.lan")

    assert error.code == "refused_address"
    assert origin.requests == []


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://127.0.0.1/", "//127.0.0.1/x"]
)
def test_a_scheme_other_than_http_is_refused(dest, url):
    error = refused(url, dest)

    assert error.code == "refused_scheme"


@pytest.mark.parametrize(
    "url",
    ["http:///nohost", "http://127.0.0.1:99999/", "http://user:pw@127.0.0.1/", "http://a..b/"],
)
def test_a_malformed_url_is_refused(dest, url):
    error = refused(url, dest)

    assert error.code == "bad_url"


# --- refusals on redirects --------------------------------------------------------------------


@pytest.mark.parametrize(
    "location",
    [
        "http://10.0.0.1/",
        "http://169.254.169.254/latest/meta-data",
        "http://[::ffff:10.0.0.1]/",
        "http://[fd00::1]/",
    ],
)
def test_a_redirect_to_a_private_address_is_refused(origin, dest, location):
    error = refused(origin.url(f"/to?url={location}"), dest)

    assert error.code == "refused_address"
    assert len(origin.requests) == 1  # the allowed hop was made, nothing after it


def test_a_redirect_to_loopback_is_refused_when_only_the_first_host_is_allowed(
    origin, dest, monkeypatch
):
    resolve_to(monkeypatch, {"gen.lan": ["127.0.0.1"]})
    url = origin.url(f"/to?url={origin.url('/big')}", host="gen.lan")

    error = refused(url, dest, allow="gen.lan")

    assert error.code == "refused_address"
    assert len(origin.requests) == 1


def test_a_redirect_to_a_file_url_is_refused(origin, dest):
    error = refused(origin.url("/to?url=file:///etc/passwd"), dest)

    assert error.code == "refused_scheme"


def test_a_redirect_loop_ends_with_too_many_redirects(origin, dest):
    error = refused(origin.url("/loop"), dest, max_redirects=3)

    assert error.code == "too_many_redirects"
    assert len(origin.requests) == 4  # the first request and three redirects followed
    assert list(dest.iterdir()) == []


def test_max_redirects_zero_refuses_the_first_redirect(origin, dest):
    error = refused(origin.url("/chain/0"), dest, max_redirects=0)

    assert error.code == "too_many_redirects"


# --- caps, encodings, statuses ----------------------------------------------------------------


def test_an_announced_body_over_the_cap_is_refused_and_no_file_is_left(origin, dest):
    error = refused(origin.url("/large"), dest, max_bytes=CAP)

    assert error.code == "too_large"
    assert not error.retryable
    assert list(dest.iterdir()) == []


def test_an_unannounced_body_over_the_cap_is_cut_off_and_no_file_is_left(origin, dest):
    error = refused(origin.url("/large-unannounced"), dest, max_bytes=CAP)

    assert error.code == "too_large"
    assert list(dest.iterdir()) == []


def test_a_body_exactly_at_the_cap_is_kept(origin, dest):
    fetched = fetch_local(origin.url("/big"), dest, max_bytes=len(BODY))

    assert fetched.size == len(BODY)


def test_a_gzip_content_encoding_is_refused_not_decompressed(origin, dest):
    error = refused(origin.url("/gzip"), dest)

    assert error.code == "refused_encoding"
    assert list(dest.iterdir()) == []


@pytest.mark.parametrize(
    ("status", "retryable"), [(404, False), (403, False), (500, True), (503, True), (429, True)]
)
def test_a_non_2xx_status_is_an_http_status_error(origin, dest, status, retryable):
    error = refused(origin.url(f"/status/{status}"), dest)

    assert error.code == "http_status"
    assert str(status) in error.message
    assert error.retryable is retryable
    assert list(dest.iterdir()) == []


# --- the total deadline -----------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/drip", "/drip-headers"])
def test_a_dribbling_server_is_cut_off_at_the_total_timeout(origin, dest, path):
    started = time.monotonic()

    error = refused(origin.url(path), dest, timeout=0.5)

    assert error.code == "timeout"
    assert error.retryable
    assert time.monotonic() - started < DRIP_SECONDS - 1  # well before the server gives up
    assert list(dest.iterdir()) == []


# --- DNS rebinding ----------------------------------------------------------------------------


def test_the_connection_goes_to_the_checked_address_without_resolving_again(
    origin, dest, monkeypatch
):
    """A rebinding resolver: the first answer passes the check, later answers would not.

    gen.lan first resolves to 127.0.0.1 (inside the allowed range), then to 127.0.0.2 (outside
    it, and nothing listens there). A fetcher that resolved again to connect would either be
    refused or reach 127.0.0.2; this one asks once and connects to the address it checked.
    """
    calls = resolve_to(monkeypatch, {"gen.lan": ["127.0.0.1"]}, then={"gen.lan": ["127.0.0.2"]})

    fetched = fetch_local(origin.url("/big", host="gen.lan"), dest)

    assert fetched.size == len(BODY)
    assert calls == ["gen.lan"]
    assert origin.requests[0]["host"] == f"gen.lan:{origin.port}"


def test_each_redirect_hop_is_resolved_once_and_checked(origin, dest, monkeypatch):
    calls = resolve_to(monkeypatch, {"gen.lan": ["127.0.0.1"]}, then={"gen.lan": ["10.0.0.1"]})
    url = origin.url(f"/to?url={origin.url('/big', host='gen.lan')}", host="gen.lan")

    error = refused(url, dest)

    assert error.code == "refused_address"
    assert calls == ["gen.lan", "gen.lan"]
    assert len(origin.requests) == 1


# --- HTTPS: the pinned address, with the host name for SNI and certificate checks -----------


@pytest.fixture(scope="module")
def tls_ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def tls_server(tls_ca) -> Iterator[tuple[Origin, list[str]]]:
    """An HTTPS origin on 127.0.0.1 whose certificate names gen.lan only; records SNI names."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls_ca.issue_cert("gen.lan").configure_cert(context)
    server_names: list[str] = []
    context.sni_callback = lambda _sock, name, _ctx: server_names.append(name)
    httpd = QuietServer(("127.0.0.1", 0), Handler)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    origin = Origin(port=httpd.server_address[1])
    httpd.RequestHandlerClass = type("BoundHandler", (Handler,), {"origin": origin})
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield origin, server_names
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def trusting(tls_ca, tmp_path_factory, monkeypatch):
    """Make the test CA the one trusted (OpenSSL reads SSL_CERT_FILE for its default paths)."""
    bundle = tmp_path_factory.mktemp("ca") / "ca.pem"
    tls_ca.cert_pem.write_to_path(str(bundle))
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))


def test_https_connects_to_the_checked_address_and_verifies_the_host_name(
    tls_server, trusting, dest, monkeypatch
):
    origin, server_names = tls_server
    origin.requests.clear()
    server_names.clear()
    calls = resolve_to(monkeypatch, {"gen.lan": ["127.0.0.1"]}, then={"gen.lan": ["127.0.0.2"]})
    url = f"https://gen.lan:{origin.port}/big"

    fetched = fetch_local(url, dest)

    assert fetched.sha256 == hashlib.sha256(BODY).hexdigest()
    assert calls == ["gen.lan"]
    assert server_names == ["gen.lan"]
    assert origin.requests[0]["host"] == f"gen.lan:{origin.port}"


def test_https_refuses_a_certificate_for_another_name(tls_server, trusting, dest):
    origin, _ = tls_server
    origin.requests.clear()

    error = refused(f"https://127.0.0.1:{origin.port}/big", dest)

    assert error.code == "network"
    assert "certificate" in error.message.lower()
    assert origin.requests == []


# --- helpers ----------------------------------------------------------------------------------


def resolve_to(monkeypatch, first: dict[str, list[str]], then: dict | None = None) -> list[str]:
    """Answer getaddrinfo for the given names (``then`` from the second call on); others as usual.

    Returns the list of names looked up, in order, so a test can count the lookups.
    """
    real = socket.getaddrinfo
    calls: list[str] = []

    def fake(host, port, *args, **kwargs):
        if host not in first:
            return real(host, port, *args, **kwargs)
        answers = first[host] if not calls.count(host) or then is None else then[host]
        calls.append(host)
        return [
            (
                socket.AF_INET6 if ":" in address else socket.AF_INET,
                socket.SOCK_STREAM,
                socket.IPPROTO_TCP,
                "",
                (address, port, 0, 0) if ":" in address else (address, port),
            )
            for address in answers
        ]

    monkeypatch.setattr(fetching.socket, "getaddrinfo", fake)
    return calls
