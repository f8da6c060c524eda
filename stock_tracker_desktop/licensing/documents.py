"""Reading Keygen's JSON:API documents (licences, machines, entitlements) into answers.

Only verified documents get here, yet their shape is still checked: a signed answer of another
API version must fail as malformed, not as a KeyError somewhere in the app.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from stock_tracker_desktop.licensing.answers import Machine, Validation


class Malformed(ValueError):
    """A document that is not what Keygen sends; the message names the field."""


def mapping(value: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise Malformed(f"{what} is not an object")
    return value


def text(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise Malformed(f"{what} is not a string")
    return value


def optional_text(value: Any, what: str) -> str | None:
    return None if value is None else text(value, what)


def optional_int(value: Any, what: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise Malformed(f"{what} is not a whole number")
    return value


def attributes_of(value: Any, what: str) -> Mapping[str, Any]:
    """The ``attributes`` of a JSON:API resource object."""
    return mapping(mapping(value, what).get("attributes"), f"{what}'s attributes")


def timestamp(value: Any, what: str) -> datetime:
    """An ISO 8601 time with an offset (Keygen writes ``2026-03-15T12:00:00.000Z``), in UTC."""
    try:
        moment = datetime.fromisoformat(text(value, what))
    except ValueError:
        raise Malformed(f"{what} is not a time") from None
    if moment.tzinfo is None:
        raise Malformed(f"{what} has no offset")
    return moment.astimezone(UTC)


def optional_timestamp(value: Any, what: str) -> datetime | None:
    return None if value is None else timestamp(value, what)


def validation(
    *,
    valid: Any,
    code: Any,
    detail: Any,
    ts: datetime,
    licence: Any,
    entitlements: frozenset[str] = frozenset(),
) -> Validation:
    """A Validation of a verdict and the licence object it is about (None: no such licence)."""
    if not isinstance(valid, bool):
        raise Malformed("meta.valid is not true or false")
    if licence is None:
        return Validation(
            valid=valid,
            code=text(code, "meta.code"),
            detail=text(detail, "meta.detail"),
            ts=ts,
            license_id=None,
            name=None,
            expiry=None,
            status=None,
            max_machines=None,
            metadata={},
            entitlements=entitlements,
        )
    attributes = attributes_of(licence, "the licence")
    return Validation(
        valid=valid,
        code=text(code, "meta.code"),
        detail=text(detail, "meta.detail"),
        ts=ts,
        license_id=text(licence.get("id"), "the licence's id"),
        name=optional_text(attributes.get("name"), "the licence's name"),
        expiry=optional_timestamp(attributes.get("expiry"), "the licence's expiry"),
        status=optional_text(attributes.get("status"), "the licence's status"),
        max_machines=optional_int(attributes.get("maxMachines"), "the licence's maxMachines"),
        metadata=dict(mapping(attributes.get("metadata") or {}, "the licence's metadata")),
        entitlements=entitlements,
    )


def machine(value: Any) -> Machine:
    """A Machine of a machine object (``data`` of the machine routes)."""
    attributes = attributes_of(value, "the machine")
    # Keygen reports the policy's duration even when no heartbeat is required.
    required = attributes.get("requireHeartbeat", True)
    duration = optional_int(attributes.get("heartbeatDuration"), "the heartbeat duration")
    return Machine(
        id=text(value.get("id"), "the machine's id"),
        fingerprint=text(attributes.get("fingerprint"), "the machine's fingerprint"),
        heartbeat_status=optional_text(attributes.get("heartbeatStatus"), "the heartbeat status"),
        heartbeat_duration=duration if required is not False else None,
    )


def entitlement_codes(values: Any) -> frozenset[str]:
    """The codes of a list of entitlement objects."""
    if not isinstance(values, list):
        raise Malformed("the entitlements are not a list")
    return frozenset(
        text(attributes_of(item, "an entitlement").get("code"), "an entitlement's code")
        for item in values
    )
