"""The sync history: one row per attempt to sync a tenant, whatever its outcome."""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, Engine, delete, func, select, update
from sqlalchemy.orm import Session

from stock_tracker_desktop.domain.problems import Problem
from stock_tracker_desktop.domain.runs import RunStatus, Trigger
from stock_tracker_desktop.storage import outbox
from stock_tracker_desktop.storage.database import write_session, write_transaction
from stock_tracker_desktop.storage.models import SyncRun, Tenant


@dataclass(frozen=True, slots=True)
class StageRecord:
    stage: str
    seconds: float
    rows: int = 0


@dataclass
class RunOutcome:
    """What a finished run records."""

    status: RunStatus
    products: int = 0
    stock_rows: int = 0
    orders: int = 0
    requests: int = 0
    rate_limited: int = 0
    error_stage: str = ""
    error_endpoint: str = ""
    error_message: str = ""
    problem: Problem | None = None  # what error_message says, as code and parameters
    stages: list[StageRecord] = field(default_factory=list)

    def set_problem(self, problem: Problem) -> None:
        """The problem, and its English for the CLI, the logs and older readers."""
        self.problem = problem
        self.error_message = problem.english()


@dataclass(frozen=True, slots=True)
class RunRecord:
    id: uuid.UUID
    tenant_id: uuid.UUID
    tenant: str
    trigger: Trigger
    status: RunStatus
    started_at: datetime
    finished_at: datetime | None
    products: int
    stock_rows: int
    orders: int
    requests: int
    rate_limited: int
    error_stage: str
    error_endpoint: str
    error_message: str
    stages: tuple[StageRecord, ...]
    problem: Problem | None = None

    @property
    def duration(self) -> float | None:
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()

    def as_json(self) -> dict[str, object]:
        return {
            "id": str(self.id),
            "tenant": self.tenant,
            "trigger": self.trigger.value,
            "status": self.status.value,
            "started_at": self.started_at.isoformat(timespec="seconds"),
            "finished_at": self.finished_at.isoformat(timespec="seconds")
            if self.finished_at
            else None,
            "duration_seconds": round(self.duration, 3) if self.duration is not None else None,
            "products": self.products,
            "stock_rows": self.stock_rows,
            "orders": self.orders,
            "requests": self.requests,
            "rate_limited": self.rate_limited,
            "error": {
                "stage": self.error_stage,
                "endpoint": self.error_endpoint,
                "message": self.error_message,
                "problem": self.problem.as_json() if self.problem else None,
            }
            if self.error_message
            else None,
            "stages": [
                {"stage": s.stage, "seconds": round(s.seconds, 3), "rows": s.rows}
                for s in self.stages
            ],
        }


# Runs that count as the seller synced: a cancelled or interrupted one does not.
_DONE = (RunStatus.SUCCEEDED, RunStatus.PARTLY_SUCCEEDED, RunStatus.FAILED)
_PROCESS_OF_TRIGGER = {
    Trigger.SCHEDULE: "a scheduled sync",
    Trigger.CLI: "a `sync` command",
    Trigger.MANUAL: "the window",
}


class AlreadyRunning(RuntimeError):
    """The tenant is being synced already (here or in another process of this data dir)."""

    def __init__(self, tenant: str, since: datetime, process: str = "") -> None:
        local = since.astimezone()
        where = f" in {process}" if process else ""
        super().__init__(f"{tenant}: already syncing{where} since {local:%H:%M}")
        self.tenant = tenant
        self.since = since


class AlreadySynced(AlreadyRunning):
    """Another process synced the tenant after this sync was asked: it is not synced twice
    (the marketplaces' limits, such as WB's one orders call a minute, would refuse it)."""

    def __init__(self, tenant: str, started: datetime, process: str, status: str) -> None:
        RuntimeError.__init__(
            self,
            f"{tenant}: synced by {process} at {started.astimezone():%H:%M} ({status}) "
            "since this sync was asked; not synced twice",
        )
        self.tenant = tenant
        self.since = started


def _process(run: SyncRun) -> str:
    """Who runs (or ran) ``run``, as a person recognises it: "a `sync` command (pid 4123)"."""
    what = _PROCESS_OF_TRIGGER.get(Trigger(run.trigger), "another process")
    if run.owner_pid == os.getpid():
        return f"{what} (this process)"
    return f"{what} (pid {run.owner_pid})" if run.owner_pid else what


def _pid_alive(pid: int | None) -> bool:
    if pid is None:
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    except OSError:
        return False
    return True


def _record(run: SyncRun, tenant_name: str) -> RunRecord:
    return RunRecord(
        id=run.id,
        tenant_id=run.tenant_id,
        tenant=tenant_name,
        trigger=Trigger(run.trigger),
        status=RunStatus(run.status),
        started_at=run.started_at,
        finished_at=run.finished_at,
        products=run.products,
        stock_rows=run.stock_rows,
        orders=run.orders,
        requests=run.requests,
        rate_limited=run.rate_limited,
        error_stage=run.error_stage,
        error_endpoint=run.error_endpoint,
        error_message=run.error_message,
        stages=tuple(StageRecord(**s) for s in json.loads(run.stages or "[]")),
        problem=Problem.from_json(json.loads(run.error_problem)) if run.error_problem else None,
    )


def finish_run(conn: Connection, run_id: uuid.UUID, outcome: RunOutcome) -> None:
    """Record how a run ended, inside the caller's write transaction (publishing a snapshot
    and recording its run succeeded are one transaction: history and snapshots always agree),
    and enqueue the run for the team's server in it too (storage.outbox).

    The owner's pid stays: it says who synced the tenant (``AlreadySynced``).
    """
    conn.execute(
        update(SyncRun)
        .where(SyncRun.id == run_id)
        .values(
            status=outcome.status.value,
            finished_at=datetime.now(UTC),
            products=outcome.products,
            stock_rows=outcome.stock_rows,
            orders=outcome.orders,
            requests=outcome.requests,
            rate_limited=outcome.rate_limited,
            error_stage=outcome.error_stage,
            error_endpoint=outcome.error_endpoint,
            error_message=outcome.error_message,
            error_problem=json.dumps(outcome.problem.as_json()) if outcome.problem else "",
            stages=json.dumps(
                [{"stage": s.stage, "seconds": s.seconds, "rows": s.rows} for s in outcome.stages]
            ),
        )
    )
    outbox.enqueue_run(conn, run_id)


class SyncRunRepository:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def start(
        self,
        tenant_id: uuid.UUID,
        tenant_name: str,
        trigger: Trigger,
        run_id: uuid.UUID,
        *,
        asked_at: datetime | None = None,
    ) -> None:
        """Record a new running run, refusing if a live one exists for the tenant, or if
        another process synced it since ``asked_at`` (when this sync was asked or fell due):
        two processes started together sync each seller once.

        The check and the insert share one write transaction, so two processes cannot both
        start the same tenant; it comes before any request to the marketplace.
        """
        with write_session(self.engine) as session:
            running = session.scalars(
                select(SyncRun).where(
                    SyncRun.tenant_id == tenant_id, SyncRun.status == RunStatus.RUNNING.value
                )
            ).all()
            for run in running:
                if _pid_alive(run.owner_pid):
                    raise AlreadyRunning(tenant_name, run.started_at, _process(run))
                self._interrupt(session, run)
            if asked_at is not None:
                self._refuse_if_done_since(session, tenant_id, tenant_name, asked_at)
            run = SyncRun(
                id=run_id,
                tenant_id=tenant_id,
                trigger=trigger.value,
                status=RunStatus.RUNNING.value,
                owner_pid=os.getpid(),
            )
            session.add(run)

    @staticmethod
    def _refuse_if_done_since(
        session: Session, tenant_id: uuid.UUID, tenant_name: str, asked_at: datetime
    ) -> None:
        done = session.scalars(
            select(SyncRun)
            .where(
                SyncRun.tenant_id == tenant_id,
                SyncRun.started_at >= asked_at,
                SyncRun.status.in_([s.value for s in _DONE]),
            )
            .order_by(SyncRun.started_at.desc())
            .limit(1)
        ).first()
        if done is not None:
            raise AlreadySynced(tenant_name, done.started_at, _process(done), done.status)

    @staticmethod
    def _interrupt(session: Session, run: SyncRun) -> None:
        """The run ended with its process: a finished run, enqueued like any other."""
        run.status = RunStatus.INTERRUPTED.value
        run.finished_at = run.finished_at or datetime.now(UTC)
        run.error_message = run.error_message or (
            "the app stopped while this sync was running (crash, power loss or kill); "
            "the previous snapshot was kept"
        )
        outbox.enqueue(session, outbox.OutboxKind.RUN, run.tenant_id, run.id)

    def finish(self, run_id: uuid.UUID, outcome: RunOutcome) -> None:
        with write_transaction(self.engine) as conn:
            finish_run(conn, run_id, outcome)

    def running_in(self, pid: int) -> int:
        """How many runs process ``pid`` has going."""
        with Session(self.engine) as session:
            return (
                session.scalar(
                    select(func.count())
                    .select_from(SyncRun)
                    .where(SyncRun.status == RunStatus.RUNNING.value, SyncRun.owner_pid == pid)
                )
                or 0
            )

    def mark_interrupted(self) -> int:
        """Runs left "running" by a process that is gone become "interrupted"."""
        with write_session(self.engine) as session:
            running = session.scalars(
                select(SyncRun).where(SyncRun.status == RunStatus.RUNNING.value)
            ).all()
            stale = [run for run in running if not _pid_alive(run.owner_pid)]
            for run in stale:
                self._interrupt(session, run)
            return len(stale)

    def history(
        self,
        *,
        tenant_id: uuid.UUID | None = None,
        status: RunStatus | None = None,
        since: datetime | None = None,
        limit: int | None = 100,
    ) -> list[RunRecord]:
        query = (
            select(SyncRun, Tenant.name)
            .join(Tenant, Tenant.id == SyncRun.tenant_id)
            .order_by(SyncRun.started_at.desc())
        )
        if tenant_id is not None:
            query = query.where(SyncRun.tenant_id == tenant_id)
        if status is not None:
            query = query.where(SyncRun.status == status.value)
        if since is not None:
            query = query.where(SyncRun.started_at >= since)
        if limit is not None:
            query = query.limit(limit)
        with Session(self.engine) as session:
            return [_record(run, name) for run, name in session.execute(query).all()]

    def get(self, run_id: uuid.UUID) -> RunRecord | None:
        with Session(self.engine) as session:
            row = session.execute(
                select(SyncRun, Tenant.name)
                .join(Tenant, Tenant.id == SyncRun.tenant_id)
                .where(SyncRun.id == run_id)
            ).first()
            return _record(*row) if row else None

    def consecutive_failures(self, tenant_id: uuid.UUID) -> tuple[int, datetime | None]:
        """How many of the tenant's newest finished runs failed in a row, and when the last did."""
        count = 0
        last_failed: datetime | None = None
        for run in self.history(tenant_id=tenant_id, limit=20):
            if run.status is RunStatus.RUNNING:
                continue
            if run.status is not RunStatus.FAILED:
                break
            count += 1
            last_failed = last_failed or run.finished_at or run.started_at
        return count, last_failed

    def last_runs(self) -> dict[uuid.UUID, RunRecord]:
        """The newest run of every tenant (the tenants view's "last sync" column)."""
        newest = (
            select(SyncRun.tenant_id, func.max(SyncRun.started_at).label("started"))
            .group_by(SyncRun.tenant_id)
            .subquery()
        )
        query = (
            select(SyncRun, Tenant.name)
            .join(Tenant, Tenant.id == SyncRun.tenant_id)
            .join(
                newest,
                (newest.c.tenant_id == SyncRun.tenant_id)
                & (newest.c.started == SyncRun.started_at),
            )
        )
        with Session(self.engine) as session:
            return {run.tenant_id: _record(run, name) for run, name in session.execute(query)}

    def prune(self, older_than_days: int) -> int:
        cutoff = datetime.now(UTC) - timedelta(days=older_than_days)
        with write_transaction(self.engine) as conn:
            result = conn.execute(
                delete(SyncRun).where(
                    SyncRun.started_at < cutoff, SyncRun.status != RunStatus.RUNNING.value
                )
            )
            return result.rowcount or 0
