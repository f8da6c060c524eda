"""Small helpers the simulator tests share: clients with a seller's credentials."""

from __future__ import annotations

import httpx

from stock_tracker_desktop.simulator import RunningSimulator, SellerAccount


def wb_client(
    sim: RunningSimulator, seller: SellerAccount, token: str | None = None
) -> httpx.Client:
    headers = {"Authorization": token if token is not None else seller.wb_token}
    return httpx.Client(base_url=sim.base_url, headers=headers, timeout=10)


def ozon_client(sim: RunningSimulator, seller: SellerAccount) -> httpx.Client:
    headers = {"Client-Id": seller.ozon_client_id, "Api-Key": seller.ozon_api_key}
    return httpx.Client(base_url=sim.base_url, headers=headers, timeout=10)
