"""Pytest plugin: a running simulator whose every exchange is checked against the specs.

``simulator`` (sellers=2, products=30, time_factor=0.01) and ``make_simulator(**config)``.
Request violations count only when the simulator accepted the request (status < 400): tests
send broken requests on purpose, and refusing them is the right answer. Answers of injected
faults (``X-Sim-Fault`` header) are not checked: being wrong is their point. Any other
violation fails the test at teardown, listing them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack

import pytest
from starlette.requests import Request
from starlette.responses import Response

from stock_tracker_desktop.simulator import RunningSimulator, SimulatorConfig, start_in_thread
from stock_tracker_desktop.simulator.app import FAULT_HEADER, Observer
from stock_tracker_desktop.simulator.fault_answers import is_ozon_path
from tests.spec_conformance import Exchange, spec_for, validate_exchange

FIXTURE_DEFAULTS = {"seed": 7, "sellers": 2, "products": 30, "time_factor": 0.01}
OZON_UNDECLARED = frozenset({429})


def conformance_observer(violations: list[str]) -> Observer:
    lock = threading.Lock()

    def observe(request_body: bytes, request: Request, body: bytes, response: Response) -> None:
        path, method, status = request.url.path, request.method, response.status_code
        if spec_for(path, method) is None:
            found = [] if status >= 400 else [f"{method} {path}: not in the specs"]
        else:
            exchange = Exchange(
                method=method,
                path=path,
                query=list(request.query_params.multi_items()),
                request_headers=dict(request.headers),
                request_body=request_body,
                status=status,
                response_headers=dict(response.headers),
                response_body=body,
            )
            undeclared = OZON_UNDECLARED if is_ozon_path(path) else frozenset()
            faulty = FAULT_HEADER.lower() in response.headers
            try:
                result = validate_exchange(
                    exchange, allow_undeclared=undeclared, check_response=not faulty
                )
            except Exception as exc:  # a validator crash is a finding too
                found = [f"{method} {path}: validator failed: {exc!r}"]
            else:
                found = [*(result.request if status < 400 else []), *result.response]
        if found:
            with lock:
                violations.extend(found)

    return observe


@pytest.fixture
def make_simulator() -> Iterator[Callable[..., RunningSimulator]]:
    violations: list[str] = []
    with ExitStack() as stack:

        def factory(**config: object) -> RunningSimulator:
            settings = SimulatorConfig(**{**FIXTURE_DEFAULTS, **config})  # type: ignore[arg-type]
            observer = conformance_observer(violations)
            return stack.enter_context(start_in_thread(settings, observer=observer))

        yield factory
    if violations:
        pytest.fail("spec violations:\n" + "\n".join(violations), pytrace=False)


@pytest.fixture
def simulator(make_simulator: Callable[..., RunningSimulator]) -> RunningSimulator:
    return make_simulator()


@pytest.fixture
def point_clients_at(
    make_simulator: Callable[..., RunningSimulator], monkeypatch: pytest.MonkeyPatch
) -> Callable[..., RunningSimulator]:
    """Start a simulator and send this process's marketplace clients to it (base URLs and the
    time factor), as a tenant's sync in the tests sees the marketplaces."""

    def start(**config: object) -> RunningSimulator:
        running = make_simulator(**config)
        monkeypatch.setenv("STOCK_TRACKER_WB_BASE_URL", running.base_url)
        monkeypatch.setenv("STOCK_TRACKER_OZON_BASE_URL", running.base_url)
        monkeypatch.setenv("STOCK_TRACKER_TIME_FACTOR", str(running.world.config.time_factor))
        return running

    return start
