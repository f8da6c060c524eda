"""Claims: how the engine makes sure no other desktop of a team syncs a tenant at the same time.

The engine holds a tenant's claim for the whole of a run; a desktop on its own claims nothing
(``NO_CLAIMS``), one in a team holds the seller's lease on the team's server (the core hands
over ``team.team_claims.TeamClaims`` when the desktop joins). Nothing here knows the server,
and ``team/`` sits below ``sync/``: it meets this protocol by shape, without importing it, and
refuses with exceptions of the layers below (``AlreadyRunning``, ``PermissionError``).
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Protocol


class SyncClaims(Protocol):
    def hold(
        self, tenant_id: uuid.UUID, tenant_name: str, asked_at: datetime | None = None
    ) -> contextlib.AbstractAsyncContextManager[None]:
        """Claim the tenant on entering, keep the claim while the body runs, give it back on
        leaving.

        ``asked_at``: when this sync was asked for (or fell due); another desktop's sync of the
        tenant that ended since refuses this one with ``storage.sync_runs.AlreadySynced``, as
        another process of this desktop would (a seller is not synced twice for one request).

        Entering raises ``storage.sync_runs.AlreadyRunning`` (naming who syncs it) when
        another desktop holds the claim, and ``PermissionError`` when this desktop may not
        sync the tenant at all (a team's viewer: ``team.names.RoleNeeded`` says which
        role syncing needs); the engine records no run for either. A claim that cannot be made
        for want of the server lets the sync go on unclaimed: the server is never a dependency
        of a sync.
        """
        ...


class _NoClaims:
    """A desktop on its own: nobody else syncs its tenants."""

    @contextlib.asynccontextmanager
    async def hold(
        self, tenant_id: uuid.UUID, tenant_name: str, asked_at: datetime | None = None
    ) -> AsyncIterator[None]:
        yield


NO_CLAIMS: SyncClaims = _NoClaims()
