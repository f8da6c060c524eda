"""`stock-tracker settings [show] | settings set KEY VALUE`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from stock_tracker_desktop.cli.common import (
    EXIT_OK,
    echo,
    fail,
    opened_context,
    print_json,
    translated_errors,
)

_PARSERS = {
    "concurrency": int,
    "window_days": int,
    "low_stock_days": float,
    "keep_snapshots": int,
    "keep_history_days": int,
    "language": str,
    "minimise_to_tray": lambda v: v.lower() in ("1", "true", "yes", "on"),
    "start_with_system": lambda v: v.lower() in ("1", "true", "yes", "on"),
    "max_rate_limit_wait": float,
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
    from stock_tracker_desktop.services.agency import default_service_account_email
    from stock_tracker_desktop.services.settings import SettingsService

    with opened_context() as ctx:
        settings = SettingsService(ctx).load()
        email = default_service_account_email(ctx)
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

    from stock_tracker_desktop.domain.schedule import InvalidSchedule, Schedule
    from stock_tracker_desktop.services.settings import InvalidSetting, SettingsService

    with opened_context() as ctx:
        service = SettingsService(ctx)
        try:
            value: Any
            if args.key == "schedule":
                zone = service.load().schedule.timezone
                value = replace(Schedule.parse(args.value), timezone=zone)
            elif args.key == "timezone":
                args.key, value = "schedule", replace(service.load().schedule, timezone=args.value)
            else:
                value = _PARSERS[args.key](args.value)
            updated = service.update(**{args.key: value})
        except (InvalidSetting, InvalidSchedule, ValueError) as exc:
            fail(str(exc))
    shown = updated.schedule.describe() if args.key == "schedule" else getattr(updated, args.key)
    echo(f"{args.key} = {shown}")
    return EXIT_OK


def cmd_service_account(args: argparse.Namespace) -> int:
    from stock_tracker_desktop.services import agency
    from stock_tracker_desktop.user_files import SERVICE_ACCOUNT_KEY, read_user_file

    text = ""
    if args.file is not None:
        with translated_errors():  # before opening: a bad file changes nothing
            text = read_user_file(args.file, SERVICE_ACCOUNT_KEY)
    with opened_context() as ctx, translated_errors():
        if args.clear:
            agency.clear_default_service_account(ctx)
            echo("the agency's default service account was removed")
            return EXIT_OK
        email = agency.set_default_service_account(ctx, text)
    echo(f"default service account: {email}; share sellers' sheets with it as editor")
    return EXIT_OK
