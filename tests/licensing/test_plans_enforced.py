"""The plan enforced in the services, against the simulator's licensing service: the Free plan's
limits, a paid plan lifting them, a downgrade that pauses the chosen sellers and loses nothing,
the offline grace, heartbeats, and the licence a team invitation would carry."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from stock_tracker_desktop.config import LICENSE_BASE_URL_ENV, LICENSE_KEY_ENV
from stock_tracker_desktop.core import AppCore, LicenceProblem, PlanLimit, TenantChanges
from stock_tracker_desktop.domain.licence import GRACE, LicenceState
from stock_tracker_desktop.domain.runs import RunStatus, Trigger
from stock_tracker_desktop.domain.tenant_rules import InvalidTenant
from stock_tracker_desktop.licensing import LicensingClient
from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.services.licence import LicenceService
from stock_tracker_desktop.simulator import KeygenWorld, RunningSimulator
from stock_tracker_desktop.simulator.keygen_world import Tamper
from tests.licensing.conftest import OTHER_FINGERPRINT, MovableClock, activate
from tests.sync.conftest import wb_draft

SHOPS = 5


@pytest.fixture
def shops(point_clients_at: Callable[..., RunningSimulator]) -> RunningSimulator:
    """The marketplaces the sellers sync from (the licensing service is the module's own)."""
    return point_clients_at(seed=23, sellers=SHOPS, products=4, time_factor=0.01)


@pytest.fixture
def pointed(
    sim: RunningSimulator, keygen: KeygenWorld, monkeypatch: pytest.MonkeyPatch
) -> KeygenWorld:
    """The app asks this module's licensing service and holds no licence to begin with."""
    for name, value in sim.licensing_env().items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv(LICENSE_KEY_ENV)
    return keygen


@pytest.fixture
def core(ctx: AppContext) -> Iterator[AppCore]:
    app_core = AppCore(ctx)
    yield app_core
    app_core.db.close()


async def _add(core: AppCore, shops: RunningSimulator, count: int) -> None:
    for index in range(count):
        await core.add_tenant(wb_draft(shops.world.sellers[index], f"Shop {index}"))


async def test_the_free_plan_manages_three_sellers_syncs_by_hand_and_exports_files(
    core: AppCore, pointed: KeygenWorld, shops: RunningSimulator, tmp_path: Path
) -> None:
    await _add(core, shops, 3)
    with pytest.raises(InvalidTenant) as refused:
        await _add_one(core, shops, 3)
    assert refused.value.problems[0].message == (
        "your plan (Free) manages 3 sellers; archive one or upgrade (license status)"
    )
    await core.set_archived("Shop 0", True)  # an archived seller frees its place
    await _add_one(core, shops, 3)
    with pytest.raises(InvalidTenant):
        await core.set_archived("Shop 0", False)  # and cannot come back past the limit

    results = await core.sync()
    assert {r.tenant: r.status for r in results} == dict.fromkeys(
        ("Shop 1", "Shop 2", "Shop 3"), RunStatus.SUCCEEDED
    )
    scheduled = await core.sync(["Shop 1"], trigger=Trigger.SCHEDULE)
    assert scheduled[0].status is None and "scheduled syncs are not on your plan (Free)" in (
        scheduled[0].refused
    )
    with pytest.raises(PlanLimit, match="Google Sheets exports are not on your plan"):
        await core.export_sheet("Shop 1", language="en")
    written = await core.export_files(["Shop 1", "Shop 2"], "csv", tmp_path, language="en")
    assert written.read_text(encoding="utf-8-sig").count("\n") > 2


async def _add_one(core: AppCore, shops: RunningSimulator, index: int) -> None:
    await core.add_tenant(wb_draft(shops.world.sellers[index], f"Shop {index}"))


async def test_a_downgrade_pauses_the_chosen_sellers_and_loses_nothing(
    core: AppCore, pointed: KeygenWorld, shops: RunningSimulator, tmp_path: Path
) -> None:
    licence = pointed.add_licence(plan="start", sellers=SHOPS)
    usage = await core.licence.activate(licence.key)
    assert usage.standing.state is LicenceState.ACTIVE and usage.standing.plan.sellers == SHOPS
    await _add(core, shops, SHOPS)
    assert all(r.ok for r in await core.sync())
    before = {t.tenant.name: t.products for t in await core.overview()}

    pointed.suspend(licence.key)
    usage = await core.licence.refresh()
    assert usage.standing.state is LicenceState.NOT_VALID and usage.standing.code == "SUSPENDED"
    assert (usage.sellers, usage.paused) == (SHOPS, 2)
    # The newest pause unless the agency chooses: taking Shop 0 out of "Sync all" pauses it
    # in place of Shop 3.
    await core.edit_tenant("Shop 0", TenantChanges(enabled=False))
    paused = {row.tenant.name for row in await core.overview() if row.paused}
    assert paused == {"Shop 0", "Shop 4"}
    results = {r.tenant: r for r in await core.sync([f"Shop {i}" for i in range(SHOPS)])}
    assert results["Shop 4"].status is None and "paused: your plan (Free) syncs 3" in (
        results["Shop 4"].refused
    )
    assert results["Shop 0"].status is None
    assert all(results[f"Shop {i}"].ok for i in (1, 2, 3))
    # Nothing was deleted: every seller, its figures and its export are still there.
    after = {t.tenant.name: t.products for t in await core.overview()}
    assert after == before
    written = await core.export_files(
        [f"Shop {i}" for i in range(SHOPS)], "xlsx", tmp_path, language="en"
    )
    assert written.stat().st_size > 0


def _ask_now(service: LicenceService) -> None:
    """What the window's background check does when the licence is due."""
    record = service.record()
    assert record is not None
    service.save(service.ask(record, service.config()))


async def test_offline_the_plan_holds_for_the_grace_then_the_free_plan_applies(
    ctx: AppContext,
    pointed: KeygenWorld,
    clock: MovableClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    service = LicenceService(ctx, clock=clock)
    licence = pointed.add_licence(plan="pro")
    assert service.activate(licence.key).plan.code == "pro"
    monkeypatch.setenv(LICENSE_BASE_URL_ENV, "http://127.0.0.1:9")  # nothing listens there
    clock.advance(2 * 86400)
    _ask_now(service)
    offline = service.standing()
    assert offline.state is LicenceState.OFFLINE and offline.plan.code == "pro"
    assert offline.grace_days_left == 12 and offline.last_problem
    clock.advance(GRACE.total_seconds())
    over = service.standing()
    assert over.state is LicenceState.GRACE_OVER and over.plan.code == "free"


async def test_a_clock_turned_back_ends_the_grace_until_the_service_confirms(
    ctx: AppContext, pointed: KeygenWorld, clock: MovableClock
) -> None:
    service = LicenceService(ctx, clock=clock)
    service.activate(pointed.add_licence(plan="pro").key)
    clock.advance(3 * 86400)
    assert service.standing().plan.code == "pro"  # the app saw day 3
    clock.advance(-2 * 86400)
    assert service.standing().state is LicenceState.CLOCK_BACK
    clock.advance(5 * 86400)  # forward again: still not trusted
    assert service.standing().plan.code == "free"
    _ask_now(service)
    assert service.standing().state is LicenceState.ACTIVE


def test_a_policy_with_heartbeats_gets_them(ctx: AppContext, pointed: KeygenWorld) -> None:
    licence = pointed.add_licence(plan="pro", require_heartbeat=True, heartbeat_duration=600)
    standing = LicenceService(ctx).activate(licence.key)
    assert standing.state is LicenceState.ACTIVE and standing.code == "VALID"
    (machine,) = pointed.machines(licence.key)
    assert machine.last_ping is not None
    record = LicenceService(ctx).record()
    assert record is not None and record.heartbeat_seconds == 600


def test_an_unknown_key_or_a_full_licence_changes_nothing(
    ctx: AppContext, pointed: KeygenWorld, client: LicensingClient
) -> None:
    service = LicenceService(ctx)
    with pytest.raises(LicenceProblem, match="does not know this key"):
        service.activate("ABCDEF-123456-NOPE")
    full = pointed.add_licence(plan="agency", max_machines=1)
    activate(client, full, OTHER_FINGERPRINT)
    with pytest.raises(LicenceProblem) as refused:
        service.activate(full.key)
    assert "license deactivate" in str(refused.value) and full.key not in str(refused.value)
    assert service.record() is None and service.standing().plan.code == "free"


async def test_deactivating_frees_the_seat(core: AppCore, pointed: KeygenWorld) -> None:
    licence = pointed.add_licence(plan="pro", max_machines=1)
    await core.licence.activate(licence.key)
    assert len(pointed.machines(licence.key)) == 1
    usage = await core.licence.deactivate()
    assert usage.standing.state is LicenceState.NONE and pointed.machines(licence.key) == []
    assert await core.licence.key() == ""


async def test_a_key_in_the_environment_is_activated_when_a_paid_plan_is_needed(
    core: AppCore, pointed: KeygenWorld, shops: RunningSimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    licence = pointed.add_licence(plan="pro")
    monkeypatch.setenv(LICENSE_KEY_ENV, licence.key)
    await _add(core, shops, 3)
    assert pointed.machines(licence.key) == []  # the Free plan sufficed: nobody was asked
    await _add_one(core, shops, 3)
    assert len(pointed.machines(licence.key)) == 1
    assert await core.licence.key() == licence.key


async def test_the_scheduler_plans_nothing_on_the_free_plan_and_everything_once_licensed(
    core: AppCore, pointed: KeygenWorld, shops: RunningSimulator
) -> None:
    await _add(core, shops, 2)  # the default schedule: twice a day
    await core.start_scheduler()
    try:
        assert core.plan() == []  # syncs by hand only
        await core.licence.activate(pointed.add_licence(plan="start").key)
        assert sorted(name for name, _ in core.plan()) == ["Shop 0", "Shop 1"]
        await core.licence.deactivate()
        assert core.plan() == []
    finally:
        await core.aclose()


@pytest.mark.parametrize("tamper", ["body", "stale-date", "other-key", "unsigned", "wrong-nonce"])
def test_an_answer_that_fails_verification_is_never_believed(
    ctx: AppContext, pointed: KeygenWorld, clock: MovableClock, tamper: Tamper
) -> None:
    service = LicenceService(ctx, clock=clock)
    pro = pointed.add_licence(plan="pro")
    pointed.tamper = tamper
    with pytest.raises(LicenceProblem, match="nothing was changed"):
        service.activate(pro.key)  # a hostile first answer activates nothing
    assert service.record() is None
    pointed.tamper = None
    service.activate(pro.key)
    pointed.suspend(pro.key)  # what a forged answer would hide, or claim
    pointed.tamper = tamper
    clock.advance(2 * 86400)
    _ask_now(service)
    standing = service.standing()
    assert standing.state is LicenceState.OFFLINE and standing.plan.code == "pro"
    assert standing.last_problem is not None  # logged and shown, the last verified answer holds


def test_a_machine_the_service_declared_dead_is_activated_again(
    ctx: AppContext, pointed: KeygenWorld, clock: MovableClock
) -> None:
    service = LicenceService(ctx, clock=clock)
    licence = pointed.add_licence(plan="pro", require_heartbeat=True, heartbeat_duration=600)
    service.activate(licence.key)
    first = service.record()
    assert first is not None and first.machine_id is not None
    clock.advance(86400)  # a day without the app: no ping, the machine died
    assert pointed.validate(licence.key, pointed.machines(licence.key)[0].fingerprint).code == (
        "HEARTBEAT_DEAD"
    )
    _ask_now(service)
    again = service.record()
    assert again is not None and again.facts is not None and again.facts.code == "VALID"
    assert again.machine_id not in (None, first.machine_id)
    assert [m.id for m in pointed.machines(licence.key)] == [again.machine_id]


async def test_a_key_in_the_environment_the_service_cannot_take_now_is_not_asked_again_and_again(
    core: AppCore,
    ctx: AppContext,
    pointed: KeygenWorld,
    shops: RunningSimulator,
    sim: RunningSimulator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every seller list and sync reads the plan: a failed activation must not make each of
    them wait for the service again; the hourly check takes the key once the service is back."""
    licence = pointed.add_licence(plan="pro")
    monkeypatch.setenv(LICENSE_KEY_ENV, licence.key)
    monkeypatch.setenv(LICENSE_BASE_URL_ENV, "http://127.0.0.1:9")  # nothing listens there
    await _add(core, shops, 3)
    with pytest.raises(InvalidTenant):
        await _add_one(core, shops, 3)  # the Free plan applies meanwhile
    tried = await core.db.run(LicenceService(ctx).record)
    assert tried is not None and tried.facts is None and tried.last_problem is not None
    with pytest.raises(InvalidTenant):
        await _add_one(core, shops, 3)
    again = await core.db.run(LicenceService(ctx).record)
    assert again is not None and again.last_attempt == tried.last_attempt  # not asked again

    monkeypatch.setenv(LICENSE_BASE_URL_ENV, sim.base_url)
    usage = await core.licence.refresh()  # what the hourly check does once it is due
    assert usage.standing.plan.code == "pro" and len(pointed.machines(licence.key)) == 1
    await _add_one(core, shops, 3)
