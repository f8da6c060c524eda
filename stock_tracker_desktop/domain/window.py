"""The order window: the last N full days in Moscow time (docs/domain.md section 4)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

MOSCOW = ZoneInfo("Europe/Moscow")
DEFAULT_WINDOW_DAYS = 7


@dataclass(frozen=True, slots=True)
class OrderWindow:
    """Half-open interval [start, end) of order dates, both aware datetimes."""

    start: datetime
    end: datetime
    days: int

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end


def last_full_days(days: int, now: datetime | None = None) -> OrderWindow:
    """The ``days`` full Moscow days before today (today itself is not complete yet)."""
    if days < 1:
        raise ValueError("the order window must be at least one day")
    current = (now or datetime.now(MOSCOW)).astimezone(MOSCOW)
    end = datetime.combine(current.date(), time(0), tzinfo=MOSCOW)
    return OrderWindow(start=end - timedelta(days=days), end=end, days=days)
