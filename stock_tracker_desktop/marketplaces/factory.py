"""Building the right client for a tenant's marketplace and credentials."""

from __future__ import annotations

from collections.abc import Mapping

from stock_tracker_desktop.domain.models import Marketplace
from stock_tracker_desktop.domain.problems import Problem, ProblemCode
from stock_tracker_desktop.marketplaces import ozon_api
from stock_tracker_desktop.marketplaces.base import MarketplaceClient, ProgressCallback
from stock_tracker_desktop.marketplaces.errors import UnusableCredentials
from stock_tracker_desktop.marketplaces.ozon import OzonClient
from stock_tracker_desktop.marketplaces.settings import MAX_RATE_LIMIT_WAIT, time_factor_from_env
from stock_tracker_desktop.marketplaces.wildberries import WildberriesClient

CREDENTIAL_KEYS: dict[Marketplace, tuple[str, ...]] = {
    Marketplace.WILDBERRIES: ("token",),
    Marketplace.OZON: ("client_id", "api_key"),
}


def create_client(
    marketplace: Marketplace,
    credentials: Mapping[str, str],
    *,
    sandbox: bool = False,
    time_factor: float | None = None,
    progress: ProgressCallback | None = None,
    max_rate_limit_wait: float = MAX_RATE_LIMIT_WAIT,
) -> MarketplaceClient:
    """A client for ``marketplace``; ``time_factor`` None reads STOCK_TRACKER_TIME_FACTOR.
    ``max_rate_limit_wait``: the longest 429 wait to accept (seconds, before the time factor).

    Raises UnusableCredentials (a ValueError) for credentials no client can use, ValueError for
    a time factor in the environment that is no positive number."""
    needed = CREDENTIAL_KEYS[marketplace]
    absent = [key for key in needed if not credentials.get(key, "").strip()]
    if absent:
        # Name the missing keys only: the mapping's values are secrets.
        raise UnusableCredentials(
            Problem(
                ProblemCode.CREDENTIALS_MISSING,
                {"marketplace": marketplace.value, "fields": ", ".join(absent)},
            )
        )
    factor = time_factor_from_env() if time_factor is None else time_factor
    if marketplace is Marketplace.WILDBERRIES:
        return WildberriesClient(
            credentials["token"].strip(),
            sandbox=sandbox,
            time_factor=factor,
            progress=progress,
            max_rate_limit_wait=max_rate_limit_wait,
        )
    if sandbox:
        raise UnusableCredentials(Problem(ProblemCode.NO_SANDBOX, {"marketplace": ozon_api.NAME}))
    return OzonClient(
        credentials["client_id"].strip(),
        credentials["api_key"].strip(),
        time_factor=factor,
        progress=progress,
        max_rate_limit_wait=max_rate_limit_wait,
    )
