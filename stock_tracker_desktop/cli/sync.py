"""`stock-tracker sync`, `history` and `stock`: the engine and its records from a terminal."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

from stock_tracker_desktop.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    fail,
    print_json,
    print_table,
    run_in_core,
)
from stock_tracker_desktop.domain.runs import RunStatus, Trigger

T = TypeVar("T")

if TYPE_CHECKING:
    from stock_tracker_desktop.core import (
        AppCore,
        RunRecord,
        SnapshotInfo,
        StockLevelRow,
        SyncEvent,
        SyncResult,
        TenantView,
    )

EXIT_INTERRUPTED = 130  # 128 + SIGINT, what shells report for a program stopped by Ctrl-C


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
    """Progress on stderr: one live line on a terminal, one line per start/finish otherwise.

    The count is of tenants that finished (whatever their result), out of those chosen.
    """

    def __init__(self, total: int, stream: TextIO = sys.stderr) -> None:
        self.total = total
        self.done = 0
        self.stream = stream
        self.live = stream.isatty()
        self.current: dict[str, str] = {}

    def __call__(self, event: SyncEvent) -> None:
        from stock_tracker_desktop.core import SyncFinished, SyncProgress, SyncStarted

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
            print(
                f"[{self.done}/{self.total}] {event.tenant}: {event.status.value}",
                file=self.stream,
                flush=True,
            )
        if self.live:
            self._draw()

    def _draw(self) -> None:
        width = 30
        filled = int(width * self.done / max(1, self.total))
        busy = "; ".join(f"{name}: {what}" for name, what in list(self.current.items())[:3])
        line = f"[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} {busy}"
        self.stream.write("\r\033[K" + line[:160])
        self.stream.flush()

    def close(self) -> None:
        """Clear the live bar, so that the summary on stdout starts on a line of its own."""
        if self.live:
            self.stream.write("\r\033[K")
            self.stream.flush()


@dataclass(frozen=True, slots=True)
class TenantSummary:
    """One tenant's line of the summary: the engine's result and its run as history has it."""

    result: SyncResult
    run: RunRecord | None  # None when no run was started (refused, cancelled while queued)

    @property
    def tenant(self) -> str:
        return self.run.tenant if self.run else self.result.tenant

    @property
    def status(self) -> str:
        return self.result.status.value if self.result.status else "refused"

    @property
    def problem(self) -> str:
        return problem(self.run) if self.run else self.result.message


@dataclass(frozen=True, slots=True)
class SyncReport:
    tenants: list[TenantSummary]
    interrupted: bool = False  # Ctrl-C: the runs still going were cancelled


def stock_lines(run: RunRecord) -> int | None:
    """How many product x warehouse lines the run saved, as `stock --tenant` lists them; None
    when it saved no snapshot. (``run.stock_rows`` counts the marketplace's rows, one per size.)

    The engine's "saving" stage records the number of levels it published.
    """
    if run.status not in (RunStatus.SUCCEEDED, RunStatus.PARTLY_SUCCEEDED):
        return None
    return next((stage.rows for stage in run.stages if stage.stage == "saving"), None)


def problem(run: RunRecord) -> str:
    """What went wrong, as "stage (endpoint): message" as far as the run names them."""
    endpoint = f"({run.error_endpoint})" if run.error_endpoint else ""
    where = " ".join(part for part in (run.error_stage, endpoint) if part)
    return f"{where}: {run.error_message}" if where and run.error_message else run.error_message


RUN_HEADERS = ["TIME", "PRODUCTS", "STOCK LINES", "ORDERS", "REQUESTS", "429s"]


def _run_cells(run: RunRecord | None) -> list[object]:
    """TIME, PRODUCTS, STOCK LINES, ORDERS, REQUESTS, 429s: the same in `sync` and `history`."""
    if run is None:
        return [""] * len(RUN_HEADERS)
    return [
        f"{run.duration:.1f}s" if run.duration is not None else "",
        run.products,
        stock_lines(run),
        run.orders,
        run.requests,
        run.rate_limited,
    ]


def _summary_json(line: TenantSummary) -> dict[str, object]:
    run = line.run.as_json() if line.run else {}
    return {
        "tenant": line.tenant,
        "status": line.status,
        "run_id": run.get("id"),
        "duration_seconds": run.get("duration_seconds"),
        "products": run.get("products"),
        "stock_lines": stock_lines(line.run) if line.run else None,
        "stock_rows": run.get("stock_rows"),
        "orders": run.get("orders"),
        "requests": run.get("requests"),
        "rate_limited": run.get("rate_limited"),
        "message": line.problem,
    }


async def _chosen(core: AppCore, names: list[str] | None) -> list[TenantView]:
    """The tenants to sync: the named ones, or every enabled one (archived ones are not listed)."""
    if names is None:
        return [t for t in await core.tenants() if t.enabled]
    return [await core.tenant(name) for name in names]


async def run_sync(
    core: AppCore, names: list[str] | None, *, trigger: Trigger = Trigger.CLI
) -> SyncReport:
    """Sync tenants with a progress printer on stderr; on Ctrl-C cancel what still runs, wait
    until every run is recorded, and report it all as interrupted."""
    tenants = await _chosen(core, names)
    progress = ProgressPrinter(len(tenants))
    unsubscribe = core.subscribe(progress)
    tasks = [core.start_sync(tenant, trigger) for tenant in tenants]
    interrupted = False
    try:
        await asyncio.gather(*tasks)
    except asyncio.CancelledError:
        # asyncio.run turns the first Ctrl-C into this cancel; gather passed it on to the
        # runs, and each records how it ended before it returns. The cancel ends here, so
        # the awaits below run as in a task never cancelled.
        interrupted = True
        current = asyncio.current_task()
        if current is not None:
            current.uncancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    finally:
        unsubscribe()
    progress.close()
    results = [task.result() for task in tasks]
    reading = _runs_of(core, results)
    runs = await (_despite_cancels(reading) if interrupted else reading)
    return SyncReport(
        [TenantSummary(r, run) for r, run in zip(results, runs, strict=True)], interrupted
    )


async def _runs_of(core: AppCore, results: list[SyncResult]) -> list[RunRecord | None]:
    return [await core.run(r.run_id) if r.run_id else None for r in results]


async def _despite_cancels(awaitable: Coroutine[Any, Any, T]) -> T:
    """Read to the end after a Ctrl-C. A Ctrl-C that reached this task just as the runs were
    ending is delivered at its next await (the task was between two steps, not waiting), and
    would turn the whole report into a bare "interrupted"; it is absorbed here instead."""
    task = asyncio.ensure_future(awaitable)
    while not task.done():
        try:
            await asyncio.shield(task)
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if current is not None:
                current.uncancel()
    return task.result()


def print_report(report: SyncReport, *, as_json: bool) -> int:
    """The summary on stdout (and, after Ctrl-C, who finished and who was cancelled on stderr);
    returns the exit code."""
    if as_json:
        print_json([_summary_json(line) for line in report.tenants])
    else:
        print_table(
            ["TENANT", "STATUS", *RUN_HEADERS, "PROBLEM"],
            [
                [line.tenant, line.status, *_run_cells(line.run), line.problem]
                for line in report.tenants
            ],
        )
    if report.interrupted:
        print(_interrupted_note(report), file=sys.stderr)
        return EXIT_INTERRUPTED
    return EXIT_OK if all(line.result.ok for line in report.tenants) else EXIT_FAILED


def _interrupted_note(report: SyncReport) -> str:
    cancelled = [t.tenant for t in report.tenants if t.result.status is RunStatus.CANCELLED]
    finished = [
        f"{t.tenant} ({t.status})"
        for t in report.tenants
        if t.result.status is not RunStatus.CANCELLED
    ]
    return (
        f"interrupted: finished {', '.join(finished) or 'none'}; "
        f"cancelled {', '.join(cancelled) or 'none'} (their previous snapshots were kept)"
    )


def cmd_sync(args: argparse.Namespace) -> int:
    report = run_in_core(lambda core: run_sync(core, None if args.all else args.tenant))
    if not report.tenants and not report.interrupted:
        print("no enabled tenants to sync", file=sys.stderr)
    return print_report(report, as_json=args.json)


def cmd_history(args: argparse.Namespace) -> int:
    async def history(core: AppCore) -> list[RunRecord]:
        tenant_id = (await core.tenant(args.tenant)).id if args.tenant else None
        status = RunStatus(args.status) if args.status else None
        return await core.history(tenant_id=tenant_id, status=status, limit=args.limit)

    runs = run_in_core(history)
    if args.json:
        print_json([{**run.as_json(), "stock_lines": stock_lines(run)} for run in runs])
        return EXIT_OK
    print_table(
        ["STARTED", "TENANT", "TRIGGER", "STATUS", *RUN_HEADERS, "PROBLEM"],
        [
            [
                f"{run.started_at.astimezone():%Y-%m-%d %H:%M}",
                run.tenant,
                run.trigger.value,
                run.status.value,
                *_run_cells(run),
                problem(run),
            ]
            for run in runs
        ],
    )
    return EXIT_OK


def cmd_stock(args: argparse.Namespace) -> int:
    async def stock(core: AppCore) -> tuple[TenantView, SnapshotInfo, list[StockLevelRow]]:
        tenant = await core.tenant(args.tenant)
        current = await core.current_snapshot(tenant.id)
        if current is None:
            fail(
                f"{tenant.name} has no snapshot yet; run `stock-tracker sync --tenant "
                f'"{tenant.name}"` first',
                EXIT_FAILED,
            )
        return tenant, current, await core.stock_levels(current.id, low_only=args.low)

    tenant, current, rows = run_in_core(stock)
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
