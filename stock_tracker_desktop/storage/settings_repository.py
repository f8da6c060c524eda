"""Application settings as JSON values under string keys."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from stock_tracker_desktop.storage.database import write_session
from stock_tracker_desktop.storage.models import Setting


class SettingsRepository:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def all(self) -> dict[str, Any]:
        with Session(self.engine) as session:
            return {s.key: json.loads(s.value) for s in session.scalars(select(Setting))}

    def put(self, values: dict[str, Any]) -> None:
        with write_session(self.engine) as session:
            existing = {
                s.key: s
                for s in session.scalars(select(Setting).where(Setting.key.in_(list(values))))
            }
            for key, value in values.items():
                text = json.dumps(value, ensure_ascii=False, sort_keys=True)
                if key in existing:
                    existing[key].value = text
                else:
                    session.add(Setting(key=key, value=text))


def change_marker(engine: Engine) -> tuple[object, ...]:
    """Changes whenever a tenant or a setting is added, edited or removed (cheap to poll)."""
    with engine.connect() as conn:
        row = conn.exec_driver_sql(
            "SELECT (SELECT count(*) FROM tenants), (SELECT max(updated_at) FROM tenants),"
            " (SELECT count(*) FROM settings), (SELECT max(updated_at) FROM settings)"
        ).one()
    return tuple(row)
