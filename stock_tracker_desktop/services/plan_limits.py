"""What the plan allows, checked where each use case starts, so that the CLI, the daemon and the
window refuse alike and with the same words.

Over the limit (after a downgrade, an expiry, the end of the grace) nothing is deleted or
hidden: every seller stays visible and exportable, and only the sellers beyond the limit pause
their syncs. Which ones is the user's choice: sellers taken out of "Sync all" (``enabled``
off) pause first, then the newest; archiving a seller frees its place.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Protocol

from stock_tracker_desktop.domain.plans import FREE, Feature, Plan
from stock_tracker_desktop.domain.problems import Problem, ProblemCode
from stock_tracker_desktop.domain.runs import Trigger
from stock_tracker_desktop.domain.tenant_rules import InputProblem, InvalidTenant
from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.services.licence import LicenceService

PLAN_FIELD = "plan"
_MISSING = {
    Feature.SCHEDULES: ProblemCode.PLAN_NO_SCHEDULES,
    Feature.GOOGLE_SHEETS: ProblemCode.PLAN_NO_SHEETS,
    Feature.TEAM: ProblemCode.PLAN_NO_TEAM,
}


class PlanLimit(Exception):
    """A use case the plan does not include; ``problem`` says which and what to do."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.english())
        self.problem = problem


class Seller(Protocol):
    """What deciding who pauses needs of a seller (a TenantView has it)."""

    @property
    def id(self) -> uuid.UUID: ...
    @property
    def name(self) -> str: ...
    @property
    def enabled(self) -> bool: ...
    @property
    def archived(self) -> bool: ...
    @property
    def created_at(self) -> datetime: ...


class PlanLimits:
    def __init__(self, ctx: AppContext, licence: LicenceService | None = None) -> None:
        self.licence = licence or LicenceService(ctx)

    def plan(self) -> Plan:
        return self.licence.plan()

    def _plan_unless_free_will_do(self, needed_sellers: int) -> Plan:
        """FREE when it suffices for ``needed_sellers``, without reading the licence: a small
        installation never waits for the licensing service."""
        return FREE if needed_sellers <= FREE.sellers else self.plan()

    def require_seller_room(self, active: int, adding: int = 1) -> None:
        """Refuse to add (or bring back) sellers past the plan's limit."""
        plan = self._plan_unless_free_will_do(active + adding)
        if active + adding > plan.sellers:
            problem = Problem(
                ProblemCode.PLAN_SELLER_LIMIT, {"plan": plan.title, "limit": plan.sellers}
            )
            raise InvalidTenant([InputProblem(PLAN_FIELD, problem)])

    def paused(self, sellers: Iterable[Seller]) -> frozenset[uuid.UUID]:
        """The sellers whose syncs the plan pauses: those beyond its limit."""
        active = sorted(
            (s for s in sellers if not s.archived),
            key=lambda s: (not s.enabled, s.created_at, s.name),
        )
        plan = self._plan_unless_free_will_do(len(active))
        return frozenset(s.id for s in active[plan.sellers :])

    def sync_refusal(
        self, seller: Seller, trigger: Trigger, sellers: Iterable[Seller]
    ) -> Problem | None:
        """Why the plan refuses this sync, or None. ``sellers`` are all of the installation's."""
        if trigger is Trigger.SCHEDULE:
            plan = self.plan()
            if not plan.has(Feature.SCHEDULES):
                return _missing(Feature.SCHEDULES, plan)
        if seller.id not in self.paused(sellers):
            return None
        plan = self.plan()
        return Problem(ProblemCode.PLAN_SELLER_PAUSED, {"plan": plan.title, "limit": plan.sellers})

    def require(self, feature: Feature) -> None:
        plan = self.plan()
        if not plan.has(feature):
            raise PlanLimit(_missing(feature, plan))


def _missing(feature: Feature, plan: Plan) -> Problem:
    return Problem(_MISSING[feature], {"plan": plan.title})
