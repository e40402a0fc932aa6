"""mrkdwn on the sandbox page looks as the Slack client shows it."""

from __future__ import annotations

from bot.sandbox.render.mrkdwn import mrkdwn

PEOPLE = {"U0REP00001": "Ana Ruiz"}


def _html(text: str) -> str:
    return mrkdwn(text, PEOPLE, lambda channel: f"chan-{channel.lower()}")


def test_mrkdwn_bold_italic_strike_and_code() -> None:
    shown = _html("*late* _again_ ~gone~ `SO-1`")

    assert shown == "<b>late</b> <i>again</i> <s>gone</s> <code>SO-1</code>"


def test_mrkdwn_formatting_inside_words_stays_literal() -> None:
    shown = _html("a*b*c snake_case_name 2*3*4")

    assert "<b>" not in shown and "<i>" not in shown


def test_mrkdwn_mentions_channels_and_links() -> None:
    shown = _html(
        "<@U0REP00001> in <#C0EMEA0001> or <#C1|named>: <https://x.test/a?b=1&amp;c=2|the order>"
    )

    assert '<span class="mention">@Ana Ruiz</span>' in shown
    assert '<span class="mention">#chan-c0emea0001</span>' in shown
    assert '<span class="mention">#named</span>' in shown
    assert (
        '<a href="https://x.test/a?b=1&amp;c=2" target="_blank" rel="noopener">the order</a>'
        in shown
    )


def test_mrkdwn_dates_render_in_the_format_asked() -> None:
    shown = _html("<!date^1767225600^{date_short} at {time}|1 Jan 2026>")

    assert shown == "Jan 1, 2026 at 12:00 AM"


def test_mrkdwn_bad_date_shows_the_fallback() -> None:
    assert _html("<!date^soon^{date}|some day>") == "some day"


def test_mrkdwn_escapes_html_and_keeps_slack_escapes_as_characters() -> None:
    shown = _html("<script>x</script> &lt;b&gt; 5 &amp; 6")

    assert "<script>" not in shown
    assert "&lt;b&gt; 5 &amp; 6" in shown


def test_mrkdwn_quotes_code_blocks_newlines_and_emoji() -> None:
    shown = _html("> told the customer\n```a *not bold*```\n:warning: late")

    assert '<span class="quote">told the customer</span><br>' in shown
    assert "<pre>a *not bold*</pre>" in shown
    assert shown.endswith("⚠️ late")
