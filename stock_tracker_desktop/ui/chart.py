"""A product's total stock over the kept snapshots, as a line chart that follows the palette."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from PySide6.QtCharts import QChart, QChartView, QDateTimeAxis, QLineSeries, QValueAxis
from PySide6.QtCore import QDateTime, QEvent, QLocale, QMargins, QPointF, Qt
from PySide6.QtGui import QColor, QPainter, QPalette, QPen
from PySide6.QtWidgets import QWidget

# One sync's spread: a single snapshot still gets a readable time axis around it.
_SINGLE_POINT_PAD = timedelta(hours=12)
LINE_COLOR = QColor(52, 120, 246)


class StockChart(QChartView):
    """Line of total stock per snapshot; ``set_history`` replaces it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(180)
        chart = QChart()
        chart.legend().hide()
        chart.setMargins(QMargins(4, 4, 4, 4))
        chart.setBackgroundRoundness(0)
        self.series = QLineSeries()
        pen = QPen(LINE_COLOR)
        pen.setWidthF(2.0)
        self.series.setPen(pen)
        self.series.setPointsVisible(True)
        chart.addSeries(self.series)
        self.time_axis = QDateTimeAxis()
        self.stock_axis = QValueAxis()
        self.stock_axis.setLabelFormat("%d")
        chart.addAxis(self.time_axis, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(self.stock_axis, Qt.AlignmentFlag.AlignLeft)
        self.series.attachAxis(self.time_axis)
        self.series.attachAxis(self.stock_axis)
        self.setChart(chart)
        self._apply_palette()
        self.reset()

    def reset(self) -> None:
        self.clear(self.tr("Select a product to see its stock over past syncs"))

    def clear(self, message: str) -> None:
        self.series.clear()
        self.chart().setTitle(message)
        self.time_axis.setVisible(False)
        self.stock_axis.setVisible(False)

    def set_history(self, title: str, points: Sequence[tuple[datetime, int]]) -> None:
        """Show one point per snapshot (time of the snapshot, total stock of the product)."""
        if not points:
            self.clear(self.tr("No snapshots of this product yet"))
            return
        self.chart().setTitle(title)
        self.series.replace([_point(moment, stock) for moment, stock in points])
        first, last = points[0][0], points[-1][0]
        if first == last:
            first, last = first - _SINGLE_POINT_PAD, last + _SINGLE_POINT_PAD
        self.time_axis.setRange(_qt_time(first), _qt_time(last))
        span = last - first
        # The locale's own short formats, as every date of the window is written (ui/texts.py).
        short = QLocale.FormatType.ShortFormat
        locale = QLocale()
        self.time_axis.setFormat(
            locale.dateTimeFormat(short) if span < timedelta(days=3) else locale.dateFormat(short)
        )
        self.time_axis.setTickCount(min(6, max(2, len(points))))
        top = max(stock for _, stock in points)
        self.stock_axis.setRange(0, _nice_ceiling(top))
        self.stock_axis.applyNiceNumbers()
        self.time_axis.setVisible(True)
        self.stock_axis.setVisible(True)

    def point_count(self) -> int:
        return self.series.count()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self._apply_palette()
        super().changeEvent(event)

    def _apply_palette(self) -> None:
        """Colours from the widget's palette, so the chart matches light and dark themes."""
        palette = self.palette()
        chart = self.chart()
        chart.setBackgroundBrush(palette.color(QPalette.ColorRole.Base))
        chart.setTitleBrush(palette.color(QPalette.ColorRole.Text))
        grid = palette.color(QPalette.ColorRole.Mid)
        for axis in (self.time_axis, self.stock_axis):
            axis.setLabelsColor(palette.color(QPalette.ColorRole.Text))
            axis.setGridLineColor(grid)
            axis.setLinePenColor(grid)


def _qt_time(moment: datetime) -> QDateTime:
    return QDateTime.fromMSecsSinceEpoch(int(moment.timestamp() * 1000))


def _point(moment: datetime, stock: int) -> QPointF:
    return QPointF(float(_qt_time(moment).toMSecsSinceEpoch()), float(stock))


def _nice_ceiling(value: int) -> float:
    """Head room above the highest point, never a zero-height axis."""
    return max(10.0, value * 1.1)
