"""The names a team uses on its PostgreSQL server.

Roles are cluster-wide, so a team's roles are named after its database: several teams (or a
test per database) share one cluster without meeting, and nothing collides with the server's
other roles. Member logins are ``<prefix>_m_<name>``: one login per person.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

SCHEMA = "stock_tracker"
NOTIFY_CHANNEL = "stock_tracker"
_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")
_MEMBER_NAME = re.compile(r"[a-z][a-z0-9_]{0,29}")
# PostgreSQL truncates identifiers beyond 63 bytes; "_m_" and a 30-character name must fit.
MAX_PREFIX = 28


class TeamRole(StrEnum):
    """What a member may do, each including the ones before it."""

    VIEWER = "viewer"
    USER = "user"
    ADMIN = "admin"
    OWNER = "owner"

    @property
    def rank(self) -> int:
        return list(TeamRole).index(self)

    def allows(self, needed: TeamRole) -> bool:
        return self.rank >= needed.rank

    @property
    def syncs(self) -> bool:
        """Members who sync hold the team key (they read and write sellers' secrets)."""
        return self.allows(TeamRole.USER)


class InvalidMemberName(ValueError):
    pass


def role_prefix(database: str) -> str:
    """``Agency-Main`` → ``agency_main``: lower case, anything but a-z0-9_ as ``_``."""
    prefix = re.sub(r"[^a-z0-9_]", "_", database.lower())[:MAX_PREFIX]
    if not prefix or prefix[0].isdigit():
        prefix = f"t_{prefix}"[:MAX_PREFIX]
    return prefix


@dataclass(frozen=True, slots=True)
class RoleNames:
    prefix: str

    def __post_init__(self) -> None:
        if not _IDENTIFIER.fullmatch(self.prefix):
            raise ValueError(f"not a role prefix: {self.prefix!r}")

    @property
    def schema_owner(self) -> str:
        return f"{self.prefix}_schema"

    def group(self, role: TeamRole) -> str:
        return f"{self.prefix}_{role.value}"

    @property
    def groups(self) -> dict[TeamRole, str]:
        return {role: self.group(role) for role in TeamRole}

    def member(self, name: str) -> str:
        return f"{self.prefix}_m_{check_member_name(name)}"

    def member_name(self, login: str) -> str:
        """The person's name back from a login; "" for a role that is not a member login."""
        start = f"{self.prefix}_m_"
        return login[len(start) :] if login.startswith(start) else ""


def check_member_name(name: str) -> str:
    """A member's name as its login spells it: ``Anna`` → ``anna``."""
    normal = name.strip().lower()
    if not _MEMBER_NAME.fullmatch(normal):
        raise InvalidMemberName(
            f"{name!r} cannot name a member: use 1-30 letters a-z, digits and _, "
            "starting with a letter (for example anna or ivan_p)"
        )
    return normal


class TeamAction(StrEnum):
    CHANGE_SELLERS = "change sellers (add, edit, archive, delete)"
    SYNC = "sync sellers"
    READ_SECRETS = "read the sellers' tokens and keys"
    MANAGE_MEMBERS = "invite and revoke members"


NEEDED_ROLE = {
    TeamAction.CHANGE_SELLERS: TeamRole.ADMIN,
    TeamAction.SYNC: TeamRole.USER,
    TeamAction.READ_SECRETS: TeamRole.USER,
    TeamAction.MANAGE_MEMBERS: TeamRole.OWNER,
}


class RoleNeeded(PermissionError):
    """The server refused an action for this member's role; says which role it needs."""

    def __init__(self, action: TeamAction, have: TeamRole) -> None:
        self.action, self.have, self.needed = action, have, NEEDED_ROLE[action]
        super().__init__(
            f"to {action.value} a member needs the {self.needed.value} role; you are "
            f"{'an' if have.value[0] in 'aeio' else 'a'} {have.value} of this team: ask "
            "the team's owner"
        )
