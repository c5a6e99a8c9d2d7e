"""One webhook POST within a total time limit, against real slow receivers on 127.0.0.1."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from reviews.webhooks.http import SendOutcome, send_post

LIMIT_SECONDS = 1.0
SLACK_SECONDS = 0.5  # scheduling noise on a shared machine
BYTE_EVERY_SECONDS = 0.2  # well inside any per-read timeout: only a total limit stops it
TRICKLE = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nX-Padding: " + b"x" * 40 + b"\r\n\r\n"


class RawReceiver:
    """A TCP server that reads a request, then answers as ``behaviour`` says (bounded loops)."""

    def __init__(self, behaviour: str) -> None:
        self.behaviour = behaviour
        self.requests = 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.2)
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}/hooks"
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.stopped.is_set():
            try:
                connection, _ = self.listener.accept()
            except TimeoutError:
                continue
            with connection:
                connection.settimeout(5)
                try:
                    connection.recv(65536)
                    self.requests += 1
                    self._answer(connection)
                except OSError:
                    pass  # the sender gave up and closed the connection

    def _answer(self, connection: socket.socket) -> None:
        if self.behaviour == "trickle":
            for byte in TRICKLE:  # at most len(TRICKLE) * 0.2 s
                if self.stopped.is_set():
                    return
                connection.sendall(bytes([byte]))
                time.sleep(BYTE_EVERY_SECONDS)
        elif self.behaviour == "silent":
            self.stopped.wait(10)
        elif self.behaviour == "redirect":
            connection.sendall(
                b"HTTP/1.1 302 Found\r\nLocation: http://169.254.169.254/\r\n"
                b"Content-Length: 0\r\n\r\n"
            )

    def close(self) -> None:
        self.stopped.set()
        self.thread.join(timeout=15)
        self.listener.close()


@pytest.fixture
def raw_receiver() -> Iterator[Any]:
    started: list[RawReceiver] = []

    def start(behaviour: str) -> RawReceiver:
        started.append(RawReceiver(behaviour))
        return started[-1]

    yield start
    for receiver in started:
        receiver.close()


def timed_send(url: str) -> tuple[SendOutcome, float]:
    started = time.monotonic()
    outcome = send_post(
        url=url,
        body=b'{"id":"x"}',
        headers={"Content-Type": "application/json"},
        deadline_seconds=LIMIT_SECONDS,
        allow_private_addresses=True,
    )
    return outcome, time.monotonic() - started


def test_a_receiver_trickling_its_answer_is_cut_off_at_the_total_limit(raw_receiver):
    # given a receiver that sends one byte of its answer every 0.2 s (about 13 s in all)
    receiver = raw_receiver("trickle")

    # when a send with a 1 s total limit goes to it
    outcome, elapsed = timed_send(receiver.url)

    # then it gives up after the limit, not after the whole trickle
    assert outcome == SendOutcome(
        response_status=None, error="timed out: the send took over its 1 s limit"
    )
    assert LIMIT_SECONDS - 0.05 <= elapsed < LIMIT_SECONDS + SLACK_SECONDS
    assert receiver.requests == 1


def test_a_receiver_that_never_answers_is_cut_off_at_the_total_limit(raw_receiver):
    receiver = raw_receiver("silent")

    outcome, elapsed = timed_send(receiver.url)

    assert outcome.response_status is None
    assert "timed out" in outcome.error
    assert elapsed < LIMIT_SECONDS + SLACK_SECONDS


def test_a_slow_name_lookup_counts_against_the_limit(monkeypatch):
    # given a resolver that takes 5 s to answer
    def slow_lookup(*args: Any, **kwargs: Any) -> list[Any]:
        time.sleep(5)
        return []

    monkeypatch.setattr(socket, "getaddrinfo", slow_lookup)

    outcome, elapsed = timed_send("http://hooks.example/in")

    assert outcome == SendOutcome(response_status=None, error="timed out resolving hooks.example")
    assert elapsed < LIMIT_SECONDS + SLACK_SECONDS


def test_a_redirect_is_a_failed_attempt_and_is_not_followed(raw_receiver):
    receiver = raw_receiver("redirect")

    outcome, _ = timed_send(receiver.url)

    assert outcome == SendOutcome(response_status=302, error="HTTP 302")
    assert receiver.requests == 1


def test_the_connection_goes_to_the_address_that_was_checked(monkeypatch):
    # given a name that resolves to a private address first (the check) and a public one later
    answers = iter(
        [
            [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", 80))],
            [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", 80))],
        ]
    )
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: next(answers))

    # when private addresses are refused
    outcome = send_post(
        url="http://rebinding.example/in",
        body=b"{}",
        headers={},
        deadline_seconds=LIMIT_SECONDS,
        allow_private_addresses=False,
    )

    # then the first answer is refused, and no second lookup is made to connect elsewhere
    assert outcome == SendOutcome(
        response_status=None, error="refused: rebinding.example resolves to a non-public address"
    )
    assert next(answers)[0][4] == ("93.184.216.34", 80)


def test_a_tls_handshake_that_never_completes_is_cut_off_at_the_total_limit(raw_receiver):
    # given an https endpoint whose server never answers the TLS hello
    receiver = raw_receiver("silent")

    outcome, elapsed = timed_send(receiver.url.replace("http://", "https://"))

    assert outcome == SendOutcome(
        response_status=None, error="timed out: the send took over its 1 s limit"
    )
    assert elapsed < LIMIT_SECONDS + SLACK_SECONDS


def test_an_https_endpoint_that_does_not_speak_tls_is_a_failed_attempt(raw_receiver):
    receiver = raw_receiver("redirect")  # answers in plain HTTP

    outcome, _ = timed_send(receiver.url.replace("http://", "https://"))

    assert outcome.response_status is None
    assert "SSL" in outcome.error
