"""Which plan applies at a given moment, from what the vault keeps: the grace without the
service, a frozen clock, a clock turned back, a machine file's TTL (domain.licence, no I/O)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from stock_tracker_desktop.domain.licence import (
    CHECK_EVERY,
    CLOCK_SLACK,
    GRACE,
    RETRY_AFTER,
    SOURCE_FILE,
    LicenceFacts,
    LicenceRecord,
    LicenceState,
    check_due,
    ping_due,
    standing_of,
)
from stock_tracker_desktop.domain.plans import FREE, PAID_PLANS, Feature, plan_for
from stock_tracker_desktop.domain.problems import Problem, ProblemCode

CHECKED = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
DOWN = Problem(ProblemCode.LICENCE_BUSY, {"status": 503})


def _record(**facts: Any) -> LicenceRecord:
    verified = LicenceFacts(
        valid=True,
        code="VALID",
        detail="is valid",
        server_time=CHECKED,
        verified_at=CHECKED,
        name="Acme agency",
        metadata={"plan": "pro"},
        entitlements=frozenset({"SCHEDULES", "GOOGLE_SHEETS", "ALERTS"}),
    )
    return LicenceRecord(key="KEY", facts=replace(verified, **facts), last_seen=CHECKED)


def test_no_licence_is_the_free_plan() -> None:
    standing = standing_of(None, CHECKED)
    assert standing.state is LicenceState.NONE and standing.plan == FREE
    assert FREE.sellers == 3 and not FREE.features


def test_a_fresh_answer_holds_the_licensed_plan() -> None:
    standing = standing_of(_record(), CHECKED + timedelta(hours=1))
    assert standing.state is LicenceState.ACTIVE and standing.holds
    assert standing.plan.code == "pro" and standing.plan.sellers == 50
    assert standing.grace_days_left == 14


def test_offline_the_plan_holds_for_the_grace_and_counts_the_days_down() -> None:
    record = _record()
    two_days = standing_of(record, CHECKED + timedelta(days=2))
    assert two_days.state is LicenceState.OFFLINE and two_days.plan.code == "pro"
    assert two_days.grace_days_left == 12
    last_hour = standing_of(record, CHECKED + GRACE - timedelta(hours=1))
    assert last_hour.state is LicenceState.OFFLINE and last_hour.grace_days_left == 1
    over = standing_of(record, CHECKED + GRACE)
    assert over.state is LicenceState.GRACE_OVER and over.plan == FREE
    assert over.held is not None and over.held.code == "pro"  # what comes back once confirmed


def test_a_failed_check_shows_offline_at_once() -> None:
    failed = replace(_record(), last_attempt=CHECKED + timedelta(hours=2), last_problem=DOWN)
    standing = standing_of(failed, CHECKED + timedelta(hours=3))
    assert standing.state is LicenceState.OFFLINE and standing.last_problem == DOWN
    # `license status --json` says it in English, as before problems had codes.
    assert standing.as_json()["last_problem"] == (
        "the licence server is busy or down (HTTP 503); try again in a few minutes"
    )


def test_a_frozen_clock_keeps_the_plan() -> None:
    """A desktop whose clock stands still (a VM restored from a snapshot, a dead RTC battery)
    is not turned back: the grace neither ends nor grows."""
    record = _record()
    frozen = CHECKED + timedelta(days=3)
    seen = record.seen_at(frozen).seen_at(frozen).seen_at(frozen)
    standing = standing_of(seen, frozen)
    assert standing.state is LicenceState.OFFLINE and standing.grace_days_left == 11


def test_a_clock_turned_back_ends_the_grace_until_the_service_confirms() -> None:
    record = _record().seen_at(CHECKED + timedelta(days=10))  # the app saw day 10
    back = CHECKED + timedelta(days=1)  # and now the clock says day 1: 13 days of grace "left"
    standing = standing_of(record, back)
    assert standing.state is LicenceState.CLOCK_BACK and standing.plan == FREE
    remembered = record.seen_at(back)
    assert remembered.clock_back
    # Putting the clock forward again does not bring the grace back: only the service does.
    assert standing_of(remembered, CHECKED + timedelta(days=10)).state is LicenceState.CLOCK_BACK


def test_a_clock_behind_the_servers_last_time_is_turned_back() -> None:
    record = replace(_record(), last_seen=None)
    assert standing_of(record, CHECKED - CLOCK_SLACK - timedelta(seconds=1)).plan == FREE
    # Within the slack two honest clocks may differ: the plan holds.
    assert standing_of(record, CHECKED - CLOCK_SLACK + timedelta(seconds=1)).holds


def test_a_licence_the_service_refused_is_the_free_plan() -> None:
    standing = standing_of(_record(valid=False, code="SUSPENDED"), CHECKED)
    assert standing.state is LicenceState.NOT_VALID and standing.plan == FREE
    assert standing.code == "SUSPENDED" and standing.held is None


def test_expired_under_an_allow_access_policy_still_holds() -> None:
    standing = standing_of(_record(code="EXPIRED", detail="is expired"), CHECKED)
    assert standing.holds and standing.plan.code == "pro" and standing.code == "EXPIRED"


def test_a_machine_file_holds_until_its_ttl_whatever_the_grace() -> None:
    until = CHECKED + timedelta(days=60)
    record = _record(source=SOURCE_FILE, file_expiry=until)
    within = standing_of(record, CHECKED + timedelta(days=40))  # past the 14 days' grace
    assert within.state is LicenceState.MACHINE_FILE and within.plan.code == "pro"
    assert standing_of(record, until).state is LicenceState.FILE_EXPIRED
    assert not check_due(record, CHECKED + timedelta(days=40))  # never asked online


def test_the_service_is_asked_daily_and_not_again_right_after_a_failure() -> None:
    record = _record()
    assert not check_due(record, CHECKED + CHECK_EVERY - timedelta(minutes=1))
    due = CHECKED + CHECK_EVERY
    assert check_due(record, due)
    failed = replace(record, last_attempt=due, last_problem=DOWN)
    assert not check_due(failed, due + RETRY_AFTER - timedelta(minutes=1))
    assert check_due(failed, due + RETRY_AFTER)
    assert not check_due(None, due)


def test_heartbeats_go_at_half_the_policys_interval() -> None:
    record = replace(_record(), machine_id="m1", heartbeat_seconds=600, last_ping=CHECKED)
    assert not ping_due(record, CHECKED + timedelta(seconds=299))
    assert ping_due(record, CHECKED + timedelta(seconds=300))
    assert not ping_due(replace(record, heartbeat_seconds=None), CHECKED + timedelta(days=1))


def test_the_record_survives_the_vault_as_json() -> None:
    record = replace(_record(), machine_id="m1", heartbeat_seconds=600, last_ping=CHECKED)
    assert LicenceRecord.from_json(record.as_json()) == record
    assert "KEY" not in repr(record)
    failed = replace(record, last_attempt=CHECKED, last_problem=DOWN)
    assert LicenceRecord.from_json(json.loads(json.dumps(failed.as_json()))) == failed


def test_a_record_of_an_earlier_version_with_an_english_last_problem_still_loads() -> None:
    """Before problems had codes the vault kept the last problem as its English sentence ("" for
    none): it loads as the detail of a problem, still counts as a failed check, and reads as
    it did."""
    due = CHECKED + CHECK_EVERY
    stored = {**_record().as_json(), "last_attempt": due.isoformat()}
    english = "The licence server is busy or down (HTTP 503); try again in a few minutes."
    old = LicenceRecord.from_json({**stored, "last_problem": english})
    assert old.last_problem == Problem(ProblemCode.LICENCE_RECORDED_EARLIER, {"detail": english})
    assert str(old.last_problem).startswith(english)
    assert not check_due(old, due + timedelta(minutes=1))  # failed lately: not asked again yet
    answered = LicenceRecord.from_json({**stored, "last_problem": ""})
    assert answered.last_problem is None and check_due(answered, due + timedelta(minutes=1))
    assert LicenceRecord.from_json({**stored, "last_problem": None}).last_problem is None
    without = {name: value for name, value in stored.items() if name != "last_problem"}
    assert LicenceRecord.from_json(without).last_problem is None


@pytest.mark.parametrize(
    ("metadata", "entitlements", "sellers", "features"),
    [
        ({"plan": "start"}, (), 10, {Feature.SCHEDULES, Feature.GOOGLE_SHEETS}),
        ({"plan": "agency"}, (), 250, set(Feature)),
        ({"plan": "start", "sellers": 25}, ("TEAM",), 25, {*PAID_PLANS["start"].features, "TEAM"}),
        ({"plan": "no-such-plan"}, ("BOGUS",), 10, set(PAID_PLANS["start"].features)),
        ({"plan": "pro", "sellers": "lots"}, (), 50, set(PAID_PLANS["pro"].features)),
    ],
    ids=["start", "agency", "add-on and own limit", "unknown plan", "bad seller count"],
)
def test_licence_facts_map_to_one_plan(
    metadata: dict[str, object], entitlements: tuple[str, ...], sellers: int, features: set[str]
) -> None:
    plan = plan_for(metadata, entitlements)
    assert plan.sellers == sellers and set(plan.features) == features
