"""The team's background work on a desktop: heartbeat, push, pull, and waiting for news.

One thread of its own holds the connections to the server (psycopg connections belong to one
thread); the local store's part of each step runs on the local database thread through
``local``. A cycle: heartbeat (every ``HEARTBEAT_SECONDS``), drain the outbox, pull; then wait
until another desktop's change is announced (LISTEN/NOTIFY), this desktop has something new
to push (``nudge``), or ``POLL_SECONDS`` have passed.

Why LISTEN/NOTIFY and a poll: a notification arrives within milliseconds of the other desktop's
commit, so a change is visible here in well under a second; but notifications are lost while
the listening connection is down and a pooler in transaction mode does not carry them, so the
cursor-based pull also runs every ``POLL_SECONDS`` whatever happened.

When the server is away (down, unreachable, the login refused), the cycle notes since when
and retries with a growing pause (``RETRY_SECONDS`` to ``RETRY_MAX_SECONDS``); syncs go on
locally meanwhile and the outbox grows.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import psycopg
from sqlalchemy import Engine

from stock_tracker_desktop.marketplaces.settings import time_factor_from_env
from stock_tracker_desktop.security.vault import Vault
from stock_tracker_desktop.storage import team_link
from stock_tracker_desktop.team import desktops, roles
from stock_tracker_desktop.team.connection import login_refused
from stock_tracker_desktop.team.membership import TeamSession, desktop_name, keep_team_key
from stock_tracker_desktop.team.names import NOTIFY_CHANNEL
from stock_tracker_desktop.team.puller import LocalRunner, Puller, PullReport
from stock_tracker_desktop.team.pusher import LocalStarter, Pusher, PushReport
from stock_tracker_desktop.team.team_key import TeamKey

log = logging.getLogger(__name__)
POLL_SECONDS = 30.0
HEARTBEAT_SECONDS = 60.0
RETRY_SECONDS = 2.0
RETRY_MAX_SECONDS = 120.0
_WAIT_SLICE = 0.2  # how often a wait looks at the nudge and the stop flag


@dataclass(frozen=True, slots=True)
class CycleReport:
    pushed: PushReport
    pulled: PullReport
    # Each seller's home desktop and every desktop of the team, for the schedule's takeover.
    homes: dict[uuid.UUID, uuid.UUID | None]
    desktops: list[desktops.DesktopInfo]


class TeamWorker:
    """Runs the cycle on its own thread until ``stop``; ``on_cycle`` hears each finished
    cycle and ``on_away`` each failure (both called on the worker's thread)."""

    def __init__(
        self,
        session: TeamSession,
        pusher: Pusher,
        puller: Puller,
        local: LocalRunner,
        database: Engine,
        *,
        on_cycle: Callable[[CycleReport], None] = lambda _report: None,
        on_away: Callable[[str], None] = lambda _error: None,
    ) -> None:
        self.session = session
        self.pusher = pusher
        self.puller = puller
        self._local = local
        self._database = database
        self._on_cycle = on_cycle
        self._on_away = on_away
        self._nudged = threading.Event()
        self._stopping = threading.Event()
        self._conn: psycopg.Connection | None = None
        self._listener: psycopg.Connection | None = None
        self._last_heartbeat = 0.0
        self._thread: threading.Thread | None = None
        self.away = False
        self.last_error = ""
        factor = time_factor_from_env()
        self._poll, self._retry = POLL_SECONDS * factor, RETRY_SECONDS * factor
        self._retry_max, self._heartbeat = RETRY_MAX_SECONDS * factor, HEARTBEAT_SECONDS * factor

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="team", daemon=True)
        self._thread.start()

    def nudge(self) -> None:
        """Something new is in the outbox: push it now rather than at the next poll."""
        self._nudged.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stopping.set()
        self._nudged.set()
        if self._thread is not None:
            self._thread.join(timeout)
        self._close()

    def _run(self) -> None:
        pause = self._retry
        while not self._stopping.is_set():
            try:
                self.cycle()
            except (psycopg.Error, OSError) as exc:
                self.note_away(exc)
                self._wait(pause, listen=False)
                pause = min(pause * 2, self._retry_max)
                continue
            except Exception:
                log.exception("the team's cycle failed; it runs again at the next poll")
            pause = self._retry
            self._wait(self._poll, listen=True)

    def cycle(self) -> CycleReport:
        """One heartbeat-push-pull; raises psycopg.Error when the server is away."""
        self._nudged.clear()
        conn = self._connection()
        self._follow_role(conn)
        now = time.monotonic()
        if not self._last_heartbeat or now - self._last_heartbeat >= self._heartbeat:
            desktops.heartbeat(conn, self.session.link.desktop_id, desktop_name(), "")
            conn.commit()
            self._last_heartbeat = now
        pushed = self.pusher.drain(conn)
        link = self._local(lambda: team_link.get(self._database))
        cursor = link.pull_cursor if link else ""
        pulled = self.puller.pull(conn, cursor)
        at = datetime.now(UTC)
        self._local(
            lambda: team_link.note_cycle(
                self._database, pulled.cursor, at, pushed=bool(pushed.pushed)
            )
        )
        homes: dict[uuid.UUID, uuid.UUID | None] = dict(
            conn.execute("SELECT id, home_desktop FROM sellers").fetchall()
        )
        found = desktops.desktops(conn)
        conn.commit()
        if self.away:
            log.info("the team's server answers again")
        self.away, self.last_error = False, ""
        report = CycleReport(pushed, pulled, homes, found)
        self._on_cycle(report)
        return report

    def _follow_role(self, conn: psycopg.Connection) -> None:
        """The owner may move a member to another group on the server: the desktop follows
        (a demoted member no longer pushes what it may not, nor reads secrets it may not)."""
        names = roles.names_of(conn)
        role = roles.role_of(conn, names)
        conn.commit()
        link = self.session.link
        if role is None or role.value == link.role:
            return
        log.warning("this member's role in the team is now %s (was %s)", role.value, link.role)
        keeps_key = role.syncs and self.session.team_key is not None
        self.session = replace(
            self.session,
            link=replace(link, role=role.value),
            team_key=self.session.team_key if keeps_key else None,
        )
        self.pusher.role = role
        self.pusher.team_key = self.puller.team_key = self.session.team_key
        self._local(lambda: team_link.set_role(self._database, role.value))

    def try_cycle(self) -> CycleReport | str:
        """``cycle``, or the server's error when it is away (noted as ``cycle``'s failures
        are in the background loop)."""
        try:
            return self.cycle()
        except (psycopg.Error, OSError) as exc:
            self.note_away(exc)
            return self.last_error

    def _connection(self) -> psycopg.Connection:
        """The cycle's connection; one the server dropped meanwhile (it restarted while this
        desktop was idle) is noticed here and replaced, not reported as the server away."""
        if self._conn is not None and not self._conn.closed:
            try:
                self._conn.execute("SELECT 1")
                self._conn.commit()
                return self._conn
            except psycopg.OperationalError:
                self._close()
        self._conn = self.session.connect()
        return self._conn

    def note_away(self, exc: BaseException) -> None:
        """The server did not answer: noted here and in the team link (since when), the
        connections closed for the next cycle to open anew."""
        if login_refused(exc):
            message = (
                "it refused this desktop's login: you were removed from the team or the "
                "password changed; ask the team's owner, or `stock-tracker team leave` to work "
                "alone"
            )
        else:
            lines = str(exc).strip().splitlines()
            message = lines[0] if lines else type(exc).__name__
        if not self.away:
            log.warning("the team's server is away: %s", message)
        self.away, self.last_error = True, message
        self._close()
        at = datetime.now(UTC)
        self._local(lambda: team_link.note_server_away(self._database, at, message))
        self._on_away(message)

    def _close(self) -> None:
        for conn in (self._conn, self._listener):
            if conn is not None:
                try:
                    conn.close()
                except psycopg.Error:
                    log.debug("closing a broken connection to the team's server", exc_info=True)
        self._conn = self._listener = None

    def _wait(self, seconds: float, *, listen: bool) -> None:
        """Until a notification, a nudge, a stop, or ``seconds``."""
        deadline = time.monotonic() + seconds
        listener = self._listening() if listen else None
        while not self._nudged.is_set():
            left = deadline - time.monotonic()
            if left <= 0:
                return
            if listener is None:
                self._nudged.wait(min(left, _WAIT_SLICE))
                continue
            try:
                if any(
                    True for _ in listener.notifies(timeout=min(left, _WAIT_SLICE), stop_after=1)
                ):
                    return
            except psycopg.Error:
                self._listener, listener = None, None

    def _listening(self) -> psycopg.Connection | None:
        if self._listener is None or self._listener.closed:
            try:
                self._listener = self.session.connect(autocommit=True)
                self._listener.execute(f"LISTEN {NOTIFY_CHANNEL}")
            except psycopg.Error:
                self._listener = None
        return self._listener


def worker_for(
    session: TeamSession,
    database: Engine,
    vault: Vault,
    *,
    local: LocalRunner,
    local_soon: LocalStarter | None = None,
    keep_snapshots: Callable[[], int],
    on_cycle: Callable[[CycleReport], None] = lambda _report: None,
    on_away: Callable[[str], None] = lambda _error: None,
) -> TeamWorker:
    """The worker of one desktop's team session: its pusher and puller share the team key,
    and a key the puller learns (the owner rotated it) is kept in the vault and used by both."""
    desktop = session.link.desktop_id
    pusher = Pusher(
        database,
        vault.decrypt,
        session.team_key,
        desktop,
        session.role,
        local=local,
        local_soon=local_soon,
    )

    def learned(key: TeamKey) -> None:
        pusher.team_key = key
        worker.session = local(lambda: keep_team_key(database, vault, worker.session, key))

    puller = Puller(
        database,
        vault.encrypt,
        session.team_key,
        session.member_key,
        desktop,
        keep_snapshots=keep_snapshots,
        on_new_key=learned,
        local=local,
    )
    worker = TeamWorker(
        session, pusher, puller, local, database, on_cycle=on_cycle, on_away=on_away
    )
    return worker
