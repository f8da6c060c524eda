"""The spec validator itself: it must notice a wrong answer, or the fixture proves nothing."""

from __future__ import annotations

import json

from tests.spec_conformance import Exchange, spec_for, validate_exchange


def _exchange(body: object, status: int = 200) -> Exchange:
    return Exchange(
        method="GET",
        path="/api/v3/warehouses",
        query=[],
        request_headers={"authorization": "token"},
        request_body=b"",
        status=status,
        response_headers={"content-type": "application/json"},
        response_body=json.dumps(body).encode(),
    )


def test_a_conforming_answer_passes() -> None:
    body = [{"id": 1, "name": "Склад", "officeId": 2, "cargoType": 1, "deliveryType": 1}]
    assert not validate_exchange(_exchange(body))


def test_a_wrong_shape_is_reported() -> None:
    violations = validate_exchange(_exchange({"warehouses": "nope"}))
    assert violations.response


def test_an_undeclared_status_is_reported() -> None:
    assert validate_exchange(_exchange({}, status=418)).response


def test_paths_map_to_their_spec_files() -> None:
    assert spec_for("/api/v1/supplier/orders", "GET") == "wb-reports.yaml"
    assert spec_for("/v4/posting/fbs/list", "POST") == "ozon-seller.json"
    assert spec_for("/nowhere", "GET") is None


def _roles_exchange(body: object) -> Exchange:
    return Exchange(
        method="POST",
        path="/v1/roles",
        query=[],
        request_headers={"client-id": "1", "api-key": "k", "content-type": "application/json"},
        request_body=b"{}",
        status=200,
        response_headers={"content-type": "application/json"},
        response_body=json.dumps(body).encode(),
    )


def test_roles_answers_are_checked_down_to_the_expiry_format() -> None:
    roles = [{"name": "Admin", "methods": ["/v1/roles"]}]
    assert spec_for("/v1/roles", "POST") == "ozon-seller.json"
    assert not validate_exchange(_roles_exchange({"expires_at": "2026-02-18T09:54:23.296Z"}))
    for wrong in ({"expires_at": "in six months", "roles": roles}, {"expires_at": 1788000000}):
        assert validate_exchange(_roles_exchange(wrong)).response
    assert validate_exchange(_roles_exchange({"roles": "Admin"})).response
