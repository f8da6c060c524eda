"""`stock-tracker demo [--headless]`: demo sellers against the built-in simulator."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from stock_tracker_desktop.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    NO_DISPLAY,
    has_display,
    run_in_core,
)

if TYPE_CHECKING:
    from stock_tracker_desktop.cli.sync import SyncReport
    from stock_tracker_desktop.core import AppCore
    from stock_tracker_desktop.core.demo import RunningSimulator


def register(sub: argparse._SubParsersAction) -> None:
    demo = sub.add_parser(
        "demo",
        help="demo sellers (one WB, one Ozon, one with an expired token) against the built-in "
        "simulator, in the data dir's demo/ folder",
    )
    demo.add_argument(
        "--headless", action="store_true", help="sync them, print the results and exit"
    )
    demo.set_defaults(handler=cmd_demo)


def cmd_demo(args: argparse.Namespace) -> int:
    from stock_tracker_desktop.core import demo

    home = demo.demo_home()
    headless = args.headless or not has_display()
    if headless and not args.headless:
        print(f"note: {NO_DISPLAY}; running the demo headless", file=sys.stderr)
    with demo.running_demo() as sim:
        if not headless:
            from stock_tracker_desktop.ui.app import run_gui

            run_in_core(
                lambda core: core.ensure_demo_tenants(sim),
                passphrase=demo.demo_passphrase,
                home=home,
            )
            return run_gui(home, passphrase=demo.demo_passphrase, sync_on_start=True)
        return _headless(home, sim)


def _headless(home: Path, sim: RunningSimulator) -> int:
    from stock_tracker_desktop.cli.sync import print_report, run_sync
    from stock_tracker_desktop.core import demo

    async def sync_demo(core: AppCore) -> SyncReport:
        await core.ensure_demo_tenants(sim)
        print(f"demo data directory: {core.home}", file=sys.stderr)
        return await run_sync(core, [t.name for t in demo.DEMO_TENANTS])

    report = run_in_core(sync_demo, passphrase=demo.demo_passphrase, home=home)
    code = print_report(report, as_json=False)
    if report.interrupted:
        return code
    by_name = {line.result.tenant: line.result for line in report.tenants}
    as_intended = all(
        (not by_name[t.name].ok and "token expired" in by_name[t.name].message)
        if t.expected_to_fail
        else by_name[t.name].ok
        for t in demo.DEMO_TENANTS
    )
    if as_intended:
        print(
            f"demo behaved as intended: the expired-token tenant failed with a clear message. "
            f"See the runs with: STOCK_TRACKER_HOME={home} stock-tracker history",
            file=sys.stderr,
        )
        return EXIT_OK
    print("demo did not behave as intended (see above)", file=sys.stderr)
    return EXIT_FAILED
