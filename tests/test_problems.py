"""Problems (domain/problems.py): a template for every code, the values their raise sites pass,
types that survive the database, and a Russian sentence for every template."""

from __future__ import annotations

import ast
import json
import re
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from stock_tracker_desktop.domain.models import ConnectionReport
from stock_tracker_desktop.domain.problems import (
    SUBJECTS,
    TEMPLATES,
    CallProblem,
    ParamValue,
    Problem,
    ProblemCode,
    Seconds,
    duration_words,
)
from stock_tracker_desktop.marketplaces import ozon_api, wildberries_api
from stock_tracker_desktop.marketplaces.endpoints import Endpoint
from stock_tracker_desktop.package_data import translations_dir
from stock_tracker_desktop.security.vault import MasterKeys, Vault
from stock_tracker_desktop.services.connection import report_as_json

PACKAGE = Path(__file__).resolve().parents[1] / "stock_tracker_desktop"
PLACEHOLDER = re.compile(r"\{(\w+)\}")
# The parameter the transport adds once retries ran out (see _Retryable.gave_up).
ADDED_ON_GIVING_UP = "attempts"


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def sample(name: str) -> ParamValue:
    """A value of the type a parameter of this name has at its raise sites."""
    typed: dict[str, ParamValue] = {
        "wait": Seconds(999999),
        "date": date(2026, 11, 30),
        "status": 401,
        "attempts": 4,
        "count": 11,
        "megabytes": 64,
        "checks": 60,
        "problem": Problem(ProblemCode.LICENCE_KEY_UNKNOWN),
    }
    return typed.get(name, f"<{name}>")


# ----- templates and raise sites ---------------------------------------------------------------


def test_every_code_has_one_template() -> None:
    assert set(TEMPLATES) == set(ProblemCode)
    assert all(text.strip() for text in TEMPLATES.values())


@pytest.mark.parametrize("code", list(ProblemCode), ids=str)
def test_a_template_filled_with_its_values_leaves_no_placeholder(code: ProblemCode) -> None:
    problem = Problem(code, {name: sample(name) for name in placeholders(TEMPLATES[code])})
    assert "{" not in problem.english() and "}" not in problem.english()
    assert str(problem) == problem.english()


def _raise_sites() -> list[tuple[str, ProblemCode, set[str] | None, bool]]:
    """Every ``Problem(ProblemCode.X, {...})`` in the package: where, which code, the keys of a
    literal dict (None for values built otherwise), and whether it is handed to _Retryable."""
    sites = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        retried = {
            id(arg)
            for node in ast.walk(tree)
            if isinstance(node, ast.Call) and _name(node.func) == "_Retryable"
            for arg in node.args
        }
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and _name(node.func) == "Problem" and node.args):
                continue
            first = node.args[0]
            if not (isinstance(first, ast.Attribute) and _name(first.value) == "ProblemCode"):
                continue  # a copy of another problem's code (redaction, giving up)
            keys = _literal_keys(node.args[1]) if len(node.args) > 1 else set()
            if keys is not None and len(node.args) > 1:
                # A subject such as "the tag {tag}" names a placeholder of its own.
                keys -= _subject_placeholders(node.args[1])
            where = f"{path.relative_to(PACKAGE.parent)}:{node.lineno}"
            sites.append((where, ProblemCode[first.attr], keys, id(node) in retried))
    return sites


def _name(node: ast.expr) -> str:
    return node.id if isinstance(node, ast.Name) else getattr(node, "attr", "")


def _subject_placeholders(values: ast.expr) -> set[str]:
    assert isinstance(values, ast.Dict)
    return {
        name
        for value in values.values
        if isinstance(value, ast.Constant) and value.value in SUBJECTS
        for name in placeholders(value.value)
    }


def _literal_keys(values: ast.expr) -> set[str] | None:
    if not isinstance(values, ast.Dict):
        return None
    keys = [key.value for key in values.keys if isinstance(key, ast.Constant)]
    if len(keys) != len(values.keys) or not all(isinstance(key, str) for key in keys):
        return None
    return set(keys)


def test_raise_sites_pass_exactly_the_values_their_template_names() -> None:
    sites = _raise_sites()
    assert len(sites) > 30  # the scan finds them (marketplaces, the factory, the vault...)
    wrong = []
    for where, code, keys, retried in sites:
        if keys is None:
            wrong.append(f"{where}: {code} with values that are no literal dict")
            continue
        expected = placeholders(TEMPLATES[code])
        if retried:
            keys = keys | {ADDED_ON_GIVING_UP}
        if keys != expected:
            wrong.append(f"{where}: {code} passes {sorted(keys)}, its template {sorted(expected)}")
    assert wrong == []


def test_templates_with_attempts_are_only_raised_once_retries_ran_out() -> None:
    for where, code, _, retried in _raise_sites():
        if ADDED_ON_GIVING_UP in placeholders(TEMPLATES[code]):
            assert retried, f"{where}: {code} is raised without the number of attempts"


# Where licensing/ hands a {what} on (unverified(check, what, ...), _Mismatch(check, what),
# _b64(value, what)): the second argument, always one of the catalogue's words.
WHAT_TAKERS = {"unverified", "_Mismatch", "_b64"}


def test_every_what_of_a_licensing_problem_is_in_the_catalogue() -> None:
    passed = []
    for path in sorted((PACKAGE / "licensing").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and _name(node.func) in WHAT_TAKERS):
                continue
            what, where = node.args[1], f"{path.name}:{node.lineno}"
            if isinstance(what, ast.Name | ast.Attribute):
                continue  # handed on (a _Mismatch's what): checked where it was written
            assert isinstance(what, ast.Constant), f"{where}: a {{what}} built at run time"
            passed.append((where, what.value))
    assert len(passed) > 10  # the scan finds them
    assert [(where, what) for where, what in passed if what not in SUBJECTS] == []


ENDPOINTS = [
    value
    for value in (
        *vars(ozon_api).values(),
        *vars(wildberries_api).values(),
        *wildberries_api.PING.values(),
    )
    if isinstance(value, Endpoint)
]


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda endpoint: endpoint.label)
def test_every_subject_of_a_method_is_in_the_catalogue(endpoint: Endpoint) -> None:
    """A {what} is one of the app's words, which the catalogue translates."""
    assert endpoint.subject in SUBJECTS


# ----- values --------------------------------------------------------------------------------


def test_a_json_round_trip_keeps_every_type() -> None:
    params: dict[str, ParamValue] = {
        "wait": Seconds(7325.5),
        "date": date(2026, 11, 30),
        "at": datetime(2026, 11, 30, 8, 20, 5, tzinfo=UTC),
        "status": 503,
        "share": 0.25,
        "detail": "signature of *** is invalid",
    }
    problem = Problem(ProblemCode.UNEXPECTED, params)
    stored = json.loads(json.dumps(problem.as_json()))
    back = Problem.from_json(stored)
    assert back == problem
    assert back is not None
    assert {name: type(value) for name, value in back.params.items()} == {
        "wait": Seconds,
        "date": date,
        "at": datetime,
        "status": int,
        "share": float,
        "detail": str,
    }
    moment = back.params["at"]
    assert isinstance(moment, datetime) and moment.tzinfo is not None


def test_a_problem_inside_another_is_worded_and_stored_with_it() -> None:
    """What a licence command met, inside what it did about it (services.licence)."""
    met = Problem(ProblemCode.LICENCE_FILE_EXPIRED, {"date": datetime(2026, 11, 30, 8, 0)})
    problem = Problem(ProblemCode.LICENCE_NOTHING_CHANGED, {"problem": met})
    assert problem.english() == (
        "the machine file expired on 2026-11-30 08:00 UTC; connect to the internet so the app"
        " can check the licence, or check out a new file; nothing was changed"
    )
    stored = json.loads(json.dumps(problem.as_json()))
    assert stored["params"]["problem"]["$problem"]["code"] == "licence_file_expired"
    assert Problem.from_json(stored) == problem
    assert len({problem, Problem(ProblemCode.LICENCE_NOTHING_CHANGED, {"problem": met})}) == 1
    # One of a newer version inside a known one: the outer one still reads.
    newer = {"code": "licence_nothing_changed", "params": {"problem": {"$problem": {}}}}
    back = Problem.from_json(newer)
    assert back is not None and back.code is ProblemCode.LICENCE_NOTHING_CHANGED


def test_unknown_codes_read_back_as_none() -> None:
    assert Problem.from_json({"code": "from_a_newer_version", "params": {}}) is None
    assert Problem.from_json({}) is None


def test_equal_problems_are_one() -> None:
    expired = Problem(ProblemCode.TOKEN_EXPIRED, {"date": date(2026, 11, 30)})
    again = Problem(ProblemCode.TOKEN_EXPIRED, {"date": date(2026, 11, 30)})
    assert tuple(dict.fromkeys([expired, again])) == (expired,)
    assert len({expired, Problem(ProblemCode.TOKEN_EXPIRED, {"date": date(2026, 12, 1)})}) == 2


def test_a_call_problem_names_its_method_first() -> None:
    expired = Problem(ProblemCode.TOKEN_EXPIRED, {"date": date(2026, 11, 30)})
    ping = CallProblem(expired.code, expired.params, endpoint="GET /ping")
    assert ping.english() == expired.english()  # the sentence a reader translates
    assert str(ping) == f"GET /ping: {expired.english()}"
    other = CallProblem(expired.code, expired.params, endpoint="GET /api/v1/seller-info")
    assert len({ping, other, ping}) == 2 and ping != expired


def test_a_connection_report_in_english_and_codes() -> None:
    refusal = CallProblem(
        ProblemCode.TOKEN_REFUSED, {"status": 401, "detail": ""}, endpoint="GET /ping"
    )
    gap = Problem(ProblemCode.NO_SANDBOX_SELLER_NAME)
    report = ConnectionReport(seller=None, problems=(refusal, gap), refusal=refusal)
    assert report.refused == "GET /ping: the marketplace refused the token (HTTP 401)"
    said = report_as_json(report)
    assert said["problems"] == [report.refused, "Wildberries has no sandbox for the seller's name"]
    assert said["problem_codes"] == ["token_refused", "no_sandbox_seller_name"]
    assert (said["refused"], said["refused_code"]) == (report.refused, "token_refused")
    fine = report_as_json(ConnectionReport(seller=None))
    assert (fine["refused"], fine["refused_code"], fine["problems"]) == (None, None, [])


@pytest.mark.parametrize(
    ("meta", "expected", "english"),
    [
        (
            {"store": "keyring", "keyring_backend": "FileKeyring"},
            Problem(ProblemCode.STORE_KEYRING, {"detail": "FileKeyring"}),
            "system keyring (FileKeyring)",
        ),
        (
            {"store": "keyring"},
            Problem(ProblemCode.STORE_KEYRING_UNKNOWN),
            "system keyring (unknown backend)",
        ),
        (
            {"store": "passphrase"},
            Problem(ProblemCode.STORE_PASSPHRASE),
            "passphrase (scrypt) in vault.json",
        ),
    ],
    ids=["keyring", "keyring-unknown", "passphrase"],
)
def test_where_the_vault_keeps_its_key(
    tmp_path: Path, meta: dict[str, str], expected: Problem, english: str
) -> None:
    vault = Vault(tmp_path, meta, MasterKeys(bytes(32)))
    assert vault.store_problem() == expected
    assert vault.describe_store() == english


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (5.0, "5 s"),
        (180.0, "3 min"),
        (7500.0, "2 h 5 min"),
        (3 * 3600 + 30, "3 h"),
        (999999.0, "12 days"),
        (1e308, "more than a year"),
        (float("inf"), "more than a year"),
    ],
)
def test_durations_in_english(seconds: float, words: str) -> None:
    assert duration_words(seconds) == words


# ----- the Russian catalogue -------------------------------------------------------------------


def _russian() -> dict[str, str]:
    """Source -> translation of context "Problems" in problems_ru.ts (finished ones only)."""
    root = ET.parse(translations_dir() / "problems_ru.ts").getroot()  # noqa: S314 (our own file)
    found = {}
    for context in root.iter("context"):
        if context.findtext("name") != "Problems":
            continue
        for message in context.iter("message"):
            translation = message.find("translation")
            if translation is None or translation.get("type") in ("unfinished", "obsolete"):
                continue
            found[message.findtext("source") or ""] = translation.text or ""
    return found


@pytest.mark.parametrize("code", list(ProblemCode), ids=str)
def test_every_template_has_russian_with_the_same_placeholders(code: ProblemCode) -> None:
    russian = _russian().get(TEMPLATES[code], "")
    assert russian.strip(), f"no Russian for {code}"
    assert placeholders(russian) == placeholders(TEMPLATES[code])
    assert russian != TEMPLATES[code]


def test_every_subject_has_russian() -> None:
    russian = _russian()
    assert all(russian.get(subject, "").strip() for subject in SUBJECTS)
