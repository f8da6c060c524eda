"""The home view: what needs the agency today, across every seller, without opening each one.

Four counts at the top (sellers whose last sync failed, products low on stock, products out of
stock while they sell, tokens and keys that expire soon) and, below, the lists behind them plus
the next scheduled syncs. A double-click on a product or a seller opens its stock. The window
refreshes it whenever it reloads the sellers (after syncs finish, after an edit).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from stock_tracker_desktop.core import (
    EXPIRY_WARNING,
    AppCore,
    ExpiringCredentials,
    HomeSummary,
    TenantView,
)
from stock_tracker_desktop.ui import texts
from stock_tracker_desktop.ui.async_qt import spawn
from stock_tracker_desktop.ui.problem_texts import stored_problem_text

# A list longer than this shows its most urgent rows and says how many more there are: the
# counts above are complete, and a seller's stock view shows all of its products.
SHOWN_ROWS = 300
TENANT_ROLE = Qt.ItemDataRole.UserRole
PRODUCT_ROLE = Qt.ItemDataRole.UserRole + 1


class _Count(QFrame):
    """One number with what it counts, large enough to read across the room."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.number = QLabel("0")
        font = self.number.font()
        font.setPointSizeF(font.pointSizeF() * 2.2)
        font.setBold(True)
        self.number.setFont(font)
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.number)
        layout.addWidget(self.caption)

    def show_count(self, value: int, caption: str) -> None:
        self.number.setText(texts.count(value))
        self.caption.setText(caption)


class HomeView(QWidget):
    """``tenant_chosen`` asks the window to open a seller's stock, at the product's row when a
    product was chosen ("" otherwise)."""

    tenant_chosen = Signal(object, str)  # TenantView, product id
    loaded = Signal()

    def __init__(self, core: AppCore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._core = core
        self.summary: HomeSummary | None = None

        self.failed_count = _Count()
        self.low_count = _Count()
        self.out_count = _Count()
        self.expiring_count = _Count()
        counts = QHBoxLayout()
        for card in (self.failed_count, self.out_count, self.low_count, self.expiring_count):
            counts.addWidget(card)

        self.failed = self._list(
            [self.tr("Seller"), self.tr("Result"), self.tr("When"), self.tr("Why")], stretch=3
        )
        self.short = self._list(
            [
                self.tr("Seller"),
                self.tr("Vendor code"),
                self.tr("Product"),
                self.tr("Stock"),
                self.tr("Days of stock"),
            ],
            stretch=2,
        )
        self.expiring = self._list(
            [self.tr("Seller"), self.tr("Expires"), self.tr("Days left")], stretch=0
        )
        self.next_runs = self._list([self.tr("Seller"), self.tr("Next sync")], stretch=0)
        self.short_more = QLabel()
        self.short_more.setVisible(False)

        grid = QGridLayout()
        grid.addWidget(self._box(self.tr("Last sync did not succeed"), self.failed), 0, 0)
        grid.addWidget(
            self._box(self.tr("Low or out of stock"), self.short, self.short_more), 0, 1, 2, 1
        )
        grid.addWidget(self._box(self.tr("Tokens and keys expiring soon"), self.expiring), 1, 0)
        grid.addWidget(self._box(self.tr("Next scheduled syncs"), self.next_runs), 2, 0)
        grid.setColumnStretch(0, 2)
        grid.setColumnStretch(1, 3)
        self.empty = QLabel(self.tr("Add a seller to see here what needs you each day."))
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setVisible(False)

        layout = QVBoxLayout(self)
        layout.addLayout(counts)
        layout.addWidget(self.empty)
        layout.addLayout(grid, 1)

        for tree in (self.failed, self.short, self.expiring, self.next_runs):
            tree.itemActivated.connect(self._activated)

    @staticmethod
    def _list(headers: list[str], *, stretch: int) -> QTreeWidget:
        """A list whose columns fit their content but ``stretch``, which takes the room left
        and elides (its whole text is the row's tooltip)."""
        tree = QTreeWidget()
        tree.setRootIsDecorated(False)
        tree.setUniformRowHeights(True)
        tree.setAlternatingRowColors(True)
        tree.setHeaderLabels(headers)
        header = tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
        tree.setTextElideMode(Qt.TextElideMode.ElideRight)
        tree.setProperty("stretch_column", stretch)
        return tree

    @staticmethod
    def _box(title: str, *widgets: QWidget) -> QGroupBox:
        box = QGroupBox(title)
        layout = QVBoxLayout(box)
        for widget in widgets:
            layout.addWidget(widget)
        return box

    # ----- loading ---------------------------------------------------------------------------

    def refresh(self) -> None:
        spawn(self.reload(), name="reload-home")

    async def reload(self) -> None:
        summary = await self._core.home_summary()
        self.show_summary(summary)
        self.loaded.emit()

    def show_summary(self, summary: HomeSummary) -> None:
        self.summary = summary
        self.empty.setVisible(summary.sellers == 0)
        self.failed_count.show_count(
            len(summary.failed), self.tr("sellers whose last sync did not succeed")
        )
        self.out_count.show_count(summary.out_of_stock, self.tr("products out of stock"))
        self.low_count.show_count(summary.low_stock, self.tr("products low on stock"))
        days = EXPIRY_WARNING.days
        self.expiring_count.show_count(
            len(summary.expiring),
            self.tr("tokens and keys expiring within %1 days").replace("%1", str(days)),
        )
        self._fill(
            self.failed,
            [
                (
                    f.tenant,
                    [
                        f.tenant.name,
                        texts.status_name(f.run.status),
                        texts.date_time_text(f.run.started_at),
                        stored_problem_text(f.run.problem, f.run.error_message),
                    ],
                )
                for f in summary.failed
            ],
        )
        shown = summary.short[:SHOWN_ROWS]
        self._fill(
            self.short,
            [
                (
                    p.tenant,
                    [
                        p.tenant.name,
                        p.vendor_code,
                        p.name,
                        texts.count(p.stock),
                        self.tr("out of stock")
                        if p.out_of_stock
                        else ("" if p.days_of_stock is None else texts.decimal(p.days_of_stock)),
                    ],
                )
                for p in shown
            ],
            products=[p.product_id for p in shown],
        )
        more = len(summary.short) - len(shown)
        self.short_more.setVisible(more > 0)
        self.short_more.setText(
            self.tr("… and %1 more: open a seller's stock to see all.").replace(
                "%1", texts.count(more)
            )
        )
        self._fill(
            self.expiring,
            [
                (
                    e.tenant,
                    [e.tenant.name, texts.date_time_text(e.expires_at), _days_left(e)],
                )
                for e in summary.expiring
            ],
        )
        self._fill(
            self.next_runs,
            [
                (tenant, [tenant.name, texts.date_time_text(when)])
                for tenant, when in summary.next_runs
            ],
        )

    @staticmethod
    def _fill(
        tree: QTreeWidget,
        rows: list[tuple[TenantView, list[str]]],
        *,
        products: Sequence[str] = (),
    ) -> None:
        """``rows`` as the tree's items, each knowing its seller (and its product, for the
        list of products)."""
        tree.setUpdatesEnabled(False)
        tree.clear()
        items = []
        for index, (tenant, cells) in enumerate(rows):
            product = products[index] if products else ""
            item = QTreeWidgetItem(cells)
            item.setData(0, TENANT_ROLE, tenant)
            item.setData(0, PRODUCT_ROLE, product)
            stretch = int(tree.property("stretch_column"))
            item.setToolTip(stretch, cells[stretch])
            items.append(item)
        tree.addTopLevelItems(items)
        tree.setUpdatesEnabled(True)

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        tenant = item.data(0, TENANT_ROLE)
        if tenant is not None:
            self.tenant_chosen.emit(tenant, item.data(0, PRODUCT_ROLE) or "")


def _days_left(expiring: ExpiringCredentials) -> str:
    days = expiring.tenant.token_days_left()
    if days is None:
        return ""
    if days < 0:
        return QCoreApplication.translate("HomeView", "expired")
    return texts.count(days)
