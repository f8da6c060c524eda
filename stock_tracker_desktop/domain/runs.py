"""The words of a sync run: how it ended, what started it, which stage it was in.

One vocabulary for the engine, the history, the CLI and the window; each front end has one
table that turns these into its texts and icons (ui/texts.py, cli/sync.py).
"""

from __future__ import annotations

from enum import StrEnum


class RunStatus(StrEnum):
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    PARTLY_SUCCEEDED = "partly_succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"
    INTERRUPTED = "interrupted"


class Trigger(StrEnum):
    MANUAL = "manual"
    SCHEDULE = "schedule"
    CLI = "cli"


class Stage(StrEnum):
    """Where a run is or failed. Clients report finer steps as ``stage:detail`` ("stock:fbs")."""

    WAITING = "waiting"
    PRODUCTS = "products"
    STOCK = "stock"
    ORDERS = "orders"
    SAVING = "saving"
    EXPORT = "export"
    SYNC = "sync"  # the run as a whole (its deadline, an unexpected error)

    @classmethod
    def of(cls, stage_id: str) -> Stage | None:
        """The stage of a stage id such as "stock:fbo"; None for one this version lacks."""
        try:
            return cls(stage_id.split(":", 1)[0])
        except ValueError:
            return None
