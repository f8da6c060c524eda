"""The engine's claims in a team: a seller's lease on the team's server for the length of a run.

Rules (docs/team.md, "Sharing out the syncs"):

- Another desktop holds the lease: the sync is refused (``AlreadyRunning`` naming that desktop
  and its member), no run is recorded.
- This member may not sync (a viewer): ``RoleNeeded`` (a ``PermissionError``) says which role
  syncing needs; the engine refuses the sync with that message.
- The server cannot be reached, or the team worker knows it is away: the sync goes on without a
  lease. The server is never a dependency of a sync.
- While the sync runs the lease is renewed every third of its life; a renewal the server does
  not answer is tried again at the next turn, a lost lease is logged and the sync goes on.
- The lease is given back when the run ends; when that fails it expires on its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime

import psycopg

from stock_tracker_desktop.storage.snapshot_stream import run_to_end
from stock_tracker_desktop.storage.sync_runs import AlreadyRunning, AlreadySynced
from stock_tracker_desktop.team import leases
from stock_tracker_desktop.team.connection import (
    Failure,
    failure_of,
    is_permission_denied,
)
from stock_tracker_desktop.team.names import RoleNeeded, TeamAction
from stock_tracker_desktop.team.roles import names_of, role_of

log = logging.getLogger(__name__)
DEFAULT_TTL = 90.0  # seconds; a desktop that dies holds its sellers this long at most


def _never_away() -> bool:
    return False


class TeamClaims:
    """``sync.claims.SyncClaims`` as leases on the team's server (by shape: ``team/`` sits
    below ``sync/``), taken with connections from ``connect``, one per claim, renewal and
    release.

    A connection of its own for each call, rather than one kept open: nothing to heal after the
    server restarts or the network drops (the next call simply connects), and no lock between
    the syncs that claim, renew and release on worker threads at once. It costs a connection
    per seller every ``ttl / 3`` seconds while it syncs, against a sync of seconds to minutes.
    """

    def __init__(
        self,
        connect: Callable[[], psycopg.Connection],
        desktop_id: uuid.UUID,
        desktop_name: str,
        *,
        ttl: float = DEFAULT_TTL,
        is_away: Callable[[], bool] = _never_away,
    ) -> None:
        if not ttl > 0:
            raise ValueError(f"a lease must last a while, not {ttl} seconds")
        self._connect = connect
        self.desktop_id = desktop_id
        self.desktop_name = desktop_name
        self.ttl = ttl
        self._is_away = is_away

    @contextlib.asynccontextmanager
    async def hold(
        self, tenant_id: uuid.UUID, tenant_name: str, asked_at: datetime | None = None
    ) -> AsyncIterator[None]:
        asked_ago = None if asked_at is None else (datetime.now(UTC) - asked_at).total_seconds()
        if not await self._claim(tenant_id, tenant_name, asked_ago):
            yield
            return
        renewal = asyncio.get_running_loop().create_task(
            self._keep_renewed(tenant_id, tenant_name), name=f"lease:{tenant_name}"
        )
        try:
            yield
        finally:
            # To the end even if cancelled meanwhile, as the engine records a run's end.
            await run_to_end(self._let_go(renewal, tenant_id, tenant_name))

    # ----- on the event loop -----------------------------------------------------------------

    async def _claim(self, tenant_id: uuid.UUID, tenant_name: str, asked_ago: float | None) -> bool:
        """Whether the lease is held now; raises ``AlreadyRunning`` or ``PermissionError``."""
        if self._is_away():
            log.info("the team's server is away: %s syncs without a lease", tenant_name)
            return False
        try:
            # Cancelled meanwhile, the claim may still be made on its thread: see it through
            # so that a lease taken is given back.
            held, cancelled = await run_to_end(
                asyncio.to_thread(self._claim_now, tenant_id, tenant_name, asked_ago)
            )
        except leases.LeaseHeld as exc:
            process = f"{exc.desktop_name or 'another desktop'} ({exc.member or exc.holder})"
            raise AlreadyRunning(tenant_name, exc.lease.claimed_at, process) from exc
        except leases.SyncedMeanwhile as exc:
            process = f"{exc.desktop_name or 'another desktop'} ({exc.member})"
            raise AlreadySynced(tenant_name, exc.synced_at, process, "ended") from exc
        if cancelled:
            if held:
                await run_to_end(asyncio.to_thread(self._release_now, tenant_id))
            raise asyncio.CancelledError
        return held

    async def _keep_renewed(self, tenant_id: uuid.UUID, tenant_name: str) -> None:
        while True:
            await asyncio.sleep(self.ttl / 3)
            if self._is_away():
                continue
            try:
                renewed = await asyncio.to_thread(self._renew_now, tenant_id)
            except psycopg.Error as exc:
                # The lease may outlive a short absence; if not, the next answer says so.
                log.debug("could not renew the lease on %s, trying again: %s", tenant_name, exc)
                continue
            if not renewed:
                log.warning(
                    "the lease on %s was lost (it expired and another desktop may have taken "
                    "it over); the sync goes on",
                    tenant_name,
                )
                return

    async def _let_go(
        self, renewal: asyncio.Task[None], tenant_id: uuid.UUID, tenant_name: str
    ) -> None:
        renewal.cancel()
        await asyncio.wait([renewal])
        if not renewal.cancelled() and (error := renewal.exception()) is not None:
            log.error("renewing the lease on %s failed", tenant_name, exc_info=error)
        if not self._is_away():
            await asyncio.to_thread(self._release_now, tenant_id)

    # ----- on worker threads -----------------------------------------------------------------

    def _session(self) -> psycopg.Connection:
        conn = self._connect()
        conn.autocommit = True
        return conn

    def _claim_now(self, tenant_id: uuid.UUID, tenant_name: str, asked_ago: float | None) -> bool:
        try:
            with self._session() as conn:
                try:
                    leases.claim(
                        conn,
                        tenant_id,
                        self.desktop_id,
                        self.desktop_name,
                        self.ttl,
                        asked_seconds_ago=asked_ago,
                    )
                except psycopg.Error as exc:
                    if is_permission_denied(exc):
                        raise self._refusal(conn) from exc
                    raise
        except psycopg.errors.ForeignKeyViolation:
            # Not pushed yet: no other desktop knows the seller, so none can sync it.
            log.info("%s is not on the team's server yet: it syncs without a lease", tenant_name)
            return False
        except psycopg.Error as exc:
            if failure_of(exc) is Failure.AWAY:
                log.info("the team's server cannot be reached (%s): %s syncs without a lease",
                         exc, tenant_name)  # fmt: skip
            else:
                log.warning("the team's server refused the lease on %s (%s): it syncs without one",
                            tenant_name, exc)  # fmt: skip
            return False
        return True

    @staticmethod
    def _refusal(conn: psycopg.Connection) -> PermissionError:
        role = role_of(conn, names_of(conn))
        if role is None:
            return PermissionError("syncing needs the user role; this login has none in the team")
        return RoleNeeded(TeamAction.SYNC, have=role)

    def _renew_now(self, tenant_id: uuid.UUID) -> bool:
        with self._session() as conn:
            return leases.renew(conn, tenant_id, self.desktop_id, self.ttl)

    def _release_now(self, tenant_id: uuid.UUID) -> None:
        try:
            with self._session() as conn:
                leases.release(conn, tenant_id, self.desktop_id)
        except psycopg.Error as exc:
            log.info("could not give the lease back (it expires on its own): %s", exc)
