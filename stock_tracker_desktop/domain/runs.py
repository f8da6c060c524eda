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
