"""Roles granted to Slack user groups reach the groups' members."""

from __future__ import annotations

from slack_sdk.web.async_client import AsyncWebClient

from bot.jobs.core.role_groups import RoleGroupRefresh
from bot.sandbox.web_api import FakeSlack
from bot.services.core.roles import Role, RoleBook


def client(fake: FakeSlack) -> AsyncWebClient:
    return AsyncWebClient(token="xoxb-test", base_url=fake.base_url)


async def test_refresh_makes_group_members_hold_the_groups_role(fake_slack: FakeSlack):
    roles = RoleBook(admins=frozenset({"S0LEADS"}), viewers=frozenset({"U0GUEST1"}))
    fake_slack.set_response("usergroups.users.list", {"users": ["U0LEAD01", "U0LEAD02"]})

    await RoleGroupRefresh(roles, client(fake_slack)).refresh()

    assert roles.role_of("U0LEAD01") is Role.ADMIN
    assert roles.role_of("U0GUEST1") is Role.VIEWER
    assert fake_slack.last("usergroups.users.list").args["usergroup"] == "S0LEADS"


async def test_a_group_slack_will_not_list_keeps_what_was_known(fake_slack: FakeSlack):
    roles = RoleBook(reps=frozenset({"S0REPS"}), default=Role.VIEWER)
    refresh = RoleGroupRefresh(roles, client(fake_slack))
    fake_slack.set_response("usergroups.users.list", {"users": ["U0REP001"]})
    await refresh.refresh()
    fake_slack.fail_next("usergroups.users.list", error="missing_scope")

    await refresh.refresh()

    assert roles.role_of("U0REP001") is Role.REP


async def test_no_group_ids_means_no_slack_calls(fake_slack: FakeSlack):
    refresh = RoleGroupRefresh(RoleBook(admins=frozenset({"U0ADMIN1"})), client(fake_slack))

    await refresh.refresh()

    assert refresh.groups() == []
    assert fake_slack.calls_to("usergroups.users.list") == []
