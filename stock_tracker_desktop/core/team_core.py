"""Team mode as the front ends see it (docs/team.md): ``AppCore.team``.

The use cases (init, invite, join, leave, members, revoke, status) block on the server, so they
run on a worker thread, their local part on the database thread. A window or a daemon starts
the background cycle (``start``): heartbeat, push, pull, woken by the server's notifications
and by this desktop's own changes (``nudge``); the sync engine then claims each seller's lease,
and the scheduler runs only the sellers whose schedule is this desktop's. A command runs one
cycle before its work and one after, so that it shows the team's sellers and hands its own
changes over before it exits (``around_command``).

Nothing here is loaded on a desktop in no team but the check that it is in none.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable
from concurrent.futures import Future
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from stock_tracker_desktop.domain.plans import Feature
from stock_tracker_desktop.marketplaces.settings import time_factor_from_env
from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.services.settings import SettingsService
from stock_tracker_desktop.storage.database_thread import DatabaseThread

if TYPE_CHECKING:
    from stock_tracker_desktop.core.licence_core import LicenceCore
    from stock_tracker_desktop.storage.outbox import FailedEntry
    from stock_tracker_desktop.sync.engine import SyncEngine
    from stock_tracker_desktop.team.invitation import Invitation
    from stock_tracker_desktop.team.membership import Setup, TeamSession, TeamStatus
    from stock_tracker_desktop.team.names import TeamAction, TeamRole
    from stock_tracker_desktop.team.roles import Member
    from stock_tracker_desktop.team.worker import CycleReport, TeamWorker

log = logging.getLogger(__name__)
T = TypeVar("T")
# A seller's home desktop silent this long: another member's desktop runs its schedule.
TAKEOVER_AFTER = timedelta(minutes=15)
TeamListener = Callable[["CycleReport | str"], None]


class TeamError(Exception):
    """A team action that could not be done; the message says what to do."""


class TeamCore:
    def __init__(
        self,
        ctx: AppContext,
        db: DatabaseThread,
        engine: Callable[[], SyncEngine],
        licence: LicenceCore,
    ) -> None:
        self._ctx = ctx
        self._db = db
        self._engine = engine
        self._licence = licence
        self._worker: TeamWorker | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._listeners: list[TeamListener] = []
        self._unsubscribe: Callable[[], None] | None = None
        self._homes: dict[uuid.UUID, uuid.UUID | None] = {}
        self._me: uuid.UUID | None = None  # this desktop's id in the team, once heard
        self._live: list[uuid.UUID] = []

    # ----- plumbing --------------------------------------------------------------------------

    def _local(self, call: Callable[[], T]) -> T:
        """Run ``call`` on the database thread from a worker thread, and wait for it."""
        assert self._loop is not None
        return asyncio.run_coroutine_threadsafe(self._db.run(call), self._loop).result()

    def _local_soon(self, call: Callable[[], T]) -> Future[T]:
        """Start ``call`` on the database thread from a worker thread; return at once."""
        assert self._loop is not None
        return asyncio.run_coroutine_threadsafe(self._db.run(call), self._loop)

    async def _off_loop(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``fn`` on a worker thread; the failures a person can act on as ``TeamError``."""
        self._loop = asyncio.get_running_loop()
        from stock_tracker_desktop.team.failures import ACTIONABLE, describe

        try:
            return await asyncio.to_thread(fn, *args, **kwargs)
        except ACTIONABLE as exc:
            raise TeamError(describe(exc)) from exc

    async def session(self) -> TeamSession | None:
        from stock_tracker_desktop.storage import team_link

        if await self._db.run(team_link.get, self._ctx.database) is None:
            return None  # a solo desktop loads nothing of team mode
        from stock_tracker_desktop.team import membership

        ctx = self._ctx
        return await self._db.run(membership.load, ctx.database, ctx.vault, ctx.home)

    async def _require(self) -> TeamSession:
        session = await self.session()
        if session is None:
            from stock_tracker_desktop.team.membership import NotInTeam

            raise TeamError(str(NotInTeam()))
        return session

    def _keep_snapshots(self) -> int:
        return SettingsService(self._ctx).load().keep_snapshots

    def _new_worker(self, session: TeamSession) -> TeamWorker:
        from stock_tracker_desktop.team.worker import worker_for

        return worker_for(
            session,
            self._ctx.database,
            self._ctx.vault,
            local=self._local,
            local_soon=self._local_soon,
            keep_snapshots=lambda: self._local(self._keep_snapshots),
            on_cycle=self._heard,
            on_away=self._heard,
        )

    async def _require_plan(self) -> None:
        """Team mode is a paid plan's: without it, a team action is refused with what to do."""
        from stock_tracker_desktop.services.plan_limits import PlanLimit

        try:
            await self._licence.require(Feature.TEAM)
        except PlanLimit as exc:
            raise TeamError(str(exc)) from None

    def _licensed_for_team(self, invitation: Invitation) -> None:
        """From the worker thread, before a member's desktop joins: the agency's licence that
        the invitation carries is activated here (the member's desktop is one of its
        machines), and it must include team mode."""
        from stock_tracker_desktop.services.licence import LicenceProblem

        assert self._loop is not None
        if invitation.licence_key:
            activation = self._licence.activate(invitation.licence_key)
            try:
                asyncio.run_coroutine_threadsafe(activation, self._loop).result()
            except LicenceProblem as exc:
                raise TeamError(f"the agency's licence in the invitation: {exc}") from None
        asyncio.run_coroutine_threadsafe(self._require_plan(), self._loop).result()

    async def refuse_unless(self, action: TeamAction) -> None:
        """In a team, refuse at once what this member's role may not do (the server would
        refuse it at the push; the person hears it now, with the role it needs)."""
        from stock_tracker_desktop.storage import team_link
        from stock_tracker_desktop.team.names import NEEDED_ROLE, RoleNeeded, TeamRole

        link = await self._db.run(team_link.get, self._ctx.database)
        if link is not None and not TeamRole(link.role).allows(NEEDED_ROLE[action]):
            raise TeamError(str(RoleNeeded(action, TeamRole(link.role))))

    # ----- the use cases ---------------------------------------------------------------------

    async def init(self, dsn: str, team_name: str, owner_name: str) -> Setup:
        """Set the team up on the database ``dsn`` names and join as its owner, or upgrade
        the schema of this desktop's team."""
        from stock_tracker_desktop.team import membership

        await self._require_plan()
        ctx = self._ctx
        setup = await self._off_loop(
            membership.init,
            self._local,
            ctx.database,
            ctx.vault,
            ctx.home,
            dsn=dsn,
            team_name=team_name,
            owner_name=owner_name,
        )
        if setup.session is not None:
            await self._joined()
        return setup

    async def invite(self, name: str, role: TeamRole, out: Path, passphrase: str) -> Invitation:
        from stock_tracker_desktop.team import membership

        session = await self._require()
        await self._require_plan()
        # The agency's licence travels with the invitation: the member's desktop activates on it.
        licence_key = await self._licence.key()
        return await self._off_loop(
            membership.invite, session, name, role, out, passphrase, licence_key=licence_key
        )

    async def join(self, path: Path, passphrase: str) -> int:
        from stock_tracker_desktop.team import membership

        ctx = self._ctx
        _, enqueued = await self._off_loop(
            membership.join,
            self._local,
            ctx.database,
            ctx.vault,
            ctx.home,
            path,
            passphrase,
            before_joining=self._licensed_for_team,
        )
        await self._joined()
        return enqueued

    async def _joined(self) -> None:
        """A first cycle at once (the team's sellers appear), then the background one if
        this process runs it."""
        background = self._worker is not None
        await self.stop()
        await self.refresh()
        if background:
            await self.start()

    async def leave(self) -> None:
        from stock_tracker_desktop.team import membership

        session = await self.session()
        await self.stop()
        await self._off_loop(
            membership.leave, self._local, self._ctx.database, self._ctx.home, session
        )
        self._me, self._homes, self._live = None, {}, []

    async def status(self) -> TeamStatus | None:
        from stock_tracker_desktop.team import membership

        return await self._db.run(membership.status, self._ctx.database)

    async def failed(self) -> list[FailedEntry]:
        from stock_tracker_desktop.storage import outbox

        return await self._db.run(outbox.failed, self._ctx.database)

    async def retry_failed(self) -> int:
        from stock_tracker_desktop.storage import outbox

        count = await self._db.run(outbox.retry_failed, self._ctx.database)
        self.nudge()
        return count

    async def members(self) -> list[Member]:
        from stock_tracker_desktop.team import membership

        return await self._off_loop(membership.members, await self._require())

    async def revoke(self, name: str) -> int:
        """Drop a member and rotate the team key; returns the new key's version."""
        from stock_tracker_desktop.team import membership

        session = await self._require()
        key = await self._off_loop(membership.revoke, session, name)
        ctx = self._ctx
        await self._db.run(membership.keep_team_key, ctx.database, ctx.vault, session, key)
        if self._worker is not None:
            await self._joined()
        return key.version

    # ----- the cycle -------------------------------------------------------------------------

    async def refresh(self) -> CycleReport | str | None:
        """One cycle now (a command's): the report, the server's error if it is away, or None
        on a solo desktop."""
        session = await self.session()
        if session is None:
            return None
        lacking = await self._plan_lacks_team()
        if lacking:
            self._heard(lacking)
            return lacking
        worker = self._worker or self._new_worker(session)
        self._loop = asyncio.get_running_loop()
        report = await asyncio.to_thread(worker.try_cycle)
        self._me = session.link.desktop_id
        self._heard(report)
        return report

    async def _plan_lacks_team(self) -> str:
        """Why the plan keeps this desktop from meeting its team ("" when it does not): what it
        changes meanwhile waits in the outbox, and goes when the plan includes team mode again."""
        try:
            await self._require_plan()
        except TeamError as exc:
            return str(exc)
        return ""

    async def around_command(self) -> str:
        """Before a command's work: one cycle (the team's latest, the leases for its syncs).
        Returns a warning to show when the server is away ("" otherwise)."""
        report = await self.refresh()
        if report is None:
            return ""
        session = await self._require()
        self._claim_leases(session, lambda: isinstance(report, str))
        if not isinstance(report, str):
            return ""
        status = await self.status()
        waiting = status.backlog.pending if status else 0
        return (
            f"the team's server cannot be used now ({report}); showing this desktop's copy, "
            f"{waiting} change(s) wait to be pushed"
        )

    async def after_command(self) -> None:
        """After a command's work: what it changed goes to the server before the process ends
        (if the server is away, it waits in the outbox for the next cycle)."""
        status = await self.status()
        if status is not None and status.backlog.pending:
            await self.refresh()

    def _claim_leases(self, session: TeamSession, away: Callable[[], bool]) -> None:
        from stock_tracker_desktop.sync.events import SyncFinished
        from stock_tracker_desktop.team.membership import desktop_name
        from stock_tracker_desktop.team.team_claims import DEFAULT_TTL, TeamClaims

        engine = self._engine()
        claims = TeamClaims(
            lambda: session.connect(autocommit=True),
            session.link.desktop_id,
            desktop_name(),
            ttl=DEFAULT_TTL * time_factor_from_env(),
            is_away=away,
        )
        engine.set_claims(claims)
        if self._unsubscribe is None:
            self._unsubscribe = engine.subscribe(
                lambda event: self.nudge() if isinstance(event, SyncFinished) else None
            )

    async def start(self) -> bool:
        """Run the background cycle and hand the engine and scheduler the team's rules
        (a window or a daemon); False on a solo desktop."""
        session = await self.session()
        if session is None or self._worker is not None:
            return self._worker is not None
        lacking = await self._plan_lacks_team()
        if lacking:
            log.warning("not meeting the team: %s", lacking)
            return False
        self._loop = asyncio.get_running_loop()
        worker = self._worker = self._new_worker(session)
        self._me = session.link.desktop_id
        self._claim_leases(session, lambda: worker.away)
        worker.start()
        return True

    async def stop(self) -> None:
        from stock_tracker_desktop.sync.claims import NO_CLAIMS

        worker, self._worker = self._worker, None
        if worker is None:
            return
        await asyncio.to_thread(worker.stop)
        self._engine().set_claims(NO_CLAIMS)
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    def nudge(self) -> None:
        """This desktop changed something the team is to learn of: push it now."""
        if self._worker is not None:
            self._worker.nudge()

    def runs_schedule_here(self, tenant_id: uuid.UUID) -> bool:
        from stock_tracker_desktop.team.desktops import runs_schedule_here

        if self._me is None or tenant_id not in self._homes:
            return True  # a solo desktop, or a seller not known to the team (yet): its own
        return runs_schedule_here(tenant_id, self._homes[tenant_id], self._me, self._live)

    def subscribe(self, listener: TeamListener) -> Callable[[], None]:
        """Hear each cycle's report (or the server's error when it is away), on the loop."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def _heard(self, report: CycleReport | str) -> None:
        """From the worker's thread or the loop: keep what the schedule needs, tell the
        listeners on the loop."""
        from stock_tracker_desktop.team.desktops import live_desktops

        if not isinstance(report, str):
            self._homes = dict(report.homes)
            self._live = live_desktops(report.desktops, TAKEOVER_AFTER * time_factor_from_env())
        loop = self._loop
        for listener in list(self._listeners):
            if loop is not None and loop.is_running():
                loop.call_soon_threadsafe(listener, report)
            else:
                listener(report)
