"""The one protocol both marketplace clients follow, so the sync engine never branches on them.

Each listing is an async iterator of pages (lists), so that a sync streams rows into storage
instead of holding a seller's whole catalogue in memory.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from stock_tracker_desktop.domain.models import (
    ConnectionReport,
    Marketplace,
    OrderLine,
    Product,
    SellerInfo,
    StockRow,
)
from stock_tracker_desktop.domain.window import OrderWindow


@dataclass(slots=True)
class RequestStats:
    """What a client spent, for the sync history."""

    requests: int = 0
    rate_limited: int = 0
    retries: int = 0


class ProgressCallback(Protocol):
    def __call__(self, stage: str, pages: int, rows: int) -> None: ...


class MarketplaceClient(Protocol):
    marketplace: Marketplace
    # Whether order lines can be mapped to products only after products() has run.
    orders_need_products: bool

    @property
    def stats(self) -> RequestStats:
        """What the client has spent so far. Read-only: the transport owns the counters."""
        ...

    async def check_connection(self) -> ConnectionReport:
        """Which categories work, the seller's name and when the credential expires."""
        ...

    async def credentials_expire_at(self) -> datetime | None:
        """When the credential stops working, as an aware UTC datetime; None when the
        marketplace does not say (a WB token without ``exp``, an Ozon answer without it).

        A moment already past is returned as it is, not raised: the caller decides what an
        expired credential means for it. What the marketplace refuses or answers wrongly raises
        the usual MarketplaceError subclasses (AuthError for a refused credential).
        """
        ...

    async def seller_info(self) -> SellerInfo | None:
        """The seller as the marketplace's cabinet names it; None where it cannot be asked."""
        ...

    def products(self) -> AsyncIterator[list[Product]]:
        """All products of the seller, page by page."""
        ...

    def stock(self, products: Sequence[Product]) -> AsyncIterator[list[StockRow]]:
        """Stock per size and warehouse, FBO and FBS. ``products`` gives the size ids FBS needs."""
        ...

    def order_lines(self, window: OrderWindow) -> AsyncIterator[list[OrderLine]]:
        """Order lines whose order date falls in ``window``, each line once, cancelled included."""
        ...

    async def aclose(self) -> None: ...
