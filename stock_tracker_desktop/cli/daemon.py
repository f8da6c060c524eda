"""`stock-tracker daemon`: the schedules, headless, for an always-on office machine."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
from typing import TYPE_CHECKING

from stock_tracker_desktop.cli.common import EXIT_OK, run_in_core

if TYPE_CHECKING:
    from stock_tracker_desktop.core import AppCore

log = logging.getLogger("stock_tracker_desktop.daemon")
RELOAD_CHECK_SECONDS = 30.0


def register(sub: argparse._SubParsersAction) -> None:
    daemon = sub.add_parser(
        "daemon", help="run scheduled syncs until SIGINT/SIGTERM; logs go to the data dir"
    )
    daemon.set_defaults(handler=cmd_daemon)


def cmd_daemon(args: argparse.Namespace) -> int:
    from stock_tracker_desktop.core import announce

    announce("the daemon")  # how a refused rotation or restore names this process
    # The daemon runs the team's cycle itself, in the background (``run_daemon``).
    run_in_core(run_daemon, writable=True, team_cycle=False)
    return EXIT_OK


def _on_stop_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except NotImplementedError:  # Windows: no loop signal handlers
            signal.signal(sig, lambda *_: loop.call_soon_threadsafe(stop.set))


async def _marker(core: AppCore) -> tuple[object, ...]:
    """Changes when what the schedule depends on does: sellers, settings, the plan."""
    standing = await core.licence.standing()
    return (*await core.change_marker(), standing.plan)


async def run_daemon(core: AppCore, stop: asyncio.Event | None = None) -> None:
    """Run the scheduler until ``stop`` is set; then cancel what runs and record it."""
    from stock_tracker_desktop.logs import configure_logging
    from stock_tracker_desktop.memory import freeze_startup_objects

    configure_logging(core.home, to_stderr=True)
    stop = stop or asyncio.Event()
    _on_stop_signals(stop)
    await core.start_scheduler()
    if await core.team.start():
        log.info("in a team: pushing and pulling in the background (docs/team.md)")
    core.licence.start()
    marker = await _marker(core)
    _log_plan(core)
    freeze_startup_objects()
    try:
        while not stop.is_set():
            try:
                await asyncio.wait_for(stop.wait(), timeout=RELOAD_CHECK_SECONDS)
            except TimeoutError:
                # Tenants, settings or the plan changed from another process: re-plan.
                current = await _marker(core)
                if current != marker:
                    marker = current
                    await core.replan()
                    _log_plan(core)
    finally:
        log.info("stopping: %d sync(s) running will be cancelled", len(core.running))
        await core.aclose()
        log.info("stopped")


def _log_plan(core: AppCore) -> None:
    plan = core.plan()
    if not plan:
        log.info("no tenant has a schedule; nothing to do until one does")
    for name, when in plan:
        log.info("next sync of %s at %s", name, when.astimezone().isoformat(timespec="minutes"))
