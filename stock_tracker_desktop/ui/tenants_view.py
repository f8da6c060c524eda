"""The home screen: every tenant at a glance, with a filter box and a tag filter."""

from __future__ import annotations

import uuid
from collections.abc import Collection

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMenu,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from stock_tracker_desktop.core import TenantView
from stock_tracker_desktop.ui.progress_delegate import SyncProgressDelegate
from stock_tracker_desktop.ui.tenants_model import SORT_ROLE, Column, TenantsModel


class TenantsFilter(QSortFilterProxyModel):
    """Rows whose name, tags or notes contain the text, and that carry the chosen tag."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.text = ""
        self.tag = ""
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(False)  # progress updates must not reshuffle the rows

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self.text = text.strip().casefold()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_tag(self, tag: str) -> None:
        self.beginFilterChange()
        self.tag = tag
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        model = self.sourceModel()
        assert isinstance(model, TenantsModel)
        tenant = model.tenant(source_row)
        if self.tag and self.tag not in tenant.tags:
            return False
        if not self.text:
            return True
        haystack = " ".join((tenant.name, tenant.seller_name, tenant.notes, *tenant.tags))
        return self.text in haystack.casefold()


class TenantsView(QWidget):
    activated = Signal(object)  # TenantView, on double-click or Enter
    selection_changed = Signal()
    # A TenantView, when the selection becomes one row of another tenant than before (or the
    # same tenant changed, renamed say): the stock view follows it (StockView.show_tenant).
    current_tenant_changed = Signal(object)
    show_archived_changed = Signal(bool)

    def __init__(self, model: TenantsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.proxy = TenantsFilter(self)
        self.proxy.setSourceModel(model)
        self._context_actions: list[QAction | None] = []
        self._current: TenantView | None = None

        self.filter = QLineEdit()
        self.filter.setPlaceholderText(self.tr("Filter by name, tag or notes"))
        self.filter.setClearButtonEnabled(True)
        self.filter.setAccessibleName(self.tr("Filter"))
        self.filter.textChanged.connect(self.proxy.set_text)
        self.tag = QComboBox()
        self.tag.setAccessibleName(self.tr("Tag"))
        self.tag.setToolTip(self.tr("Show only the sellers with this tag"))
        self.tag.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.tag.currentIndexChanged.connect(lambda: self.proxy.set_tag(self.tag.currentData()))
        self.archived = QCheckBox(self.tr("Show archived"))
        self.archived.toggled.connect(self.show_archived_changed)

        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(Column.NAME, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.setItemDelegateForColumn(Column.LAST_SYNC, SyncProgressDelegate(self.table))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setHighlightSections(False)
        for column, width in (
            (Column.NAME, 240),
            (Column.MARKETPLACE, 130),
            (Column.LAST_SYNC, 210),
            (Column.PRODUCTS, 90),
            (Column.LOW_STOCK, 100),
            (Column.TOKEN, 110),
        ):
            self.table.setColumnWidth(column, width)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.doubleClicked.connect(self._activate)
        self.table.activated.connect(self._activate)
        self.table.selectionModel().selectionChanged.connect(self.selection_changed)
        self.table.selectionModel().selectionChanged.connect(self._follow_selection)
        model.modelReset.connect(self._refill_tags)

        top = QHBoxLayout()
        top.addWidget(self.filter, 1)
        top.addWidget(self.tag)
        top.addWidget(self.archived)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        self.setTabOrder(self.filter, self.tag)
        self.setTabOrder(self.tag, self.archived)
        self.setTabOrder(self.archived, self.table)
        self._refill_tags()

    def set_context_actions(self, actions: list[QAction | None]) -> None:
        """The row menu's actions; None is a separator."""
        self._context_actions = actions

    def _context_menu(self, where: QPoint) -> None:
        menu = QMenu(self)
        for action in self._context_actions:
            if action is None:
                menu.addSeparator()
            else:
                menu.addAction(action)
        menu.popup(self.table.viewport().mapToGlobal(where))

    def _refill_tags(self) -> None:
        current = self.tag.currentData() or ""
        self.tag.blockSignals(True)
        self.tag.clear()
        self.tag.addItem(self.tr("All tags"), "")
        for tag in self.model.all_tags():
            self.tag.addItem(tag, tag)
        self.tag.setCurrentIndex(max(self.tag.findData(current), 0))
        self.tag.blockSignals(False)
        self.proxy.set_tag(self.tag.currentData() or "")
        self.proxy.sort(self.proxy.sortColumn(), self.proxy.sortOrder())

    def _activate(self, index: QModelIndex) -> None:
        self.activated.emit(self.model.tenant(self.proxy.mapToSource(index).row()))

    def selected_tenants(self) -> list[TenantView]:
        rows = self.table.selectionModel().selectedRows()
        return [self.model.tenant(self.proxy.mapToSource(index).row()) for index in rows]

    def current_tenant(self) -> TenantView | None:
        """The selected tenant when exactly one is selected."""
        selected = self.selected_tenants()
        return selected[0] if len(selected) == 1 else None

    def _follow_selection(self) -> None:
        tenant = self.current_tenant()
        if tenant is not None and tenant != self._current:
            self._current = tenant
            self.current_tenant_changed.emit(tenant)

    def select(self, tenant_ids: Collection[uuid.UUID]) -> None:
        """Select the rows of these tenants (after a reload replaced the model's rows)."""
        selection = self.table.selectionModel()
        selection.clearSelection()
        flags = selection.SelectionFlag.Select | selection.SelectionFlag.Rows
        for row in range(self.model.rowCount()):
            if self.model.tenant(row).id in tenant_ids:
                index = self.proxy.mapFromSource(self.model.index(row, 0))
                if index.isValid():
                    selection.select(index, flags)
