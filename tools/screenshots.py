"""Render every view of the app in English and Russian, with demo data from the simulator.

    python tools/screenshots.py [OUT_DIR]          (default: docs/screenshots)
    xvfb-run -a python tools/screenshots.py        (a real X server; offscreen works too)

Everything happens in a throwaway data directory: the simulator's sellers are added as tenants,
synced through the real engine, and a few earlier snapshots are written with varied quantities
so that the stock chart has a history to draw (a fresh demo install has synced only today).
The keyring is the "fail" backend and the vault uses a demo passphrase, so the machine's real
keyring and data are never touched. The simulator's licensing service gives the demo desktop an
Agency licence, so every feature (schedules, the team) is there to be shown. Every view, each tab
of every dialog, the passphrase dialogs, the message boxes and the tray menu are rendered at the
window's default size.

The Team tab shows a solo desktop first; where PostgreSQL's server programs are installed, a
throwaway cluster (tests/support/pg_cluster.py) then serves a team the demo desktop sets up, and
the tab is rendered in the team, with its server up and away.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
if not os.environ.get("DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import keyring  # noqa: E402
import qasync  # noqa: E402
from keyring.backends import fail  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from stock_tracker_desktop.config import LICENSE_KEY_ENV  # noqa: E402
from stock_tracker_desktop.core import AppCore, TeamRole  # noqa: E402
from stock_tracker_desktop.domain.figures import LevelFigures  # noqa: E402
from stock_tracker_desktop.domain.models import Marketplace  # noqa: E402
from stock_tracker_desktop.domain.runs import RunStatus  # noqa: E402
from stock_tracker_desktop.domain.window import last_full_days  # noqa: E402
from stock_tracker_desktop.services.context import AppContext  # noqa: E402
from stock_tracker_desktop.services.tenants import TenantDraft, TenantService  # noqa: E402
from stock_tracker_desktop.simulator import SimulatorConfig, start_in_thread  # noqa: E402
from stock_tracker_desktop.storage import outbox, snapshot_writer, snapshots  # noqa: E402
from stock_tracker_desktop.ui import texts  # noqa: E402
from stock_tracker_desktop.ui.app import apply_language, create_application  # noqa: E402
from stock_tracker_desktop.ui.history_view import HistoryView  # noqa: E402
from stock_tracker_desktop.ui.main_window import MainWindow  # noqa: E402
from stock_tracker_desktop.ui.passphrase_dialog import PassphraseDialog  # noqa: E402
from stock_tracker_desktop.ui.settings_dialog import SettingsDialog  # noqa: E402
from stock_tracker_desktop.ui.stock_view import StockView  # noqa: E402
from stock_tracker_desktop.ui.team_tab import InviteDialog, JoinDialog, SetupDialog  # noqa: E402
from stock_tracker_desktop.ui.tenant_editor import TenantEditor  # noqa: E402
from stock_tracker_desktop.ui.tray import Tray  # noqa: E402

DEMO_PASSPHRASE = "demo passphrase for screenshots"  # noqa: S105 (a throwaway demo vault)
TIME_FACTOR = 0.005
EARLIER_SNAPSHOTS = 6
SIGNAL_TIMEOUT = 20.0


def add_demo_tenants(ctx: AppContext, sim: Any) -> None:
    sellers = sim.world.sellers
    service = TenantService(ctx)
    wb = Marketplace.WILDBERRIES
    drafts = [
        TenantDraft(name="Ромашка", marketplace=wb, token=sellers[0].wb_token, tags=("дом",)),
        TenantDraft(
            name="Северный ветер",
            marketplace=Marketplace.OZON,
            client_id=sellers[1].ozon_client_id,
            api_key=sellers[1].ozon_api_key,
            tags=("одежда",),
        ),
        TenantDraft(name="Lime Kids", marketplace=wb, token=sellers[2].wb_token, tags=("дети",)),
        TenantDraft(
            name="ТехноДом",
            marketplace=wb,
            token=sim.world.mint_wb_token(sellers[1], expired=True),
            notes="Токен нужно обновить в кабинете WB",
        ),
    ]
    for draft in drafts:
        service.add(draft)


def write_earlier_snapshots(ctx: AppContext, tenant_name: str) -> None:
    """Demo history: the current snapshot's levels, shifted back in time, quantities varied."""
    tenant = TenantService(ctx).get(tenant_name)
    current = snapshots.current_snapshot(ctx.database, tenant.id)
    if current is None:
        return
    rows = snapshots.stock_levels(ctx.database, current.id)
    chance = random.Random(tenant_name)  # noqa: S311 (demo figures, not secrets)
    for step in range(EARLIER_SNAPSHOTS, 0, -1):
        taken = current.taken_at - timedelta(days=step)
        levels = [
            LevelFigures(
                product_id=r.product_id,
                warehouse=r.warehouse,
                warehouse_type=r.warehouse_type,
                quantity=max(0, round(r.quantity * (1 + step * chance.uniform(0.02, 0.15)))),
                in_transit_to_customers=r.in_transit_to_customers,
                in_transit_returns=r.in_transit_returns,
                orders=r.orders,
                days_of_stock=r.days_of_stock,
                low_stock=r.low_stock,
            )
            for r in rows
        ]
        snapshot_writer.write_snapshot(
            ctx.database,
            snapshot_writer.SnapshotData(
                tenant_id=tenant.id,
                sync_run_id=None,
                taken_at=taken,
                window=last_full_days(current.window_days, now=taken),
                threshold_days=current.threshold_days,
                products=[],
                levels=levels,
                order_lines=[],
            ),
        )


async def until(signal: Any, action: Callable[[], object]) -> None:
    fired = asyncio.get_running_loop().create_future()

    def done(*_: object) -> None:
        if not fired.done():
            fired.set_result(None)

    signal.connect(done)
    try:
        action()
        await asyncio.wait_for(fired, SIGNAL_TIMEOUT)
    finally:
        signal.disconnect(done)


async def settle() -> None:
    """Let queued paints and timers run (a few event-loop turns, never processEvents)."""
    await asyncio.sleep(0.4)


def save(widget: QWidget, out: Path, name: str, language: str) -> None:
    path = out / f"{name}_{language}.png"
    widget.grab().save(str(path))
    print(f"wrote {path.relative_to(out.parent) if out.parent in path.parents else path}")


async def show_stock(view: StockView, tenant: Any) -> None:
    await until(view.loaded, lambda: view.show_tenant(tenant))
    await until(view.chart_loaded, lambda: view.table.selectRow(2))


async def show_failed_run(view: HistoryView) -> None:
    await until(view.loaded, view.refresh)
    for row in range(view.model.rowCount()):
        if view.model.run(row).status is RunStatus.FAILED:
            view.table.selectRow(row)
            break


async def render_language(
    app: QApplication, core: AppCore, ctx: AppContext, language: str, out: Path
) -> None:
    apply_language(app, language)
    tenants = {t.name: t for t in TenantService(ctx).all()}
    settings = await core.settings()
    window = MainWindow(core, settings)  # at its default size, as a new user sees it
    window.show()
    await window.reload()
    await until(window.home_view.loaded, window.home_view.refresh)
    await settle()
    save(window, out, "today", language)

    window.tabs.setCurrentWidget(window.tenants_view)
    await settle()
    save(window, out, "tenants", language)

    window.show_stock(tenants["Ромашка"])
    await show_stock(window.stock_view, tenants["Ромашка"])
    await settle()
    save(window, out, "stock", language)
    window.stock_view.by_product.click()
    await settle()
    save(window, out, "stock_by_product", language)

    window.tabs.setCurrentWidget(window.history_view)
    await show_failed_run(window.history_view)
    await settle()
    save(window, out, "history", language)

    await save_tabs(TenantEditor(core, tenants["Ромашка"], parent=window), out, "editor", language)
    await save_tabs(TenantEditor(core, None, parent=window), out, "editor_new", language)
    settings_dialog = SettingsDialog(core, settings, tray_available=True, parent=window)
    tab_names = ["settings", "settings_team", "settings_licence"]
    await save_tabs(settings_dialog, out, "settings", language, tab_names)
    for dialog, name in (
        (JoinDialog(core, window), "team_join"),
        (SetupDialog(core, window), "team_setup"),
    ):
        await save_dialog(dialog, out, name, language)
    for first_run in (True, False):
        dialog = PassphraseDialog(first_run=first_run)
        dialog.show()
        await settle()
        save(dialog, out, "passphrase_new" if first_run else "passphrase", language)
        dialog.close()
    await save_box(window.ask_quit(), out, "quit", language)
    await save_box(
        window.rotation_done(Path("backups") / "before-rotation.db"), out, "rotated", language
    )
    await save_tray_menu(out, language)
    window.quitting = True
    window.hide()
    window.deleteLater()


async def save_tabs(
    dialog: Any, out: Path, name: str, language: str, names: list[str] | None = None
) -> None:
    """A dialog, once per tab (once if it has none), each as ``name_N`` or as ``names`` say."""
    dialog.show()
    tabs = getattr(dialog, "tabs", None)
    if tabs is None:
        await settle()
        save(dialog, out, name, language)
    for index in range(tabs.count() if tabs is not None else 0):
        dialog.tabs.setCurrentIndex(index)
        await settle()
        save(dialog, out, names[index] if names else f"{name}_{index + 1}", language)
    dialog.close()
    dialog.deleteLater()


async def save_dialog(dialog: QWidget, out: Path, name: str, language: str) -> None:
    dialog.show()
    await settle()
    save(dialog, out, name, language)
    dialog.close()
    dialog.deleteLater()


def refuse_one(ctx: AppContext) -> None:
    """Demo: one change the server refused for good, as a member's lacking role makes it."""
    entry = outbox.pending(ctx.database, 1)[0]
    outbox.mark_failed(
        ctx.database, entry.seq, "the team's server refused: permission denied for table stock"
    )


async def render_team(
    app: QApplication, core: AppCore, ctx: AppContext, languages: list[str], out: Path
) -> None:
    """The Team tab in a team, its server up and then away, and the window's status bar then;
    skipped (said so) where PostgreSQL's server programs are not installed."""
    from tests.support.pg_cluster import find_bin_dir, remove_cluster, start_cluster

    try:
        find_bin_dir()
    except RuntimeError as exc:
        print(f"the Team tab in a team is not rendered: {exc}")
        return
    cluster = await asyncio.to_thread(start_cluster)
    try:
        database = await asyncio.to_thread(cluster.new_database, "agency")
        await core.team.init(cluster.dsn(database), "Agency", "olga")
        with tempfile.TemporaryDirectory(prefix="stock-tracker-invitations-") as folder:
            for name, role in (("ivan", TeamRole.USER), ("vera", TeamRole.VIEWER)):
                await core.team.invite(name, role, Path(folder) / name, DEMO_PASSPHRASE)
        for language in languages:
            await render_team_tab(app, core, language, out, away=False)
            apply_language(app, language)
            await save_dialog(InviteDialog(core), out, "team_invite", language)
        await asyncio.to_thread(cluster.stop, "immediate")
        await core.team.refresh()  # the cycle notes the server away
        await core.sync(["Lime Kids"])  # its run and figures wait to be pushed
        await core.db.run(refuse_one, ctx)
        for language in languages:
            await render_team_tab(app, core, language, out, away=True)
            settings = await core.settings()
            window = MainWindow(core, settings)
            window.show()
            await window.reload()
            await window.show_team()
            await settle()
            save(window, out, "team_status_bar", language)
            window.quitting = True
            window.hide()
            window.deleteLater()
    finally:
        await asyncio.to_thread(remove_cluster, cluster)


async def render_team_tab(
    app: QApplication, core: AppCore, language: str, out: Path, *, away: bool
) -> None:
    apply_language(app, language)
    dialog = SettingsDialog(core, await core.settings(), tray_available=True)
    dialog.show()
    tab = dialog.team_tab
    shown = tab.loaded if away else tab.members_loaded  # no members while the server is away
    await until(shown, lambda: dialog.tabs.setCurrentWidget(tab))
    if away:
        await asyncio.sleep(1)  # the members' listing fails meanwhile
    await settle()
    save(dialog, out, "settings_team_away" if away else "settings_team_joined", language)
    dialog.close()
    dialog.deleteLater()


async def save_box(box: QWidget, out: Path, name: str, language: str) -> None:
    await settle()
    save(box, out, name, language)
    box.close()


async def save_tray_menu(out: Path, language: str) -> None:
    """The tray's menu after a failed sync (the menu renders the same with or without a tray)."""
    tray = Tray()
    tray.failures.add("Lime Kids")
    tray.last_result_text = f"Lime Kids: {texts.status_name(RunStatus.FAILED)}"
    tray.set_next_run("18:00")  # also refreshes the menu's texts
    tray.menu.adjustSize()
    await settle()
    save(tray.menu, out, "tray_menu", language)
    tray.deleteLater()


def use_demo_licensing(sim: Any) -> str:
    """Point the app at the simulator's licensing service; the key of an Agency licence there."""
    os.environ.update(sim.licensing_env())
    os.environ.pop(LICENSE_KEY_ENV, None)
    licence = sim.world.keygen.add_licence(plan="agency", max_machines=5, name="Агентство Север")
    return str(licence.key)


async def render(app: QApplication, out: Path, languages: list[str]) -> None:
    with tempfile.TemporaryDirectory(prefix="stock-tracker-demo-") as temp:
        home = Path(temp) / "home"
        os.environ["STOCK_TRACKER_HOME"] = str(home)
        config = SimulatorConfig(seed=3, sellers=3, products=60, time_factor=TIME_FACTOR)
        with start_in_thread(config) as sim:
            for variable in ("STOCK_TRACKER_WB_BASE_URL", "STOCK_TRACKER_OZON_BASE_URL"):
                os.environ[variable] = sim.base_url
            os.environ["STOCK_TRACKER_TIME_FACTOR"] = str(TIME_FACTOR)
            licence = use_demo_licensing(sim)
            ctx = await asyncio.to_thread(AppContext.open, lambda: DEMO_PASSPHRASE, home)
            core = AppCore(ctx)
            try:
                await core.licence.activate(licence)
                await core.db.run(add_demo_tenants, ctx, sim)
                await core.sync()
                await core.db.run(write_earlier_snapshots, ctx, "Ромашка")
                await core.sync(["Ромашка", "Lime Kids"])
                await core.start_scheduler()
                for language in languages:
                    await render_language(app, core, ctx, language, out)
                await render_team(app, core, ctx, languages, out)
            finally:
                await core.aclose()
                ctx.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default=str(REPO / "docs" / "screenshots"))
    parser.add_argument("--languages", nargs="+", default=["en", "ru"])
    args = parser.parse_args()
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    keyring.set_keyring(fail.Keyring())
    app = create_application()
    with asyncio.Runner(loop_factory=qasync.QEventLoop) as runner:
        runner.run(render(app, out, args.languages))
    return 0


if __name__ == "__main__":
    sys.exit(main())
