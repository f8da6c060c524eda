"""The failures of team actions a person can act on, and how to say them (the core turns
them into its ``TeamError``; nothing above ``team/`` sees psycopg)."""

from __future__ import annotations

import psycopg

from stock_tracker_desktop.team.connection import TeamConnectionError
from stock_tracker_desktop.team.invitation import InvitationError
from stock_tracker_desktop.team.membership import AlreadyInTeam, NotInTeam
from stock_tracker_desktop.team.names import InvalidMemberName
from stock_tracker_desktop.team.roles import TeamSetupError
from stock_tracker_desktop.team.team_key import TeamKeyError

ACTIONABLE: tuple[type[BaseException], ...] = (
    psycopg.Error,
    PermissionError,  # team.names.RoleNeeded: names the role the action needs
    TeamConnectionError,
    InvitationError,
    AlreadyInTeam,
    NotInTeam,
    InvalidMemberName,
    TeamSetupError,
    TeamKeyError,
)


def describe(exc: BaseException) -> str:
    if isinstance(exc, psycopg.OperationalError):
        lines = str(exc).strip().splitlines()
        detail = lines[-1].strip() if lines else type(exc).__name__
        return (
            f"the team's server could not be reached ({detail}): check that it runs and "
            "that this desktop may reach it; syncs go on here meanwhile"
        )
    if isinstance(exc, psycopg.Error):
        return f"the team's server refused: {exc.diag.message_primary or exc}"
    return str(exc)
