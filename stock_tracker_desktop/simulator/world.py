"""The simulated world: sellers with credentials, their data (built lazily), limits and faults."""

from __future__ import annotations

import hashlib
import random
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cached_property

import jwt
from cryptography.hazmat.primitives.asymmetric import ec

from stock_tracker_desktop.domain.models import Marketplace
from stock_tracker_desktop.domain.wb_token import CATEGORY_BITS, REQUIRED_CATEGORIES
from stock_tracker_desktop.domain.window import OrderWindow
from stock_tracker_desktop.simulator import names
from stock_tracker_desktop.simulator.config import SimulatorConfig
from stock_tracker_desktop.simulator.expected import ExpectedFigures, ozon_expected, wb_expected
from stock_tracker_desktop.simulator.faults import FaultInjector
from stock_tracker_desktop.simulator.keygen_world import KeygenWorld
from stock_tracker_desktop.simulator.limits import ALL_LIMITS, RateLimiter
from stock_tracker_desktop.simulator.ozon_data import OzonSellerData
from stock_tracker_desktop.simulator.stats import ServedStats
from stock_tracker_desktop.simulator.wb_data import WbSellerData

WB_KEY_ID = "sim-es256-1"
_BIT_OF = {name: bit for bit, name in CATEGORY_BITS.items()}
# Ozon keys are valid for six months. Sellers 1, 6, 11... have a key that expires within two
# weeks, so that a "keys expiring soon" view has something to show: seller 1 is the demo's Ozon
# seller (services/demo.py). The rest have one and a half to six months left.
OZON_KEY_SOON_EVERY = 5
OZON_KEY_SOON_DAYS = (2, 12)
OZON_KEY_LATER_DAYS = (45, 175)


def scope_mask(categories: tuple[str, ...]) -> int:
    return sum(1 << _BIT_OF[name] for name in categories)


def ozon_key_expiry(seed: str, index: int, now: datetime) -> datetime:
    """When seller ``index``'s Ozon key expires, counted from the world's ``now`` (not the
    real clock, as WB tokens' ``exp`` is): the same for the same seed and ``now``.

    Its own random stream, so that drawing it moves nothing else a seed makes. Whole
    milliseconds, as Ozon writes ``expires_at`` (2026-02-18T09:54:23.296Z).
    """
    rng = random.Random(f"{seed}/ozon-key")
    soon = index % OZON_KEY_SOON_EVERY == 1
    low, high = OZON_KEY_SOON_DAYS if soon else OZON_KEY_LATER_DAYS
    left = timedelta(
        days=rng.randint(low, high),
        seconds=rng.randrange(86_400),
        milliseconds=rng.randrange(1000),
    )
    return now.astimezone(UTC).replace(microsecond=0) + left


@dataclass
class SellerAccount:
    """One seller on both marketplaces. Data is generated on first use and cached."""

    index: int
    seller_id: str
    name: str
    trade_mark: str
    inn: str
    ozon_client_id: str
    ozon_api_key: str
    ozon_key_expires_at: datetime
    wb_token: str = field(default="", repr=False)
    _seed: str = field(default="", repr=False)
    _products: int = 0
    _orders_days: int = 0
    _now: datetime = field(default_factory=lambda: datetime.now(UTC))

    @cached_property
    def wb(self) -> WbSellerData:
        return WbSellerData(self._seed, self.index, self._products, self._orders_days, self._now)

    @cached_property
    def ozon(self) -> OzonSellerData:
        return OzonSellerData(self._seed, self.index, self._products, self._orders_days, self._now)


@dataclass
class ReportTask:
    task_id: str
    created: float  # time.monotonic()


class World:
    """Everything the simulator serves. Build it with ``World.build(config)``."""

    def __init__(self, config: SimulatorConfig) -> None:
        self.config = config
        self.now = config.now or datetime.now(UTC)
        self.faults = FaultInjector()
        self.stats = ServedStats()
        self.limits = {**ALL_LIMITS, **dict(config.limit_overrides)}
        self.limiter = RateLimiter(self.limits, config.time_factor)
        self.report_tasks: dict[str, dict[str, ReportTask]] = {}
        self.keygen = KeygenWorld(config.seed)
        secret = int.from_bytes(hashlib.sha256(f"sim-wb-key/{config.seed}".encode()).digest())
        order = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
        self._wb_key = ec.derive_private_key(secret % (order - 1) + 1, ec.SECP256R1())
        self.wb_public_key = self._wb_key.public_key()
        self.sellers: list[SellerAccount] = [self._make_seller(i) for i in range(config.sellers)]
        self._by_id = {s.seller_id: s for s in self.sellers}
        self._by_client_id = {s.ozon_client_id: s for s in self.sellers}

    @classmethod
    def build(cls, config: SimulatorConfig) -> World:
        return cls(config)

    def _make_seller(self, index: int) -> SellerAccount:
        seed = f"{self.config.seed}/{index}"
        rng = random.Random(f"{seed}/account")
        name = names.SELLER_NAMES[index % len(names.SELLER_NAMES)]
        if index >= len(names.SELLER_NAMES):
            name = f"{name} #{index // len(names.SELLER_NAMES) + 1}"
        seller = SellerAccount(
            index=index,
            seller_id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            name=name,
            trade_mark=rng.choice(names.BRANDS),
            inn=f"{rng.randrange(10**11, 10**12)}",
            ozon_client_id=str(100_000 + index * 7919 + rng.randrange(1000)),
            ozon_api_key=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            ozon_key_expires_at=ozon_key_expiry(seed, index, self.now),
            _seed=seed,
            _products=self.config.products,
            _orders_days=self.config.orders_days,
            _now=self.now,
        )
        seller.wb_token = self.mint_wb_token(seller)
        return seller

    def seller(self, seller_id: str) -> SellerAccount | None:
        return self._by_id.get(seller_id)

    def seller_by_client_id(self, client_id: str) -> SellerAccount | None:
        return self._by_client_id.get(client_id)

    def mint_wb_token(
        self,
        seller: SellerAccount,
        *,
        expired: bool = False,
        sandbox: bool = False,
        categories: tuple[str, ...] = REQUIRED_CATEGORIES,
        exp_days: float = 180,
    ) -> str:
        """A WB token signed by the simulator's key; ``exp`` counts from the real clock."""
        issued = int(time.time())
        expires = issued - 86_400 if expired else issued + int(exp_days * 86_400)
        payload = {
            "ent": 1,
            "exp": expires,
            "id": str(uuid.uuid4()),
            "iid": 10_000_000 + seller.index,
            "oid": 4_000_000 + seller.index,
            "s": scope_mask(categories),
            "sid": seller.seller_id,
            "t": sandbox,
            "uid": 20_000_000 + seller.index,
        }
        return jwt.encode(payload, self._wb_key, algorithm="ES256", headers={"kid": WB_KEY_ID})

    def expected(
        self, seller: SellerAccount, marketplace: Marketplace, window: OrderWindow
    ) -> ExpectedFigures:
        if Marketplace(marketplace) is Marketplace.WILDBERRIES:
            return wb_expected(seller.wb, window)
        return ozon_expected(seller.ozon, window)
