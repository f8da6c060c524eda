"""Demo mode: sellers served by an in-process simulator, in their own data directory.

Demo tenants live in ``<data dir>/demo`` and never mix with real ones. Their credentials are the
simulator's own, so where no keyring is usable and no passphrase was given, the demo vault uses a
fixed, published passphrase: it protects nothing secret.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from stock_tracker_desktop.config import (
    DEMO_MARKER,
    DEMO_PASSPHRASE,
    OZON_BASE_URL_ENV,
    PASSPHRASE_ENV,
    WB_BASE_URL_ENV,
    data_dir,
    environment,
)
from stock_tracker_desktop.domain.models import Marketplace
from stock_tracker_desktop.marketplaces.settings import TIME_FACTOR_ENV
from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.services.licence import LicenceProblem, LicenceService
from stock_tracker_desktop.services.tenants import (
    TenantChanges,
    TenantDraft,
    TenantNotFound,
    TenantService,
)
from stock_tracker_desktop.simulator import RunningSimulator, SimulatorConfig, start_in_thread

log = logging.getLogger(__name__)

DEMO_FOLDER = "demo"
DEMO_TIME_FACTOR = 0.02
WB_NAME = "Demo WB"
OZON_NAME = "Demo Ozon"
EXPIRED_NAME = "Demo WB (expired token)"


@dataclass(frozen=True)
class DemoTenant:
    name: str
    expected_to_fail: bool


DEMO_TENANTS = (
    DemoTenant(WB_NAME, False),
    DemoTenant(OZON_NAME, False),
    DemoTenant(EXPIRED_NAME, True),
)


def demo_home(home: Path | None = None) -> Path:
    return (home or data_dir()) / DEMO_FOLDER


def demo_passphrase() -> str:
    return os.environ.get(PASSPHRASE_ENV) or DEMO_PASSPHRASE


def mark_demo_home(home: Path) -> None:
    (home / DEMO_MARKER).write_text(
        "This data directory holds demo sellers of the built-in simulator only.\n"
        f"Its vault passphrase (used where no system keyring exists) is: {DEMO_PASSPHRASE}\n",
        encoding="utf-8",
    )


@contextmanager
def running_demo(products: int = 300) -> Iterator[RunningSimulator]:
    """An in-process simulator, with this process's clients pointed at it while it runs."""
    config = SimulatorConfig(seed=2026, sellers=3, products=products, time_factor=DEMO_TIME_FACTOR)
    with start_in_thread(config) as sim:
        pointed = {
            WB_BASE_URL_ENV: sim.base_url,
            OZON_BASE_URL_ENV: sim.base_url,
            TIME_FACTOR_ENV: str(DEMO_TIME_FACTOR),
            **sim.licensing_env(),
        }
        with environment(pointed):
            yield sim


def ensure_demo_tenants(ctx: AppContext, sim: RunningSimulator) -> None:
    """Create the demo tenants, or refresh their tokens (the simulator mints new ones each run),
    on the simulator's Agency licence: the demo shows every feature."""
    mark_demo_home(ctx.home)
    world = sim.world
    _ensure_demo_licence(ctx, sim)
    wb, ozon, expired = world.sellers
    service = TenantService(ctx)
    tokens = {
        WB_NAME: wb.wb_token,
        EXPIRED_NAME: world.mint_wb_token(expired, expired=True),
    }
    for name, token in tokens.items():
        try:
            service.edit(name, TenantChanges(token=token))
        except TenantNotFound:
            service.add(
                TenantDraft(
                    name=name,
                    marketplace=Marketplace.WILDBERRIES,
                    token=token,
                    notes="demo seller served by the built-in simulator",
                    tags=("demo",),
                )
            )
    try:
        service.edit(
            OZON_NAME, TenantChanges(client_id=ozon.ozon_client_id, api_key=ozon.ozon_api_key)
        )
    except TenantNotFound:
        service.add(
            TenantDraft(
                name=OZON_NAME,
                marketplace=Marketplace.OZON,
                client_id=ozon.ozon_client_id,
                api_key=ozon.ozon_api_key,
                notes="demo seller served by the built-in simulator",
                tags=("demo",),
            )
        )


def _ensure_demo_licence(ctx: AppContext, sim: RunningSimulator) -> None:
    licence = LicenceService(ctx)
    key = sim.world.keygen.demo_licence().key
    if licence.key() == key:
        return  # kept from an earlier run; the background check re-activates if need be
    try:
        licence.activate(key)
    except LicenceProblem as exc:  # the demo still runs, on the Free plan
        log.warning("the demo licence was not activated: %s", exc)
