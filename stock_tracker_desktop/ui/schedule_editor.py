"""Editing a schedule: off, every N hours, or at times of day (optionally "as in Settings")."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLineEdit,
    QSizePolicy,
    QStackedWidget,
    QWidget,
)

from stock_tracker_desktop.domain.problems import Problem
from stock_tracker_desktop.domain.schedule import InvalidSchedule, Schedule

INHERIT = "inherit"


class ScheduleEditor(QWidget):
    changed = Signal()

    def __init__(self, *, allow_inherit: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._timezone = ""
        self.mode = QComboBox()
        self.mode.setAccessibleName(self.tr("Schedule"))
        if allow_inherit:
            self.mode.addItem(self.tr("As in Settings"), INHERIT)
        self.mode.addItem(self.tr("Off"), "off")
        self.mode.addItem(self.tr("Every N hours"), "interval")
        self.mode.addItem(self.tr("At times of day"), "daily")

        self.hours = QDoubleSpinBox()
        self.hours.setRange(0.25, 24 * 7)
        self.hours.setDecimals(2)
        self.hours.setSingleStep(1)
        self.hours.setSuffix(self.tr(" h"))
        self.hours.setValue(4)
        self.hours.setAccessibleName(self.tr("Interval in hours"))
        self.times = QLineEdit("06:00, 18:00")
        self.times.setPlaceholderText("06:00, 18:00")
        self.times.setToolTip(self.tr("Times of day, separated by commas, e.g. 06:00, 18:00"))
        self.times.setAccessibleName(self.tr("Times of day"))

        self.details = QStackedWidget()
        self.details.addWidget(QWidget())  # nothing more to say for "off" and "inherit"
        self.details.addWidget(self.hours)
        self.details.addWidget(self.times)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.mode)
        layout.addWidget(self.details, 1)
        self.setFocusProxy(self.mode)
        # One line high: a form must not hand the editor the height it has to spare.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

        self.mode.currentIndexChanged.connect(self._mode_changed)
        self.hours.valueChanged.connect(self.changed)
        self.times.textChanged.connect(self.changed)
        self._mode_changed()

    def _mode_changed(self) -> None:
        mode = self.mode.currentData()
        self.details.setCurrentIndex({"interval": 1, "daily": 2}.get(mode, 0))
        self.changed.emit()

    def set_schedule(self, schedule: Schedule | None) -> None:
        """Show ``schedule``; None means "as in Settings" (when that choice exists)."""
        if schedule is None:
            self.mode.setCurrentIndex(max(self.mode.findData(INHERIT), 0))
            return
        self._timezone = schedule.timezone
        self.hours.setValue(schedule.interval_hours)
        self.times.setText(", ".join(schedule.times))
        self.mode.setCurrentIndex(self.mode.findData(schedule.mode))

    def schedule(self) -> Schedule | None:
        """The schedule shown (None for "as in Settings"); raises InvalidSchedule."""
        mode = self.mode.currentData()
        if mode == INHERIT:
            return None
        if mode == "off":
            return Schedule.off()
        if mode == "interval":
            return Schedule(
                mode="interval", interval_hours=self.hours.value(), timezone=self._timezone
            )
        times = tuple(t.strip() for t in self.times.text().split(",") if t.strip())
        return Schedule(mode="daily", times=times, timezone=self._timezone)

    def problem(self) -> Problem | None:
        try:
            self.schedule()
        except InvalidSchedule as exc:
            return exc.problem
        return None
