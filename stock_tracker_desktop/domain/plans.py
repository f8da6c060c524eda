"""Plans: how many sellers an installation manages and which features it has.

This is the one place where a licence's facts (its metadata and entitlements, as the licensing
service returns them) become limits; docs/licensing.md describes the same table. Without a
licence, or when the licence no longer holds, the FREE plan applies. Exports to CSV and XLSX
belong to every plan: an agency can always take its data out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Feature(StrEnum):
    """What a paid plan adds; the values are the licence's entitlement codes."""

    SCHEDULES = "SCHEDULES"
    GOOGLE_SHEETS = "GOOGLE_SHEETS"
    TEAM = "TEAM"
    ALERTS = "ALERTS"


@dataclass(frozen=True)
class Plan:
    code: str
    title: str
    sellers: int
    features: frozenset[Feature]

    def has(self, feature: Feature) -> bool:
        return feature in self.features

    def as_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "title": self.title,
            "sellers": self.sellers,
            "features": sorted(self.features),
        }


FREE = Plan("free", "Free", 3, frozenset())
PAID_PLANS = {
    plan.code: plan
    for plan in (
        Plan("start", "Start", 10, frozenset({Feature.SCHEDULES, Feature.GOOGLE_SHEETS})),
        Plan(
            "pro",
            "Pro",
            50,
            frozenset({Feature.SCHEDULES, Feature.GOOGLE_SHEETS, Feature.ALERTS}),
        ),
        Plan("agency", "Agency", 250, frozenset(Feature)),
    )
}
# A valid licence whose metadata names no plan we know: the smallest paid plan, so that a
# typo in the licence portal never leaves a paying agency with less than it bought into.
DEFAULT_PAID = PAID_PLANS["start"]
PLAN_KEY = "plan"
SELLERS_KEY = "sellers"


def plan_for(metadata: Mapping[str, Any], entitlements: Iterable[str]) -> Plan:
    """The plan a valid licence holds: its metadata's ``plan`` picks the row above, a positive
    integer ``sellers`` replaces that row's seller limit, and entitlements add features (an
    add-on bought on top of the plan). Unknown entitlement codes are ignored."""
    base = PAID_PLANS.get(str(metadata.get(PLAN_KEY, "")).strip().lower(), DEFAULT_PAID)
    sellers = metadata.get(SELLERS_KEY)
    limit = sellers if isinstance(sellers, int) and not isinstance(sellers, bool) else 0
    known = {feature.value for feature in Feature}
    added = {Feature(code) for code in entitlements if code in known}
    return Plan(
        code=base.code,
        title=base.title,
        sellers=limit if limit > 0 else base.sellers,
        features=base.features | added,
    )
