"""Serving the simulator with uvicorn: in a background thread (tests, demo) or in the foreground."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import uvicorn

from stock_tracker_desktop.config import (
    LICENSE_ACCOUNT_ENV,
    LICENSE_BASE_URL_ENV,
    LICENSE_PUBLIC_KEY_ENV,
)
from stock_tracker_desktop.simulator.app import Observer, create_app
from stock_tracker_desktop.simulator.config import SimulatorConfig
from stock_tracker_desktop.simulator.world import World

STARTUP_TIMEOUT = 10.0


@dataclass
class RunningSimulator:
    base_url: str
    world: World
    server: uvicorn.Server
    thread: threading.Thread

    def licensing_env(self) -> dict[str, str]:
        """The variables that point the app's licensing client at this simulator's service."""
        return {
            LICENSE_BASE_URL_ENV: self.base_url,
            LICENSE_ACCOUNT_ENV: self.world.keygen.account,
            LICENSE_PUBLIC_KEY_ENV: self.world.keygen.public_key_hex,
        }


def _world(config_or_world: SimulatorConfig | World) -> World:
    if isinstance(config_or_world, World):
        return config_or_world
    return World.build(config_or_world)


def _server(world: World, host: str, port: int, observer: Observer | None) -> uvicorn.Server:
    config = uvicorn.Config(
        create_app(world, observer),
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        lifespan="off",
        # A `timeout` fault may still hold a request; do not wait for it at shutdown.
        timeout_graceful_shutdown=1,
        # The app dates its answers (keygen_api signs its Date); uvicorn's would be a second.
        date_header=False,
    )
    return uvicorn.Server(config)


@contextmanager
def start_in_thread(
    config_or_world: SimulatorConfig | World,
    *,
    port: int = 0,
    host: str = "127.0.0.1",
    observer: Observer | None = None,
) -> Iterator[RunningSimulator]:
    """Serve on ``host`` (a free port when 0) in a daemon thread; returns once it accepts."""
    world = _world(config_or_world)
    # IPPROTO_TCP named: asyncio turns Nagle's algorithm off only for a socket that says it is
    # TCP, and with it on every request after the first on a connection waited ~40 ms.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    bound_port = sock.getsockname()[1]
    server = _server(world, host, bound_port, observer)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="simulator", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            sock.close()
            raise RuntimeError("the simulator did not start")
        time.sleep(0.01)
    try:
        yield RunningSimulator(f"http://{host}:{bound_port}", world, server, thread)
    finally:
        server.should_exit = True
        thread.join(timeout=5)
        sock.close()


def serve_forever(config: SimulatorConfig, host: str = "127.0.0.1", port: int = 8800) -> None:
    """The CLI's `stock-tracker simulator`: print the credentials, then serve until stopped.

    These are the simulator's own credentials, so printing them is fine.
    """
    world = World.build(config)
    print(f"Simulator at http://{host}:{port} (WB and Ozon on the same base URL)", flush=True)
    keygen = world.keygen
    print(f"Licensing (Keygen API): account {keygen.account}")
    print(f"  public key:         {keygen.public_key_hex}")
    print(f"  Agency licence key: {keygen.demo_licence().key}", flush=True)
    for seller in world.sellers:
        print(f"- {seller.name} (seller id {seller.seller_id})")
        print(f"  WB token:       {seller.wb_token}")
        print(f"  Ozon Client-Id: {seller.ozon_client_id}")
        print(f"  Ozon Api-Key:   {seller.ozon_api_key}", flush=True)
    _server(world, host, port, None).run()
