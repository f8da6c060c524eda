"""Benchmarks measure paid-plan work (a hundred sellers, a team): they run on the simulator's
Agency licence, as the demo does. The in-process licensing service is the simulator's own
(a world of one seller); the app activates the licence the first time it needs the plan."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from stock_tracker_desktop.config import LICENSE_KEY_ENV, environment
from stock_tracker_desktop.simulator import SimulatorConfig, start_in_thread


@contextlib.contextmanager
def agency_licence() -> Iterator[None]:
    with start_in_thread(SimulatorConfig(seed="bench-licensing", sellers=1, products=1)) as sim:
        pointed = {**sim.licensing_env(), LICENSE_KEY_ENV: sim.world.keygen.demo_licence().key}
        with environment(pointed):
            yield
