"""Roles: who is an admin, a rep or a viewer, and what a refusal says."""

from __future__ import annotations

import pytest

from bot.services.core.roles import PermissionDenied, Role, RoleBook

BOOK = RoleBook(
    admins=frozenset({"UADMIN001", "SLEADS001"}),
    reps=frozenset({"UREP00001", "SSALES001"}),
    viewers=frozenset({"UVIEW0001", "WVIEW0002"}),
    default=Role.VIEWER,
)


@pytest.mark.parametrize(
    ("user", "groups", "role"),
    [
        ("UADMIN001", (), Role.ADMIN),
        ("UREP00001", (), Role.REP),
        ("WVIEW0002", (), Role.VIEWER),
        ("UNOBODY01", (), Role.VIEWER),  # unlisted: the default
        ("UNOBODY01", ("SSALES001",), Role.REP),
        ("UVIEW0001", ("SSALES001",), Role.REP),  # rep beats viewer
        ("UREP00001", ("SLEADS001",), Role.ADMIN),  # admin beats rep
    ],
)
def test_role_of_is_the_highest_role_of_the_user_or_their_groups(
    user: str, groups: tuple[str, ...], role: Role
):
    assert BOOK.role_of(user, groups) == role


def test_role_of_unlisted_user_is_the_default():
    book = RoleBook(default=Role.REP)

    assert book.role_of("UANYONE01") == Role.REP


def test_role_of_uses_learned_group_members():
    book = RoleBook(admins=frozenset({"SLEADS001"}), default=Role.VIEWER)

    book.learn_groups({"SLEADS001": ["UBOSS0001"]})

    assert (book.role_of("UBOSS0001"), book.role_of("UOTHER001")) == (Role.ADMIN, Role.VIEWER)


def test_require_returns_the_role_when_it_is_enough():
    assert BOOK.require("UADMIN001", Role.REP) == Role.ADMIN


def test_require_refuses_politely_when_the_role_is_too_low():
    with pytest.raises(PermissionDenied) as caught:
        BOOK.require("UVIEW0001", Role.REP)

    denied = caught.value
    assert (denied.user_id, denied.needed, denied.actual) == ("UVIEW0001", Role.REP, Role.VIEWER)
    assert denied.message == (
        "Only reps and admins can change orders; you have viewer access. "
        "Ask an admin (BACKLOG_ADMINS) to add you."
    )
