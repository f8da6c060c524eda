"""`stock-tracker team init|invite|join|status|members|revoke|retry|leave` (docs/team.md).

The connection string of ``init`` and the invitations' passphrases come from environment
variables or standard input, never from argv (any user of the machine can read argv).
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
    print_table,
    run_in_core,
    secret_from,
)

if TYPE_CHECKING:
    from stock_tracker_desktop.core import AppCore, FailedEntry, TeamStatus

ROLES = ("viewer", "user", "admin")


def register(sub: argparse._SubParsersAction) -> None:
    team = sub.add_parser("team", help="share sellers with the agency's other desktops")
    commands = team.add_subparsers(dest="team_command", required=True, metavar="COMMAND")

    init = commands.add_parser("init", help="set the team up on a PostgreSQL database (once)")
    init.add_argument(
        "--dsn-env",
        metavar="VAR",
        required=True,
        help="variable holding the connection string of a login that may create roles",
    )
    init.add_argument("--owner", metavar="NAME", required=True, help="your name in the team")
    init.add_argument(
        "--name", metavar="TEAM", default="", help="the team's name (default: the database's)"
    )
    init.set_defaults(handler=cmd_init)

    invite = commands.add_parser("invite", help="a login and an invitation file for one person")
    invite.add_argument("member", metavar="NAME")
    invite.add_argument("--role", choices=ROLES, required=True)
    invite.add_argument("--out", type=Path, required=True, metavar="FILE")
    invite.add_argument(
        "--passphrase-env", metavar="VAR", help="the invitation's passphrase (else standard input)"
    )
    invite.set_defaults(handler=cmd_invite)

    join = commands.add_parser("join", help="join the team an invitation file names")
    join.add_argument("file", type=Path)
    join.add_argument(
        "--passphrase-env", metavar="VAR", help="the invitation's passphrase (else standard input)"
    )
    join.set_defaults(handler=cmd_join)

    status = commands.add_parser("status", help="the team, this desktop's role, the backlog")
    status.add_argument("--json", action="store_true")
    status.set_defaults(handler=cmd_status)
    members = commands.add_parser("members", help="who is in the team, in which role")
    members.add_argument("--json", action="store_true")
    members.set_defaults(handler=cmd_members)
    revoke = commands.add_parser("revoke", help="drop a member's login and rotate the team key")
    revoke.add_argument("member", metavar="NAME")
    revoke.set_defaults(handler=cmd_revoke)
    commands.add_parser("retry", help="push again what the server refused").set_defaults(
        handler=cmd_retry
    )
    commands.add_parser("leave", help="this desktop leaves the team (its data stays)").set_defaults(
        handler=cmd_leave
    )


def cmd_init(args: argparse.Namespace) -> int:
    dsn = secret_from(args.dsn_env, "connection string")
    setup = run_in_core(
        lambda core: core.team.init(dsn, args.name, args.owner), writable=True, team_cycle=False
    )
    if setup.session is None:
        before = setup.revision_before or "none"
        echo(f"the team's schema is at revision {setup.revision} (was {before})")
        return EXIT_OK
    echo(
        f"the team is set up; this desktop is its owner and shared {setup.enqueued} local change(s)"
    )
    echo("invite the others: stock-tracker team invite NAME --role user --out NAME.invitation")
    return EXIT_OK


def cmd_invite(args: argparse.Namespace) -> int:
    from stock_tracker_desktop.core import TeamRole

    passphrase = secret_from(args.passphrase_env, "invitation passphrase")
    invitation = run_in_core(
        lambda core: core.team.invite(args.member, TeamRole(args.role), args.out, passphrase),
        team_cycle=False,
    )
    echo(
        f"wrote {args.out} for {args.member} ({args.role}), valid until "
        f"{_when(invitation.expires_at)}; tell them the passphrase another way"
    )
    return EXIT_OK


def cmd_join(args: argparse.Namespace) -> int:
    passphrase = secret_from(args.passphrase_env, "invitation passphrase")
    enqueued = run_in_core(
        lambda core: core.team.join(args.file, passphrase), writable=True, team_cycle=False
    )
    echo(f"joined the team; the team's sellers are here now ({enqueued} local change(s) shared)")
    echo(f"the invitation {args.file} opens nothing any more: delete it")
    return EXIT_OK


def cmd_status(args: argparse.Namespace) -> int:
    async def read(core: AppCore) -> tuple[TeamStatus | None, list[FailedEntry]]:
        status = await core.team.status()
        return status, await core.team.failed() if status is not None else []

    status, refused = run_in_core(read, team_cycle=False)
    if status is None:
        if args.json:
            print_json(None)
        else:
            echo("this desktop is in no team (`stock-tracker team join FILE` to join one)")
        return EXIT_OK
    data = status.as_json()
    if args.json:
        data["refused"] = [
            {
                "seller": entry.tenant,
                "kind": entry.kind.value,
                "failed_at": entry.failed_at.isoformat(timespec="seconds"),
                "error": entry.error,
            }
            for entry in refused
        ]
        print_json(data)
        return EXIT_OK
    backlog = status.backlog
    echo(f"Team:     {data['team']} on {data['server']}")
    echo(f"You:      {status.link.login} ({status.link.role})")
    echo(f"Pushed:   {_when(status.link.last_push_at)}   Pulled: {_when(status.link.last_pull_at)}")
    waiting = f"{backlog.pending} change(s) to push"
    if backlog.oldest is not None:
        waiting += f", the oldest from {_when(backlog.oldest)}"
    echo(f"Backlog:  {waiting}; {backlog.failed} refused (`team retry`)")
    for entry in refused:
        seller = entry.tenant or "a seller deleted here since"
        echo(f"Refused:  {seller} ({entry.kind.value}, {_when(entry.failed_at)}): {entry.error}")
    if status.link.server_away_since is not None:
        echo(
            f"Server:   away since {_when(status.link.server_away_since)}: {status.link.last_error}"
        )
        return EXIT_FAILED
    return EXIT_OK


def cmd_members(args: argparse.Namespace) -> int:
    members = run_in_core(lambda core: core.team.members(), team_cycle=False)
    if args.json:
        print_json(
            [
                {
                    "name": m.name,
                    "login": m.login,
                    "role": m.role.value,
                    "last_seen_at": m.last_seen_at,
                }
                for m in members
            ]
        )
        return EXIT_OK
    print_table(
        ["Name", "Role", "Login", "Last seen"],
        [(m.name, m.role.value, m.login, _when(m.last_seen_at)) for m in members],
    )
    return EXIT_OK


def cmd_revoke(args: argparse.Namespace) -> int:
    version = run_in_core(lambda core: core.team.revoke(args.member), team_cycle=False)
    echo(
        f"{args.member} is out of the team; the team key is now v{version}, and the sellers' "
        "tokens are sealed under it (rotate the tokens themselves too if you do not trust "
        "the member's copy)"
    )
    return EXIT_OK


def cmd_retry(args: argparse.Namespace) -> int:
    count = run_in_core(lambda core: core.team.retry_failed())
    echo(f"{count} refused change(s) will be pushed again")
    return EXIT_OK


def cmd_leave(args: argparse.Namespace) -> int:
    run_in_core(lambda core: core.team.leave(), writable=True, team_cycle=False)
    echo("this desktop left the team; its sellers and their history stay here as its own")
    return EXIT_OK


def _when(moment: datetime | None) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M") if moment else "never"
