"""The sandbox's workspace: its people (one per role) and its channels."""

from __future__ import annotations

import re
from dataclasses import dataclass

# The command as manifest.yml declares it (tests/sandbox checks that they agree).
COMMAND = "/backlog"
USAGE_HINT = "help | ORDER_ID | mine | late | customer TEXT"
FEEDBACK_SHORTCUT = ("log_feedback", "Log customer feedback")
BOT_NAME = "Backlog Bot"


@dataclass(frozen=True)
class Person:
    """Someone the page can act as."""

    user_id: str
    name: str
    role: str  # admin, rep or viewer: set through BACKLOG_ADMINS / BACKLOG_VIEWERS


@dataclass(frozen=True)
class Channel:
    """A channel of the sandbox; `team` names the team whose order threads it holds."""

    channel_id: str
    name: str
    topic: str
    team: str | None = None


PEOPLE = (
    Person("U0REP00001", "Ana Ruiz", "rep"),
    Person("U0REP00002", "Ben Okafor", "rep"),
    Person("U0ADMIN001", "Ada Lin", "admin"),
    Person("U0VIEWER01", "Vic Moreau", "viewer"),
)
TEAMS = ("emea", "apac", "amer")
CHANNELS = (
    Channel("C0BACKLOG1", "backlog", "Where the team looks up orders and talks about them"),
    Channel("C0EMEA0001", "orders-emea", "Order threads of the EMEA team", "emea"),
    Channel("C0APAC0001", "orders-apac", "Order threads of the APAC team", "apac"),
    Channel("C0AMER0001", "orders-amer", "Order threads of the Americas team", "amer"),
    Channel("C0DIGEST01", "backlog-digests", "Scheduled digests of lagging orders"),
)
BACKLOG_CHANNEL = CHANNELS[0].channel_id
DIGEST_CHANNEL = CHANNELS[-1].channel_id


def person(user_id: str) -> Person:
    """The person with this id (the first one, a rep, for an unknown id)."""
    return next((p for p in PEOPLE if p.user_id == user_id), PEOPLE[0])


def names() -> dict[str, str]:
    """User id -> name, for the Web API's users.info and for mentions on the page."""
    return {p.user_id: p.name for p in PEOPLE}


def dm_channel(user_id: str) -> str:
    """The bot's DM with a user, as the Web API's conversations.open names it."""
    return "D" + user_id.lstrip("UW")


def channel_name(channel_id: str) -> str:
    """How the page names a channel id (a DM by its person)."""
    for channel in CHANNELS:
        if channel.channel_id == channel_id:
            return channel.name
    for p in PEOPLE:
        if dm_channel(p.user_id) == channel_id:
            return f"{BOT_NAME} (DM with {p.name})"
    return channel_id.lower()


def team_channels_setting() -> str:
    """TEAM_CHANNELS for the sandbox's bot."""
    return ",".join(f"{c.team}={c.channel_id}" for c in CHANNELS if c.team)


def escape_mentions(text: str) -> str:
    """What Slack sends for a command typed with mentions (manifest: should_escape):
    `@Ana Ruiz` or `@ana` becomes `<@U…|ana>`, `#orders-emea` becomes `<#C…|orders-emea>`."""
    for p in PEOPLE:
        first = p.name.split()[0]
        pattern = rf"(?<![\w.])@(?:{re.escape(p.name)}|{re.escape(first)})\b(?!\.\w)"
        text = re.sub(pattern, f"<@{p.user_id}|{first.lower()}>", text, flags=re.IGNORECASE)
    for c in CHANNELS:
        text = re.sub(
            rf"(?<![<\w])#{re.escape(c.name)}\b(?!-)", f"<#{c.channel_id}|{c.name}>", text
        )
    return text
