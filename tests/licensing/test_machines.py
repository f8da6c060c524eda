"""Activating, looking up, pinging and deactivating machines."""

from __future__ import annotations

import pytest

from stock_tracker_desktop.domain.problems import Problem, ProblemCode
from stock_tracker_desktop.licensing import (
    LicenceRefused,
    LicensingClient,
    MachineLimitExceeded,
)
from stock_tracker_desktop.simulator import KeygenWorld
from tests.licensing.conftest import FINGERPRINT, OTHER_FINGERPRINT, MovableClock, activate


def test_activating_twice_returns_the_same_machine(
    client: LicensingClient, keygen: KeygenWorld
) -> None:
    licence = keygen.add_licence()
    first = activate(client, licence)
    again = activate(client, licence)  # FINGERPRINT_TAKEN
    assert again == first
    assert [m.id for m in keygen.machines(licence.key)] == [first.id]


def test_the_machine_limit_says_how_to_free_a_seat(
    client: LicensingClient, keygen: KeygenWorld
) -> None:
    licence = keygen.add_licence(max_machines=2)
    activate(client, licence, FINGERPRINT)
    activate(client, licence, OTHER_FINGERPRINT)

    with pytest.raises(MachineLimitExceeded) as raised:
        activate(client, licence, "c" * 64)

    assert raised.value.max_machines == 2
    assert raised.value.problem == Problem(ProblemCode.LICENCE_MACHINE_LIMIT, {"limit": 2})
    message = str(raised.value)
    # No "2 computers": a template has one form, which "1 computers" would not suit.
    assert "as many computers as its plan allows (2)" in message
    assert "stock-tracker license deactivate" in message and "licence portal" in message
    assert licence.key not in message


def test_deactivating_frees_a_seat(client: LicensingClient, keygen: KeygenWorld) -> None:
    licence = keygen.add_licence(max_machines=1)
    old = activate(client, licence, OTHER_FINGERPRINT)
    with pytest.raises(MachineLimitExceeded):
        activate(client, licence, FINGERPRINT)

    client.deactivate(licence.key, old.id)
    new = activate(client, licence, FINGERPRINT)

    assert [m.id for m in keygen.machines(licence.key)] == [new.id]
    assert client.validate(licence.key, FINGERPRINT).code == "VALID"


def test_a_machine_is_found_by_id_or_fingerprint(
    client: LicensingClient, keygen: KeygenWorld
) -> None:
    licence = keygen.add_licence()
    machine = activate(client, licence)
    assert client.machine(licence.key, machine.id) == machine
    assert client.machine(licence.key, FINGERPRINT) == machine


def test_an_unknown_machine_is_refused(client: LicensingClient, keygen: KeygenWorld) -> None:
    licence = keygen.add_licence()
    with pytest.raises(LicenceRefused) as raised:
        client.machine(licence.key, "no-such-machine")
    assert (raised.value.status, raised.value.code) == (404, "NOT_FOUND")
    assert raised.value.problem.code is ProblemCode.LICENCE_REFUSED_NOT_FOUND
    assert str(raised.value).endswith("if this computer was removed, activate it again")


def test_machine_routes_need_a_known_key(client: LicensingClient, keygen: KeygenWorld) -> None:
    licence = keygen.add_licence()
    machine = activate(client, licence)
    wrong = "FFFFFF-FFFFFF-FFFFFF-FFFFFF-FFFFFF-V3"

    with pytest.raises(LicenceRefused) as raised:
        client.ping(wrong, machine.id)

    assert (raised.value.status, raised.value.code) == (401, "LICENSE_INVALID")
    assert raised.value.problem.code is ProblemCode.LICENCE_REFUSED_KEY
    assert "(HTTP 401): " in str(raised.value) and "(LICENSE_INVALID)" in str(raised.value)
    assert wrong not in str(raised.value)


def test_without_required_heartbeats_there_is_no_duration(
    client: LicensingClient, keygen: KeygenWorld
) -> None:
    licence = keygen.add_licence(require_heartbeat=False)
    assert activate(client, licence).heartbeat_duration is None


def test_a_required_heartbeat_starts_lives_dies_and_revives(
    client: LicensingClient, keygen: KeygenWorld, clock: MovableClock
) -> None:
    licence = keygen.add_licence(require_heartbeat=True, heartbeat_duration=600)
    machine = activate(client, licence)
    assert (machine.heartbeat_status, machine.heartbeat_duration) == ("NOT_STARTED", 600)
    assert client.validate(licence.key, FINGERPRINT).code == "HEARTBEAT_NOT_STARTED"

    assert client.ping(licence.key, machine.id).heartbeat_status == "ALIVE"
    clock.advance(600)
    assert client.validate(licence.key, FINGERPRINT).code == "VALID"  # not late yet

    clock.advance(1)
    dead = client.validate(licence.key, FINGERPRINT)
    assert (dead.valid, dead.code) == (False, "HEARTBEAT_DEAD")
    assert client.machine(licence.key, machine.id).heartbeat_status == "DEAD"

    assert client.ping(licence.key, machine.id).heartbeat_status == "RESURRECTED"
    assert client.validate(licence.key, FINGERPRINT).code == "VALID"
