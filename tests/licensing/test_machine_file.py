"""Machine files for offline desktops: checked out, verified, decrypted, and refused when not
this licence's, not this machine's, changed, expired or from the future."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest

from stock_tracker_desktop.licensing import (
    LicensingClient,
    MachineFileProblem,
    read_machine_file,
)
from stock_tracker_desktop.licensing.machine_file import BEGIN, END
from stock_tracker_desktop.simulator import KeygenWorld, SimLicence
from tests.licensing.conftest import FINGERPRINT, OTHER_FINGERPRINT, MovableClock, activate

HOUR = 3600


@pytest.fixture
def licence(client: LicensingClient, keygen: KeygenWorld) -> SimLicence:
    licence = keygen.add_licence(plan="pro", sellers=40, entitlements=("SCHEDULES", "TEAM"))
    activate(client, licence)
    return licence


def _read(
    text: str,
    keygen: KeygenWorld,
    licence: SimLicence,
    now: datetime,
    *,
    key: str | None = None,
    fingerprint: str = FINGERPRINT,
    public_key: str | None = None,
) -> Any:
    return read_machine_file(
        text,
        licence_key=key or licence.key,
        fingerprint=fingerprint,
        public_key=public_key or keygen.public_key_hex,
        now=now,
    )


def _rewrapped(certificate: str, change: Callable[[dict[str, Any]], None]) -> str:
    inner = "".join(certificate.strip().splitlines()[1:-1])
    envelope = json.loads(base64.b64decode(inner))
    change(envelope)
    return "\n".join((BEGIN, base64.b64encode(json.dumps(envelope).encode()).decode(), END))


def test_a_checked_out_file_holds_the_licence(
    client: LicensingClient, keygen: KeygenWorld, licence: SimLicence, clock: MovableClock
) -> None:
    machine = client.machine(licence.key, FINGERPRINT)
    text = client.check_out(licence.key, machine.id, ttl=30 * 24 * HOUR)

    found = _read(text, keygen, licence, clock.now + timedelta(days=29))

    assert (found.machine_id, found.fingerprint) == (machine.id, FINGERPRINT)
    assert found.issued == clock.now
    assert found.expiry == clock.now + timedelta(days=30)
    assert (found.licence.valid, found.licence.code, found.licence.ts) == (True, "VALID", clock.now)
    assert found.licence.license_id == licence.id
    assert found.licence.metadata == {"plan": "pro", "sellers": 40}
    assert found.licence.entitlements == {"SCHEDULES", "TEAM"}


def test_an_expired_file_is_refused(
    keygen: KeygenWorld, licence: SimLicence, clock: MovableClock
) -> None:
    issued = clock.now - timedelta(hours=2)
    text = keygen.issue_machine_file(licence.key, FINGERPRINT, HOUR, issued=issued)
    with pytest.raises(MachineFileProblem, match="expired"):
        _read(text, keygen, licence, clock.now)


def test_a_file_from_the_future_means_the_clock_was_turned_back(
    keygen: KeygenWorld, licence: SimLicence, clock: MovableClock
) -> None:
    text = keygen.issue_machine_file(licence.key, FINGERPRINT, 24 * HOUR)
    assert _read(text, keygen, licence, clock.now - timedelta(minutes=4)).issued == clock.now
    with pytest.raises(MachineFileProblem, match="clock"):
        _read(text, keygen, licence, clock.now - timedelta(hours=1))


def test_a_changed_file_fails_its_signature(
    keygen: KeygenWorld, licence: SimLicence, clock: MovableClock
) -> None:
    def change_one_character(envelope: dict[str, Any]) -> None:
        enc = envelope["enc"]
        envelope["enc"] = ("B" if enc[0] == "A" else "A") + enc[1:]

    text = keygen.issue_machine_file(licence.key, FINGERPRINT, HOUR)
    with pytest.raises(MachineFileProblem, match="signature"):
        _read(_rewrapped(text, change_one_character), keygen, licence, clock.now)


def test_a_file_signed_by_another_key_fails_its_signature(
    keygen: KeygenWorld, licence: SimLicence, clock: MovableClock
) -> None:
    text = keygen.issue_machine_file(licence.key, FINGERPRINT, HOUR)
    other = KeygenWorld(seed="another account").public_key_hex
    with pytest.raises(MachineFileProblem, match="signature"):
        _read(text, keygen, licence, clock.now, public_key=other)


@pytest.mark.parametrize(
    ("key", "fingerprint"),
    [("0B0B0B-0B0B0B-0B0B0B-0B0B0B-0B0B0B-V3", FINGERPRINT), (None, OTHER_FINGERPRINT)],
)
def test_a_file_of_another_licence_or_machine_does_not_open(
    keygen: KeygenWorld,
    licence: SimLicence,
    clock: MovableClock,
    key: str | None,
    fingerprint: str,
) -> None:
    text = keygen.issue_machine_file(licence.key, FINGERPRINT, HOUR)
    with pytest.raises(MachineFileProblem, match="another licence key or another computer"):
        _read(text, keygen, licence, clock.now, key=key, fingerprint=fingerprint)


def test_an_unencrypted_file_is_refused(
    keygen: KeygenWorld, licence: SimLicence, clock: MovableClock
) -> None:
    def plain(envelope: dict[str, Any]) -> None:
        envelope["alg"] = "base64+ed25519"

    text = _rewrapped(keygen.issue_machine_file(licence.key, FINGERPRINT, HOUR), plain)
    with pytest.raises(MachineFileProblem, match="base64\\+ed25519"):
        _read(text, keygen, licence, clock.now)


@pytest.mark.parametrize("text", ["", "hello", f"{BEGIN}\n!!!\n{END}", f"{BEGIN}\nW10=\n{END}"])
def test_what_is_not_a_machine_file_is_refused(
    keygen: KeygenWorld, licence: SimLicence, clock: MovableClock, text: str
) -> None:
    with pytest.raises(MachineFileProblem) as raised:
        _read(text, keygen, licence, clock.now)
    assert licence.key not in str(raised.value)
