"""The tenants table: one row per tenant, live progress while it syncs."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from stock_tracker_desktop.core import TenantOverview, TenantView
from stock_tracker_desktop.domain.runs import RunStatus
from stock_tracker_desktop.ui import texts
from stock_tracker_desktop.ui.problem_texts import stored_problem_text

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
PROGRESS_ROLE = Qt.ItemDataRole.UserRole + 2  # a Progress while the tenant syncs, else None
TAGS_ROLE = Qt.ItemDataRole.UserRole + 3
TOKEN_WARNING_DAYS = 14
# Status colours: saturated mid-tones that read on light and dark backgrounds alike.
AMBER = QColor("#d98a00")
RED = QColor("#e04545")

Index = QModelIndex | QPersistentModelIndex


class Column(IntEnum):
    NAME = 0
    MARKETPLACE = 1
    LAST_SYNC = 2
    PRODUCTS = 3
    LOW_STOCK = 4
    TOKEN = 5
    NEXT_RUN = 6


@dataclass(slots=True)
class Progress:
    stage: str = "waiting"
    pages: int = 0
    rows: int = 0


class TenantsModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[TenantOverview] = []
        self._next_runs: dict[uuid.UUID, datetime] = {}
        self._progress: dict[uuid.UUID, Progress] = {}

    # ----- feeding ---------------------------------------------------------------------------

    def set_rows(self, rows: list[TenantOverview]) -> None:
        """Show ``rows``. The same tenants in the same order (the common case: syncs finished)
        update only the rows that changed; a reset would make the view re-sort, re-measure and
        repaint every row, which is a visible stall with many tenants syncing."""
        old = self._rows
        if [item.tenant.id for item in old] != [item.tenant.id for item in rows]:
            self.beginResetModel()
            self._rows = rows
            self.endResetModel()
            return
        self._rows = rows
        last_column = self.columnCount() - 1
        for row, (before, after) in enumerate(zip(old, rows, strict=True)):
            if before != after:
                self.dataChanged.emit(self.index(row, 0), self.index(row, last_column))

    def set_next_runs(self, next_runs: dict[uuid.UUID, datetime]) -> None:
        self._next_runs = next_runs
        self._column_changed(Column.NEXT_RUN)

    def set_progress(self, tenant_id: uuid.UUID, stage: str, pages: int, rows: int) -> None:
        self._progress[tenant_id] = Progress(stage, pages, rows)
        self._cell_changed(tenant_id, Column.LAST_SYNC)

    def clear_progress(self, tenant_id: uuid.UUID) -> None:
        if self._progress.pop(tenant_id, None) is not None:
            self._cell_changed(tenant_id, Column.LAST_SYNC)

    def _cell_changed(self, tenant_id: uuid.UUID, column: Column) -> None:
        row = self.row_of(tenant_id)
        if row is not None:
            index = self.index(row, column)
            self.dataChanged.emit(index, index)

    def _column_changed(self, column: Column) -> None:
        if self._rows:
            self.dataChanged.emit(self.index(0, column), self.index(len(self._rows) - 1, column))

    # ----- reading ---------------------------------------------------------------------------

    def row_of(self, tenant_id: uuid.UUID) -> int | None:
        for row, item in enumerate(self._rows):
            if item.tenant.id == tenant_id:
                return row
        return None

    def overview(self, row: int) -> TenantOverview:
        return self._rows[row]

    def tenant(self, row: int) -> TenantView:
        return self._rows[row].tenant

    def tenants(self) -> list[TenantView]:
        return [item.tenant for item in self._rows]

    def all_tags(self) -> list[str]:
        return sorted({tag for item in self._rows for tag in item.tenant.tags})

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._header(Column(section))
        if role == Qt.ItemDataRole.TextAlignmentRole and section in (
            Column.PRODUCTS,
            Column.LOW_STOCK,
            Column.TOKEN,
        ):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _header(self, column: Column) -> str:
        return {
            Column.NAME: self.tr("Seller"),
            Column.MARKETPLACE: self.tr("Marketplace"),
            Column.LAST_SYNC: self.tr("Last sync"),
            Column.PRODUCTS: self.tr("Products"),
            Column.LOW_STOCK: self.tr("Low stock"),
            Column.TOKEN: self.tr("Token, days"),
            Column.NEXT_RUN: self.tr("Next sync"),
        }[column]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        item = self._rows[index.row()]
        column = Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(item, column)
        if role == SORT_ROLE:
            return self._sort_key(item, column)
        if role == Qt.ItemDataRole.DecorationRole and column == Column.LAST_SYNC:
            if item.tenant.id in self._progress:
                return texts.status_icon(RunStatus.RUNNING)
            return texts.status_icon(item.last_run.status if item.last_run else None)
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._foreground(item, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(item, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (
            Column.PRODUCTS,
            Column.LOW_STOCK,
            Column.TOKEN,
        ):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == PROGRESS_ROLE and column == Column.LAST_SYNC:
            return self._progress.get(item.tenant.id)
        if role == TAGS_ROLE:
            return item.tenant.tags
        return None

    def _display(self, item: TenantOverview, column: Column) -> str:
        tenant, run = item.tenant, item.last_run
        if column == Column.NAME:
            return tenant.name + (self.tr(" (archived)") if tenant.archived else "")
        if column == Column.MARKETPLACE:
            name = texts.marketplace_name(tenant.marketplace)
            return name + (self.tr(" (sandbox)") if tenant.sandbox else "")
        if column == Column.LAST_SYNC:
            if run is None:
                return self.tr("never")
            return texts.local_time(run.finished_at or run.started_at)
        if column == Column.PRODUCTS:
            return "" if item.products is None else texts.count(item.products)
        if column == Column.LOW_STOCK:
            return "" if item.low_stock is None else texts.count(item.low_stock)
        if column == Column.TOKEN:
            days = tenant.token_days_left()
            if days is None:
                return ""
            return self.tr("expired") if days < 0 else texts.count(days)
        if item.paused:  # before "disabled": a paused seller syncs neither by hand nor on time
            return self.tr("Paused: beyond the plan's limit")
        if not tenant.enabled:
            return self.tr("disabled")
        return texts.local_time(self._next_runs.get(tenant.id)) or self.tr("not scheduled")

    def _sort_key(self, item: TenantOverview, column: Column) -> Any:
        tenant, run = item.tenant, item.last_run
        if column == Column.NAME:
            return tenant.name.casefold()
        if column == Column.MARKETPLACE:
            return tenant.marketplace.value
        if column == Column.LAST_SYNC:
            return (run.started_at if run else datetime.min.replace(tzinfo=UTC)).timestamp()
        if column == Column.PRODUCTS:
            return -1 if item.products is None else item.products
        if column == Column.LOW_STOCK:
            return -1 if item.low_stock is None else item.low_stock
        if column == Column.TOKEN:
            days = tenant.token_days_left()
            return 1_000_000 if days is None else days
        moment = self._next_runs.get(tenant.id)
        return moment.timestamp() if moment else float("inf")

    def _foreground(self, item: TenantOverview, column: Column) -> QColor | None:
        if column == Column.TOKEN:
            days = item.tenant.token_days_left()
            if days is not None and days < 0:
                return RED
            if days is not None and days < TOKEN_WARNING_DAYS:
                return AMBER
        if column == Column.LOW_STOCK and item.low_stock:
            return AMBER
        if column == Column.NEXT_RUN and item.paused:
            return AMBER
        failed = item.last_run is not None and item.last_run.status is RunStatus.FAILED
        if column == Column.LAST_SYNC and failed:
            return RED
        return None

    def _tooltip(self, item: TenantOverview, column: Column) -> str | None:
        tenant, run = item.tenant, item.last_run
        if column == Column.NAME:
            lines = [tenant.name]
            if tenant.seller_name:
                lines.append(self.tr("Seller in the cabinet: %1").replace("%1", tenant.seller_name))
            if tenant.tags:
                lines.append(self.tr("Tags: %1").replace("%1", ", ".join(tenant.tags)))
            if tenant.notes:
                lines.append(tenant.notes)
            return "\n".join(lines)
        if column == Column.LAST_SYNC and run is not None:
            text = texts.status_name(run.status)
            if run.error_message:
                text += "\n" + stored_problem_text(run.problem, run.error_message)
            return text
        if column == Column.TOKEN and tenant.token_expires_at is not None:
            return self.tr("The token expires on %1").replace(
                "%1", texts.local_time(tenant.token_expires_at)
            )
        if column == Column.NEXT_RUN and item.paused:
            return self.tr(
                "The plan syncs fewer sellers than there are, so this one waits; its figures "
                'stay and export as before. Archive another seller, take one out of "Sync all" '
                "or upgrade the plan (Settings > Licence)."
            )
        return None
