"""`stock-tracker license activate|status|deactivate|import` (docs/licensing.md).

The licence key comes from an environment variable or standard input, never from argv (any
user of the machine can read argv), and is kept in the vault.
"""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from stock_tracker_desktop.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    echo,
    print_json,
    run_in_core,
    secret_from,
)
from stock_tracker_desktop.domain.licence import LicenceState
from stock_tracker_desktop.domain.plans import Feature

if TYPE_CHECKING:
    from stock_tracker_desktop.core import LicenceUsage

FEATURE_WORDS = {
    Feature.SCHEDULES: "scheduled syncs",
    Feature.GOOGLE_SHEETS: "Google Sheets",
    Feature.TEAM: "team mode",
    Feature.ALERTS: "alerts",
}
WHAT_EACH_STATE_MEANS = {
    LicenceState.NONE: "no licence on this desktop: the Free plan applies",
    LicenceState.ACTIVE: "valid, confirmed by the licensing service",
    LicenceState.OFFLINE: "valid when last confirmed; the licensing service has not answered since",
    LicenceState.GRACE_OVER: "the licensing service has not confirmed the licence for too long",
    LicenceState.CLOCK_BACK: "the computer's clock was turned back; confirm the licence online",
    LicenceState.NOT_VALID: "the licensing service says the licence does not hold",
    LicenceState.MACHINE_FILE: "valid by an imported machine file (offline)",
    LicenceState.FILE_EXPIRED: "the imported machine file has expired",
}


def register(sub: argparse._SubParsersAction) -> None:
    license_ = sub.add_parser("license", help="the subscription: activate, check, free a seat")
    commands = license_.add_subparsers(dest="license_command", required=True, metavar="COMMAND")

    activate = commands.add_parser("activate", help="activate this desktop on a licence key")
    activate.add_argument(
        "--key-env", metavar="VAR", help="variable holding the licence key (else standard input)"
    )
    activate.set_defaults(handler=cmd_activate)

    status = commands.add_parser("status", help="the plan, its limits in use, the licence")
    status.add_argument("--json", action="store_true")
    status.set_defaults(handler=cmd_status)

    commands.add_parser(
        "deactivate", help="free this desktop's seat on the licence (the Free plan applies)"
    ).set_defaults(handler=cmd_deactivate)

    imported = commands.add_parser(
        "import", help="take an offline machine file from the licence portal (air-gapped)"
    )
    imported.add_argument("file", type=Path)
    imported.add_argument(
        "--key-env",
        metavar="VAR",
        help="variable holding the licence key (default: the key already activated here)",
    )
    imported.set_defaults(handler=cmd_import)


def cmd_activate(args: argparse.Namespace) -> int:
    key = secret_from(args.key_env, "licence key")
    usage = run_in_core(lambda core: core.licence.activate(key), writable=True, team_cycle=False)
    _show(usage)
    return EXIT_OK if usage.standing.holds else EXIT_FAILED


def cmd_status(args: argparse.Namespace) -> int:
    usage = run_in_core(lambda core: core.licence.refresh(), writable=True, team_cycle=False)
    if args.json:
        print_json(usage.as_json())
    else:
        _show(usage)
    # 1 when a licence is here but its plan does not apply (the Free one does): a script can
    # tell without reading the text.
    standing = usage.standing
    return EXIT_OK if standing.holds or standing.state is LicenceState.NONE else EXIT_FAILED


def cmd_deactivate(args: argparse.Namespace) -> int:
    usage = run_in_core(lambda core: core.licence.deactivate(), writable=True, team_cycle=False)
    echo("this desktop's seat on the licence is free; the Free plan applies here now")
    _show(usage)
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    key = secret_from(args.key_env, "licence key") if args.key_env else ""
    usage = run_in_core(
        lambda core: core.licence.import_file(args.file, key), writable=True, team_cycle=False
    )
    _show(usage)
    return EXIT_OK


def _show(usage: LicenceUsage) -> None:
    standing = usage.standing
    plan = standing.plan
    features = ", ".join(FEATURE_WORDS[f] for f in Feature if plan.has(f)) or "syncs by hand"
    echo(f"Plan:       {plan.title} ({WHAT_EACH_STATE_MEANS[standing.state]})")
    echo(f"Sellers:    {usage.sellers} of {plan.sellers}" + _paused(usage))
    echo(f"Features:   {features}; CSV and XLSX exports always")
    if standing.name or standing.code:
        code = f" [{standing.code}]" if standing.code else ""
        echo(f"Licence:    {standing.name or 'unnamed'}{code}: {standing.detail}".rstrip(": "))
    if standing.held is not None and standing.held != plan:
        echo(f"Licensed:   {standing.held.title} (applies again once confirmed)")
    if standing.expiry is not None:
        echo(f"Expires:    {_when(standing.expiry)}")
    if standing.max_machines is not None:
        echo(f"Machines:   at most {standing.max_machines} (team members count as machines)")
    if standing.last_check is not None:
        echo(f"Checked:    {_when(standing.last_check)}")
    if standing.grace_days_left is not None and standing.state is LicenceState.OFFLINE:
        echo(f"Grace:      {standing.grace_days_left} day(s) left without the licensing service")
    if standing.file_expiry is not None:
        echo(f"File until: {_when(standing.file_expiry)}")
    if standing.last_problem:
        echo(f"Last try:   {standing.last_problem}")


def _paused(usage: LicenceUsage) -> str:
    if not usage.paused:
        return ""
    return (
        f"; {usage.paused} paused beyond the limit (archive sellers or take them out of"
        " 'Sync all' to choose which)"
    )


def _when(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")
