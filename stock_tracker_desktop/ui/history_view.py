"""The sync history: every run, filtered by seller, status and period, with a detail pane."""

from __future__ import annotations

import asyncio
import html
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QDate, QLocale, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QPalette, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStyle,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from stock_tracker_desktop.core import AppCore, RunRecord, TenantView
from stock_tracker_desktop.domain.runs import RunStatus, Trigger
from stock_tracker_desktop.ui import column_widths, texts
from stock_tracker_desktop.ui.async_qt import spawn
from stock_tracker_desktop.ui.history_model import (
    COLUMNS,
    HistoryModel,
    duration_text,
    local_time_text,
    stage_text,
    status_icon,
    status_text,
    trigger_text,
)
from stock_tracker_desktop.ui.problem_texts import stored_problem_text
from stock_tracker_desktop.ui.resources import icon
from stock_tracker_desktop.ui.sync_bridge import SyncBridge

# Enough for months of a busy agency; an explicit "to" date lifts the cap (see _query).
HISTORY_LIMIT = 2000
# Many tenants finish within moments of each other: one refresh serves them all.
REFRESH_DELAY_MS = 300
_CUSTOM_PERIOD = -1
# The seller's name takes the width the other columns leave (and elides).
STRETCH_COLUMN = "tenant"
MIN_STRETCH_WIDTH = 100
MAX_COLUMN_WIDTH = 240
# A date and time whose text is among the longest in most formats (two-digit day, month, hour).
_LONG_MOMENT = datetime(2026, 12, 28, 10, 58, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class _Filters:
    tenant_id: uuid.UUID | None
    status: RunStatus | None
    since: datetime | None
    until: datetime | None


def _local_midnight(day: QDate) -> datetime:
    moment = datetime(day.year(), day.month(), day.day())
    return moment.astimezone().astimezone(UTC)


class RunDetails(QFrame):
    """Everything about one run: counts, durations, API use, stages and the error in words."""

    retry_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._run: RunRecord | None = None
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setMinimumWidth(340)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 12)
        layout.setSpacing(8)

        self.title = QLabel()
        title_font = QFont(self.font())
        title_font.setPointSizeF(title_font.pointSizeF() * 1.25)
        title_font.setBold(True)
        self.title.setFont(title_font)
        self.title.setWordWrap(True)
        layout.addWidget(self.title)

        status_row = QHBoxLayout()
        self.status_icon = QLabel()
        self.status_label = QLabel()
        status_row.addWidget(self.status_icon)
        status_row.addWidget(self.status_label, 1)
        layout.addLayout(status_row)

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        form.setHorizontalSpacing(16)
        self._values: dict[str, QLabel] = {}
        for key, label in (
            ("started", self.tr("Started")),
            ("finished", self.tr("Finished")),
            ("duration", self.tr("Duration")),
            ("trigger", self.tr("Started by")),
            ("products", self.tr("Products")),
            ("stock_rows", self.tr("Stock rows")),
            ("orders", self.tr("Orders in the window")),
            ("requests", self.tr("API requests")),
            ("rate_limited", self.tr("Rate limited (HTTP 429)")),
        ):
            value = QLabel()
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self._values[key] = value
            form.addRow(label, value)
        layout.addLayout(form)

        self.error_box = QLabel()
        self.error_box.setWordWrap(True)
        self.error_box.setTextFormat(Qt.TextFormat.RichText)
        self.error_box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_box.setObjectName("errorBox")
        self.error_box.setStyleSheet(
            "#errorBox { border: 1px solid rgba(229, 57, 53, 160); border-radius: 4px;"
            " background: rgba(229, 57, 53, 40); padding: 8px; }"
        )
        layout.addWidget(self.error_box)

        stages_title = QLabel(self.tr("Stages"))
        stages_title.setFont(_bold(self.font()))
        layout.addWidget(stages_title)
        self.stages = QTableWidget(0, 3)
        self.stages.setHorizontalHeaderLabels(
            [self.tr("Stage"), self.tr("Seconds"), self.tr("Rows")]
        )
        self.stages.verticalHeader().hide()
        self.stages.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.stages.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.stages.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.stages.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = self.stages.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.stages.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        layout.addWidget(self.stages)

        self.retry = QPushButton(icon("sync"), self.tr("Retry this sync"))
        self.retry.setToolTip(self.tr("Sync this seller again now"))
        self.retry.clicked.connect(self._retry)
        layout.addWidget(self.retry, 0, Qt.AlignmentFlag.AlignRight)
        layout.addStretch(1)

        self.placeholder = QLabel(self.tr("Select a run to see its details."))
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        layout.addWidget(self.placeholder, 1)
        self._content: list[QWidget] = [self.title, self.status_icon, self.status_label]
        self._content += [self.error_box, self.stages, self.retry, stages_title]
        self._content += self._values.values()
        self._form = form
        self.show_run(None)

    @property
    def run(self) -> RunRecord | None:
        return self._run

    def show_run(self, run: RunRecord | None) -> None:
        self._run = run
        for widget in self._content:
            widget.setVisible(run is not None)
        for row in range(self._form.rowCount()):
            self._form.setRowVisible(row, run is not None)
        self.placeholder.setVisible(run is None)
        if run is None:
            return
        self.title.setText(run.tenant)
        self.status_icon.setPixmap(status_icon(run.status).pixmap(18, 18))
        self.status_label.setText(status_text(run.status))
        values = {
            "started": local_time_text(run.started_at),
            "finished": local_time_text(run.finished_at) or self.tr("still running"),
            "duration": duration_text(run.duration),
            "trigger": trigger_text(run.trigger),
            "products": texts.count(run.products),
            "stock_rows": texts.count(run.stock_rows),
            "orders": texts.count(run.orders),
            "requests": texts.count(run.requests),
            "rate_limited": texts.count(run.rate_limited),
        }
        for key, text in values.items():
            self._values[key].setText(text)
        self.error_box.setText(self.error_html(run))
        self.error_box.setVisible(bool(run.error_message))
        self.stages.setRowCount(len(run.stages))
        for row, stage in enumerate(run.stages):
            cells = (
                stage_text(stage.stage),
                QLocale().toString(stage.seconds, "f", 2),
                texts.count(stage.rows),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.stages.setItem(row, column, item)
        rows_height = self.stages.verticalHeader().defaultSectionSize() * len(run.stages)
        header_height = self.stages.horizontalHeader().sizeHint().height()
        self.stages.setFixedHeight(rows_height + header_height + 2 * self.stages.frameWidth())

    def error_html(self, run: RunRecord) -> str:
        """What went wrong, where and on which request, in sentences."""
        if not run.error_message:
            return ""
        if run.status is RunStatus.FAILED and run.error_stage:
            headline = self.tr("The sync failed at the \u201c{stage}\u201d stage.").format(
                stage=stage_text(run.error_stage)
            )
        elif run.status is RunStatus.CANCELLED:
            headline = self.tr("The sync was cancelled.")
        elif run.status is RunStatus.INTERRUPTED:
            headline = self.tr("The sync was interrupted.")
        else:
            headline = self.tr("Part of the sync failed.")
        parts = [f"<b>{html.escape(headline)}</b>"]
        if run.error_endpoint:
            request = self.tr("Request: {endpoint}").format(endpoint=run.error_endpoint)
            parts.append(html.escape(request))
        parts.append(html.escape(stored_problem_text(run.problem, run.error_message)))
        return "<br>".join(parts)

    def _retry(self) -> None:
        if self._run is not None:
            self.retry_requested.emit(self._run.tenant_id)


def _bold(font: QFont) -> QFont:
    bold = QFont(font)
    bold.setBold(True)
    return bold


class HistoryView(QWidget):
    """All runs (newest first) with filters; refreshes itself when a sync starts or ends."""

    retry_requested = Signal(object)  # a tenant id
    loaded = Signal()  # the table holds the result of the latest refresh

    def __init__(self, core: AppCore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._core = core
        self._tenant_filter: uuid.UUID | None = None
        self._task: asyncio.Task[None] | None = None
        self._sized = False

        self.tenant_box = QComboBox()
        self.tenant_box.setMinimumContentsLength(18)
        self.tenant_box.setToolTip(self.tr("Show the runs of one seller"))
        self.tenant_box.addItem(self.tr("All sellers"), None)
        self.status_box = QComboBox()
        self.status_box.addItem(self.tr("Any status"), None)
        for status in RunStatus:
            self.status_box.addItem(status_icon(status), status_text(status), status)
        self.period_box = QComboBox()
        for label, hours in (
            (self.tr("Last 24 hours"), 24),
            (self.tr("Last 7 days"), 24 * 7),
            (self.tr("Last 30 days"), 24 * 30),
            (self.tr("All time"), None),
            (self.tr("Custom range\u2026"), _CUSTOM_PERIOD),
        ):
            self.period_box.addItem(label, hours)
        self.period_box.setCurrentIndex(1)
        today = QDate.currentDate()
        self.from_date = QDateEdit(today.addDays(-7))
        self.to_date = QDateEdit(today)
        for edit in (self.from_date, self.to_date):
            edit.setCalendarPopup(True)
            edit.setVisible(False)
            edit.dateChanged.connect(self.refresh)
        self.refresh_button = QPushButton(icon("refresh"), self.tr("Refresh"))
        self.count_label = QLabel()
        self.count_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        bar = QHBoxLayout()
        for caption, widget in (
            (self.tr("Seller:"), self.tenant_box),
            (self.tr("Status:"), self.status_box),
            (self.tr("Period:"), self.period_box),
        ):
            caption_label = QLabel(caption)
            caption_label.setBuddy(widget)
            bar.addWidget(caption_label)
            bar.addWidget(widget)
            bar.addSpacing(8)
        bar.addWidget(self.from_date)
        bar.addWidget(self.to_date)
        bar.addStretch(1)
        bar.addWidget(self.count_label)
        bar.addWidget(self.refresh_button)

        self.model = HistoryModel(self)
        self.table = QTableView()
        self.table.setHorizontalHeader(column_widths.WrappingHeader(self.table))  # "Stock\nrows"
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setHighlightSections(False)
        self._widths = column_widths.ColumnWidths(
            self.table,
            "history",
            COLUMNS.__getitem__,
            column_widths.settings_file(self._core.home),
        )
        self.details = RunDetails()
        self.details.retry_requested.connect(self.retry_requested)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.table)
        splitter.addWidget(self.details)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)

        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(REFRESH_DELAY_MS)
        self._refresh_timer.timeout.connect(self.refresh)
        self.bridge = SyncBridge(core, self)
        self.bridge.started.connect(self._refresh_timer.start)
        self.bridge.finished.connect(self._refresh_timer.start)
        self.tenant_box.currentIndexChanged.connect(self._tenant_chosen)
        self.status_box.currentIndexChanged.connect(self.refresh)
        self.period_box.currentIndexChanged.connect(self._period_chosen)
        self.refresh_button.clicked.connect(self.refresh)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)

    # ----- public -----------------------------------------------------------------------------

    def set_tenant_filter(self, tenant_id: uuid.UUID | None) -> None:
        self._tenant_filter = tenant_id
        self._select_tenant_item()
        self.refresh()

    def set_status_filter(self, status: RunStatus | None) -> None:
        self.status_box.setCurrentIndex(max(0, self.status_box.findData(status)))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._task is None:
            self.refresh()  # the first time the tab opens: the runs of before the window

    def refresh(self) -> None:
        """Reload the runs for the current filters (the previous reload, if any, is dropped)."""
        if self._task is not None:
            self._task.cancel()
        self._task = spawn(self._reload(self._filters()), name="history-refresh")

    # ----- loading ----------------------------------------------------------------------------

    def _filters(self) -> _Filters:
        hours = self.period_box.currentData()
        since = until = None
        if hours == _CUSTOM_PERIOD:
            since = _local_midnight(self.from_date.date())
            until = _local_midnight(self.to_date.date().addDays(1))
        elif hours is not None:
            since = datetime.now(UTC) - timedelta(hours=hours)
        status = self.status_box.currentData()  # Qt hands a StrEnum back as a plain str
        return _Filters(self._tenant_filter, RunStatus(status) if status else None, since, until)

    async def _reload(self, filters: _Filters) -> None:
        tenants = await self._core.tenants(include_archived=True)
        runs = await self._core.history(
            tenant_id=filters.tenant_id,
            status=filters.status,
            since=filters.since,
            until=filters.until,
            limit=HISTORY_LIMIT,
        )
        self._fill_tenants(tenants)
        shown = self.details.run
        self.model.set_runs(runs)
        row = self.model.row_of(shown.id) if shown else -1
        if row >= 0:
            self.table.selectRow(row)
            self.details.show_run(self.model.run(row))
        else:
            self.details.show_run(None)
        self.count_label.setText(texts.plural(self.tr("%Ln run(s)", "", len(runs)), len(runs)))
        if runs and not self._sized:
            self._sized = True
            self._size_columns()
        self.loaded.emit()

    def _size_columns(self) -> None:
        """Fit the columns to their titles and texts (every status's and trigger's words, a
        sample of the runs' figures), the seller's name over the rest; dragged widths win.

        Font metrics, not resizeColumnsToContents: that asks the delegate about every cell.
        """
        header = self.table.horizontalHeader()
        metrics = self.table.fontMetrics()
        padding = column_widths.cell_padding(self.table)
        icon_size = self.table.iconSize().width()
        if icon_size <= 0:
            icon_size = self.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize)
        rows = self.model.rowCount()
        sample = range(0, rows, max(1, rows // column_widths.SAMPLE_ROWS))
        wanted: dict[str, int] = {}
        for column, name in enumerate(COLUMNS):
            title = column_widths.title_width(header, column)
            if name == STRETCH_COLUMN:
                wanted[name] = max(title, MIN_STRETCH_WIDTH)
                continue
            if name == "status":
                # Every status, not only those listed now: a status shows in full, always.
                content = column_widths.widest(metrics, map(status_text, RunStatus))
                content += icon_size + padding
            elif name == "trigger":
                content = column_widths.widest(metrics, map(trigger_text, Trigger)) + padding
            else:
                cells = [str(self.model.index(row, column).data() or "") for row in sample]
                if name == "started":
                    cells.append(local_time_text(_LONG_MOMENT))
                content = column_widths.widest(metrics, cells) + padding
            wanted[name] = max(title, min(content, MAX_COLUMN_WIDTH))
        self._widths.apply(wanted, stretch=STRETCH_COLUMN, stretch_min=MIN_STRETCH_WIDTH)

    def _fill_tenants(self, tenants: list[TenantView]) -> None:
        box = self.tenant_box
        box.blockSignals(True)
        try:
            while box.count() > 1:
                box.removeItem(1)
            for tenant in sorted(tenants, key=lambda t: t.name.casefold()):
                box.addItem(tenant.name, str(tenant.id))
            self._select_tenant_item()
        finally:
            box.blockSignals(False)

    def _select_tenant_item(self) -> None:
        # Ids travel through the combo as text: Qt cannot compare Python objects it holds.
        wanted = str(self._tenant_filter) if self._tenant_filter else None
        index = self.tenant_box.findData(wanted)
        if index >= 0:
            blocked = self.tenant_box.blockSignals(True)
            self.tenant_box.setCurrentIndex(index)
            self.tenant_box.blockSignals(blocked)

    # ----- reactions --------------------------------------------------------------------------

    def _tenant_chosen(self, _index: int) -> None:
        chosen = self.tenant_box.currentData()
        self._tenant_filter = uuid.UUID(chosen) if chosen else None
        self.refresh()

    def _period_chosen(self, _index: int) -> None:
        custom = self.period_box.currentData() == _CUSTOM_PERIOD
        self.from_date.setVisible(custom)
        self.to_date.setVisible(custom)
        self.refresh()

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = current.row()
        self.details.show_run(self.model.run(row) if current.isValid() and row >= 0 else None)
