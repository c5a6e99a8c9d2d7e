"""One webhook POST within a total time limit, to an address checked once.

A socket timeout bounds each read, not a request: a receiver that trickles one byte at a time
could hold a send for minutes. Here one deadline covers the whole send (name resolution,
connect, TLS handshake, writing the request, reading the status line and headers): every socket
operation gets only the time left, and none starts after the deadline. The host is resolved
once; the addresses are checked (non-public ones refused unless allowed) and the connection
goes to a checked address, so a second lookup cannot lead somewhere else. Redirects are not
followed (they could lead past the check): a 3xx is a failed attempt, as any non-2xx is.
"""

from __future__ import annotations

import dataclasses
import http.client
import io
import ipaddress
import socket
import ssl
import threading
import time
import urllib.parse
from typing import Any

AddressInfo = tuple[Any, ...]  # what socket.getaddrinfo returns per address


@dataclasses.dataclass(frozen=True)
class SendOutcome:
    response_status: int | None
    error: str


class DeadlineExceeded(TimeoutError):
    """The send's total time limit passed; the message says where."""


class Deadline:
    """A point in monotonic time; ``remaining()`` raises once it has passed."""

    def __init__(self, seconds: float) -> None:
        self.message = f"timed out: the send took over its {seconds:g} s limit"
        self.at = time.monotonic() + seconds

    def remaining(self) -> float:
        left = self.at - time.monotonic()
        if left <= 0:
            raise DeadlineExceeded(self.message)
        return left


class _DeadlineSocket:
    """The part of a socket ``http.client`` uses, each operation bounded by the deadline."""

    def __init__(self, sock: socket.socket, deadline: Deadline) -> None:
        self._sock = sock
        self._deadline = deadline

    def sendall(self, data: bytes) -> None:
        # Since Python 3.5 the timeout bounds the whole sendall, not each chunk.
        self._sock.settimeout(self._deadline.remaining())
        self._sock.sendall(data)

    def recv_into(self, buffer: memoryview) -> int:
        self._sock.settimeout(self._deadline.remaining())
        return self._sock.recv_into(buffer)

    def makefile(self, mode: str) -> io.BufferedReader:
        return io.BufferedReader(_DeadlineReader(self))

    def close(self) -> None:
        self._sock.close()


class _DeadlineReader(io.RawIOBase):
    def __init__(self, sock: _DeadlineSocket) -> None:
        self._deadline_socket = sock

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        return self._deadline_socket.recv_into(memoryview(buffer).cast("B"))


def _resolve(host: str, port: int, deadline: Deadline) -> list[AddressInfo]:
    """``getaddrinfo`` has no timeout of its own: wait for it only until the deadline."""
    found: list[list[AddressInfo]] = []
    failed: list[OSError] = []

    def lookup() -> None:
        try:
            found.append(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except OSError as error:
            failed.append(error)

    resolver = threading.Thread(target=lookup, name="webhook-resolve", daemon=True)
    resolver.start()
    resolver.join(timeout=deadline.remaining())
    if failed:
        raise failed[0]
    if not found:
        raise DeadlineExceeded(f"timed out resolving {host}")
    return found[0]


def _connect(infos: list[AddressInfo], deadline: Deadline) -> socket.socket:
    last_error: OSError = OSError("no address to connect to")
    for family, kind, protocol, _name, address in infos:
        sock = socket.socket(family, kind, protocol)
        try:
            sock.settimeout(deadline.remaining())
            sock.connect(address)
        except OSError as error:
            sock.close()
            last_error = error
            continue
        return sock
    raise last_error


def send_post(
    *,
    url: str,
    body: bytes,
    headers: dict[str, str],
    deadline_seconds: float,
    allow_private_addresses: bool,
) -> SendOutcome:
    """POST ``body`` to ``url``; whatever happens, return within about ``deadline_seconds``."""
    deadline = Deadline(deadline_seconds)
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    https = parts.scheme == "https"
    try:
        port = parts.port or (443 if https else 80)
        try:
            infos = _resolve(host, port, deadline)
        except socket.gaierror as error:
            return SendOutcome(response_status=None, error=f"cannot resolve {host}: {error}")
        if not allow_private_addresses and any(
            not ipaddress.ip_address(info[4][0]).is_global for info in infos
        ):
            return SendOutcome(
                response_status=None, error=f"refused: {host} resolves to a non-public address"
            )
        sock = _connect(infos, deadline)
        connection: http.client.HTTPConnection
        if https:
            context = ssl.create_default_context()
            try:
                sock = context.wrap_socket(
                    sock, server_hostname=host, do_handshake_on_connect=False
                )
                sock.settimeout(deadline.remaining())
                sock.do_handshake()  # bounded as a whole by the timeout (Python 3.11)
            except BaseException:
                sock.close()
                raise
            connection = http.client.HTTPSConnection(host, port, context=context)
        else:
            connection = http.client.HTTPConnection(host, port)
        connection.sock = _DeadlineSocket(sock, deadline)
        try:
            path = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))
            connection.request("POST", path, body=body, headers=headers)
            status = connection.getresponse().status
        finally:
            connection.close()
    except TimeoutError as error:
        # A socket operation given only the time left times out exactly when the limit passes.
        message = str(error) if isinstance(error, DeadlineExceeded) else deadline.message
        return SendOutcome(response_status=None, error=message)
    except (OSError, http.client.HTTPException, ValueError) as error:
        return SendOutcome(response_status=None, error=str(error)[:500] or type(error).__name__)
    if 200 <= status < 300:
        return SendOutcome(response_status=status, error="")
    return SendOutcome(response_status=status, error=f"HTTP {status}")
