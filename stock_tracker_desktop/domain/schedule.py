"""When syncs run on their own: every N hours, at fixed times of day, or never."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from stock_tracker_desktop.domain.problems import Problem, ProblemCode

_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
MODES = ("off", "interval", "daily")


class InvalidSchedule(ValueError):
    """The schedule cannot be used; ``problem`` says what a valid one looks like."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.english())
        self.problem = problem


@dataclass(frozen=True)
class Schedule:
    mode: str = "daily"
    interval_hours: float = 4.0
    times: tuple[str, ...] = ("06:00", "18:00")
    timezone: str = ""  # IANA name; "" is the computer's own zone

    @classmethod
    def default(cls) -> Schedule:
        return cls()

    @classmethod
    def off(cls) -> Schedule:
        return cls(mode="off")

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise InvalidSchedule(Problem(ProblemCode.SCHEDULE_MODE, {"modes": ", ".join(MODES)}))
        if self.mode == "interval" and not 0.25 <= self.interval_hours <= 24 * 7:
            raise InvalidSchedule(Problem(ProblemCode.SCHEDULE_INTERVAL))
        if self.mode == "daily":
            if not self.times:
                raise InvalidSchedule(Problem(ProblemCode.SCHEDULE_NO_TIME))
            bad = [t for t in self.times if not _TIME.match(t)]
            if bad:
                raise InvalidSchedule(
                    Problem(ProblemCode.SCHEDULE_TIME_FORMAT, {"time": repr(bad[0])})
                )
        if self.timezone:
            try:
                ZoneInfo(self.timezone)
            except (ZoneInfoNotFoundError, ValueError):
                raise InvalidSchedule(
                    Problem(ProblemCode.SCHEDULE_TIME_ZONE, {"zone": repr(self.timezone)})
                ) from None

    @property
    def hours_minutes(self) -> list[tuple[int, int]]:
        return sorted((int(t[:2]), int(t[3:])) for t in self.times)

    def describe(self) -> str:
        if self.mode == "off":
            return "off"
        zone = f" ({self.timezone})" if self.timezone else ""
        if self.mode == "interval":
            return f"every {self.interval_hours:g} h"
        return "daily at " + ", ".join(sorted(self.times)) + zone

    def as_json(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "interval_hours": self.interval_hours,
            "times": list(self.times),
            "timezone": self.timezone,
        }

    @classmethod
    def from_json(cls, data: Any) -> Schedule:
        if data in ("off", None, False):
            return cls.off()
        if not isinstance(data, dict):
            raise InvalidSchedule(Problem(ProblemCode.SCHEDULE_SHAPE))
        return cls(
            mode=str(data.get("mode", "daily")),
            interval_hours=float(data.get("interval_hours", 4.0)),
            times=tuple(data.get("times", ("06:00", "18:00"))),
            timezone=str(data.get("timezone", "")),
        )

    @classmethod
    def parse(cls, text: str) -> Schedule:
        """The command line's form: ``off``, ``every 4h`` / ``4h``, or ``06:00,18:00``."""
        value = text.strip().lower()
        if value == "off":
            return cls.off()
        interval = re.fullmatch(r"(?:every\s*)?(\d+(?:\.\d+)?)\s*h", value)
        if interval:
            return cls(mode="interval", interval_hours=float(interval.group(1)))
        return cls(mode="daily", times=tuple(t.strip() for t in value.split(",") if t.strip()))
