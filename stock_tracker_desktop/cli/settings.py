"""`stock-tracker settings [show] | settings set KEY VALUE`."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stock_tracker_desktop.cli.common import (
    EXIT_OK,
    echo,
    fail,
    print_json,
    run_in_core,
    translated_errors,
)

if TYPE_CHECKING:
    from stock_tracker_desktop.core import AppCore, Settings

_PARSERS: dict[str, Callable[[str], Any]] = {
    "concurrency": int,
    "window_days": int,
    "low_stock_days": float,
    "keep_snapshots": int,
    "keep_history_days": int,
    "language": str,
    "minimise_to_tray": lambda v: v.lower() in ("1", "true", "yes", "on"),
    "start_with_system": lambda v: v.lower() in ("1", "true", "yes", "on"),
    "max_rate_limit_wait": float,
    # A self-hosted licensing service ("" goes back to the build's; docs/licensing.md).
    "licence_base_url": str.strip,
    "licence_account": str.strip,
    "licence_public_key": str.strip,
}


def register(sub: argparse._SubParsersAction) -> None:
    settings = sub.add_parser("settings", help="show or change settings")
    commands = settings.add_subparsers(dest="settings_command", metavar="COMMAND")
    show = commands.add_parser("show", help="all settings (the default)")
    show.add_argument("--json", action="store_true")
    settings.set_defaults(handler=cmd_show, json=False)
    show.set_defaults(handler=cmd_show)
    change = commands.add_parser(
        "set",
        help="change one setting; schedule takes 'off', '4h' or '06:00,18:00'",
    )
    change.add_argument("key", choices=[*_PARSERS, "schedule", "timezone"])
    change.add_argument("value")
    change.set_defaults(handler=cmd_set)
    account = commands.add_parser(
        "service-account",
        help="the agency's default Google service account (for sellers without their own key)",
    )
    which = account.add_mutually_exclusive_group(required=True)
    which.add_argument("file", nargs="?", type=Path, help="the service account's JSON key file")
    which.add_argument("--clear", action="store_true", help="forget the default key")
    account.set_defaults(handler=cmd_service_account)


def cmd_show(args: argparse.Namespace) -> int:
    async def read(core: AppCore) -> tuple[Settings, str]:
        return await core.settings(), await core.default_service_account_email()

    settings, email = run_in_core(read)
    data = {**settings.as_json(), "default_service_account": email or None}
    if args.json:
        print_json(data)
        return EXIT_OK
    for key, value in data.items():
        shown = settings.schedule.describe() if key == "schedule" else value
        echo(f"{key:24} {'' if shown is None else shown}")
    return EXIT_OK


def cmd_set(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from stock_tracker_desktop.core import InvalidSetting
    from stock_tracker_desktop.domain.schedule import InvalidSchedule, Schedule

    async def change(core: AppCore) -> Settings:
        try:
            value: Any
            if args.key == "schedule":
                zone = (await core.settings()).schedule.timezone
                value = replace(Schedule.parse(args.value), timezone=zone)
            elif args.key == "timezone":
                current = (await core.settings()).schedule
                args.key, value = "schedule", replace(current, timezone=args.value)
            else:
                value = _PARSERS[args.key](args.value)
            return await core.update_settings(**{args.key: value})
        except (InvalidSetting, InvalidSchedule, ValueError) as exc:
            fail(str(exc))

    updated = run_in_core(change)
    shown = updated.schedule.describe() if args.key == "schedule" else getattr(updated, args.key)
    echo(f"{args.key} = {shown}")
    return EXIT_OK


def cmd_service_account(args: argparse.Namespace) -> int:
    from stock_tracker_desktop.user_files import SERVICE_ACCOUNT_KEY, read_user_file

    if args.clear:
        run_in_core(lambda core: core.clear_default_service_account())
        echo("the agency's default service account was removed")
        return EXIT_OK
    with translated_errors():  # before opening: a bad file changes nothing
        text = read_user_file(args.file, SERVICE_ACCOUNT_KEY)
    email = run_in_core(lambda core: core.set_default_service_account(text))
    echo(f"default service account: {email}; share sellers' sheets with it as editor")
    return EXIT_OK
