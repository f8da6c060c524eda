"""How a simulated world is built and how fast its clock runs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from stock_tracker_desktop.simulator.limits import LimitSpec


@dataclass(frozen=True)
class SimulatorConfig:
    """Everything that makes two simulators behave the same.

    ``time_factor`` multiplies every rate-limit duration and the async report's preparation
    time: 1.0 is the real marketplace, 0.01 runs a hundred times faster.
    ``now`` is the moment the data is built around (orders end there); default: real now.
    ``limit_overrides`` replaces the limit of a group by name (see ``limits.WB_LIMITS``).
    """

    seed: int = 1
    sellers: int = 3
    products: int = 50
    time_factor: float = 1.0
    orders_days: int = 30
    now: datetime | None = None
    orders_row_cap: int = 80_000
    # How many of the requested SKUs one page of /v2/product/info/stocks-by-warehouse/fbs covers
    # at most: like the live API, pages end at the server's own boundaries, so a page may hold
    # fewer rows than the limit asked for, or none, while has_next is true.
    ozon_fbs_page_skus: int = 100
    limit_overrides: Mapping[str, LimitSpec] = field(default_factory=dict)
    # Real seconds (before time_factor) a warehouse_remains task stays "new", then "processing".
    report_new_seconds: float = 2.0
    report_processing_seconds: float = 6.0
    # How long a `timeout` fault holds a request when the fault names no delay.
    timeout_fault_seconds: float = 30.0

    def __post_init__(self) -> None:
        if self.time_factor <= 0:
            raise ValueError("time_factor must be positive")
        if min(self.sellers, self.products, self.orders_days, self.ozon_fbs_page_skus) < 1:
            raise ValueError(
                "sellers, products, orders_days and ozon_fbs_page_skus must be at least 1"
            )
        if self.now is not None and self.now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
