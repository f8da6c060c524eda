"""The parts of Wildberries answers the client reads (field names as in the specs)."""

from __future__ import annotations

from stock_tracker_desktop.marketplaces.parsing import answer


@answer
class CardSize:
    chrtID: int
    techSize: str = ""
    skus: tuple[str, ...] = ()


@answer
class Card:
    nmID: int
    vendorCode: str = ""
    brand: str = ""
    subjectName: str = ""
    title: str = ""
    sizes: tuple[CardSize, ...] = ()


@answer
class CardsCursor:
    updatedAt: str | None = None
    nmID: int | None = None
    total: int


@answer
class CardsPage:
    cards: list[Card]
    cursor: CardsCursor


@answer
class WbWarehouseStock:
    nmId: int
    chrtId: int
    warehouseName: str
    quantity: int
    inWayToClient: int
    inWayFromClient: int


@answer
class WbWarehouseStockItems:
    items: list[WbWarehouseStock]


@answer
class WbWarehouseStockPage:
    data: WbWarehouseStockItems


@answer
class RemainsTaskId:
    taskId: str


@answer
class RemainsCreated:
    data: RemainsTaskId


@answer
class RemainsTask:
    status: str


@answer
class RemainsStatus:
    data: RemainsTask


@answer
class RemainsWarehouse:
    warehouseName: str
    quantity: int


@answer
class RemainsRow:
    nmId: int
    barcode: str = ""
    techSize: str = ""
    warehouses: tuple[RemainsWarehouse, ...] = ()


@answer
class SellerWarehouse:
    id: int
    name: str


@answer
class SellerStock:
    chrtId: int
    amount: int


@answer
class SellerStocks:
    stocks: list[SellerStock]


@answer
class OrderRow:
    date: str
    lastChangeDate: str
    warehouseName: str
    warehouseType: str
    nmId: int
    isCancel: bool
    srid: str


@answer
class WbSellerInfo:
    name: str = ""
    sid: str = ""
    tradeMark: str = ""
