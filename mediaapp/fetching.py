"""Fetch a URL a user supplied: public addresses only, every hop checked, bounded in size and time.

This is the only way the server may fetch a user's URL (DESIGN.md, "Media storage"). It stands
alone: it imports neither the Flask app nor the database, so a background job can call it.

The rules, and why each one is here:

* Only ``http`` and ``https``: any other scheme reaches things a web URL should not (files, FTP).
* Every address the host name resolves to must be public (``ipaddress`` ``is_global``, and not
  multicast, reserved, loopback, link-local ...). One private answer refuses the whole host,
  because we cannot know which answer a later lookup would pick.
* The connection goes to the very address that was checked; the name is never resolved again
  after the check, so a DNS answer that changes between check and use (rebinding) gains nothing.
  The Host header, TLS SNI and certificate verification still use the host name.
* Redirects are followed by hand, and each hop is checked like the first.
* The body is streamed to a file and capped; ``timeout`` bounds the whole fetch, enforced by a
  watchdog that shuts the socket down at the deadline, because socket timeouts only bound each
  single read and a server dripping one byte at a time would never trip them.
* We ask for ``identity`` encoding and refuse a compressed answer instead of decompressing it,
  so no decompression bomb gets past the size cap.
"""

from __future__ import annotations

import hashlib
import http.client
import ipaddress
import pathlib
import socket
import tempfile
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

import urllib3
from urllib3.connection import HTTPConnection, HTTPSConnection

__all__ = ["FetchError", "Fetched", "fetch", "is_refused_address"]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

USER_AGENT = "mediaapp-fetch/1"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
RETRYABLE_STATUSES = frozenset({408, 429})
CHUNK_SIZE = 64 * 1024

# NAT64 (RFC 6052 well-known prefix, and the RFC 8215 local-use one): the last 32 bits are an
# IPv4 address that a NAT64 gateway would connect to on our behalf.
NAT64_PREFIXES = (
    ipaddress.IPv6Network("64:ff9b::/96"),
    ipaddress.IPv6Network("64:ff9b:1::/48"),
)


class FetchError(Exception):
    """A fetch that produced no body.

    ``code`` is a short machine code: ``refused_address``, ``refused_scheme``,
    ``refused_encoding``, ``too_large``, ``timeout``, ``http_status``, ``too_many_redirects``,
    ``bad_url`` or ``network``. ``message`` is a sentence for logs and users. ``retryable`` says
    whether trying the same URL later may succeed: network errors, timeouts and HTTP 5xx, 408
    and 429 are retryable; refusals, other 4xx and ``too_large`` are not.
    """

    def __init__(
        self, code: str, message: str, *, retryable: bool = False, status: int | None = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.retryable = retryable
        # The HTTP status of an 'http_status' failure, so a caller can tell "gone" from others.
        self.status = status

    def __repr__(self) -> str:
        return f"FetchError({self.code!r}, {self.message!r}, retryable={self.retryable})"


@dataclass(frozen=True)
class Fetched:
    """A body fetched to a temporary file. The caller owns ``path`` and deletes it."""

    path: pathlib.Path
    size: int
    sha256: str
    content_type: str | None  # what the server said; informational, never trusted
    final_url: str


def fetch(
    url: str,
    dest_dir: pathlib.Path,
    *,
    max_bytes: int,
    timeout: float,
    allow: str | Iterable[str] = "",
    max_redirects: int = 5,
) -> Fetched:
    """GET ``url`` into a new temporary file in ``dest_dir`` (which must exist).

    Follows at most ``max_redirects`` redirects, checking the scheme and every resolved address
    of each hop. ``allow`` (``MEDIAAPP_FETCH_ALLOW`` style: comma-separated host names and CIDR
    ranges, or an iterable of them) lets an allowed host name, or an address inside an allowed
    range, through the address rule. ``timeout`` bounds the whole call, including name
    resolution, connecting, TLS, every redirect and every read. A body over ``max_bytes`` is
    refused, whether announced by Content-Length or found while streaming.

    Returns a :class:`Fetched` for a 2xx answer. Raises :class:`FetchError` otherwise, and then
    leaves no file behind. Raises ``ValueError`` for a malformed ``allow`` or non-positive caps.
    """
    if max_bytes < 0 or timeout <= 0 or max_redirects < 0:
        raise ValueError("max_bytes and max_redirects must be >= 0 and timeout > 0")
    allowance = _Allowance.parse(allow)
    deadline = _Deadline(timeout)
    try:
        current = url
        for _hop in range(max_redirects + 1):
            target = _Target.parse(current)
            addresses = _resolve_checked(target, allowance, deadline)
            result = _get(target, addresses, dest_dir, max_bytes, deadline)
            if isinstance(result, Fetched):
                return result
            current = result  # a redirect: the next hop's URL
        raise FetchError(
            "too_many_redirects", f"More than {max_redirects} redirects, starting at {url}."
        )
    finally:
        deadline.cancel()


def is_refused_address(address: IPAddress) -> bool:
    """Whether an address is one the fetcher never connects to (without an allowance).

    True for anything not globally routable: loopback, private, link-local (including the
    169.254.169.254 metadata service), multicast, reserved, unspecified, shared (CGNAT), and
    their IPv6 forms; also for IPv6 addresses that embed such an IPv4 address (IPv4-mapped,
    IPv4-compatible, 6to4, NAT64), since those reach the IPv4 address through a gateway.
    """
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None and is_refused_address(embedded):
            return True
        if address.is_site_local:
            return True
    return (
        not address.is_global
        or address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast  # some IPv4 multicast ranges count as "global"
        or address.is_reserved
        or address.is_unspecified
    )


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if any(address in prefix for prefix in NAT64_PREFIXES):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if int(address) >> 32 == 0 and int(address) > 1:
        # Deprecated IPv4-compatible form ::a.b.c.d; ::/96 is reserved anyway, belt and braces.
        return ipaddress.IPv4Address(int(address))
    return None


# --- the pieces of one fetch ---------------------------------------------------------------


@dataclass(frozen=True)
class _Allowance:
    """The parsed ``allow`` setting: exact host names and address ranges."""

    hosts: frozenset[str]
    networks: tuple[IPNetwork, ...]

    @classmethod
    def parse(cls, allow: str | Iterable[str]) -> _Allowance:
        items = allow.split(",") if isinstance(allow, str) else list(allow)
        hosts: set[str] = set()
        networks: list[IPNetwork] = []
        for raw in items:
            item = raw.strip()
            if not item:
                continue
            try:
                networks.append(ipaddress.ip_network(item, strict=False))
                continue
            except ValueError:
                pass
            name = item.lower().rstrip(".")
            if not name or any(c in name for c in "/:@ \t[]"):
                raise ValueError(f"Not a host name or CIDR range in the fetch allowance: {raw!r}")
            hosts.add(name)
        return cls(frozenset(hosts), tuple(networks))

    def allows_host(self, host: str) -> bool:
        return host.rstrip(".") in self.hosts

    def allows_address(self, address: IPAddress) -> bool:
        candidates: list[IPAddress] = [address]
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            candidates.append(address.ipv4_mapped)
        return any(
            candidate.version == network.version and candidate in network
            for candidate in candidates
            for network in self.networks
        )


@dataclass(frozen=True)
class _Target:
    """One hop's URL, split and normalised: what we connect to and what we ask for."""

    url: str
    scheme: str
    host: str  # ASCII (IDNA) host name or IP literal, without brackets
    port: int
    request_target: str  # path and query, percent-encoded

    @classmethod
    def parse(cls, url: str) -> _Target:
        try:
            parts = urlsplit(url.strip())
            port = parts.port
        except ValueError as exc:
            raise FetchError("bad_url", f"Not a valid URL: {url!r} ({exc}).") from None
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https"):
            shown = scheme or "no scheme"
            raise FetchError("refused_scheme", f"Only http and https are fetched, not {shown}.")
        if parts.username is not None or parts.password is not None:
            # Credentials in a user's URL are never ours to send, and "trusted@evil" misleads.
            raise FetchError("bad_url", "URLs with a user name or password are not fetched.")
        host = parts.hostname
        if not host:
            raise FetchError("bad_url", f"The URL has no host: {url!r}.")
        try:
            ipaddress.ip_address(host)
        except ValueError:
            host = _ascii_host(host, url)
        return cls(
            url=parts._replace(fragment="").geturl(),
            scheme=scheme,
            host=host,
            port=port or (443 if scheme == "https" else 80),
            request_target=_request_target(parts.path, parts.query),
        )


def _ascii_host(host: str, url: str) -> str:
    """The IDNA form of a host name, since the Host header and SNI are ASCII only."""
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        raise FetchError("bad_url", f"The host name in {url!r} is not valid.") from None


def _request_target(path: str, query: str) -> str:
    """Path and query for the request line.

    Escapes what cannot go there (spaces, non-ASCII, control characters, which could otherwise
    split the request) and keeps the escapes and delimiters already present.
    """
    path = quote(path or "/", safe="/%:@!$&'()*+,;=-._~")
    query = quote(query, safe="/?%:@!$&'()*+,;=-._~")
    return f"{path}?{query}" if query else path


@dataclass(frozen=True)
class _Address:
    """One checked getaddrinfo answer: everything needed to open a socket without DNS."""

    family: int
    proto: int
    sockaddr: tuple[Any, ...]


class _Deadline:
    """The whole fetch's time limit.

    Socket timeouts bound each blocking call, which is not enough: a server sending a byte
    every second keeps every call short and the fetch endless. So a timer also shuts the
    current socket down when the time is up, which ends whatever read is waiting on it.
    """

    def __init__(self, timeout: float) -> None:
        self._end = time.monotonic() + timeout
        self._lock = threading.Lock()
        self._fd: int | None = None
        self.expired = False
        self._timer = threading.Timer(timeout, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def remaining(self) -> float:
        """Seconds left; raises the timeout FetchError once there are none."""
        left = self._end - time.monotonic()
        if left <= 0 or self.expired:
            raise _timeout()
        return left

    def check(self) -> None:
        if self.expired:
            raise _timeout()

    def watch(self, sock: socket.socket | None) -> None:
        """Make ``sock`` the one to shut down at the deadline (``None`` before closing it).

        The file descriptor is kept rather than the object because TLS wrapping detaches the
        plain socket object; the descriptor stays the same. It is forgotten under the lock
        before the socket is closed, so a reused descriptor is never touched.
        """
        with self._lock:
            self._fd = sock.fileno() if sock is not None else None
            if self._fd is not None and self.expired:
                self._shutdown(self._fd)

    def cancel(self) -> None:
        self._timer.cancel()

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            if self._fd is not None:
                self._shutdown(self._fd)

    @staticmethod
    def _shutdown(fd: int) -> None:
        alias = socket.socket(fileno=fd)
        try:
            alias.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass  # already closed by the peer: nothing left to interrupt
        finally:
            alias.detach()  # the descriptor belongs to the connection, not to this alias


def _timeout() -> FetchError:
    return FetchError("timeout", "The fetch did not finish in time.", retryable=True)


def _resolve_checked(target: _Target, allowance: _Allowance, deadline: _Deadline) -> list[_Address]:
    """Resolve the hop's host once and check every answer; the answers are what we connect to."""
    answers = _getaddrinfo(target.host, target.port, deadline)
    if not answers:
        raise FetchError("network", f"{target.host} has no address.", retryable=True)
    if allowance.allows_host(target.host):
        return answers
    for answer in answers:
        address = ipaddress.ip_address(answer.sockaddr[0])
        if is_refused_address(address) and not allowance.allows_address(address):
            named = "" if target.host == answer.sockaddr[0] else f"{target.host} resolves to "
            raise FetchError("refused_address", f"{named}{address} is not a public address.")
    return answers


def _getaddrinfo(host: str, port: int, deadline: _Deadline) -> list[_Address]:
    """socket.getaddrinfo, bounded by the deadline (the resolver has no timeout of its own).

    The lookup runs in a daemon thread; if time runs out we stop waiting and leave it to finish.
    """
    outcome: dict[str, Any] = {}

    def lookup() -> None:
        try:
            outcome["answers"] = socket.getaddrinfo(
                host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
            )
        except OSError as exc:
            outcome["error"] = exc

    worker = threading.Thread(target=lookup, name="fetch-resolve", daemon=True)
    worker.start()
    worker.join(deadline.remaining())
    if worker.is_alive():
        raise _timeout()
    if "error" in outcome:
        raise FetchError(
            "network", f"Could not resolve {host}: {outcome['error']}.", retryable=True
        )
    seen: list[_Address] = []
    for family, _type, proto, _canon, sockaddr in outcome["answers"]:
        if family not in (socket.AF_INET, socket.AF_INET6):
            continue
        address = _Address(family, proto, tuple(sockaddr))
        if address not in seen:
            seen.append(address)
    return seen


class _PinnedConnectionMixin:
    """Connects to addresses checked beforehand instead of resolving ``host`` again.

    Everything else (Host header, SNI, certificate host name checks) still uses ``host``,
    because urllib3 only resolves the name in ``_new_conn``, which is replaced here.
    """

    addresses: Sequence[_Address]
    deadline: _Deadline
    socket_options: Any
    timeout: Any

    def _new_conn(self) -> socket.socket:
        last_error: OSError | None = None
        for address in self.addresses:
            sock = socket.socket(address.family, socket.SOCK_STREAM, address.proto)
            self.deadline.watch(sock)
            try:
                for option in self.socket_options or ():
                    sock.setsockopt(*option)
                sock.settimeout(self.deadline.remaining())
                sock.connect(address.sockaddr)
                return sock
            except OSError as exc:
                last_error = exc
                self.deadline.watch(None)
                sock.close()
            except BaseException:
                self.deadline.watch(None)
                sock.close()
                raise
        assert last_error is not None  # addresses is never empty
        raise last_error


class _PinnedHTTPConnection(_PinnedConnectionMixin, HTTPConnection):
    pass


class _PinnedHTTPSConnection(_PinnedConnectionMixin, HTTPSConnection):
    pass


def _get(
    target: _Target,
    addresses: list[_Address],
    dest_dir: pathlib.Path,
    max_bytes: int,
    deadline: _Deadline,
) -> Fetched | str:
    """One GET to checked addresses. Returns the body, or the next URL for a redirect."""
    connection_class = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    conn = connection_class(target.host, target.port, timeout=deadline.remaining())
    conn.addresses = addresses
    conn.deadline = deadline
    response: urllib3.BaseHTTPResponse | None = None
    try:
        conn.request(
            "GET",
            target.request_target,
            headers={
                "User-Agent": USER_AGENT,
                "Accept": "*/*",
                "Accept-Encoding": "identity",
                "Connection": "close",
            },
            preload_content=False,
            decode_content=False,
        )
        conn.timeout = deadline.remaining()  # getresponse() applies it to the socket
        response = conn.getresponse()
        if response.status in REDIRECT_STATUSES and response.headers.get("Location"):
            return urljoin(target.url, response.headers["Location"].strip())
        if not 200 <= response.status < 300:
            raise FetchError(
                "http_status",
                f"{target.url} answered HTTP {response.status}.",
                retryable=response.status >= 500 or response.status in RETRYABLE_STATUSES,
                status=response.status,
            )
        _refuse_encodings(response)
        _refuse_announced_size(response, max_bytes)
        return _stream_body(response, conn, target, dest_dir, max_bytes, deadline)
    except FetchError:
        raise
    except (OSError, http.client.HTTPException, urllib3.exceptions.HTTPError, ValueError) as exc:
        # ValueError covers what http.client raises for some malformed answers (chunk sizes).
        deadline.check()  # an error caused by the watchdog's shutdown is a timeout
        if isinstance(exc, TimeoutError | urllib3.exceptions.TimeoutError):
            raise _timeout() from None
        raise FetchError(
            "network", f"Fetching {target.url} failed: {exc}.", retryable=True
        ) from None
    finally:
        deadline.watch(None)
        if response is not None:
            response.close()
        conn.close()


def _refuse_encodings(response: urllib3.BaseHTTPResponse) -> None:
    """Refuse content or transfer codings we would have to undo (we asked for identity)."""
    encoding = (response.headers.get("Content-Encoding") or "identity").strip().lower()
    if encoding != "identity":
        raise FetchError(
            "refused_encoding", f"The server sent a {encoding} body although identity was asked."
        )
    transfer = (response.headers.get("Transfer-Encoding") or "").lower()
    codings = {coding.strip() for coding in transfer.split(",") if coding.strip()}
    if codings - {"chunked", "identity"}:
        raise FetchError("refused_encoding", f"The server sent Transfer-Encoding {transfer}.")


def _refuse_announced_size(response: urllib3.BaseHTTPResponse, max_bytes: int) -> None:
    length = response.headers.get("Content-Length")
    if length is not None and length.strip().isdigit() and int(length) > max_bytes:
        raise _too_large(max_bytes)


def _too_large(max_bytes: int) -> FetchError:
    return FetchError("too_large", f"The body is larger than the {max_bytes}-byte limit.")


def _stream_body(
    response: urllib3.BaseHTTPResponse,
    conn: HTTPConnection,
    target: _Target,
    dest_dir: pathlib.Path,
    max_bytes: int,
    deadline: _Deadline,
) -> Fetched:
    """Copy the body to a temporary file in ``dest_dir``, hashing as it goes.

    Reads at most one byte past the cap, so an endless body costs ``max_bytes`` + 1. The file
    is deleted on any failure.
    """
    digest = hashlib.sha256()
    size = 0
    handle = tempfile.NamedTemporaryFile(
        dir=dest_dir, prefix="fetch-", suffix=".part", delete=False
    )
    path = pathlib.Path(handle.name)
    try:
        with handle:
            while True:
                if conn.sock is not None:
                    conn.sock.settimeout(deadline.remaining())
                # read1 makes at most one read from the socket, so the timeout above applies
                # to it; read() would loop until the whole amount arrived.
                chunk = response.read1(min(CHUNK_SIZE, max_bytes + 1 - size), decode_content=False)
                deadline.check()  # the watchdog's shutdown looks like end of body
                if not chunk:
                    break
                size += len(chunk)
                if size > max_bytes:
                    raise _too_large(max_bytes)
                digest.update(chunk)
                handle.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return Fetched(
        path=path,
        size=size,
        sha256=digest.hexdigest(),
        content_type=response.headers.get("Content-Type"),
        final_url=target.url,
    )
