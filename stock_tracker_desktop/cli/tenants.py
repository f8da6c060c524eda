"""`stock-tracker tenants ...`: add, list, show, edit, archive, remove, import."""

from __future__ import annotations

import argparse
import sys
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from stock_tracker_desktop.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    echo,
    fail,
    print_json,
    print_table,
    run_in_core,
    secret_from,
    translated_errors,
    warn,
)
from stock_tracker_desktop.domain.models import Marketplace

if TYPE_CHECKING:
    from stock_tracker_desktop.core import AppCore, TenantDraft, TenantView
    from stock_tracker_desktop.domain.models import ConnectionReport
    from stock_tracker_desktop.domain.wb_token import WbTokenInfo


def register(sub: argparse._SubParsersAction) -> None:
    tenants = sub.add_parser("tenants", help="add, list and change the sellers (tenants)")
    commands = tenants.add_subparsers(dest="tenants_command", required=True, metavar="COMMAND")

    add = commands.add_parser("add", help="add a tenant (secrets from an env variable or stdin)")
    add.add_argument("--name", required=True)
    add.add_argument("--marketplace", required=True, choices=[m.value for m in Marketplace])
    _secret_options(add)
    add.add_argument("--notes", default="")
    add.add_argument("--tag", action="append", default=[], help="a tag (repeatable)")
    add.add_argument("--disabled", action="store_true", help="add without scheduling syncs")
    add.add_argument(
        "--check",
        action="store_true",
        help="check the credentials with the marketplace first; not added if it refuses them",
    )
    add.add_argument(
        "--force", action="store_true", help="with --check: add even if the marketplace refuses"
    )
    add.add_argument("--json", action="store_true")
    add.set_defaults(handler=cmd_add)

    listing = commands.add_parser("list", help="list tenants")
    listing.add_argument("--all", action="store_true", help="include archived tenants")
    listing.add_argument("--tag", help="only tenants with this tag")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=cmd_list)

    check = commands.add_parser(
        "check", help="check a tenant's credentials with the marketplace (categories, seller)"
    )
    check.add_argument("name")
    check.add_argument("--json", action="store_true")
    check.set_defaults(handler=cmd_check)

    show = commands.add_parser("show", help="one tenant, with what its WB token says")
    show.add_argument("name")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=cmd_show)

    edit = commands.add_parser("edit", help="change a tenant")
    edit.add_argument("name")
    edit.add_argument("--rename", metavar="NEW_NAME")
    _secret_options(edit, editing=True)
    edit.add_argument("--no-sandbox", dest="sandbox", action="store_false")
    edit.add_argument("--notes")
    edit.add_argument("--tag", action="append", help="replace the tags (repeatable)")
    edit.add_argument("--clear-tags", action="store_true")
    edit.add_argument("--enable", dest="enabled", action="store_true", default=None)
    edit.add_argument("--disable", dest="enabled", action="store_false")
    edit.add_argument("--json", action="store_true")
    edit.set_defaults(handler=cmd_edit)

    for verb, archived in (("archive", True), ("unarchive", False)):
        parser = commands.add_parser(verb, help=f"{verb} a tenant (history is kept)")
        parser.add_argument("name")
        parser.set_defaults(handler=cmd_archive, archived=archived)

    remove = commands.add_parser("remove", help="delete a tenant with its history and snapshots")
    remove.add_argument("name")
    remove.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    remove.set_defaults(handler=cmd_remove)

    importer = commands.add_parser("import", help="add many tenants from a CSV file")
    importer.add_argument("file", type=Path)
    importer.add_argument(
        "--secrets", type=Path, help="JSON file {name: {token|api_key: ...}}, mode 0600"
    )
    importer.add_argument("--json", action="store_true")
    importer.set_defaults(handler=cmd_import)

    legacy = commands.add_parser(
        "import-legacy-env", help="add the tenant described by the predecessor's .env file"
    )
    legacy.add_argument("path", type=Path)
    legacy.add_argument("--name", help="tenant name (default: the .env file's folder name)")
    legacy.set_defaults(handler=cmd_import_legacy)


def _secret_options(parser: argparse.ArgumentParser, *, editing: bool = False) -> None:
    parser.add_argument("--token-env", metavar="VAR", help="WB token from this env variable")
    parser.add_argument("--client-id", help="Ozon Client-Id (not secret)")
    parser.add_argument("--api-key-env", metavar="VAR", help="Ozon API key from this env variable")
    parser.add_argument(
        "--service-account-file", type=Path, help="Google service-account JSON key (for sheets)"
    )
    parser.add_argument("--sandbox", action="store_true", default=None if editing else False)
    if editing:
        parser.add_argument(
            "--token-stdin", action="store_true", help="read a new WB token from stdin"
        )
        parser.add_argument(
            "--api-key-stdin", action="store_true", help="read a new Ozon API key from stdin"
        )


def _read_service_account(path: Path | None) -> str:
    """A Google service-account key file given by path, read as every user file is."""
    from stock_tracker_desktop.user_files import SERVICE_ACCOUNT_KEY, read_user_file

    if path is None:
        return ""
    with translated_errors():
        return read_user_file(path, SERVICE_ACCOUNT_KEY)


def cmd_add(args: argparse.Namespace) -> int:
    from stock_tracker_desktop.core import TenantDraft

    marketplace = Marketplace(args.marketplace)
    token = client_id = api_key = ""
    if marketplace is Marketplace.WILDBERRIES:
        if args.client_id or args.api_key_env:
            fail("--client-id and --api-key-env are for Ozon tenants; WB needs --token-env")
        token = secret_from(args.token_env, "WB token")
    else:
        if args.token_env:
            fail("--token-env is for WB tenants; Ozon needs --client-id and --api-key-env")
        if not args.client_id:
            fail("an Ozon tenant needs --client-id")
        client_id = args.client_id
        api_key = secret_from(args.api_key_env, "Ozon API key")
    draft = TenantDraft(
        name=args.name,
        marketplace=marketplace,
        token=token,
        client_id=client_id,
        api_key=api_key,
        sandbox=bool(args.sandbox),
        notes=args.notes,
        tags=tuple(args.tag),
        service_account_json=_read_service_account(args.service_account_file),
        enabled=not args.disabled,
    )
    return run_in_core(lambda core: _add(core, draft, args))


async def _add(core: AppCore, draft: TenantDraft, args: argparse.Namespace) -> int:
    report = await _check_before_adding(core, draft, force=args.force) if args.check else None
    saved = await core.add_tenant(draft)
    for warning in saved.warnings:
        warn(warning.english())
    if not args.json:
        echo(f"added {saved.tenant.name} ({saved.tenant.marketplace.value})")
    code = EXIT_OK
    if report is not None:
        await core.remember_seller(saved.tenant.name, report)
        code = _print_report(report, as_json=False, err=args.json)
    if args.json:
        print_json((await core.tenant(saved.tenant.name)).as_json())
    return code


async def _check_before_adding(
    core: AppCore, draft: TenantDraft, *, force: bool
) -> ConnectionReport:
    """Ask the marketplace before anything is stored: credentials it refuses are not added
    (unless ``force``), and what it said is the first line of the message."""
    report = await core.check_draft(draft)
    if report.refused and not force:
        fail(f"{report.refused}; the tenant was not added (--force adds it anyway)")
    return report


def cmd_check(args: argparse.Namespace) -> int:
    report = run_in_core(lambda core: core.check_tenant(args.name))
    return _print_report(report, as_json=args.json)


def _print_report(report: ConnectionReport, *, as_json: bool, err: bool = False) -> int:
    """Print a connection check (``err``: on stderr, to keep stdout for JSON); 0 when
    everything a sync needs works, else 1."""
    from stock_tracker_desktop.core import report_as_json

    if as_json:
        print_json(report_as_json(report))
    else:
        echo(f"Seller:     {report.seller.name if report.seller else 'unknown'}", err=err)
        echo(f"Granted:    {', '.join(report.granted) or 'none'}", err=err)
        echo(f"Missing:    {', '.join(report.missing) or 'none'}", err=err)
        if report.expires_at:
            echo(f"Expires:    {report.expires_at:%Y-%m-%d}", err=err)
        for problem in report.problems:
            echo(f"problem: {problem}", err=True)
    return EXIT_OK if report.ok else EXIT_FAILED


def _account(tenant: TenantView) -> str:
    """The seller as the marketplace names it; until a check or the first sync has asked, the
    Ozon Client-Id, said to be one."""
    if tenant.seller_name:
        return tenant.seller_name
    return f"Client-Id {tenant.account_id}" if tenant.account_id else ""


def cmd_list(args: argparse.Namespace) -> int:
    async def read(core: AppCore) -> tuple[list[TenantView], frozenset[uuid.UUID]]:
        return await core.tenants(include_archived=args.all), await core.licence.paused()

    tenants, paused = run_in_core(read)
    if args.tag:
        tenants = [t for t in tenants if args.tag in t.tags]
    if args.json:
        print_json([{**t.as_json(), "paused": t.id in paused} for t in tenants])
        return EXIT_OK
    if not tenants:
        echo("no tenants yet; add one with `stock-tracker tenants add`", err=True)
        return EXIT_OK
    print_table(
        ["NAME", "MARKETPLACE", "ACCOUNT", "TOKEN DAYS LEFT", "TAGS", "STATE"],
        [
            [
                t.name,
                t.marketplace.value + (" (sandbox)" if t.sandbox else ""),
                _account(t),
                t.token_days_left(),
                ", ".join(t.tags),
                _state(t, paused),
            ]
            for t in tenants
        ],
    )
    if paused:
        echo(
            f"{len(paused)} seller(s) paused beyond the plan's limit: their syncs wait, their"
            " data stays (`stock-tracker license status`)",
            err=True,
        )
    return EXIT_OK


def _state(tenant: TenantView, paused: frozenset[uuid.UUID]) -> str:
    if tenant.archived:
        return "archived"
    if tenant.id in paused:
        return "paused (plan)"
    return "enabled" if tenant.enabled else "disabled"


def cmd_show(args: argparse.Namespace) -> int:
    async def show(
        core: AppCore,
    ) -> tuple[TenantView, WbTokenInfo | None, frozenset[uuid.UUID]]:
        tenant = await core.tenant(args.name)
        wildberries = tenant.marketplace is Marketplace.WILDBERRIES
        info = await core.token_info(args.name) if wildberries else None
        return tenant, info, await core.licence.paused()

    tenant, info, paused = run_in_core(show)
    data = {**tenant.as_json(), "paused": tenant.id in paused}
    if info is not None:
        data["token"] = {
            "expires_at": info.expires_at.isoformat() if info.expires_at else None,
            "days_left": info.days_left(),
            "expired": info.expired(),
            "categories": list(info.categories),
            "missing": list(info.missing),
            "read_only": info.read_only,
            "sandbox": info.sandbox,
            "seller_id": info.seller_id,
        }
    if args.json:
        print_json(data)
        return EXIT_OK
    for label, key in (
        ("Name", "name"),
        ("Marketplace", "marketplace"),
        ("Ozon Client-Id", "account_id"),
        ("Seller", "seller_name"),
        ("Tags", "tags"),
        ("Notes", "notes"),
        ("Service account", "service_account_email"),
        ("Created", "created_at"),
    ):
        value = data.get(key)
        if value:
            echo(f"{label + ':':17}{', '.join(value) if isinstance(value, list) else value}")
    echo(f"{'State:':17}{_state(tenant, paused)}{' (sandbox)' if tenant.sandbox else ''}")
    if info is not None:
        expiry = f"{info.expires_at:%Y-%m-%d}" if info.expires_at else "no expiry in the token"
        left = info.days_left()
        status = "EXPIRED" if info.expired() else f"{left} days left"
        echo(f"{'Token expires:':17}{expiry} ({status})")
        echo(f"{'Categories:':17}{', '.join(info.categories) or 'none'}")
        missing = ", ".join(info.missing) or "none"
        echo(f"{'Missing:':17}{missing}")
        if info.read_only:
            echo(f"{'Access:':17}read-only")
    return EXIT_OK


def cmd_edit(args: argparse.Namespace) -> int:
    from stock_tracker_desktop.core import TenantChanges

    token = None
    if args.token_env or args.token_stdin:
        token = secret_from(args.token_env, "WB token")
    api_key = None
    if args.api_key_env or args.api_key_stdin:
        api_key = secret_from(args.api_key_env, "Ozon API key")
    tags = () if args.clear_tags else (tuple(args.tag) if args.tag else None)
    service_account = (
        _read_service_account(args.service_account_file) if args.service_account_file else None
    )
    changes = TenantChanges(
        name=args.rename,
        token=token,
        client_id=args.client_id,
        api_key=api_key,
        sandbox=args.sandbox,
        notes=args.notes,
        tags=tags,
        service_account_json=service_account,
        enabled=args.enabled,
    )
    saved = run_in_core(lambda core: core.edit_tenant(args.name, changes))
    for warning in saved.warnings:
        warn(warning.english())
    if args.json:
        print_json(saved.tenant.as_json())
    else:
        echo(f"saved {saved.tenant.name}")
    return EXIT_OK


def cmd_archive(args: argparse.Namespace) -> int:
    tenant = run_in_core(lambda core: core.set_archived(args.name, args.archived))
    echo(f"{'archived' if tenant.archived else 'unarchived'} {tenant.name}")
    return EXIT_OK


def cmd_remove(args: argparse.Namespace) -> int:
    if not args.yes:
        if not sys.stdin.isatty():
            fail("removing deletes the tenant's history too; confirm with --yes")
        answer = input(f"Delete {args.name!r} with all its history? Type its name to confirm: ")
        if answer.strip() != args.name:
            fail("not confirmed; nothing was deleted", EXIT_FAILED)
    run_in_core(lambda core: core.remove_tenant(args.name))
    echo(f"removed {args.name}")
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from stock_tracker_desktop.core.installation import read_import

    with translated_errors():  # a file that cannot be used fails before anything is opened
        source = read_import(args.file, args.secrets)
    report = run_in_core(lambda core: core.import_tenants(source))
    if args.json:
        print_json(report.as_json())
    else:
        for name in report.added:
            echo(f"added {name}")
        for line, message in report.failed:
            echo(f"{args.file.name}, line {line}: {message}", err=True)
        echo(f"{len(report.added)} added, {len(report.failed)} failed", err=True)
    return EXIT_FAILED if report.failed else EXIT_OK


def cmd_import_legacy(args: argparse.Namespace) -> int:
    from stock_tracker_desktop.core.installation import legacy_env_draft

    name = args.name or args.path.resolve().parent.name
    with translated_errors():
        draft = legacy_env_draft(args.path, name)
    saved = run_in_core(lambda core: core.add_tenant(draft))
    for warning in saved.warnings:
        warn(warning.english())
    echo(f"added {saved.tenant.name} from {args.path.name}")
    return EXIT_OK
