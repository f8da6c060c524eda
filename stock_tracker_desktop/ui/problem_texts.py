"""Problems (domain.problems) in the window's language: the template translated through Qt,
dates and durations worded in the locale, outside text (``detail``) shown as it came."""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import QCoreApplication

from stock_tracker_desktop.domain.problems import (
    TEMPLATES,
    ParamValue,
    Problem,
    Seconds,
    render,
)
from stock_tracker_desktop.ui import texts


def problem_text(problem: Problem) -> str:
    template = QCoreApplication.translate("Problems", TEMPLATES[problem.code])
    return render(template, problem.params, _value_text)


def stored_problem_text(problem: Problem | None, english: str) -> str:
    """A run's problem in words: from its code where the run has one, else the English text it
    was recorded with (runs of older versions)."""
    return problem_text(problem) if problem is not None else english


def duration_text(seconds: float) -> str:
    whole = round(seconds)
    if whole < 60:
        return QCoreApplication.translate("Problems", "{seconds} s").replace(
            "{seconds}", str(whole)
        )
    hours, minutes = divmod(whole // 60, 60)
    if not hours:
        return QCoreApplication.translate("Problems", "{minutes} min").replace(
            "{minutes}", str(minutes)
        )
    return (
        QCoreApplication.translate("Problems", "{hours} h {minutes} min")
        .replace("{hours}", str(hours))
        .replace("{minutes}", str(minutes))
    )


def _value_text(value: ParamValue) -> str:
    if isinstance(value, Seconds):
        return duration_text(value)
    if isinstance(value, datetime):
        return texts.date_time_text(value)
    if isinstance(value, date):
        return texts.date_text(value)
    if isinstance(value, int):
        return texts.count(value)
    return str(value)
