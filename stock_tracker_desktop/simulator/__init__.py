"""A faithful local Wildberries and Ozon seller API for demo mode, tests and benchmarks, and a
Keygen-compatible licensing service (``World.keygen``).

One base URL serves every WB host's paths, every Ozon path and Keygen's: the paths never collide.
"""

from stock_tracker_desktop.simulator.app import create_app
from stock_tracker_desktop.simulator.config import SimulatorConfig
from stock_tracker_desktop.simulator.expected import ExpectedFigures
from stock_tracker_desktop.simulator.faults import Fault, FaultInjector, FaultKind
from stock_tracker_desktop.simulator.keygen_records import SimLicence, SimMachine
from stock_tracker_desktop.simulator.keygen_world import KeygenWorld
from stock_tracker_desktop.simulator.limits import OZON_LIMITS, WB_LIMITS, LimitSpec
from stock_tracker_desktop.simulator.server import RunningSimulator, serve_forever, start_in_thread
from stock_tracker_desktop.simulator.world import SellerAccount, World

__all__ = [
    "OZON_LIMITS",
    "WB_LIMITS",
    "ExpectedFigures",
    "Fault",
    "FaultInjector",
    "FaultKind",
    "KeygenWorld",
    "LimitSpec",
    "RunningSimulator",
    "SellerAccount",
    "SimLicence",
    "SimMachine",
    "SimulatorConfig",
    "World",
    "create_app",
    "serve_forever",
    "start_in_thread",
]
