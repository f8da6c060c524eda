"""The CLI's progress on stderr counts tenants that FINISHED, fed the engine's own events."""

from __future__ import annotations

import io
import uuid

from stock_tracker_desktop.cli.sync import ProgressPrinter
from stock_tracker_desktop.storage.sync_runs import RunOutcome, RunStatus, Trigger
from stock_tracker_desktop.sync.events import (
    SyncEvent,
    SyncFinished,
    SyncProgress,
    SyncStarted,
)


class Terminal(io.StringIO):
    """Standard error as a terminal sees it (the printer draws a live bar there)."""

    def isatty(self) -> bool:
        return True


def _ids(name: str) -> tuple[str, uuid.UUID, uuid.UUID]:
    return name, uuid.uuid5(uuid.NAMESPACE_DNS, name), uuid.uuid4()


A, B = _ids("Acme"), _ids("Beta")
# Two tenants at once, as the engine emits them: both start, one reports progress, the one
# that started second finishes first.
EVENTS: list[SyncEvent] = [
    SyncStarted(*A, Trigger.CLI),
    SyncStarted(*B, Trigger.CLI),
    SyncProgress(*A, "products", 1, 100),
    SyncFinished(*B, RunOutcome(RunStatus.FAILED)),
    SyncFinished(*A, RunOutcome(RunStatus.SUCCEEDED)),
]


def test_the_bar_counts_finished_tenants_not_started_ones() -> None:
    stream = Terminal()
    printer = ProgressPrinter(2, stream)
    bars = []
    for event in EVENTS:
        printer(event)
        bars.append(stream.getvalue().rsplit("\r\033[K", 1)[-1])
    counts = [bar.split("] ", 1)[1].split(" ", 1)[0] for bar in bars]
    assert counts == ["0/2", "0/2", "0/2", "1/2", "2/2"]
    assert "Acme: products 100 rows" in bars[2]
    printer.close()
    assert stream.getvalue().endswith("\r\033[K")  # the bar leaves no line behind for stdout


def test_lines_off_a_terminal_say_how_many_have_finished() -> None:
    stream = io.StringIO()
    printer = ProgressPrinter(2, stream)
    for event in EVENTS:
        printer(event)
    printer.close()
    assert stream.getvalue().splitlines() == [
        "Acme: started",
        "Beta: started",
        "[1/2] Beta: failed",
        "[2/2] Acme: succeeded",
    ]
