"""`stock-tracker settings [show] | settings set KEY VALUE`."""

from __future__ import annotations

import argparse
from typing import Any

from stock_tracker_desktop.cli.common import EXIT_OK, fail, opened_context, print_json

_PARSERS = {
    "concurrency": int,
    "window_days": int,
    "low_stock_days": float,
    "keep_snapshots": int,
    "keep_history_days": int,
    "language": str,
    "minimise_to_tray": lambda v: v.lower() in ("1", "true", "yes", "on"),
    "start_with_system": lambda v: v.lower() in ("1", "true", "yes", "on"),
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


def cmd_show(args: argparse.Namespace) -> int:
    from stock_tracker_desktop.services.settings import SettingsService

    with opened_context() as ctx:
        settings = SettingsService(ctx).load()
    data = settings.as_json()
    if args.json:
        print_json(data)
        return EXIT_OK
    for key, value in data.items():
        shown = settings.schedule.describe() if key == "schedule" else value
        print(f"{key:18} {shown}")
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
    print(f"{args.key} = {shown}")
    return EXIT_OK
