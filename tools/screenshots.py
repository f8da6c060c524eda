"""Render every view of the app in English and Russian, with demo data from the simulator.

    python tools/screenshots.py [OUT_DIR]          (default: docs/screenshots)
    xvfb-run -a python tools/screenshots.py        (a real X server; offscreen works too)

Everything happens in a throwaway data directory: the simulator's sellers are added as tenants,
synced through the real engine, and a few earlier snapshots are written with varied quantities
so that the stock chart has a history to draw (a fresh demo install has synced only today).
The keyring is the "fail" backend and the vault uses a demo passphrase, so the machine's real
keyring and data are never touched. The shell's windows (tenants, editor, settings) are imported
lazily: whatever exists is rendered.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
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
from PySide6.QtCore import QLocale, QTranslator  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from stock_tracker_desktop.domain.figures import LevelFigures  # noqa: E402
from stock_tracker_desktop.domain.models import Marketplace  # noqa: E402
from stock_tracker_desktop.domain.window import last_full_days  # noqa: E402
from stock_tracker_desktop.package_data import translations_dir  # noqa: E402
from stock_tracker_desktop.services.context import AppContext  # noqa: E402
from stock_tracker_desktop.services.tenants import TenantDraft, TenantService  # noqa: E402
from stock_tracker_desktop.simulator import SimulatorConfig, start_in_thread  # noqa: E402
from stock_tracker_desktop.storage import snapshot_writer, snapshots  # noqa: E402
from stock_tracker_desktop.storage.sync_runs import RunStatus  # noqa: E402
from stock_tracker_desktop.sync.engine import SyncEngine  # noqa: E402
from stock_tracker_desktop.ui import texts  # noqa: E402
from stock_tracker_desktop.ui.history_view import HistoryView  # noqa: E402
from stock_tracker_desktop.ui.stock_view import StockView  # noqa: E402

DEMO_PASSPHRASE = "demo passphrase for screenshots"  # noqa: S105 (a throwaway demo vault)
TIME_FACTOR = 0.005
EARLIER_SNAPSHOTS = 6
WINDOW_SIZE = (1440, 820)
SIGNAL_TIMEOUT = 20.0


def optional(module: str, name: str) -> Any:
    """A class of the shell, or None while it does not exist."""
    try:
        return getattr(importlib.import_module(f"stock_tracker_desktop.ui.{module}"), name)
    except (ImportError, AttributeError):
        return None


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


def set_language(app: QApplication, language: str) -> None:
    apply_language = optional("app", "apply_language")
    if apply_language is not None:
        apply_language(app, language)
        return
    QLocale.setDefault(QLocale(language))
    for old in app.findChildren(QTranslator):
        app.removeTranslator(old)
    if language != "en":
        translator = QTranslator(app)
        translator.load(str(translations_dir() / f"views_{language}.qm"))
        app.installTranslator(translator)


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
    app: QApplication, engine: SyncEngine, ctx: AppContext, language: str, out: Path
) -> None:
    set_language(app, language)
    tenants = {t.name: t for t in TenantService(ctx).all()}
    main_window = optional("main_window", "MainWindow")
    if main_window is None:
        stock, history = StockView(engine), HistoryView(engine)
        for view in (stock, history):
            view.resize(*WINDOW_SIZE)
            view.show()
        await show_stock(stock, tenants["Ромашка"])
        await show_failed_run(history)
        await settle()
        save(stock, out, "stock", language)
        save(history, out, "history", language)
        stock.deleteLater()
        history.deleteLater()
        return

    settings = await engine.in_db(engine.settings.load)
    window = main_window(engine, settings)
    window.resize(*WINDOW_SIZE)
    window.show()
    await window.reload()
    await settle()
    save(window, out, "tenants", language)

    window.show_stock(tenants["Ромашка"])
    await show_stock(window.stock_view, tenants["Ромашка"])
    await settle()
    save(window, out, "stock", language)

    window.tabs.setCurrentWidget(window.history_view)
    await show_failed_run(window.history_view)
    await settle()
    save(window, out, "history", language)

    editor_class = optional("tenant_editor", "TenantEditor")
    if editor_class is not None:
        editor = editor_class(engine, tenants["Ромашка"], parent=window)
        editor.show()
        await settle()
        save(editor, out, "tenant_editor", language)
        editor.close()
    settings_dialog = optional("settings_dialog", "SettingsDialog")
    if settings_dialog is not None:
        dialog = settings_dialog(engine, settings, tray_available=False, parent=window)
        dialog.show()
        await settle()
        save(dialog, out, "settings", language)
        dialog.close()
    tray_class = optional("tray", "Tray")
    if tray_class is not None:
        await save_tray_menu(tray_class, out, language)
    window.quitting = True
    window.hide()
    window.deleteLater()


async def save_tray_menu(tray_class: Any, out: Path, language: str) -> None:
    """The tray's menu after a failed sync (the menu renders the same with or without a tray)."""
    tray = tray_class()
    tray.failures.add("Lime Kids")
    tray.last_result_text = f"Lime Kids: {texts.status_name(RunStatus.FAILED)}"
    tray.set_next_run("18:00")  # also refreshes the menu's texts
    tray.menu.adjustSize()
    await settle()
    save(tray.menu, out, "tray_menu", language)
    tray.deleteLater()


async def render(app: QApplication, out: Path, languages: list[str]) -> None:
    with tempfile.TemporaryDirectory(prefix="stock-tracker-demo-") as temp:
        home = Path(temp) / "home"
        os.environ["STOCK_TRACKER_HOME"] = str(home)
        config = SimulatorConfig(seed=3, sellers=3, products=60, time_factor=TIME_FACTOR)
        with start_in_thread(config) as sim:
            for variable in ("STOCK_TRACKER_WB_BASE_URL", "STOCK_TRACKER_OZON_BASE_URL"):
                os.environ[variable] = sim.base_url
            os.environ["STOCK_TRACKER_TIME_FACTOR"] = str(TIME_FACTOR)
            ctx = await asyncio.to_thread(AppContext.open, lambda: DEMO_PASSPHRASE, home)
            engine = SyncEngine(ctx)
            try:
                await engine.in_db(add_demo_tenants, ctx, sim)
                await engine.sync()
                await engine.in_db(write_earlier_snapshots, ctx, "Ромашка")
                await engine.sync(["Ромашка", "Lime Kids"])
                for language in languages:
                    await render_language(app, engine, ctx, language, out)
            finally:
                await engine.aclose()
                ctx.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default=str(REPO / "docs" / "screenshots"))
    parser.add_argument("--languages", nargs="+", default=["en", "ru"])
    args = parser.parse_args()
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    keyring.set_keyring(fail.Keyring())
    create = optional("app", "create_application")
    app = create() if create is not None else QApplication(sys.argv[:1])
    with asyncio.Runner(loop_factory=qasync.QEventLoop) as runner:
        runner.run(render(app, out, args.languages))
    return 0


if __name__ == "__main__":
    sys.exit(main())
