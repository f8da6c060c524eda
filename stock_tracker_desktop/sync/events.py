"""What the sync engine tells its listeners (the CLI's progress bar, the window, the tray).

Plain dataclasses: ``ui/`` adapts them to Qt signals; nothing here knows about Qt.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from stock_tracker_desktop.domain.problems import Problem
from stock_tracker_desktop.storage.sync_runs import RunOutcome, RunStatus, Trigger


@dataclass(frozen=True, slots=True)
class SyncEvent:
    tenant: str
    tenant_id: uuid.UUID
    run_id: uuid.UUID


@dataclass(frozen=True, slots=True)
class SyncStarted(SyncEvent):
    trigger: Trigger


@dataclass(frozen=True, slots=True)
class SyncProgress(SyncEvent):
    stage: str
    pages: int
    rows: int


@dataclass(frozen=True, slots=True)
class SyncFinished(SyncEvent):
    outcome: RunOutcome
    new_low_stock: int = 0  # products low now that were not low in the previous snapshot

    @property
    def status(self) -> RunStatus:
        return self.outcome.status


Listener = Callable[[SyncEvent], None]


@dataclass(frozen=True, slots=True)
class SyncResult:
    """The end of one tenant's sync request: a run's outcome, or why no run was started."""

    tenant: str
    status: RunStatus | None
    run_id: uuid.UUID | None = None
    outcome: RunOutcome | None = None
    refused: str = ""
    # Why no run was started, for a reader in its own language (``refused`` is English).
    problem: Problem | None = None

    @property
    def ok(self) -> bool:
        return self.status in (RunStatus.SUCCEEDED, RunStatus.PARTLY_SUCCEEDED)

    @property
    def message(self) -> str:
        if self.refused:
            return self.refused
        if self.outcome is None or not self.outcome.error_message:
            return ""
        outcome = self.outcome
        where = f" ({outcome.error_endpoint})" if outcome.error_endpoint else ""
        return f"{outcome.error_stage}{where}: {outcome.error_message}"
