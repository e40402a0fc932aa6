"""`/backlog` with any text Slack could send: an ephemeral answer in valid Block Kit, never a
5xx. The fuzzing user is a viewer, so no text may change anything: the data stays as it was."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.bootstrap.container import Services
from bot.sandbox.signing import SlackRequests
from tests.kit.common import checked_message
from tests.kit.fuzz import FUZZ, ORDER_IDS, REP, VIEWER, fingerprint
from tests.kit.running_bot import RunningBot

SUBCOMMANDS = st.sampled_from(
    [
        *("help", "order", "mine", "late", "customer", "sku", "supplier", "history", "sync"),
        *("eta", "contact", "note", "feedback", "feedback report", "feedback subscribe"),
        *("feedback unsubscribe", *ORDER_IDS),
    ]
)
# Words the parser reacts to, and the markup Slack puts into command text.
WORDS = st.sampled_from(
    [
        *ORDER_IDS, "so-100", "2026-12-01", "2026-02-30", "31/12/2026", "supplier_delay",
        *("status", "30d", "0d", "team:emea", "owner:", "supplier:\"Globex", "sku:", "mon"),
        "25:99",
        *("1e9", "-1", f"<@{REP}|ann>", f"<@{REP}>", "<#C0EMEA|emea>", "<#C0EMEA>", "<!here>"),
        *("<https://x.y|link>", "&lt;", "&gt;", "&amp;", '"', "'", "`", "*", "\\", "\t", "\n"),
        *("\x00", "\u202e", "\ufeff", "🙂"),
    ]
)  # fmt: skip
ANY_TEXT = st.text(st.characters(codec="utf-8"), max_size=80)
ARGUMENTS = st.lists(WORDS | ANY_TEXT, max_size=6).map(" ".join)
COMMAND_TEXT = st.tuples(SUBCOMMANDS, ARGUMENTS).map(" ".join) | ARGUMENTS
# Slack's message limit (40,000 characters) bounds what the composer can send.
SLACK_LIMIT = 40_000
LONG_TEXT = st.tuples(
    SUBCOMMANDS.map(lambda name: name + " ") | st.just(""),
    st.text(min_size=1, max_size=12),
    st.integers(1, 4_000),
    ANY_TEXT,
).map(lambda parts: (parts[0] + parts[1] * parts[2] + " " + parts[3])[:SLACK_LIMIT])


async def answer(bot: RunningBot, requests: SlackRequests, text: str) -> dict[str, object]:
    response = await bot.send(requests.slash_command(text, user_id=VIEWER))
    assert response.status_code == 200, response.text
    body = checked_message(response.json())
    assert body["response_type"] == "ephemeral"
    return body


@FUZZ
@given(text=COMMAND_TEXT | LONG_TEXT)
async def test_fuzz_backlog_command_answers_ephemerally_and_writes_nothing(
    bot: RunningBot, slack_requests: SlackRequests, services: Services, text: str
):
    before = await fingerprint(services)

    await answer(bot, slack_requests, text)

    assert await fingerprint(services) == before
    assert bot.fake.calls_to("chat.postMessage") == []


async def test_backlog_command_at_slacks_message_limit_is_answered(
    bot: RunningBot, slack_requests: SlackRequests, services: Services
):
    before = await fingerprint(services)

    body = await answer(bot, slack_requests, "note SO-1001 " + "x" * SLACK_LIMIT)

    assert "viewer access" in str(body["text"])
    assert await fingerprint(services) == before
