"""The tenant service: validation with clear messages, secrets only through the vault."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from stock_tracker_desktop.domain.models import Marketplace
from stock_tracker_desktop.domain.tenant_rules import InvalidTenant
from stock_tracker_desktop.services.context import AppContext
from stock_tracker_desktop.services.tenants import (
    TenantChanges,
    TenantDraft,
    TenantNotFound,
    TenantService,
)
from stock_tracker_desktop.storage.models import Tenant
from tests.support.tokens import wb_token

OZON_KEY = "0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"
SERVICE_ACCOUNT = json.dumps(
    {
        "type": "service_account",
        "client_email": "exporter@agency.iam.gserviceaccount.com",
        "private_key": "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n",
    }
)


def _wb(name: str = "Acme", **kwargs: object) -> TenantDraft:
    kwargs.setdefault("token", wb_token())
    return TenantDraft(name=name, marketplace=Marketplace.WILDBERRIES, **kwargs)


def _problems(exc: pytest.ExceptionInfo[InvalidTenant]) -> dict[str, str]:
    return {p.field: p.message for p in exc.value.problems}


def test_add_list_show(ctx: AppContext) -> None:
    service = TenantService(ctx)
    saved = service.add(_wb(tags=("vip", "moscow", "vip")))
    assert saved.warnings == ()
    service.add(
        TenantDraft(name="Oz", marketplace=Marketplace.OZON, client_id="123456", api_key=OZON_KEY)
    )
    names = [t.name for t in service.all()]
    assert names == ["Acme", "Oz"]
    acme = service.get("ACME")
    assert acme.tags == ("moscow", "vip")
    assert 178 <= (acme.token_days_left() or 0) <= 180
    oz = service.get("oz")
    assert oz.account_id == "123456"
    assert service.credentials("oz") == {"api_key": OZON_KEY, "client_id": "123456"}


def test_secrets_are_encrypted_inside_the_database(ctx: AppContext) -> None:
    token = wb_token()
    TenantService(ctx).add(TenantDraft(name="A", marketplace=Marketplace.WILDBERRIES, token=token))
    with ctx.sessions() as session:
        stored = session.scalars(select(Tenant)).one()
        assert token.encode() not in stored.credentials
        assert token not in repr(stored)


def test_empty_and_duplicate_names(ctx: AppContext) -> None:
    service = TenantService(ctx)
    with pytest.raises(InvalidTenant) as empty:
        service.add(_wb(name="   "))
    assert "empty" in _problems(empty)["name"]
    service.add(_wb(name="Acme"))
    with pytest.raises(InvalidTenant) as dup:
        service.add(_wb(name=" acme "))
    assert "already exists" in _problems(dup)["name"]
    service.set_archived("Acme", True)
    with pytest.raises(InvalidTenant) as archived:
        service.add(_wb(name="ACME"))
    assert "archived" in _problems(archived)["name"]


def test_wb_token_must_be_a_jwt(ctx: AppContext) -> None:
    with pytest.raises(InvalidTenant) as exc:
        TenantService(ctx).add(
            TenantDraft(name="A", marketplace=Marketplace.WILDBERRIES, token="not-a-token")
        )
    message = _problems(exc)["token"]
    assert "not a JWT" in message
    assert "not-a-token" not in message


def test_sandbox_flag_must_match_the_token(ctx: AppContext) -> None:
    service = TenantService(ctx)
    with pytest.raises(InvalidTenant) as exc:
        service.add(
            TenantDraft(name="S", marketplace=Marketplace.WILDBERRIES, token=wb_token(sandbox=True))
        )
    assert "--sandbox" in _problems(exc)["sandbox"]
    saved = service.add(
        TenantDraft(
            name="S",
            marketplace=Marketplace.WILDBERRIES,
            token=wb_token(sandbox=True),
            sandbox=True,
        )
    )
    assert saved.tenant.sandbox


def test_expired_token_and_missing_categories_are_warnings(ctx: AppContext) -> None:
    saved = TenantService(ctx).add(
        TenantDraft(
            name="Old", marketplace=Marketplace.WILDBERRIES, token=wb_token(days=-2, scope=1 << 1)
        )
    )
    text = " ".join(w.english() for w in saved.warnings)
    assert "expired on" in text
    assert "Analytics, Marketplace, Statistics" in text


def test_ozon_client_id_must_be_a_number(ctx: AppContext) -> None:
    with pytest.raises(InvalidTenant) as exc:
        TenantService(ctx).add(
            TenantDraft(name="O", marketplace=Marketplace.OZON, client_id="abc", api_key="short")
        )
    problems = _problems(exc)
    assert "is a number" in problems["client_id"]
    assert "api_key" in problems


def test_service_account_needs_email_and_key(ctx: AppContext) -> None:
    service = TenantService(ctx)
    with pytest.raises(InvalidTenant) as exc:
        service.add(_wb(service_account_json=json.dumps({"type": "service_account"})))
    assert "client_email and private_key" in _problems(exc)["service_account"]
    saved = service.add(_wb(service_account_json=SERVICE_ACCOUNT))
    assert saved.tenant.service_account_email == "exporter@agency.iam.gserviceaccount.com"


def test_edit_rename_token_tags_and_archive(ctx: AppContext) -> None:
    service = TenantService(ctx)
    service.add(_wb())
    service.add(_wb(name="Other"))
    with pytest.raises(InvalidTenant):
        service.edit("Acme", TenantChanges(name="other"))
    new_token = wb_token(days=30)
    saved = service.edit(
        "Acme", TenantChanges(name="Acme Ltd", token=new_token, tags=("a",), notes="n")
    )
    assert saved.tenant.name == "Acme Ltd"
    assert saved.tenant.tags == ("a",)
    assert 28 <= (saved.tenant.token_days_left() or 0) <= 30
    assert service.credentials("acme ltd")["token"] == new_token
    service.set_archived("Acme Ltd", True)
    assert [t.name for t in service.all()] == ["Other"]
    assert len(service.all(include_archived=True)) == 2
    service.remove("Acme Ltd")
    with pytest.raises(TenantNotFound, match="tenants list"):
        service.get("Acme Ltd")


def test_a_bad_edit_changes_nothing(ctx: AppContext) -> None:
    service = TenantService(ctx)
    token = wb_token()
    service.add(TenantDraft(name="A", marketplace=Marketplace.WILDBERRIES, token=token))
    with pytest.raises(InvalidTenant):
        service.edit("A", TenantChanges(token="garbage", notes="should not stick"))
    assert service.credentials("A")["token"] == token
    assert service.get("A").notes == ""


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("\x1b]0;pwned\x07Acme", "control characters"),
        ("Acme\x9b31m", "control characters"),
        ("Acme\u202egnp.exe", "text-direction control"),
        ("Acme\u2067", "text-direction control"),
        ("\u200b\u200d\ufeff", "only invisible characters"),
        ("\u3164 \u2800", "only invisible characters"),
        ("Acme\udcc3", "not valid UTF-8"),
    ],
)
def test_names_that_would_fool_a_screen_are_refused(ctx: AppContext, name: str, said: str) -> None:
    service = TenantService(ctx)
    with pytest.raises(InvalidTenant) as exc:
        service.add(_wb(name=name))
    assert said in _problems(exc)["name"]
    service.add(_wb(name="Acme"))
    with pytest.raises(InvalidTenant) as renamed:
        service.edit("Acme", TenantChanges(name=name))
    assert said in _problems(renamed)["name"]
    assert [t.name for t in service.all(include_archived=True)] == ["Acme"]


def test_tabs_and_line_breaks_in_a_name_collapse_into_spaces(ctx: AppContext) -> None:
    saved = TenantService(ctx).add(_wb(name=" Ромашка\tи\nко "))
    assert saved.tenant.name == "Ромашка и ко"


def test_tags_and_notes_must_be_text(ctx: AppContext) -> None:
    service = TenantService(ctx)
    with pytest.raises(InvalidTenant) as exc:
        service.add(_wb(tags=("vip", "\x1b[5mblink"), notes="bad \udcff byte"))
    problems = _problems(exc)
    assert "control characters" in problems["tags"]
    assert "not valid UTF-8" in problems["notes"]
    service.add(_wb(notes="line one\nline two\tand a tab"))
    with pytest.raises(InvalidTenant):
        service.edit("Acme", TenantChanges(tags=("\u202e",)))
    assert service.get("Acme").notes == "line one\nline two\tand a tab"


def test_check_draft_refuses_what_add_refuses_and_stores_nothing(ctx: AppContext) -> None:
    service = TenantService(ctx)
    assert service.check_draft(_wb(token=wb_token(scope=1 << 1))) != ()  # warnings only
    service.add(_wb())
    with pytest.raises(InvalidTenant) as exc:
        service.check_draft(_wb(name="ACME"))
    assert "already exists" in _problems(exc)["name"]
    assert [t.name for t in service.all()] == ["Acme"]


def test_a_name_that_is_not_text_names_no_tenant(ctx: AppContext) -> None:
    with pytest.raises(TenantNotFound, match=r"\\udcff"):
        TenantService(ctx).get("Acme\udcff")


@pytest.mark.parametrize("damage", ["\udcff", "ё"], ids=["undecodable-byte", "cyrillic"])
def test_a_token_with_characters_no_token_has_is_refused(ctx: AppContext, damage: str) -> None:
    with pytest.raises(InvalidTenant) as exc:
        TenantService(ctx).add(_wb(token=wb_token()[:-2] + damage))
    assert "characters no token has" in _problems(exc)["token"]
