"""Nothing is believed unverified: spoiled, misaddressed, endless and missing answers."""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import httpx
import pytest

from stock_tracker_desktop.licensing import (
    LicensingClient,
    LicensingConfig,
    LicensingError,
    Unreachable,
    Unverified,
)
from stock_tracker_desktop.simulator import Fault, KeygenWorld, RunningSimulator
from tests.licensing.conftest import FINGERPRINT, MovableClock, activate

LOGGER = "stock_tracker_desktop.licensing"


@pytest.mark.parametrize(
    ("tamper", "check"),
    [
        ("body", "digest"),
        ("stale-date", "date"),
        ("other-key", "signature"),
        ("unsigned", "unsigned"),
        ("wrong-nonce", "nonce"),
    ],
)
def test_a_spoiled_validation_is_unverified(
    client: LicensingClient,
    keygen: KeygenWorld,
    caplog: pytest.LogCaptureFixture,
    tamper: str,
    check: str,
) -> None:
    licence = keygen.add_licence()
    activate(client, licence)
    keygen.tamper = tamper  # type: ignore[assignment]

    with caplog.at_level(logging.WARNING, logger=LOGGER), pytest.raises(Unverified) as raised:
        client.validate(licence.key, FINGERPRINT)

    assert f"rejected: {check}" in caplog.text
    assert licence.key not in caplog.text and licence.key not in str(raised.value)
    assert "could not be verified" in str(raised.value)


@pytest.mark.parametrize("tamper", ["stale-date", "other-key", "unsigned"])
def test_a_spoiled_empty_answer_is_unverified(
    client: LicensingClient, keygen: KeygenWorld, tamper: str
) -> None:
    licence = keygen.add_licence()
    machine = activate(client, licence)
    keygen.tamper = tamper  # type: ignore[assignment]
    with pytest.raises(Unverified):
        client.deactivate(licence.key, machine.id)  # 204, signed with an empty body


def test_the_clocks_may_differ_by_less_than_five_minutes(
    config: LicensingConfig, keygen: KeygenWorld, clock: MovableClock
) -> None:
    licence = keygen.add_licence()
    ahead = MovableClock()
    ahead.now = clock.now
    ahead.advance(4 * 60)
    with LicensingClient(config, clock=ahead) as client:
        assert client.validate(licence.key, FINGERPRINT).code == "NO_MACHINES"
        ahead.advance(2 * 60)
        with pytest.raises(Unverified):
            client.validate(licence.key, FINGERPRINT)


def test_answers_signed_with_another_accounts_key_are_unverified(
    config: LicensingConfig, keygen: KeygenWorld, clock: MovableClock
) -> None:
    licence = keygen.add_licence()
    stranger = LicensingConfig(config.base_url, config.account, "11" * 32)
    with LicensingClient(stranger, clock=clock) as client, pytest.raises(Unverified):
        client.validate(licence.key, FINGERPRINT)


def test_an_unknown_account_is_unverified(
    config: LicensingConfig, keygen: KeygenWorld, clock: MovableClock
) -> None:
    elsewhere = LicensingConfig(config.base_url, "another-account", config.public_key)
    with LicensingClient(elsewhere, clock=clock) as client, pytest.raises(Unverified):
        client.validate(keygen.add_licence().key, FINGERPRINT)


def test_a_cut_answer_is_unverified(
    client: LicensingClient, keygen: KeygenWorld, sim: RunningSimulator
) -> None:
    sim.world.faults.add(Fault(kind="truncated", path_prefix="/v1/accounts/"))
    with pytest.raises(Unverified):
        client.validate(keygen.add_licence().key, FINGERPRINT)


def test_a_server_error_is_unreachable(
    client: LicensingClient, keygen: KeygenWorld, sim: RunningSimulator
) -> None:
    sim.world.faults.add(Fault(kind="server_error", path_prefix="/v1/accounts/"))
    with pytest.raises(Unreachable, match="try again"):
        client.validate(keygen.add_licence().key, FINGERPRINT)


class Recording(httpx.BaseTransport):
    """The real transport, keeping each request it sent."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.requests: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


def test_requests_ask_for_signed_json_api(
    config: LicensingConfig, keygen: KeygenWorld, clock: MovableClock
) -> None:
    licence = keygen.add_licence()
    recording = Recording()
    with LicensingClient(config, clock=clock, transport=recording) as client:
        client.validate(licence.key, FINGERPRINT)
    validate, entitlements = recording.requests

    for request in (validate, entitlements):
        assert request.headers["accept"] == "application/vnd.api+json"
        assert request.headers["content-type"] == "application/vnd.api+json"
        assert request.headers["keygen-accept-signature"] == 'algorithm="ed25519"'
    meta = json.loads(validate.content)["meta"]
    assert isinstance(meta["nonce"], int)
    assert meta["key"] == licence.key and meta["scope"] == {"fingerprint": FINGERPRINT}
    assert "authorization" not in validate.headers
    assert entitlements.headers["authorization"] == f"License {licence.key}"
    assert licence.key not in repr(client)


@pytest.mark.parametrize(
    "address",
    [
        "http://licence.example.com",
        "http://10.0.0.5:8080",
        "http://127.0.0.1.example.com",
        "ftp://licence.example.com",
        "api.keygen.sh",
        "::::",
    ],
)
def test_only_https_leaves_this_computer(address: str) -> None:
    with pytest.raises(LicensingError, match="https://"):
        LicensingClient(LicensingConfig(address, "acc", "11" * 32))


@pytest.mark.parametrize("address", ["http://localhost:1", "http://127.0.0.1:1", "http://[::1]:1"])
def test_plain_http_to_loopback_is_allowed(address: str) -> None:
    LicensingClient(LicensingConfig(address, "acc", "11" * 32)).close()


def test_the_simulators_key_follows_its_seed(keygen: KeygenWorld) -> None:
    assert KeygenWorld(seed=11).public_key_hex == keygen.public_key_hex
    assert KeygenWorld(seed=12).public_key_hex != keygen.public_key_hex


def test_a_public_key_that_is_not_one_is_refused() -> None:
    with pytest.raises(LicensingError, match="public key"):
        LicensingClient(LicensingConfig("https://api.keygen.sh", "acc", "not hex"))


# -- servers that misbehave below HTTP ------------------------------------------------------------


def _endless(conn: socket.socket, stop: threading.Event) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
    chunk = b"10000\r\n" + b"x" * 0x10000 + b"\r\n"
    while not stop.is_set():
        conn.sendall(chunk)


def _huge(conn: socket.socket, stop: threading.Event) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 50000000000\r\n\r\n{")
    stop.wait()


def _silent(conn: socket.socket, stop: threading.Event) -> None:
    stop.wait()


def _trickle(conn: socket.socket, stop: threading.Event) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
    while not stop.wait(0.05):
        conn.sendall(b"1\r\nx\r\n")


@contextmanager
def raw_server(behave: Callable[[socket.socket, threading.Event], None]) -> Iterator[str]:
    """An HTTP-ish server on 127.0.0.1 that reads a request, then ``behave``s."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.1)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with conn:
                try:
                    conn.recv(65536)
                    behave(conn, stop)
                except OSError:
                    pass  # the client hung up: what it should do

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(timeout=2)
        listener.close()


@pytest.mark.parametrize(
    ("behave", "error"),
    [(_endless, Unverified), (_huge, Unverified), (_silent, Unreachable), (_trickle, Unreachable)],
)
def test_a_bad_server_never_hangs_the_client(
    behave: Callable[[socket.socket, threading.Event], None], error: type[LicensingError]
) -> None:
    with raw_server(behave) as base_url:
        client = LicensingClient(LicensingConfig(base_url, "acc", "11" * 32), timeout=1.0)
        started = time.monotonic()
        with client, pytest.raises(error):
            client.validate("KEY", FINGERPRINT)
    assert time.monotonic() - started < 3


def test_nobody_listening_is_unreachable() -> None:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    client = LicensingClient(LicensingConfig(f"http://127.0.0.1:{port}", "acc", "11" * 32))
    with client, pytest.raises(Unreachable, match="could not be reached"):
        client.validate("KEY", FINGERPRINT)
