"""Who may do what: admins (leads), reps and viewers, from Slack user and user-group ids."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from bot.services.core.errors import BacklogError


class Role(StrEnum):
    """A level of access; each level can do everything the ones below it can."""

    VIEWER = "viewer"
    REP = "rep"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return _RANKS[self]

    @property
    def holders(self) -> str:
        """Who holds this role or a higher one, for messages."""
        return _HOLDERS[self]


_RANKS = {Role.VIEWER: 0, Role.REP: 1, Role.ADMIN: 2}
_HOLDERS = {Role.VIEWER: "members", Role.REP: "reps and admins", Role.ADMIN: "admins"}


class PermissionDenied(BacklogError, PermissionError):
    """The user's role is below what the action needs."""

    def __init__(
        self, user_id: str, needed: Role, actual: Role, action: str = "change orders"
    ) -> None:
        super().__init__(
            f"Only {needed.holders} can {action}; you have {actual.value} access. "
            "Ask an admin (BACKLOG_ADMINS) to add you."
        )
        self.user_id = user_id
        self.needed = needed
        self.actual = actual


@dataclass
class RoleBook:
    """The configured roles; ids are Slack user ids (U…/W…) or user-group ids (S…).

    Slack does not say which groups a user is in when they click: callers pass the groups they
    know, and a job can keep `group_members` current (usergroups.users.list).
    """

    admins: frozenset[str] = frozenset()
    reps: frozenset[str] = frozenset()
    viewers: frozenset[str] = frozenset()
    default: Role = Role.REP
    group_members: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def role_of(self, user_id: str, group_ids: Collection[str] = ()) -> Role:
        """The highest role any of the user's ids is listed under; `default` when unlisted."""
        ids = {user_id, *group_ids, *self._groups_of(user_id)}
        for role, listed in (
            (Role.ADMIN, self.admins),
            (Role.REP, self.reps),
            (Role.VIEWER, self.viewers),
        ):
            if ids & listed:
                return role
        return self.default

    def require(
        self,
        user_id: str,
        needed: Role,
        group_ids: Collection[str] = (),
        action: str = "change orders",
    ) -> Role:
        """The user's role, or PermissionDenied when it is below `needed`."""
        actual = self.role_of(user_id, group_ids)
        if actual.rank < needed.rank:
            raise PermissionDenied(user_id, needed, actual, action)
        return actual

    def learn_groups(self, members: Mapping[str, Collection[str]]) -> None:
        """Replace what is known about user-group membership (group id -> user ids)."""
        self.group_members = {group: frozenset(users) for group, users in members.items()}

    def _groups_of(self, user_id: str) -> list[str]:
        return [group for group, users in self.group_members.items() if user_id in users]
