"""Invitation files: what they carry, what they hide, and every way a file can fail to open."""

from __future__ import annotations

import base64
import json
import os
import stat
import unicodedata
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from stock_tracker_desktop.team.invitation import (
    Invitation,
    InvitationError,
    InvitationProblem,
    read_invitation,
    write_invitation,
)
from stock_tracker_desktop.team.names import TeamRole
from stock_tracker_desktop.team.team_key import TeamKey

PASSPHRASE = "correct horse battery"
FAST = 2**14  # the lowest cost a reader accepts; the default takes ~0.1 s per file
CREATED = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
CA_PEM = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----\n"


def _invitation(**changes: Any) -> Invitation:
    values: dict[str, Any] = {
        "team": "Агентство Север",
        "host": "db.agency.example",
        "port": 5432,
        "database": "agency",
        "sslmode": "verify-full",
        "sslrootcert": CA_PEM,
        "login": "agency_m_anna",
        "password": "pg-password-7Hq2vX",
        "role": TeamRole.USER,
        "team_key": TeamKey.generate(3),
        "licence_key": "LIC-4F2A-99B1",
        "created_at": CREATED,
    }
    values.update(changes)
    return Invitation(**values)


def _write(path: Path, invitation: Invitation, passphrase: str = PASSPHRASE) -> Path:
    write_invitation(path, invitation, passphrase, work_factor=FAST)
    return path


def _read(path: Path, passphrase: str = PASSPHRASE) -> Invitation:
    return read_invitation(path, passphrase, now=CREATED + timedelta(hours=1))


def _problem(
    path: Path, passphrase: str = PASSPHRASE, *, now: datetime = CREATED + timedelta(hours=1)
) -> InvitationError:
    with pytest.raises(InvitationError) as caught:
        read_invitation(path, passphrase, now=now)
    if passphrase:
        assert passphrase not in str(caught.value)
    return caught.value


def _rewrite_document(path: Path, change: Any) -> None:
    document = json.loads(path.read_text())
    change(document)
    path.write_text(json.dumps(document))


def test_round_trip(tmp_path: Path) -> None:
    invitation = _invitation()
    assert invitation.expires_at == CREATED + timedelta(days=7)
    assert _read(_write(tmp_path / "anna.invitation", invitation)) == invitation


def test_viewer_round_trip_without_team_key(tmp_path: Path) -> None:
    invitation = _invitation(role="viewer", team_key=None, licence_key="", sslrootcert="")
    assert invitation.role is TeamRole.VIEWER
    opened = _read(_write(tmp_path / "viewer.invitation", invitation))
    assert opened == invitation and opened.team_key is None


def test_viewer_with_team_key_is_refused() -> None:
    with pytest.raises(ValueError, match="viewer does not sync"):
        _invitation(role=TeamRole.VIEWER)


@pytest.mark.parametrize("role", [TeamRole.USER, TeamRole.ADMIN, TeamRole.OWNER])
def test_members_who_sync_need_the_team_key(role: TeamRole) -> None:
    with pytest.raises(ValueError, match="needs the team key"):
        _invitation(role=role, team_key=None)


def test_times_must_be_aware_and_in_order() -> None:
    with pytest.raises(ValueError, match="aware"):
        _invitation(created_at=datetime(2026, 3, 2, 9, 30))
    with pytest.raises(ValueError, match="expires after"):
        _invitation(expires_at=CREATED)


def test_repr_hides_password_team_key_and_licence() -> None:
    invitation = _invitation()
    assert invitation.team_key is not None
    shown = repr(invitation) + str(invitation)
    assert "agency_m_anna" in shown  # the harmless parts remain, to tell invitations apart
    for secret in (
        invitation.password,
        invitation.licence_key,
        invitation.team_key.to_text(),
        invitation.team_key.to_text().split(":")[1],
        invitation.team_key.material.hex(),
    ):
        assert secret not in shown


def test_nothing_inside_appears_in_the_file(tmp_path: Path) -> None:
    invitation = _invitation()
    assert invitation.team_key is not None
    data = _write(tmp_path / "anna.invitation", invitation).read_bytes()
    key_text = invitation.team_key.to_text()
    for inside in (
        invitation.password,
        invitation.licence_key,
        invitation.login,
        invitation.host,
        invitation.team,
        key_text,
        key_text.split(":")[1],
        invitation.team_key.material.hex(),
        base64.b64encode(invitation.team_key.material).decode(),
        "MIIBszCCAVmgAwIBAgIU",
        PASSPHRASE,
    ):
        assert inside.encode("utf-8") not in data
    assert invitation.team_key.material not in data
    document = json.loads(data)
    assert set(document) == {"format", "version", "kdf", "nonce", "ciphertext"}
    assert document["format"] == "stock-tracker-invitation" and document["version"] == 1
    assert document["kdf"]["name"] == "scrypt" and document["kdf"]["n"] == FAST


def test_default_cost_is_written_in_the_file(tmp_path: Path) -> None:
    path = tmp_path / "anna.invitation"
    invitation = _invitation()
    write_invitation(path, invitation, PASSPHRASE)
    kdf = json.loads(path.read_text())["kdf"]
    assert (kdf["n"], kdf["r"], kdf["p"]) == (2**15, 8, 1)
    assert _read(path) == invitation


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_file_is_private_and_written_atomically(tmp_path: Path) -> None:
    folder = tmp_path / "Desktop"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    path = folder / "anna.invitation"
    path.write_text("an older invitation")
    path.chmod(0o644)
    _write(path, _invitation())
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o755  # the owner's folder is left as it was
    assert [p.name for p in folder.iterdir()] == ["anna.invitation"]  # no temp file left
    assert _read(path).login == "agency_m_anna"


@pytest.mark.parametrize("passphrase", ["", "seven77"])
def test_short_passphrase_is_refused_and_nothing_written(tmp_path: Path, passphrase: str) -> None:
    path = tmp_path / "anna.invitation"
    with pytest.raises(InvitationError, match="at least 8 characters") as caught:
        write_invitation(path, _invitation(), passphrase, work_factor=FAST)
    assert caught.value.reason is InvitationProblem.WEAK_PASSPHRASE
    assert not path.exists()


@pytest.mark.parametrize("work_factor", [2**13, 2**21, 3 * 2**14])
def test_write_refuses_a_cost_no_reader_accepts(tmp_path: Path, work_factor: int) -> None:
    with pytest.raises(ValueError, match="power of two"):
        write_invitation(tmp_path / "x", _invitation(), PASSPHRASE, work_factor=work_factor)


def test_wrong_passphrase(tmp_path: Path) -> None:
    path = _write(tmp_path / "anna.invitation", _invitation())
    problem = _problem(path, "correct horse battery!")
    assert problem.reason is InvitationProblem.WRONG_PASSPHRASE
    assert "check the passphrase the owner gave you" in str(problem)
    assert _problem(path, "").reason is InvitationProblem.WRONG_PASSPHRASE
    assert _problem(path, "\udcff not text").reason is InvitationProblem.WRONG_PASSPHRASE


def test_passphrase_typed_composed_or_decomposed_opens(tmp_path: Path) -> None:
    composed = "пароль на йогурт"
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    path = _write(tmp_path / "anna.invitation", _invitation(), decomposed)
    assert _read(path, composed).login == "agency_m_anna"


def test_changed_ciphertext_reads_as_a_wrong_passphrase(tmp_path: Path) -> None:
    path = _write(tmp_path / "anna.invitation", _invitation())

    def flip(document: dict[str, Any]) -> None:
        raw = bytearray(base64.b64decode(document["ciphertext"]))
        raw[10] ^= 1
        document["ciphertext"] = base64.b64encode(raw).decode()

    _rewrite_document(path, flip)
    problem = _problem(path)
    assert problem.reason is InvitationProblem.WRONG_PASSPHRASE
    assert "the file was changed on the way" in str(problem)


def test_expired(tmp_path: Path) -> None:
    invitation = _invitation(expires_at=CREATED + timedelta(days=2))
    path = _write(tmp_path / "anna.invitation", invitation)
    assert _read(path) == invitation
    problem = _problem(path, now=CREATED + timedelta(days=2))
    assert problem.reason is InvitationProblem.EXPIRED
    assert problem.expires_at == invitation.expires_at
    assert "expired on 2026-03-04 09:30 UTC" in str(problem)
    assert "`stock-tracker team invite anna --role ROLE --out FILE`" in str(problem)
    for secret in (invitation.password, invitation.licence_key):
        assert secret not in str(problem)


def test_expiry_checks_the_current_time_by_default(tmp_path: Path) -> None:
    now = datetime.now(UTC)
    stale = _write(tmp_path / "stale.invitation", _invitation(created_at=now - timedelta(days=8)))
    with pytest.raises(InvitationError) as caught:
        read_invitation(stale, PASSPHRASE)
    assert caught.value.reason is InvitationProblem.EXPIRED
    fresh = _write(tmp_path / "fresh.invitation", _invitation(created_at=now))
    assert read_invitation(fresh, PASSPHRASE).created_at == now


def test_missing_file(tmp_path: Path) -> None:
    problem = _problem(tmp_path / "nowhere.invitation")
    assert problem.reason is InvitationProblem.NOT_FOUND
    assert "stock-tracker team invite NAME" in str(problem)
    assert _problem(tmp_path).reason is InvitationProblem.NOT_FOUND  # a folder


def _not_an_invitation(path: Path) -> None:
    problem = _problem(path)
    assert problem.reason is InvitationProblem.NOT_AN_INVITATION
    assert "ask the team's owner for a new invitation" in str(problem)


def test_text_in_cp1251_is_not_an_invitation(tmp_path: Path) -> None:
    path = tmp_path / "anna.invitation"
    path.write_bytes("Приглашение в команду: пароль знает владелец".encode("cp1251"))
    _not_an_invitation(path)


def test_invitation_json_in_cp1251_is_not_an_invitation(tmp_path: Path) -> None:
    path = _write(tmp_path / "anna.invitation", _invitation())
    document = json.loads(path.read_text())
    document["nonce"] = "кириллица"
    path.write_bytes(json.dumps(document, ensure_ascii=False).encode("cp1251"))
    _not_an_invitation(path)


def test_random_bytes_are_not_an_invitation(tmp_path: Path) -> None:
    path = tmp_path / "anna.invitation"
    path.write_bytes(os.urandom(4096))
    _not_an_invitation(path)


def test_truncated_file_is_not_an_invitation(tmp_path: Path) -> None:
    path = _write(tmp_path / "anna.invitation", _invitation())
    data = path.read_bytes()
    for length in (0, 1, len(data) // 2, len(data) - 3):
        path.write_bytes(data[:length])
        _not_an_invitation(path)


def test_huge_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "anna.invitation"
    with path.open("wb") as handle:
        handle.truncate(64 * 1024 * 1024)  # sparse: costs no disk, would cost memory if read
    _not_an_invitation(path)


def test_deeply_nested_json_is_not_an_invitation(tmp_path: Path) -> None:
    path = tmp_path / "anna.invitation"
    path.write_text("[" * 200_000 + "]" * 200_000)
    _not_an_invitation(path)


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda d: d.update(format="something-else"), id="format"),
        pytest.param(lambda d: d.update(version=0), id="version-0"),
        pytest.param(lambda d: d.update(version="1"), id="version-text"),
        pytest.param(lambda d: d.pop("nonce"), id="no-nonce"),
        pytest.param(lambda d: d.update(nonce="bm9uY2U="), id="short-nonce"),
        pytest.param(lambda d: d.update(ciphertext="not base64!"), id="ciphertext"),
        pytest.param(lambda d: d["kdf"].update(name="argon2"), id="kdf-name"),
        pytest.param(lambda d: d["kdf"].update(salt="c2FsdA=="), id="short-salt"),
        pytest.param(lambda d: d["kdf"].update(n=2**21), id="n-too-large"),
        pytest.param(lambda d: d["kdf"].update(n=2**13), id="n-too-small"),
        pytest.param(lambda d: d["kdf"].update(n=3 * 2**14), id="n-not-power-of-two"),
        pytest.param(lambda d: d["kdf"].update(n=2.0**15), id="n-float"),
        pytest.param(lambda d: d["kdf"].update(r=1024), id="r"),
        pytest.param(lambda d: d["kdf"].update(p=64), id="p"),
        pytest.param(lambda d: d.update(kdf=None), id="no-kdf"),
    ],
)
def test_damaged_or_hostile_header_is_not_an_invitation(tmp_path: Path, change: Any) -> None:
    path = _write(tmp_path / "anna.invitation", _invitation())
    _rewrite_document(path, change)
    _not_an_invitation(path)


def test_newer_format_asks_for_an_update(tmp_path: Path) -> None:
    path = _write(tmp_path / "anna.invitation", _invitation())
    _rewrite_document(path, lambda d: d.update(version=2))
    problem = _problem(path)
    assert problem.reason is InvitationProblem.NEWER_FORMAT
    assert "update Stock Tracker" in str(problem)


def test_file_saved_again_with_a_byte_order_mark_still_opens(tmp_path: Path) -> None:
    path = _write(tmp_path / "anna.invitation", _invitation())
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())  # Notepad's "UTF-8"
    assert _read(path).login == "agency_m_anna"


def test_replace_keeps_validation() -> None:
    with pytest.raises(ValueError, match="viewer does not sync"):
        replace(_invitation(), role=TeamRole.VIEWER)
