"""Plain domain records shared by the clients, the sync engine, storage and the exporters.

No Qt, no SQLAlchemy, no HTTP here: these are what a marketplace answer means once it has been
normalised (docs/domain.md section 4).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from stock_tracker_desktop.domain.problems import Problem


class Marketplace(StrEnum):
    WILDBERRIES = "wildberries"
    OZON = "ozon"


class WarehouseType(StrEnum):
    """FBO: the marketplace's own warehouse. FBS: the seller's warehouse."""

    FBO = "FBO"
    FBS = "FBS"


@dataclass(frozen=True, slots=True)
class ProductSize:
    """One sellable variant: a WB size (chrtID) or an Ozon SKU."""

    size_id: str
    name: str
    barcodes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Product:
    """A product as the seller's cabinet shows it.

    ``product_id`` is WB's nmID or Ozon's product_id, as text so both fit one column.
    """

    product_id: str
    vendor_code: str
    name: str
    brand: str
    subject: str
    sizes: tuple[ProductSize, ...] = ()


@dataclass(frozen=True, slots=True)
class StockRow:
    """Stock of one size of one product on one warehouse, as the marketplace reports it."""

    product_id: str
    size_id: str
    warehouse: str
    warehouse_type: WarehouseType
    quantity: int
    in_transit_to_customers: int = 0
    in_transit_returns: int = 0


@dataclass(frozen=True, slots=True)
class OrderLine:
    """Units ordered, identified so that the same line is never counted twice.

    ``line_id`` is WB's srid (one unit) or Ozon's posting number plus SKU (``quantity`` units).
    ``ordered_at`` is timezone-aware.
    """

    line_id: str
    product_id: str
    warehouse: str
    warehouse_type: WarehouseType
    ordered_at: datetime
    quantity: int = 1
    cancelled: bool = False


@dataclass(frozen=True, slots=True)
class SellerInfo:
    """What a marketplace says about the account behind a credential."""

    name: str
    seller_id: str = ""
    trade_mark: str = ""


@dataclass(frozen=True, slots=True)
class ConnectionReport:
    """The outcome of checking a tenant's credentials against the marketplace."""

    seller: SellerInfo | None
    granted: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    expires_at: datetime | None = None
    # What went wrong, each once, for the reader to word in its language. One met by a call is
    # a CallProblem, which also names the method (its str() is the English line with it).
    problems: tuple[Problem, ...] = field(default=())
    # Why the marketplace refused the credential itself (HTTP 401/403 on a call that any valid
    # credential may make); None when it let the credential in.
    refusal: Problem | None = None

    @property
    def ok(self) -> bool:
        return not self.missing and not self.problems

    @property
    def refused(self) -> str:
        """The refusal in English, with the method first for a call, as the CLI prints it; ""
        when the marketplace let the credential in."""
        return str(self.refusal) if self.refusal is not None else ""
