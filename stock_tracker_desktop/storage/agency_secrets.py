"""Queries on the agency_secrets table (values are vault-encrypted before they get here)."""

from __future__ import annotations

from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from stock_tracker_desktop.storage.database import write_session
from stock_tracker_desktop.storage.models import AgencySecret


def get(engine: Engine, key: str) -> tuple[bytes, str] | None:
    """The encrypted value and its public description, or None."""
    with Session(engine) as session:
        found = session.scalar(select(AgencySecret).where(AgencySecret.key == key))
        return (found.value, found.public) if found else None


def put(engine: Engine, key: str, value: bytes, public: str) -> None:
    with write_session(engine) as session:
        found = session.scalar(select(AgencySecret).where(AgencySecret.key == key))
        if found is None:
            session.add(AgencySecret(key=key, value=value, public=public))
        else:
            found.value, found.public = value, public


def remove(engine: Engine, key: str) -> None:
    with write_session(engine) as session:
        session.execute(delete(AgencySecret).where(AgencySecret.key == key))
