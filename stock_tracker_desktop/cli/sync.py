"""`stock-tracker sync`, `history` and `stock`: the engine and its records from a terminal."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import TYPE_CHECKING, TextIO

from stock_tracker_desktop.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    fail,
    opened_context,
    print_json,
    print_table,
    translated_errors,
)

if TYPE_CHECKING:
    from stock_tracker_desktop.services.context import AppContext
    from stock_tracker_desktop.sync.events import SyncEvent, SyncResult


def register(sub: argparse._SubParsersAction) -> None:
    sync = sub.add_parser("sync", help="sync tenants now (progress on stderr, summary on stdout)")
    which = sync.add_mutually_exclusive_group(required=True)
    which.add_argument("--tenant", action="append", metavar="NAME", help="repeatable")
    which.add_argument("--all", action="store_true", help="every enabled tenant")
    sync.add_argument("--json", action="store_true")
    sync.set_defaults(handler=cmd_sync)

    history = sub.add_parser("history", help="past syncs, newest first")
    history.add_argument("--tenant", metavar="NAME")
    history.add_argument(
        "--status",
        choices=["running", "succeeded", "partly_succeeded", "failed", "cancelled", "interrupted"],
    )
    history.add_argument("--limit", type=int, default=50)
    history.add_argument("--json", action="store_true")
    history.set_defaults(handler=cmd_history)

    stock = sub.add_parser("stock", help="a tenant's current figures per product and warehouse")
    stock.add_argument("--tenant", metavar="NAME", required=True)
    stock.add_argument("--low", action="store_true", help="only low-stock rows")
    stock.add_argument("--json", action="store_true")
    stock.set_defaults(handler=cmd_stock)


class ProgressPrinter:
    """Progress on stderr: one live line on a terminal, one line per start/finish otherwise."""

    def __init__(self, total: int, stream: TextIO = sys.stderr) -> None:
        self.total = total
        self.done = 0
        self.stream = stream
        self.live = stream.isatty()
        self.current: dict[str, str] = {}

    def __call__(self, event: SyncEvent) -> None:
        from stock_tracker_desktop.sync.events import SyncFinished, SyncProgress, SyncStarted

        if isinstance(event, SyncStarted):
            self.current[event.tenant] = "starting"
            if not self.live:
                print(f"{event.tenant}: started", file=self.stream, flush=True)
        elif isinstance(event, SyncProgress):
            self.current[event.tenant] = f"{event.stage} {event.rows} rows"
        elif isinstance(event, SyncFinished):
            self.done += 1
            self.current.pop(event.tenant, None)
            if self.live:
                self.stream.write("\r\033[K")
            print(f"{event.tenant}: {event.status.value}", file=self.stream, flush=True)
        if self.live:
            self._draw()

    def _draw(self) -> None:
        width = 30
        filled = int(width * self.done / max(1, self.total))
        busy = "; ".join(f"{name}: {what}" for name, what in list(self.current.items())[:3])
        line = f"[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} {busy}"
        self.stream.write("\r\033[K" + line[:160])
        self.stream.flush()


def _result_row(result: SyncResult) -> list[object]:
    outcome = result.outcome
    return [
        result.tenant,
        result.status.value if result.status else "refused",
        outcome.products if outcome else "",
        outcome.stock_rows if outcome else "",
        outcome.orders if outcome else "",
        outcome.requests if outcome else "",
        outcome.rate_limited if outcome else "",
        f"{sum(s.seconds for s in outcome.stages):.1f}s" if outcome else "",
        result.message,
    ]


def _result_json(result: SyncResult) -> dict[str, object]:
    outcome = result.outcome
    return {
        "tenant": result.tenant,
        "status": result.status.value if result.status else "refused",
        "run_id": str(result.run_id) if result.run_id else None,
        "products": outcome.products if outcome else None,
        "stock_rows": outcome.stock_rows if outcome else None,
        "orders": outcome.orders if outcome else None,
        "requests": outcome.requests if outcome else None,
        "rate_limited": outcome.rate_limited if outcome else None,
        "message": result.message,
    }


async def run_sync(
    ctx: AppContext, names: list[str] | None, *, trigger_name: str = "cli"
) -> list[SyncResult]:
    """Sync tenants with a progress printer on stderr; cancel cleanly on Ctrl+C."""
    from stock_tracker_desktop.storage.sync_runs import Trigger
    from stock_tracker_desktop.sync.engine import SyncEngine

    engine = SyncEngine(ctx)
    try:
        total = len(names) if names else len(await engine.in_db(engine.tenants.list))
        engine.subscribe(ProgressPrinter(total))
        return await engine.sync(names, Trigger(trigger_name))
    finally:
        await engine.aclose()


def print_results(results: list[SyncResult], *, as_json: bool) -> int:
    if as_json:
        print_json([_result_json(r) for r in results])
    else:
        print_table(
            [
                "TENANT",
                "STATUS",
                "PRODUCTS",
                "STOCK ROWS",
                "ORDERS",
                "REQUESTS",
                "429s",
                "TIME",
                "PROBLEM",
            ],
            [_result_row(r) for r in results],
        )
    return EXIT_OK if all(r.ok for r in results) else EXIT_FAILED


def cmd_sync(args: argparse.Namespace) -> int:
    with opened_context() as ctx, translated_errors():
        results = asyncio.run(run_sync(ctx, None if args.all else args.tenant))
    if not results:
        print("no enabled tenants to sync", file=sys.stderr)
    return print_results(results, as_json=args.json)


def cmd_history(args: argparse.Namespace) -> int:
    from stock_tracker_desktop.services.tenants import TenantService
    from stock_tracker_desktop.storage.sync_runs import RunStatus, SyncRunRepository

    with opened_context() as ctx, translated_errors():
        tenant_id = TenantService(ctx).get(args.tenant).id if args.tenant else None
        status = RunStatus(args.status) if args.status else None
        runs = SyncRunRepository(ctx.engine).history(
            tenant_id=tenant_id, status=status, limit=args.limit
        )
    if args.json:
        print_json([run.as_json() for run in runs])
        return EXIT_OK
    print_table(
        [
            "STARTED",
            "TENANT",
            "TRIGGER",
            "STATUS",
            "TIME",
            "PRODUCTS",
            "STOCK ROWS",
            "ORDERS",
            "REQUESTS",
            "429s",
            "PROBLEM",
        ],
        [
            [
                f"{run.started_at.astimezone():%Y-%m-%d %H:%M}",
                run.tenant,
                run.trigger.value,
                run.status.value,
                f"{run.duration:.1f}s" if run.duration is not None else "",
                run.products,
                run.stock_rows,
                run.orders,
                run.requests,
                run.rate_limited,
                " ".join(
                    part
                    for part in (
                        f"{run.error_stage}:" if run.error_stage else "",
                        run.error_endpoint,
                        run.error_message,
                    )
                    if part
                ),
            ]
            for run in runs
        ],
    )
    return EXIT_OK


def cmd_stock(args: argparse.Namespace) -> int:
    from stock_tracker_desktop.services.tenants import TenantService
    from stock_tracker_desktop.storage import snapshots

    with opened_context() as ctx, translated_errors():
        tenant = TenantService(ctx).get(args.tenant)
        current = snapshots.current_snapshot(ctx.engine, tenant.id)
        if current is None:
            fail(
                f"{tenant.name} has no snapshot yet; run `stock-tracker sync --tenant "
                f'"{tenant.name}"` first',
                EXIT_FAILED,
            )
        rows = snapshots.stock_levels(ctx.engine, current.id, low_only=args.low)
    if args.json:
        print_json(
            {
                "tenant": tenant.name,
                "snapshot_at": current.taken_at.isoformat(),
                "window_days": current.window_days,
                "threshold_days": current.threshold_days,
                "rows": [
                    {
                        "product_id": r.product_id,
                        "vendor_code": r.vendor_code,
                        "name": r.name,
                        "brand": r.brand,
                        "subject": r.subject,
                        "warehouse": r.warehouse,
                        "warehouse_type": r.warehouse_type.value,
                        "stock": r.quantity,
                        "in_transit_to_customers": r.in_transit_to_customers,
                        "in_transit_returns": r.in_transit_returns,
                        "orders": r.orders,
                        "days_of_stock": r.days_of_stock,
                        "low_stock": r.low_stock,
                    }
                    for r in rows
                ],
            }
        )
        return EXIT_OK
    print(
        f"{tenant.name}: snapshot of {current.taken_at.astimezone():%Y-%m-%d %H:%M}, orders over "
        f"{current.window_days} days, low stock at or below {current.threshold_days:g} days",
        file=sys.stderr,
    )
    print_table(
        ["VENDOR CODE", "PRODUCT", "WAREHOUSE", "TYPE", "STOCK", "ORDERS", "DAYS", "LOW"],
        [
            [
                r.vendor_code,
                r.product_id,
                r.warehouse or "(in transit)",
                r.warehouse_type.value,
                r.quantity,
                r.orders,
                "" if r.days_of_stock is None else f"{r.days_of_stock:.1f}",
                "LOW" if r.low_stock else "",
            ]
            for r in rows
        ],
    )
    return EXIT_OK
