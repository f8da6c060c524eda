"""Time strings as each marketplace writes them."""

from __future__ import annotations

from datetime import UTC, datetime

from stock_tracker_desktop.domain.window import MOSCOW


def wb_moscow(moment: datetime) -> str:
    """WB statistics style: Moscow wall time, no offset, whole seconds."""
    return moment.astimezone(MOSCOW).strftime("%Y-%m-%dT%H:%M:%S")


def utc_z(moment: datetime, *, micros: bool = False) -> str:
    """RFC 3339 in UTC with a Z, as WB content and Ozon write it."""
    pattern = "%Y-%m-%dT%H:%M:%S.%fZ" if micros else "%Y-%m-%dT%H:%M:%SZ"
    return moment.astimezone(UTC).strftime(pattern)


def utc_z_millis(moment: datetime) -> str:
    """RFC 3339 in UTC with milliseconds and a Z, as Ozon writes a key's ``expires_at``."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def parse_wb_date_from(text: str) -> datetime:
    """``dateFrom`` as WB accepts it: a date, or a date-time with optional fraction and offset.

    Without an offset the time is Moscow time. Raises ValueError for anything else.
    """
    value = text.strip()
    if not value:
        raise ValueError("empty date")
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=MOSCOW)
    return moment.astimezone(MOSCOW)


def parse_rfc3339(text: str) -> datetime:
    """An RFC 3339 date-time (Z or offset); a missing offset means UTC."""
    moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
