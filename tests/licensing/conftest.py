"""A simulator per test module, a clock the server and the client share (fresh for each test),
and a client pointed at the simulator's Keygen account. Each test adds licences of its own, so
the account's earlier licences never matter."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from stock_tracker_desktop.licensing import LicensingClient, LicensingConfig, Machine
from stock_tracker_desktop.simulator import (
    KeygenWorld,
    RunningSimulator,
    SimLicence,
    SimulatorConfig,
    start_in_thread,
)

FINGERPRINT = hashlib.sha256(b"desktop one").hexdigest()
OTHER_FINGERPRINT = hashlib.sha256(b"desktop two").hexdigest()


class MovableClock:
    """Aware UTC time that moves only when told to."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC).replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture(scope="module")
def sim() -> Iterator[RunningSimulator]:
    with start_in_thread(SimulatorConfig(seed=11, sellers=1, products=1)) as running:
        yield running


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock()


@pytest.fixture
def keygen(sim: RunningSimulator, clock: MovableClock) -> Iterator[KeygenWorld]:
    world = sim.world.keygen
    world.clock = clock
    yield world
    world.tamper = None
    sim.world.faults.clear()


@pytest.fixture
def config(sim: RunningSimulator, keygen: KeygenWorld) -> LicensingConfig:
    return LicensingConfig(
        base_url=sim.base_url, account=keygen.account, public_key=keygen.public_key_hex
    )


@pytest.fixture
def client(config: LicensingConfig, clock: MovableClock) -> Iterator[LicensingClient]:
    with LicensingClient(config, clock=clock, timeout=5.0) as licensing:
        yield licensing


def activate(
    client: LicensingClient, licence: SimLicence, fingerprint: str = FINGERPRINT
) -> Machine:
    return client.activate(licence.key, licence.id, fingerprint, name="desk", platform="Linux")
