"""The parts of Wildberries answers the client reads (field names as in the specs)."""

from __future__ import annotations

from stock_tracker_desktop.marketplaces.parsing import Answer


class CardSize(Answer):
    chrtID: int
    techSize: str = ""
    skus: tuple[str, ...] = ()


class Card(Answer):
    nmID: int
    vendorCode: str = ""
    brand: str = ""
    subjectName: str = ""
    title: str = ""
    sizes: tuple[CardSize, ...] = ()


class CardsCursor(Answer):
    updatedAt: str | None = None
    nmID: int | None = None
    total: int


class CardsPage(Answer):
    cards: list[Card]
    cursor: CardsCursor


class WbWarehouseStock(Answer):
    nmId: int
    chrtId: int
    warehouseName: str
    quantity: int
    inWayToClient: int
    inWayFromClient: int


class WbWarehouseStockItems(Answer):
    items: list[WbWarehouseStock]


class WbWarehouseStockPage(Answer):
    data: WbWarehouseStockItems


class RemainsTaskId(Answer):
    taskId: str


class RemainsCreated(Answer):
    data: RemainsTaskId


class RemainsTask(Answer):
    status: str


class RemainsStatus(Answer):
    data: RemainsTask


class RemainsWarehouse(Answer):
    warehouseName: str
    quantity: int


class RemainsRow(Answer):
    nmId: int
    barcode: str = ""
    techSize: str = ""
    warehouses: tuple[RemainsWarehouse, ...] = ()


class SellerWarehouse(Answer):
    id: int
    name: str


class SellerStock(Answer):
    chrtId: int
    amount: int


class SellerStocks(Answer):
    stocks: list[SellerStock]


class OrderRow(Answer):
    date: str
    lastChangeDate: str
    warehouseName: str
    warehouseType: str
    nmId: int
    isCancel: bool
    srid: str


class WbSellerInfo(Answer):
    name: str = ""
    sid: str = ""
    tradeMark: str = ""
