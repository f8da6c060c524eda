"""Column widths of the tables: fitted to their content cheaply, the ones the user drags kept.

Fitting measures the header titles and a sample of the rows with font metrics. Qt's own
``resizeColumnsToContents`` asks the delegate for the size of every cell, which stalls the event
loop for seconds over 100,000 stock rows. Short columns (numbers, codes, statuses) get the width
of their widest text; one wide text column (a product's name, a seller) stretches over the rest
and elides what does not fit.

A width the user drags is remembered per view and column id in the window's settings file
(``window.ini`` in the data folder, so each installation, and each test's own data folder, keeps
its own) and wins over the fitted one from then on.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QRect, QSettings, QSize, Qt
from PySide6.QtGui import QFontMetrics, QPainter
from PySide6.QtWidgets import (
    QHeaderView,
    QStyle,
    QStyleOptionHeader,
    QStyleOptionHeaderV2,
    QTableView,
    QWidget,
)

SETTINGS_FILE = "window.ini"
SAMPLE_ROWS = 200  # rows measured per fit: enough for the widest codes and numbers in practice
SAMPLE_TEXTS = 20  # of a measured text column, the longest texts measured exactly (see widest)
_GROUP = "column-widths"


def settings_file(home: Path) -> Path:
    """Where the window keeps its own state (column widths) in a data folder."""
    return home / SETTINGS_FILE


def widest(metrics: QFontMetrics, texts: Iterable[str]) -> int:
    """The advance of the widest of ``texts``: the longest few by character count are measured
    (proportional fonts make a shorter text wider now and then; twenty candidates catch it)."""
    candidates = sorted(set(texts), key=len, reverse=True)[:SAMPLE_TEXTS]
    return max((metrics.horizontalAdvance(text) for text in candidates), default=0)


def cell_padding(table: QTableView) -> int:
    """What a cell adds around its text: the delegate's margins, the grid line, a little air."""
    margin = table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, table) + 1
    return 2 * margin + 1 + 6


def title_width(header: QHeaderView, column: int) -> int:
    """The width a section needs to show its whole title, with room for the sort arrow where
    the style puts it beside the title (Fusion draws it above the title, macOS beside it).
    A ``WrappingHeader`` shows a long title on two lines: the wider line counts."""
    title = str(header.model().headerData(column, header.orientation()) or "")
    metrics = header.fontMetrics()
    if isinstance(header, WrappingHeader):
        title = wrap_title(metrics, title)
    style = header.style()
    margin = style.pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
    widest_line = max(metrics.horizontalAdvance(line) for line in title.split("\n"))
    return widest_line + 2 * margin + _arrow_room(header) + 8


def wrap_title(metrics: QFontMetrics, title: str) -> str:
    """A title of several words on the two lines that make it narrowest ("Returns\nin
    transit"); a single word as it is."""
    words = title.split(" ")
    best, best_width = title, metrics.horizontalAdvance(title)
    for cut in range(1, len(words)):
        lines = (" ".join(words[:cut]), " ".join(words[cut:]))
        width = max(metrics.horizontalAdvance(line) for line in lines)
        if width < best_width:
            best, best_width = "\n".join(lines), width
    return best


class WrappingHeader(QHeaderView):
    """A horizontal header that shows a title of several words on two lines, so that a column
    of short numbers need not be as wide as its title's one line ("Returns in transit")."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setSectionsClickable(True)  # as a table's own header: a click sorts

    def _title(self, column: int) -> str:
        text = self.model().headerData(column, self.orientation()) if self.model() else None
        return wrap_title(self.fontMetrics(), str(text or ""))

    def sectionSizeFromContents(self, logicalIndex: int) -> QSize:
        size = super().sectionSizeFromContents(logicalIndex)
        title = self._title(logicalIndex)
        if self.model() is None or "\n" not in title:
            return size
        metrics = self.fontMetrics()
        one_line = metrics.horizontalAdvance(title.replace("\n", " "))
        widest = max(metrics.horizontalAdvance(line) for line in title.split("\n"))
        return QSize(size.width() - one_line + widest, size.height() + metrics.lineSpacing())

    def paintSection(self, painter: QPainter, rect: QRect, logicalIndex: int) -> None:
        if not rect.isValid():
            return
        option = QStyleOptionHeaderV2()
        self.initStyleOption(option)
        self.initStyleOptionForIndex(option, logicalIndex)
        option.rect = rect
        option.text = self._title(logicalIndex)
        option.textElideMode = Qt.TextElideMode.ElideNone  # the width fits the widest line
        painter.save()
        self.style().drawControl(QStyle.ControlElement.CE_Header, option, painter, self)
        painter.restore()


def _arrow_room(header: QHeaderView) -> int:
    """How much of a section's width its title loses to a sort arrow in this style."""
    option = QStyleOptionHeader()
    option.initFrom(header)
    option.rect = QRect(0, 0, 400, max(header.height(), 24))
    option.orientation = header.orientation()
    label = QStyle.SubElement.SE_HeaderLabel
    option.sortIndicator = QStyleOptionHeader.SortIndicator.None_
    plain = header.style().subElementRect(label, option, header).width()
    option.sortIndicator = QStyleOptionHeader.SortIndicator.SortDown
    sorted_ = header.style().subElementRect(label, option, header).width()
    return max(0, plain - sorted_)


def fit(
    available: int,
    wanted: Mapping[str, int],
    floors: Mapping[str, int],
    *,
    stretch: str | None = None,
    shrinkable: Sequence[str] = (),
) -> dict[str, int]:
    """Widths that fit ``available`` pixels where they can.

    Every column gets its ``wanted`` width; ``stretch`` (which Qt stretches over what is left)
    needs at least its ``wanted`` width. When the columns do not fit, the ``shrinkable`` ones
    give up width in proportion to what they have above their ``floors`` (their titles'
    widths), so that every title still shows; narrower still, the table scrolls.
    """
    widths = dict(wanted)
    needed = sum(widths.values())
    excess = needed - available
    room = {name: widths[name] - floors[name] for name in shrinkable if name in widths}
    room = {name: extra for name, extra in room.items() if extra > 0}
    total = sum(room.values())
    if excess > 0 and total > 0:
        take = min(excess, total)
        for name, extra in room.items():
            widths[name] -= min(extra, math.ceil(take * extra / total))
    return widths


class ColumnWidths(QObject):
    """The column widths of one table, under ``key`` (a view, or a layout of one).

    ``apply`` sets the fitted widths, with the ones the user dragged instead where there are
    any; dragging a column afterwards remembers its new width. Columns are known by id
    (``column_id``), not position, so a remembered width stays with its column.

    The stretched column takes what the others leave, but never less than its minimum: in a
    window too narrow for that it keeps the minimum and the table scrolls sideways.
    """

    def __init__(
        self,
        table: QTableView,
        key: str,
        column_id: Callable[[int], str],
        settings: Path | None,
    ) -> None:
        super().__init__(table)
        self.key = key
        self._table = table
        self._header = table.horizontalHeader()
        self._column_id = column_id
        self._settings = QSettings(str(settings), QSettings.Format.IniFormat) if settings else None
        self._applying = False
        self._resetting = False
        self._stretch: str | None = None
        self._stretch_min = 0
        self._header.sectionResized.connect(self._section_resized)
        table.viewport().installEventFilter(self)
        model = table.model()
        model.modelAboutToBeReset.connect(self._reset_begins)
        model.modelReset.connect(self._reset_ends)

    def remembered(self) -> dict[str, int]:
        """The widths the user dragged in this view (column id -> pixels)."""
        if self._settings is None:
            return {}
        self._settings.beginGroup(f"{_GROUP}/{self.key}")
        try:
            stored = {name: self._settings.value(name) for name in self._settings.childKeys()}
        finally:
            self._settings.endGroup()
        widths = {}
        for name, value in stored.items():
            try:
                widths[name] = int(str(value))
            except ValueError:
                continue  # a hand-edited file: that column is fitted again
        return widths

    def apply(
        self, widths: Mapping[str, int], *, stretch: str | None = None, stretch_min: int = 0
    ) -> None:
        """Size the columns: dragged widths first, else ``widths``; ``stretch`` takes the rest,
        at least ``stretch_min`` pixels."""
        self._stretch, self._stretch_min = stretch, stretch_min
        dragged = self.remembered()
        header = self._header
        self._applying = True
        try:
            for column in range(header.count()):
                name = self._column_id(column)
                mode = (
                    QHeaderView.ResizeMode.Stretch
                    if name == stretch
                    else QHeaderView.ResizeMode.Interactive
                )
                header.setSectionResizeMode(column, mode)
                width = dragged.get(name, widths.get(name))
                if width and name != stretch:
                    header.resizeSection(column, max(width, header.minimumSectionSize()))
        finally:
            self._applying = False
        self._keep_stretch_minimum()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self._keep_stretch_minimum()
        return False

    def _keep_stretch_minimum(self) -> None:
        """Stretch the stretched column while the others leave it its minimum; else hold it
        at the minimum (the table then scrolls sideways)."""
        header = self._header
        count = min(header.count(), self._table.model().columnCount())
        names = [self._column_id(column) for column in range(count)]
        if self._stretch not in names:
            return
        stretched = names.index(self._stretch)
        others = sum(
            header.sectionSize(column)
            for column in range(count)
            if column != stretched and not header.isSectionHidden(column)
        )
        room = self._table.viewport().width() - others
        self._applying = True
        try:
            if room >= self._stretch_min:
                if header.sectionResizeMode(stretched) is not QHeaderView.ResizeMode.Stretch:
                    header.setSectionResizeMode(stretched, QHeaderView.ResizeMode.Stretch)
            else:
                header.setSectionResizeMode(stretched, QHeaderView.ResizeMode.Interactive)
                header.resizeSection(stretched, self._stretch_min)
        finally:
            self._applying = False

    def _section_resized(self, column: int, _old: int, new: int) -> None:
        if self._applying or self._resetting or self._settings is None:
            return
        if not 0 <= column < self._table.model().columnCount():
            return
        name = self._column_id(column)
        if name == self._stretch:
            return  # the stretched column follows the window, not the user
        self._settings.setValue(f"{_GROUP}/{self.key}/{name}", new)
        self._keep_stretch_minimum()

    def _reset_begins(self) -> None:
        self._resetting = True

    def _reset_ends(self) -> None:
        self._resetting = False
