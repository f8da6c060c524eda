"""validate-key against the simulated Keygen: each verdict the app acts upon."""

from __future__ import annotations

from datetime import timedelta

import pytest

from stock_tracker_desktop.licensing import LicensingClient
from stock_tracker_desktop.simulator import KeygenWorld
from tests.licensing.conftest import FINGERPRINT, OTHER_FINGERPRINT, MovableClock, activate


def test_a_valid_licence_brings_its_facts_and_entitlements(
    client: LicensingClient, keygen: KeygenWorld, clock: MovableClock
) -> None:
    expiry = clock.now + timedelta(days=30)
    licence = keygen.add_licence(
        plan="agency", sellers=120, entitlements=("SCHEDULES", "TEAM"), expiry=expiry, name="Acme"
    )
    activate(client, licence)

    validation = client.validate(licence.key, FINGERPRINT)

    assert (validation.valid, validation.code, validation.detail) == (True, "VALID", "is valid")
    assert validation.ts == clock.now
    assert validation.license_id == licence.id
    assert (validation.name, validation.status, validation.max_machines) == ("Acme", "ACTIVE", 3)
    assert validation.expiry == expiry
    assert validation.metadata == {"plan": "agency", "sellers": 120}
    assert validation.entitlements == {"SCHEDULES", "TEAM"}


def test_entitlements_default_to_the_plans_features(
    client: LicensingClient, keygen: KeygenWorld
) -> None:
    licence = keygen.add_licence(plan="start")
    activate(client, licence)
    assert client.validate(licence.key, FINGERPRINT).entitlements == {"SCHEDULES", "GOOGLE_SHEETS"}


@pytest.mark.parametrize(("max_machines", "code"), [(1, "NO_MACHINE"), (3, "NO_MACHINES")])
def test_a_licence_needs_this_machine_activated(
    client: LicensingClient, keygen: KeygenWorld, max_machines: int, code: str
) -> None:
    licence = keygen.add_licence(max_machines=max_machines)

    before = client.validate(licence.key, FINGERPRINT)
    machine = activate(client, licence)
    after = client.validate(licence.key, FINGERPRINT)

    assert (before.valid, before.code, before.license_id) == (False, code, licence.id)
    assert machine.fingerprint == FINGERPRINT
    assert (after.valid, after.code) == (True, "VALID")


def test_another_machine_is_a_fingerprint_mismatch(
    client: LicensingClient, keygen: KeygenWorld
) -> None:
    licence = keygen.add_licence()
    activate(client, licence, OTHER_FINGERPRINT)
    validation = client.validate(licence.key, FINGERPRINT)
    assert (validation.valid, validation.code) == (False, "FINGERPRINT_SCOPE_MISMATCH")


@pytest.mark.parametrize(
    ("strategy", "valid"),
    [
        ("RESTRICT_ACCESS", False),
        ("REVOKE_ACCESS", False),
        ("MAINTAIN_ACCESS", True),
        ("ALLOW_ACCESS", True),
    ],
)
def test_an_expired_licence_holds_as_its_strategy_says(
    client: LicensingClient,
    keygen: KeygenWorld,
    clock: MovableClock,
    strategy: str,
    valid: bool,
) -> None:
    licence = keygen.add_licence(
        expiration_strategy=strategy,  # type: ignore[arg-type]
        entitlements=("ALERTS",),
        expiry=clock.now + timedelta(days=1),
    )
    activate(client, licence)
    clock.advance(timedelta(days=2).total_seconds())

    validation = client.validate(licence.key, FINGERPRINT)

    assert (validation.valid, validation.code, validation.status) == (valid, "EXPIRED", "EXPIRED")
    # A revoked licence may not read its entitlements any more: the verdict comes without.
    expected = frozenset() if strategy == "REVOKE_ACCESS" else {"ALERTS"}
    assert validation.entitlements == expected


def test_a_suspended_licence_is_not_valid(client: LicensingClient, keygen: KeygenWorld) -> None:
    licence = keygen.add_licence()
    activate(client, licence)
    keygen.suspend(licence.key)

    validation = client.validate(licence.key, FINGERPRINT)

    assert (validation.valid, validation.code, validation.status) == (
        False,
        "SUSPENDED",
        "SUSPENDED",
    )
    assert validation.license_id == licence.id
    assert validation.entitlements == frozenset()


def test_an_unknown_key_is_an_answer_not_an_error(
    client: LicensingClient, keygen: KeygenWorld
) -> None:
    validation = client.validate("0A0A0A-0A0A0A-0A0A0A-0A0A0A-0A0A0A-V3", FINGERPRINT)
    assert (validation.valid, validation.code, validation.license_id) == (False, "NOT_FOUND", None)
    assert validation.metadata == {} and validation.entitlements == frozenset()


def test_an_expiry_set_later_is_reported(
    client: LicensingClient, keygen: KeygenWorld, clock: MovableClock
) -> None:
    licence = keygen.add_licence()
    activate(client, licence)
    keygen.set_expiry(licence.key, clock.now + timedelta(days=2))

    validation = client.validate(licence.key, FINGERPRINT)

    assert (validation.valid, validation.status) == (True, "EXPIRING")
    assert validation.expiry == clock.now + timedelta(days=2)
