"""Problems (domain.problems) in the window's language: the template translated through Qt,
dates and durations worded in the locale, outside text (``detail``) shown as it came."""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import QCoreApplication

from stock_tracker_desktop.domain.models import ConnectionReport
from stock_tracker_desktop.domain.problems import (
    DAYS_FROM,
    SUBJECTS,
    TEMPLATES,
    YEAR,
    CallProblem,
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


def connection_report_lines(report: ConnectionReport) -> list[str]:
    """What a connection check found, line by line, for the editor and the tenants view."""
    lines = []
    if report.seller is not None and report.seller.name:
        lines.append(
            QCoreApplication.translate("Texts", "Seller: %1").replace("%1", report.seller.name)
        )
    if report.granted:
        works = QCoreApplication.translate("Texts", "Works: %1")
        lines.append(works.replace("%1", ", ".join(report.granted)))
    if report.missing:
        missing = QCoreApplication.translate("Texts", "Missing: %1")
        lines.append(missing.replace("%1", ", ".join(report.missing)))
    if report.expires_at is not None:
        valid = QCoreApplication.translate("Texts", "Token valid until %1")
        lines.append(valid.replace("%1", texts.date_time_text(report.expires_at)))
    return lines + [_with_endpoint(problem) for problem in report.problems]


def _with_endpoint(problem: Problem) -> str:
    if isinstance(problem, CallProblem) and problem.endpoint:
        return f"{problem.endpoint}: {problem_text(problem)}"
    return problem_text(problem)


def duration_text(seconds: float) -> str:
    """As ``domain.problems.duration_words`` says it, in the window's language."""
    if not seconds < YEAR:  # also inf and nan
        return QCoreApplication.translate("Problems", "more than a year")
    if seconds >= DAYS_FROM:
        # Never fewer than two, so one form serves (and Russian abbreviates: "12 дн.").
        days = QCoreApplication.translate("Problems", "{days} days")
        return days.replace("{days}", str(round(seconds / 86400)))
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
    if not minutes:
        return QCoreApplication.translate("Problems", "{hours} h").replace("{hours}", str(hours))
    return (
        QCoreApplication.translate("Problems", "{hours} h {minutes} min")
        .replace("{hours}", str(hours))
        .replace("{minutes}", str(minutes))
    )


def _value_text(value: ParamValue) -> str:
    if isinstance(value, Problem):  # what a licence command met, inside what it did about it
        return problem_text(value)
    if isinstance(value, str) and value in SUBJECTS:  # "orders", "stock": words of ours
        return QCoreApplication.translate("Problems", value)
    if isinstance(value, Seconds):
        return duration_text(value)
    if isinstance(value, datetime):
        return texts.date_time_text(value)
    if isinstance(value, date):
        return texts.date_text(value)
    if isinstance(value, int):
        return texts.count(value)
    return str(value)
