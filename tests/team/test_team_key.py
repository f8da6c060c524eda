"""The team key, sellers' sealed secrets, and the team key wrapped for members' key pairs."""

from __future__ import annotations

import json
import uuid

import pytest

from stock_tracker_desktop.team.member_keys import MemberKeyPair, unwrap_team_key, wrap_team_key
from stock_tracker_desktop.team.team_key import (
    TeamKey,
    TeamKeyError,
    WrongKeyVersion,
    blob_version,
    open_secrets,
    seal_secrets,
)

SELLER = uuid.UUID("0b9d3c8e-7a51-4f0e-9d8a-3c2b1a0f9e8d")
OTHER_SELLER = uuid.UUID("6f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9")
SECRETS = {"client_id": "1834712", "api_key": "ozon-секрет-8f1c2e9a"}


def test_text_round_trip_keeps_version_and_material() -> None:
    key = TeamKey.generate(3)
    text = key.to_text()
    assert text.startswith("v3:")
    assert TeamKey.from_text(text) == key
    assert TeamKey.from_text(f"  {text}\n") == key  # pasted with a line end
    assert TeamKey.generate(3) != key


@pytest.mark.parametrize(
    "text",
    [
        "",
        "v3",
        "v0:" + "A" * 43 + "=",
        "3:" + "A" * 43 + "=",
        "v3:" + "A" * 42 + "=",
        "v3:" + "A" * 43 + "+",
        "v3:" + "A" * 40 + "+/A=",  # standard base64, not URL-safe
        "v99999999999:" + "A" * 43 + "=",
    ],
)
def test_from_text_refuses_what_is_not_a_key(text: str) -> None:
    with pytest.raises(TeamKeyError, match="not a team key"):
        TeamKey.from_text(text)


def test_key_checks_its_version_and_length() -> None:
    with pytest.raises(TeamKeyError):
        TeamKey(0, bytes(32))
    with pytest.raises(TeamKeyError):
        TeamKey(2**31, bytes(32))
    with pytest.raises(TeamKeyError):
        TeamKey(1, bytes(31))


def test_repr_never_shows_the_material() -> None:
    key = TeamKey.generate(7)
    shown = repr(key) + str(key)
    assert "7" in shown
    assert key.material.hex() not in shown
    assert repr(key.material) not in shown
    assert key.to_text().split(":")[1] not in shown


def test_sealed_secrets_open_for_their_seller() -> None:
    key = TeamKey.generate(2)
    blob = seal_secrets(key, SELLER, SECRETS)
    assert open_secrets(key, SELLER, blob) == SECRETS
    assert blob_version(blob) == 2
    assert blob[:3] == b"ST1"
    assert blob[3:7] == (2).to_bytes(4, "big")
    plaintext = json.dumps(SECRETS, ensure_ascii=False, sort_keys=True).encode()
    assert len(blob) == 3 + 4 + 12 + len(plaintext) + 16
    assert seal_secrets(key, SELLER, SECRETS) != blob  # a fresh nonce each time
    assert open_secrets(key, SELLER, seal_secrets(key, SELLER, {})) == {}


def test_plaintext_is_not_in_the_blob() -> None:
    blob = seal_secrets(TeamKey.generate(1), SELLER, SECRETS)
    for value in SECRETS.values():
        assert value.encode() not in blob
    assert b"api_key" not in blob


def test_blob_moved_to_another_seller_does_not_open() -> None:
    key = TeamKey.generate(1)
    blob = seal_secrets(key, SELLER, SECRETS)
    with pytest.raises(TeamKeyError, match="another seller"):
        open_secrets(key, OTHER_SELLER, blob)


def test_another_key_of_the_same_version_does_not_open() -> None:
    blob = seal_secrets(TeamKey.generate(1), SELLER, SECRETS)
    with pytest.raises(TeamKeyError, match="does not open with team key v1"):
        open_secrets(TeamKey.generate(1), SELLER, blob)


def test_newer_version_says_the_key_comes_at_the_next_pull() -> None:
    blob = seal_secrets(TeamKey.generate(3), SELLER, SECRETS)
    with pytest.raises(WrongKeyVersion) as caught:
        open_secrets(TeamKey.generate(2), SELLER, blob)
    assert (caught.value.needed, caught.value.have) == (3, 2)
    assert str(caught.value) == (
        "this secret is under team key v3; this desktop has v2: "
        "it gets the new key at its next pull"
    )
    assert isinstance(caught.value, TeamKeyError)


def test_older_version_is_a_wrong_version_too() -> None:
    blob = seal_secrets(TeamKey.generate(1), SELLER, SECRETS)
    with pytest.raises(WrongKeyVersion, match="old team key v1") as caught:
        open_secrets(TeamKey.generate(2), SELLER, blob)
    assert (caught.value.needed, caught.value.have) == (1, 2)


def test_a_changed_byte_anywhere_is_refused() -> None:
    key = TeamKey.generate(1)
    blob = seal_secrets(key, SELLER, SECRETS)
    for at in range(len(blob)):
        changed = bytearray(blob)
        changed[at] ^= 0x01
        with pytest.raises(TeamKeyError):
            open_secrets(key, SELLER, bytes(changed))


def test_a_cut_blob_is_refused() -> None:
    key = TeamKey.generate(1)
    blob = seal_secrets(key, SELLER, SECRETS)
    for length in range(len(blob)):
        with pytest.raises(TeamKeyError):
            open_secrets(key, SELLER, blob[:length])
    with pytest.raises(TeamKeyError, match="not a sealed secret"):
        blob_version(blob[:10])
    with pytest.raises(TeamKeyError, match="not a sealed secret"):
        blob_version(b"XX1" + blob[3:])


def test_sealing_refuses_values_that_are_not_text() -> None:
    with pytest.raises(TypeError):
        seal_secrets(TeamKey.generate(1), SELLER, {"token": 12345})  # type: ignore[dict-item]


def test_member_key_pair_text_round_trip_and_repr() -> None:
    pair = MemberKeyPair.generate()
    assert len(pair.public_bytes()) == 32
    again = MemberKeyPair.from_text(pair.to_text())
    assert again == pair
    assert again.public_bytes() == pair.public_bytes()
    shown = repr(pair) + str(pair)
    assert pair.private.hex() not in shown
    assert pair.to_text().split(":")[1] not in shown
    with pytest.raises(TeamKeyError, match="not a member's key pair"):
        MemberKeyPair.from_text(pair.to_text()[:-2])
    with pytest.raises(TeamKeyError):
        MemberKeyPair(bytes(31))


def test_wrapped_team_key_unwraps_for_its_member() -> None:
    key = TeamKey.generate(4)
    pair = MemberKeyPair.generate()
    wrapped = wrap_team_key(key, "agency_m_anna", pair.public_bytes())
    assert len(wrapped) == 3 + 4 + 32 + 12 + 32 + 16
    assert wrapped[:3] == b"SK1" and wrapped[3:7] == (4).to_bytes(4, "big")
    assert key.material not in wrapped
    assert unwrap_team_key(pair, "agency_m_anna", wrapped) == key
    assert wrap_team_key(key, "agency_m_anna", pair.public_bytes()) != wrapped  # ephemeral


def test_wrapped_key_does_not_unwrap_for_another_pair_or_name() -> None:
    key = TeamKey.generate(4)
    anna, ivan = MemberKeyPair.generate(), MemberKeyPair.generate()
    wrapped = wrap_team_key(key, "agency_m_anna", anna.public_bytes())
    with pytest.raises(TeamKeyError, match="does not open for agency_m_ivan"):
        unwrap_team_key(ivan, "agency_m_ivan", wrapped)
    with pytest.raises(TeamKeyError):
        unwrap_team_key(ivan, "agency_m_anna", wrapped)
    with pytest.raises(TeamKeyError):  # Anna's grant moved to Ivan's row, opened with Anna's pair
        unwrap_team_key(anna, "agency_m_ivan", wrapped)


def test_wrapped_key_changed_or_cut_is_refused() -> None:
    pair = MemberKeyPair.generate()
    wrapped = wrap_team_key(TeamKey.generate(2), "agency_m_anna", pair.public_bytes())
    for at in range(len(wrapped)):
        changed = bytearray(wrapped)
        changed[at] ^= 0x80
        with pytest.raises(TeamKeyError):
            unwrap_team_key(pair, "agency_m_anna", bytes(changed))
    for cut in (0, 7, len(wrapped) - 1):
        with pytest.raises(TeamKeyError):
            unwrap_team_key(pair, "agency_m_anna", wrapped[:cut])


def test_wrapping_refuses_an_unusable_public_key() -> None:
    key = TeamKey.generate(1)
    with pytest.raises(TeamKeyError, match="not a usable X25519 key"):
        wrap_team_key(key, "agency_m_anna", b"short")
    with pytest.raises(TeamKeyError, match="not a usable X25519 key"):
        wrap_team_key(key, "agency_m_anna", bytes(32))  # a low-order point
