"""Does the window stay responsive while 50 tenants sync? A timer probe measures the stalls.

    python bench/bench_gui_responsiveness.py [--tenants 50] [--products 200] [--time-factor 0.02]

The simulator runs in its own process (real marketplaces are remote: their work must not
compete with the app for the GIL); the tenants are its sellers, half on Wildberries and half on
Ozon, with the real rate limits scaled by the time factor. The app side is the real thing: the
application core and its sync engine on a qasync loop, the main window with every view (the
home view included), all refreshing on the engine's events. A QTimer asks to fire
every 10 ms; how late each tick comes is how long the event loop was blocked. Target: the
maximum stall stays at or under 50 ms. Runs offscreen unless a display is set.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
if not os.environ.get("DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import httpx  # noqa: E402
import keyring  # noqa: E402
import qasync  # noqa: E402
from keyring.backends import fail  # noqa: E402
from licence import agency_licence  # noqa: E402  (bench/ is on the path)
from PySide6.QtCore import QObject, Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from stock_tracker_desktop.core import AppCore, Settings  # noqa: E402
from stock_tracker_desktop.domain.models import Marketplace  # noqa: E402
from stock_tracker_desktop.memory import freeze_startup_objects  # noqa: E402
from stock_tracker_desktop.services.context import AppContext  # noqa: E402
from stock_tracker_desktop.services.tenants import TenantDraft, TenantService  # noqa: E402
from stock_tracker_desktop.simulator import SimulatorConfig, World  # noqa: E402
from stock_tracker_desktop.ui.history_view import HistoryView  # noqa: E402
from stock_tracker_desktop.ui.main_window import MainWindow  # noqa: E402
from stock_tracker_desktop.ui.stock_view import StockView  # noqa: E402

PROBE_INTERVAL_MS = 10
TARGET_MAX_STALL_MS = 50.0
BENCH_PASSPHRASE = "benchmark passphrase"  # noqa: S105 (a throwaway vault)


class StallProbe(QObject):
    """A 10 ms timer; each tick records how much later than asked it fired (ms)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.stalls: list[float] = []
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(PROBE_INTERVAL_MS)
        self._timer.timeout.connect(self._tick)
        self._last = 0.0

    def start(self) -> None:
        self.stalls.clear()
        self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.stalls.append(max(0.0, (now - self._last) * 1000 - PROBE_INTERVAL_MS))
        self._last = now

    def summary(self) -> str:
        if not self.stalls:
            return "no ticks"
        ordered = sorted(self.stalls)
        p99 = ordered[min(len(ordered) - 1, round(len(ordered) * 0.99))]
        return (
            f"{len(ordered)} ticks, stall max {ordered[-1]:.1f} ms, p99 {p99:.1f} ms,"
            f" median {statistics.median(ordered):.1f} ms"
        )

    @property
    def max_stall(self) -> float:
        return max(self.stalls, default=0.0)


def open_throwaway(home: Path) -> AppContext:
    """A new installation in ``home``: passphrase vault, never the machine's keyring."""
    keyring.set_keyring(fail.Keyring())
    os.environ["STOCK_TRACKER_HOME"] = str(home)
    return AppContext.open(lambda: BENCH_PASSPHRASE, home)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def simulator_process(config: SimulatorConfig) -> Iterator[str]:
    """``stock-tracker simulator`` in a child process; yields its base URL once it answers."""
    port = _free_port()
    command = [
        sys.executable,
        "-m",
        "stock_tracker_desktop",
        "simulator",
        f"--port={port}",
        f"--seed={config.seed}",
        f"--sellers={config.sellers}",
        f"--products={config.products}",
        f"--time-factor={config.time_factor}",
    ]
    child = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL)
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            with contextlib.suppress(httpx.TransportError):
                httpx.get(f"{base_url}/ping", timeout=1)
                break
            if time.monotonic() > deadline or child.poll() is not None:
                raise RuntimeError("the simulator did not start")
            time.sleep(0.1)
        yield base_url
    finally:
        child.terminate()
        child.wait(10)


def add_tenants(ctx: AppContext, world: World, count: int) -> None:
    """Sellers 0, 1, ... as WB and Ozon tenants in turn (the same credentials the child
    simulator accepts: its world is built from the same seed)."""
    service = TenantService(ctx)
    for n in range(count):
        seller = world.sellers[n // 2]
        if n % 2 == 0:
            draft = TenantDraft(
                name=f"WB {n:02d}", marketplace=Marketplace.WILDBERRIES, token=seller.wb_token
            )
        else:
            draft = TenantDraft(
                name=f"Ozon {n:02d}",
                marketplace=Marketplace.OZON,
                client_id=seller.ozon_client_id,
                api_key=seller.ozon_api_key,
            )
        service.add(draft)


def build_window(core: AppCore, settings: Settings) -> tuple[MainWindow, StockView, HistoryView]:
    window = MainWindow(core, settings)
    return window, window.stock_view, window.history_view


async def run(args: argparse.Namespace) -> bool:
    config = SimulatorConfig(
        seed=args.seed,
        sellers=(args.tenants + 1) // 2,
        products=args.products,
        time_factor=args.time_factor,
    )
    world = World(config)
    with (
        tempfile.TemporaryDirectory(prefix="stock-tracker-bench-") as temp,
        simulator_process(config) as base_url,
        agency_licence(),
    ):
        for variable in ("STOCK_TRACKER_WB_BASE_URL", "STOCK_TRACKER_OZON_BASE_URL"):
            os.environ[variable] = base_url
        os.environ["STOCK_TRACKER_TIME_FACTOR"] = str(args.time_factor)
        ctx = await asyncio.to_thread(open_throwaway, Path(temp) / "home")
        await asyncio.to_thread(add_tenants, ctx, world, args.tenants)
        core = AppCore(ctx, concurrency=args.concurrency)
        window, stock, history = build_window(core, await core.settings())
        window.resize(1280, 800)
        window.show()
        first = TenantService(ctx).get("WB 00")
        window.show_stock(first)  # the Stock tab, shown: it reloads when this seller finishes
        freeze_startup_objects()  # as run_gui does once the window is up
        probe = StallProbe()
        try:
            probe.start()
            started = time.perf_counter()
            results = await core.sync()
            wall = time.perf_counter() - started
            await asyncio.sleep(1.0)  # the views' reloads after the last finish count too
            probe.stop()
        finally:
            await core.aclose()
            window.quitting = True
            window.deleteLater()
            ctx.close()
    ok = sum(1 for r in results if r.ok)
    print(
        f"{args.tenants} tenants ({ok} succeeded), {args.products} products each,"
        f" concurrency {args.concurrency}, time factor {args.time_factor}"
    )
    print(f"sync wall time: {wall:.1f} s")
    print(f"event loop: {probe.summary()} (target: max <= {TARGET_MAX_STALL_MS:.0f} ms)")
    print(f"stock view rows shown after the sync: {stock.model.rowCount()}")
    print(f"history view runs shown after the sync: {history.model.rowCount()}")
    return probe.max_stall <= TARGET_MAX_STALL_MS and ok == args.tenants


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tenants", type=int, default=50)
    parser.add_argument("--products", type=int, default=200)
    parser.add_argument("--time-factor", type=float, default=0.02)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)  # closing a view must not stop the loop
    with asyncio.Runner(loop_factory=qasync.QEventLoop) as runner:
        passed = runner.run(run(args))
    del app
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
