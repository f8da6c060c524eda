"""The demo's words for front ends: its data directory, its published passphrase, the simulator
it runs against and the sellers it makes (``AppCore.ensure_demo_tenants``).

A module of its own so that only the demo loads the simulator.
"""

from stock_tracker_desktop.services.demo import (
    DEMO_TENANTS,
    DemoTenant,
    demo_home,
    demo_passphrase,
    running_demo,
)
from stock_tracker_desktop.simulator import RunningSimulator

__all__ = [
    "DEMO_TENANTS",
    "DemoTenant",
    "RunningSimulator",
    "demo_home",
    "demo_passphrase",
    "running_demo",
]
