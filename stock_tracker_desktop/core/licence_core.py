"""The licence as the front ends see it (docs/licensing.md): ``AppCore.licence``.

Questions to the licensing service run on a worker thread and what they bring is stored on the
database thread, so a slow or silent service never holds the database (or the window) up. A
window or a daemon keeps the licence fresh in the background (``start``): the service is asked
once a day and heartbeats go out as the licence's policy asks. After anything that changes the
plan, the scheduler plans anew.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stock_tracker_desktop.domain.licence import LicenceRecord, LicenceStanding
from stock_tracker_desktop.domain.plans import Feature
from stock_tracker_desktop.domain.problems import Problem, ProblemCode
from stock_tracker_desktop.licensing.answers import LicensingConfig
from stock_tracker_desktop.marketplaces.settings import time_factor_from_env
from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.services.licence import LicenceService
from stock_tracker_desktop.services.plan_limits import PlanLimits
from stock_tracker_desktop.services.tenants import TenantService
from stock_tracker_desktop.storage.database_thread import DatabaseThread
from stock_tracker_desktop.user_files import MACHINE_FILE, read_user_file

log = logging.getLogger(__name__)
# How often a window or a daemon looks whether the service is due to be asked (it is asked
# once a day; heartbeats are owed at the policy's interval, never shorter than this).
LOOK_EVERY_SECONDS = 60.0


@dataclass(frozen=True)
class LicenceUsage:
    """Where the licence stands and what of the plan is in use: ``license status``, the
    window's Settings > Licence."""

    standing: LicenceStanding
    sellers: int  # not archived
    paused: int  # beyond the plan's limit: their syncs wait

    def as_json(self) -> dict[str, Any]:
        return {**self.standing.as_json(), "sellers": self.sellers, "paused": self.paused}


class LicenceCore:
    def __init__(
        self, ctx: AppContext, db: DatabaseThread, replan: Callable[[], Awaitable[None]]
    ) -> None:
        self._ctx = ctx
        self._db = db
        self._replan = replan
        self._service = LicenceService(ctx)
        self._task: asyncio.Task[None] | None = None

    async def standing(self) -> LicenceStanding:
        return await self._db.run(self._service.standing)

    async def usage(self) -> LicenceUsage:
        def read() -> LicenceUsage:
            sellers = TenantService(self._ctx).all()
            standing = self._service.standing()
            paused = PlanLimits(self._ctx, self._service).paused(sellers)
            return LicenceUsage(standing, len(sellers), len(paused))

        return await self._db.run(read)

    async def paused(self) -> frozenset[uuid.UUID]:
        """The sellers beyond the plan's limit, whose syncs wait."""

        def read() -> frozenset[uuid.UUID]:
            sellers = TenantService(self._ctx).all()
            return PlanLimits(self._ctx, self._service).paused(sellers)

        return await self._db.run(read)

    async def require(self, feature: Feature) -> None:
        """Raise PlanLimit, saying what to do, when the plan lacks ``feature``."""
        await self._db.run(PlanLimits(self._ctx, self._service).require, feature)

    async def key(self) -> str:
        return await self._db.run(self._service.key)

    # ----- the commands ----------------------------------------------------------------------

    async def activate(self, key: str) -> LicenceUsage:
        """Activate this desktop on ``key``; raises LicenceProblem (nothing changed)."""
        previous, config = await self._db.run(self._read)
        record = await asyncio.to_thread(self._service.activation, key, previous, config)
        await self._db.run(self._service.save, record)
        return await self._changed()

    async def deactivate(self) -> LicenceUsage:
        """Free this desktop's seat and forget the licence; the FREE plan applies. Raises
        LicenceProblem (the licence stays) when the service cannot be told."""
        from stock_tracker_desktop.services.licence import LicenceProblem

        record, config = await self._db.run(self._read)
        if record is None:
            raise LicenceProblem(Problem(ProblemCode.LICENCE_NONE_HERE))
        await asyncio.to_thread(self._service.release, record, config)
        await self._db.run(self._service.forget)
        return await self._changed()

    async def import_file(self, path: Path, key: str = "") -> LicenceUsage:
        """Take a machine file (``license import``); raises LicenceProblem or UserFileError
        (nothing changed) for one that does not hold or cannot be read."""
        # Reading the file and this machine's id (a subprocess on macOS) stay off the loop.
        text = await asyncio.to_thread(read_user_file, path, MACHINE_FILE)
        previous, config = await self._db.run(self._read)
        record = await asyncio.to_thread(
            self._service.from_machine_file, text, key, previous, config
        )
        await self._db.run(self._service.save, record)
        return await self._changed()

    async def refresh(self) -> LicenceUsage:
        """Ask the service now (``license status``); if it does not answer, the last verified
        answer stays in force and the usage says since when."""
        record, config = await self._db.run(self._read)
        if record is not None:
            asked = await asyncio.to_thread(self._service.ask, record, config)
            await self._db.run(self._service.save, asked)
        return await self._changed()

    async def refresh_if_due(self) -> None:
        """Ask the service when a day has passed or a heartbeat is owed; otherwise nothing."""
        if await self._db.run(self._service.check_due):
            await self.refresh()

    def _read(self) -> tuple[LicenceRecord | None, LicensingConfig]:
        return self._service.record(), self._service.config()

    async def _changed(self) -> LicenceUsage:
        await self._replan()
        return await self.usage()

    # ----- in the background -----------------------------------------------------------------

    def start(self) -> None:
        """Keep the licence fresh while the window or the daemon runs."""
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(
                self._keep_fresh(), name="licence: keep fresh"
            )

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    async def _keep_fresh(self) -> None:
        pause = LOOK_EVERY_SECONDS * time_factor_from_env()
        while True:
            try:
                await self.refresh_if_due()
            except Exception:  # a bug here must not end the checks for the rest of the day
                log.exception("the licence check failed; trying again later")
            await asyncio.sleep(pause)
