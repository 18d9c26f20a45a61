"""Where a webhook may be posted, and the POST itself.

    url_problem(url) -> str | None    why a subscription's URL is refused (None: acceptable)
    post(url, body, headers, timeout, allow_private) -> Answer

Rules (against server-side request forgery, SSRF):
- https only; http only to localhost, 127.0.0.1 or ::1 (a receiver on the same machine, tests);
- at every attempt the host name is resolved, and every address it has must be a public one (not
  loopback, private, link-local, shared, reserved, multicast) unless WEBHOOK_ALLOW_PRIVATE_TARGETS;
  the connection goes to the address that was checked (a second lookup could answer another: DNS
  rebinding), with the host name kept for TLS (SNI and the certificate check) and the Host header;
- redirects are never followed: a 3xx is a failed attempt, retried like any other.
Certificates are verified against the system's authorities."""

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
MAX_ANSWER_BYTES = 4096  # read and dropped: the receiver's body is never stored


@dataclass(frozen=True)
class Answer:
    status_code: int | None  # None: no HTTP answer
    error: str | None
    duration_ms: int


class Blocked(Exception):
    """The target resolves to an address webhooks may not reach."""


def url_problem(url: str) -> str | None:
    """A short reason code when `url` cannot be a webhook target: "scheme" (not https, or http away
    from this machine), "host" (none, or credentials in it), "address" (a literal address that is not
    public; only loopback is allowed, for http)."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port  # raises on a malformed port
    except ValueError:
        return "host"
    host = (parts.hostname or "").lower()
    if not host or parts.username or parts.password or port == 0:
        return "host"
    if parts.scheme == "http":
        return None if host in LOCAL_HOSTS else "scheme"
    if parts.scheme != "https":
        return "scheme"
    return None


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def resolve(host: str, port: int, *, allow_private: bool) -> str:
    """The address to connect to: every address of `host` must be public (unless allowed)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise Blocked("no address")
    if not allow_private and not all(_public(address) for address in addresses):
        raise Blocked("not a public address")
    return addresses[0]


class _PinnedHTTP(http.client.HTTPConnection):
    """A connection to `address`, a checked address of the host it names."""

    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPS(_PinnedHTTP):
    """The same over TLS: the certificate is checked against the host name, not the address."""

    default_port = http.client.HTTPS_PORT

    def connect(self) -> None:
        super().connect()
        self.sock = ssl.create_default_context().wrap_socket(self.sock, server_hostname=self.host)


def post(url: str, body: bytes, headers: dict[str, str], *, timeout: float, allow_private: bool) -> Answer:
    """POST `body` to `url` with `headers`; the answer's status, or the error that prevented one."""
    started = time.monotonic()

    def answered(status: int | None, error: str | None) -> Answer:
        return Answer(status, error, round((time.monotonic() - started) * 1000))

    parts = urlsplit(url)
    host = parts.hostname or ""
    https = parts.scheme == "https"
    port = parts.port or (443 if https else 80)
    try:
        address = resolve(host, port, allow_private=allow_private)
    except Blocked as error:
        return answered(None, f"blocked: {error}")
    except OSError as error:
        return answered(None, f"dns: {error}")
    connection = (_PinnedHTTPS if https else _PinnedHTTP)(host, port, address=address, timeout=timeout)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(MAX_ANSWER_BYTES)
        status = response.status
    except TimeoutError:
        return answered(None, "timeout")
    except (OSError, http.client.HTTPException) as error:
        return answered(None, f"{type(error).__name__}: {error}"[:200])
    finally:
        connection.close()
    if 300 <= status < 400:
        return answered(status, "redirect not followed")
    return answered(status, None if 200 <= status < 300 else f"HTTP {status}")
