"""Each fault kind, through the HTTP control route and the Python API."""

from __future__ import annotations

import time

import httpx
import pytest

from stock_tracker_desktop.simulator import Fault, RunningSimulator
from tests.simulator.helpers import ozon_client, wb_client

WAREHOUSES = "/api/v3/warehouses"


def test_server_error_burst_via_http(simulator: RunningSimulator) -> None:
    seller = simulator.world.sellers[0]
    added = httpx.post(
        f"{simulator.base_url}/__sim__/faults",
        json={"kind": "server_error", "path_prefix": WAREHOUSES, "count": 2},
    )
    assert added.status_code == 200
    with wb_client(simulator, seller) as wb:
        statuses = [wb.get(WAREHOUSES).status_code for _ in range(3)]
    assert statuses[:2] in ([503, 500], [500, 503])
    assert statuses[2] == 200


def test_fault_for_one_seller_only(simulator: RunningSimulator) -> None:
    first, second = simulator.world.sellers
    simulator.world.faults.add(Fault("retired", "/v1/roles", seller_id=second.seller_id))
    with ozon_client(simulator, first) as oz:
        assert oz.post("/v1/roles", json={}).status_code == 200
    with ozon_client(simulator, second) as oz:
        retired = oz.post("/v1/roles", json={})
    assert retired.status_code == 404
    assert retired.headers["X-Sim-Fault"] == "retired"


def test_timeout_is_bounded(simulator: RunningSimulator) -> None:
    simulator.world.faults.add(Fault("timeout", WAREHOUSES, delay=2.0))
    with (
        wb_client(simulator, simulator.world.sellers[0]) as wb,
        pytest.raises(httpx.ReadTimeout),
    ):
        wb.get(WAREHOUSES, timeout=0.3)


def test_truncated_malformed_slow(simulator: RunningSimulator) -> None:
    seller = simulator.world.sellers[0]
    faults = simulator.world.faults
    with wb_client(simulator, seller) as wb:
        whole = wb.get(WAREHOUSES).content
        faults.add(Fault("truncated", WAREHOUSES))
        cut = wb.get(WAREHOUSES)
        faults.add(Fault("malformed", WAREHOUSES))
        malformed = wb.get(WAREHOUSES)
        faults.add(Fault("slow", WAREHOUSES, delay=0.3))
        started = time.monotonic()
        slow = wb.get(WAREHOUSES)
        elapsed = time.monotonic() - started
    assert cut.status_code == 200
    assert cut.content == whole[: len(whole) // 2]
    assert malformed.status_code == 200
    assert malformed.json() == ["malformed"]
    assert slow.status_code == 200
    assert slow.content == whole
    assert elapsed >= 0.3
    assert httpx.delete(f"{simulator.base_url}/__sim__/faults").status_code == 200
    assert faults.pending() == []
