"""Commands typed on the sandbox page carry mentions the way Slack escapes them."""

from __future__ import annotations

from bot.sandbox.people import escape_mentions


def test_escape_mentions_turns_people_and_channels_into_slack_markup() -> None:
    typed = "late owner:@Ana Ruiz and @ben in #orders-emea"

    escaped = escape_mentions(typed)

    assert escaped == (
        "late owner:<@U0REP00001|ana> and <@U0REP00002|ben> in <#C0EMEA0001|orders-emea>"
    )


def test_escape_mentions_leaves_unknown_names_and_words_alone() -> None:
    typed = "customer Anabel Foods @nobody #nowhere email@ana.example"

    assert escape_mentions(typed) == typed
