"""Acceptance: a user adds a Wildberries and an Ozon seller, syncs them and exports; every
exported cell is what the marketplaces' data says, worked out here by hand.

The simulator serves today's APIs (every exchange is checked against the vendors' specs by the
fixture); the truth per product and warehouse is the simulator's record of what it served, and
the derived figures (days of stock, the low-stock flag, the rows a warehouse with orders but no
stock gets) are computed below from the rules in docs/domain.md section 4, not by the app's code.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path

import openpyxl

from stock_tracker_desktop.domain.models import Marketplace, WarehouseType
from stock_tracker_desktop.domain.window import last_full_days
from stock_tracker_desktop.simulator import RunningSimulator, SellerAccount
from stock_tracker_desktop.simulator.expected import ExpectedFigures
from tests.support.cli import cli_json, run_cli

WINDOW_DAYS = 7
LOW_DAYS = 14.0
WB_NAME = "Ромашка WB"
OZON_NAME = "Ромашка Ozon"


def _add_sellers(sim: RunningSimulator) -> dict[str, tuple[SellerAccount, Marketplace]]:
    wb, ozon = sim.world.sellers[0], sim.world.sellers[1]
    env = {"T": wb.wb_token, "K": ozon.ozon_api_key}
    added = run_cli(
        "tenants", "add", "--name", WB_NAME, "--marketplace", "wildberries", "--token-env", "T",
        env=env,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    added = run_cli(
        "tenants", "add", "--name", OZON_NAME, "--marketplace", "ozon",
        "--client-id", ozon.ozon_client_id, "--api-key-env", "K",
        env=env,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    return {WB_NAME: (wb, Marketplace.WILDBERRIES), OZON_NAME: (ozon, Marketplace.OZON)}


def _by_hand_days(stock: int, orders: int) -> float | None:
    """Days of stock: stock over the daily orders of the window, one decimal; none without
    orders."""
    return round(stock / (orders / WINDOW_DAYS), 1) if orders else None


def _expected_rows(
    sim: RunningSimulator, tenant: str, seller: SellerAccount, marketplace: Marketplace
) -> dict[tuple[str, str, str], list[object]]:
    """Every long-form row the export must hold for this seller, keyed by product, warehouse
    and warehouse type, as the cells of columns tenant .. low_stock."""
    truth = sim.world.expected(seller, marketplace, last_full_days(WINDOW_DAYS))
    products = {p.product_id: p for p in truth.products}
    kinds_at: dict[tuple[str, str], list[str]] = defaultdict(list)
    for product_id, warehouse, kind in truth.stock:
        kinds_at[(product_id, warehouse)].append(kind.value)
    rows: dict[tuple[str, str, str], list[object]] = {}
    places = {(p, w, k.value): figures for (p, w, k), figures in truth.stock.items()}
    for product_id, warehouse in truth.orders:
        if not kinds_at[(product_id, warehouse)]:
            # Orders at a warehouse without stock: the row still exists, with stock 0. Orders
            # name a warehouse, not its type; WB's and Ozon's order rows come from FBO
            # warehouses unless the warehouse is one of the seller's own.
            kind = "FBS" if warehouse in _fbs_warehouses(truth) else "FBO"
            places[(product_id, warehouse, kind)] = (0, 0, 0)
    for (product_id, warehouse, kind), (stock, to_customers, returns) in places.items():
        product = products[product_id]
        # Orders belong to the warehouse; when a name is both an FBO and an FBS warehouse of
        # this product, the app cannot split them and neither do we: those are checked summed.
        shared = len(kinds_at[(product_id, warehouse)]) > 1
        orders = truth.orders.get((product_id, warehouse), 0)
        days = None if shared else _by_hand_days(stock, orders)
        low = None if shared else int((days is not None and days <= LOW_DAYS) or (
            stock == 0 and orders > 0
        ))  # fmt: skip
        rows[(product_id, warehouse, kind)] = [
            tenant, marketplace.value, product_id, product.vendor_code, product.name,
            product.brand, product.subject, warehouse, kind, stock, to_customers, returns,
            None if shared else orders, days, low,
        ]  # fmt: skip
    return rows


def _fbs_warehouses(truth: ExpectedFigures) -> set[str]:
    return {w for (_p, w, k) in truth.stock if k is WarehouseType.FBS}


def _typed(header: list[str], row: list[str]) -> list[object]:
    """A plain CSV row with its numbers as numbers (the columns the docs name as numeric)."""
    numeric = {"stock", "in_transit_to_customers", "in_transit_returns", "orders", "low_stock"}
    typed: list[object] = []
    for column, cell in zip(header, row, strict=True):
        if column in numeric:
            typed.append(int(cell))
        elif column == "days_of_stock":
            typed.append(float(cell) if cell else None)
        else:
            typed.append(cell)
    return typed


def _check(rows: list[list[object]], header: list[str], expected: dict) -> None:
    """Each row's cells equal the expected ones; orders and days of stock where a warehouse
    name is shared by two types are checked summed by the caller."""
    got = {(r[2], r[7], r[8]): r for r in rows}
    assert len(got) == len(rows), "one row per product, warehouse and type"
    assert set(got) == set(expected)
    for key, want in expected.items():
        for column, cell, truth in zip(header, got[key], want, strict=False):
            if truth is not None or column not in {"orders", "days_of_stock", "low_stock"}:
                assert cell == truth, (key, column, cell, truth)


def test_exported_cells_are_the_marketplaces_figures(point_clients_at, tmp_path: Path) -> None:
    sim = point_clients_at(seed=23, sellers=2, products=35, time_factor=0.01)
    sellers = _add_sellers(sim)
    started = datetime.now().astimezone()
    synced = run_cli("sync", "--all")
    assert synced.returncode == 0, synced.stdout + synced.stderr

    csv_path = tmp_path / "all.csv"
    exported = run_cli("export", "csv", "--all", "--out", str(csv_path))
    assert exported.returncode == 0, exported.stderr
    with csv_path.open(encoding="utf-8", newline="") as stream:
        header, *body = list(csv.reader(stream))
    assert header[:16] == [
        "tenant", "marketplace", "product_id", "vendor_code", "name", "brand", "subject",
        "warehouse", "warehouse_type", "stock", "in_transit_to_customers", "in_transit_returns",
        "orders", "days_of_stock", "low_stock", "snapshot_at",
    ]  # fmt: skip
    typed = [_typed(header, row) for row in body]

    xlsx_path = tmp_path / "all.xlsx"
    assert run_cli("export", "xlsx", "--all", "--out", str(xlsx_path)).returncode == 0
    book = openpyxl.load_workbook(xlsx_path, read_only=True)
    long_sheets = [
        sheet
        for sheet in book.worksheets
        if [c.value for c in next(sheet.iter_rows(max_row=1))][:3] == header[:3]
    ]
    assert len(long_sheets) == 1
    # The XLSX long form holds the same cells as the CSV, numbers as numbers.
    in_xlsx = [list(r) for r in long_sheets[0].iter_rows(min_row=2, values_only=True)]
    # An empty text is an empty cell there.
    as_cells = [[None if cell == "" else cell for cell in row] for row in typed]
    assert sorted(in_xlsx, key=str) == sorted(as_cells, key=str)

    for tenant, (seller, marketplace) in sellers.items():
        expected = _expected_rows(sim, tenant, seller, marketplace)
        mine = [row for row in typed if row[0] == tenant]
        _check(mine, header, expected)
        truth = sim.world.expected(seller, marketplace, last_full_days(WINDOW_DAYS))
        # Orders per product and warehouse, summed over types: the marketplace's units.
        units: dict[tuple[str, str], int] = defaultdict(int)
        for row in mine:
            units[(row[2], row[7])] += row[12]  # type: ignore[operator]
        assert {k: v for k, v in units.items() if v} == truth.orders
        # The snapshot's time is this sync's, in Moscow time with its offset.
        taken = {datetime.fromisoformat(str(row[15])) for row in mine}
        assert len(taken) == 1
        moment = taken.pop()
        assert moment.utcoffset() == timedelta(hours=3)
        assert started - timedelta(seconds=1) <= moment <= datetime.now().astimezone()
        # The stock command shows the same figures the export wrote.
        shown = cli_json("stock", "--tenant", tenant)["rows"]
        columns = header[2:15]  # product_id .. low_stock
        as_shown = sorted(
            [row[column] if column != "low_stock" else int(row[column]) for column in columns]
            for row in shown
        )
        assert as_shown == sorted(row[2:15] for row in mine)
